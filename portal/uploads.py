"""Checks for uploaded personal documents: résumés and work-authorization documents.

A file is accepted only when its extension, its first bytes and a real parser agree on what
it is, so a renamed executable or a broken "PDF" never reaches storage. Files are stored under a
random name (see ``portal.models``) on private storage and served only by permission-checked
views.
"""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat

PDF = "pdf"
JPEG = "jpeg"
PNG = "png"
WORD = "docx"
EXCEL = "xlsx"
POWERPOINT = "pptx"
ZIP = "zip"
# Work students hand in: documents, images and archives.
WORK_KINDS = (PDF, WORD, EXCEL, POWERPOINT, JPEG, PNG, ZIP)

EXTENSIONS = {
    "pdf": PDF,
    "jpg": JPEG,
    "jpeg": JPEG,
    "png": PNG,
    "docx": WORD,
    "xlsx": EXCEL,
    "pptx": POWERPOINT,
    "zip": ZIP,
}
_ZIP_MAGIC = (b"PK\x03\x04",)
MAGIC = {
    PDF: (b"%PDF-",),
    JPEG: (b"\xff\xd8\xff",),
    PNG: (b"\x89PNG\r\n\x1a\n",),
    WORD: _ZIP_MAGIC,
    EXCEL: _ZIP_MAGIC,
    POWERPOINT: _ZIP_MAGIC,
    ZIP: _ZIP_MAGIC,
}
LABELS = {
    PDF: "PDF",
    JPEG: "JPEG",
    PNG: "PNG",
    WORD: "Word (.docx)",
    EXCEL: "Excel (.xlsx)",
    POWERPOINT: "PowerPoint (.pptx)",
    ZIP: "ZIP",
}
CONTENT_TYPES = {
    PDF: "application/pdf",
    JPEG: "image/jpeg",
    PNG: "image/png",
    WORD: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    EXCEL: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    POWERPOINT: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ZIP: "application/zip",
}
# An Office Open XML file is a ZIP whose main part sits in this folder.
_OOXML_FOLDERS = {WORD: "word/", EXCEL: "xl/", POWERPOINT: "ppt/"}
EMPTY_FILE = "This file is empty. Choose the file again."


def _kinds_label(kinds):
    labels = [LABELS[k] for k in kinds]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def _parses_as_pdf(upload):
    from pypdf import PdfReader

    upload.seek(0)
    try:
        reader = PdfReader(upload)
        if reader.is_encrypted:
            raise ValidationError(
                "This PDF is protected with a password. Upload a copy without a password.", code="encrypted"
            )
        return len(reader.pages) > 0
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - any parser failure means "not a usable PDF"
        return False
    finally:
        upload.seek(0)


def _parses_as_image(upload, kind):
    from PIL import Image

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image.verify()
            return image.format == {JPEG: "JPEG", PNG: "PNG"}[kind]
    except Exception:  # noqa: BLE001 - any decoder failure (or a decompression bomb) is a bad file
        return False
    finally:
        upload.seek(0)


def _parses_as_zip(upload, kind):
    """A readable ZIP archive; an Office file also holds its content types and main folder."""
    import zipfile

    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if archive.testzip() is not None:
                return False
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
        return False
    finally:
        upload.seek(0)
    folder = _OOXML_FOLDERS.get(kind)
    if folder is None:
        return bool(names)
    return "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)


def _parses(upload, kind):
    if kind == PDF:
        return _parses_as_pdf(upload)
    if kind in (JPEG, PNG):
        return _parses_as_image(upload, kind)
    return _parses_as_zip(upload, kind)


def validate_upload(upload, *, kinds, max_bytes):
    """Raise ``ValidationError`` with a message for the person unless ``upload`` is one of ``kinds``."""
    allowed = _kinds_label(kinds)
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    kind = EXTENSIONS.get(extension)
    if kind not in kinds:
        raise ValidationError(f"Upload a {allowed} file (this one is not).", code="extension")
    if not upload.size:
        raise ValidationError(EMPTY_FILE, code="empty")
    if upload.size > max_bytes:
        raise ValidationError(
            f"This file is {filesizeformat(upload.size)}; the limit is {filesizeformat(max_bytes)}.",
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(MAGIC[kind]):
        raise ValidationError(
            f"This file is named like a {LABELS[kind]} but its content is not one. Upload a real {allowed} file.",
            code="content",
        )
    if not _parses(upload, kind):
        raise ValidationError(
            f"This {LABELS[kind]} could not be opened; it may be damaged. Save or export it again and retry.",
            code="unreadable",
        )
    return kind


def private_file_response(field_file, *, filename):
    """A personal document as a download: never rendered inline, never sniffed, never cached."""
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = field_file.name.rsplit(".", 1)[-1].lower()
    content_type = CONTENT_TYPES.get(EXTENSIONS.get(extension), "application/octet-stream")
    response = FileResponse(handle, as_attachment=True, filename=f"{filename}.{extension}", content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response

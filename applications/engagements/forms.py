"""The engagement page's forms. Times are typed in the organization's zone (the view activates it)."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from portal.uploads import WORK_KINDS, validate_upload

from .models import Engagement, KickoffSlot

DATETIME_INPUT = "%Y-%m-%dT%H:%M"


class HttpsURLField(forms.URLField):
    default_validators = [URLValidator(schemes=["https"], message="Enter a link that starts with https://.")]

    def __init__(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class SlotsForm(forms.Form):
    """Two to five kick-off times, with one video link or place for all of them."""

    ROWS = Engagement.SLOTS_MAX

    video_url = HttpsURLField(label="Video link", required=False, max_length=500, help_text="For example a Zoom link.")
    location = forms.CharField(label="Or a place", required=False, max_length=200, help_text="Address and room.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        minutes = [(m, f"{m} minutes") for m in Engagement.SLOT_MINUTES]
        for i in range(1, self.ROWS + 1):
            self.fields[f"start_{i}"] = forms.DateTimeField(
                label=f"Time {i}",
                required=i <= Engagement.SLOTS_MIN,
                input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M"],
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
            )
            self.fields[f"minutes_{i}"] = forms.TypedChoiceField(
                label=f"Length of time {i}", choices=minutes, coerce=int, initial=30
            )

    def rows(self):
        return [(self[f"start_{i}"], self[f"minutes_{i}"]) for i in range(1, self.ROWS + 1)]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("video_url") and not (cleaned.get("location") or "").strip():
            self.add_error("video_url", "Give a video link or a place.")
        return cleaned

    def slots(self):
        data = self.cleaned_data
        return [
            {
                "starts_at": data[f"start_{i}"],
                "minutes": data[f"minutes_{i}"],
                "video_url": data.get("video_url", ""),
                "location": (data.get("location") or "").strip(),
            }
            for i in range(1, self.ROWS + 1)
            if data.get(f"start_{i}")
        ]


class BookForm(forms.Form):
    slot = forms.ModelChoiceField(
        label="Choose a time",
        queryset=KickoffSlot.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choose one of the times.", "invalid_choice": "Choose one of the times shown."},
    )

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = engagement.slots.filter(status=KickoffSlot.Status.OFFERED)


class RequestTimesForm(forms.Form):
    note = forms.CharField(
        label="When can you meet?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The supervisor reads this and offers new times.",
    )


class DueDateForm(forms.Form):
    due_on = forms.DateField(label="New due date", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="Reason", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class MilestonesForm(forms.Form):
    ROWS = Engagement.MAX_MILESTONES

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(1, self.ROWS + 1):
            self.fields[f"title_{i}"] = forms.CharField(label=f"Milestone {i}", required=False, max_length=120)
            self.fields[f"date_{i}"] = forms.DateField(
                label=f"Date of milestone {i}", required=False, widget=forms.DateInput(attrs={"type": "date"})
            )

    def rows(self):
        return [(self[f"title_{i}"], self[f"date_{i}"]) for i in range(1, self.ROWS + 1)]

    def clean(self):
        cleaned = super().clean()
        for i in range(1, self.ROWS + 1):
            title, day = cleaned.get(f"title_{i}"), cleaned.get(f"date_{i}")
            if title and not day and f"date_{i}" not in self.errors:
                self.add_error(f"date_{i}", "Give this milestone a date.")
            if day and not title:
                self.add_error(f"title_{i}", "Give this milestone a title.")
        return cleaned

    def milestones(self):
        data = self.cleaned_data
        return [
            {"title": data[f"title_{i}"], "due_on": data[f"date_{i}"]}
            for i in range(1, self.ROWS + 1)
            if data.get(f"title_{i}") and data.get(f"date_{i}")
        ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class SubmitWorkForm(forms.Form):
    MAX_FILES = 10

    url = HttpsURLField(label="Link to the work", required=False, max_length=500)
    note = forms.CharField(label="Note to the supervisor", required=False, max_length=4000, widget=forms.Textarea)
    files = MultipleFileField(
        label="Files",
        required=False,
        help_text="Optional: PDF, Word, Excel, PowerPoint, JPEG, PNG or ZIP; up to 20 MB each.",
    )

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        if len(files) > self.MAX_FILES:
            raise ValidationError(f"Attach at most {self.MAX_FILES} files; put more in a ZIP.")
        errors = []
        for upload in files:
            try:
                validate_upload(upload, kinds=WORK_KINDS, max_bytes=settings.WORK_FILE_MAX_BYTES)
            except ValidationError as error:
                errors.extend(f"{upload.name}: {message}" for message in error.messages)
        if errors:
            raise ValidationError(errors)
        return files

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("url")
            and not cleaned.get("files")
            and "url" not in self.errors
            and "files" not in self.errors
        ):
            self.add_error("url", "Give a link to the work or attach a file.")
        return cleaned


class ChangesForm(forms.Form):
    comment = forms.CharField(label="What should change?", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))


class VerifyForm(forms.Form):
    comment = forms.CharField(
        label="A word to the student (optional)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CancelForm(forms.Form):
    reason = forms.ChoiceField(label="Reason")
    message = forms.CharField(
        label="Message", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, reasons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", "Choose a reason")] + [(r.value, r.label) for r in reasons]

import json
import logging
from functools import wraps

from allauth.account.views import SignupView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services
from .data_rights import AccountDeletionBlocked, account_delete, account_delete_blockers, account_export
from .forms import DeleteAccountForm, ProfileForm
from .models import StudentProfile, User, WorkEligibility

logger = logging.getLogger(__name__)


@require_GET
def home(request):
    return render(request, "portal/home.html")


@login_required
def dashboard(request):
    user = request.user
    if user.is_staff:
        template = "portal/dashboard_staff.html"
    elif user.role == User.Role.EMPLOYER:
        template = "portal/dashboard_employer.html"
    else:
        template = "portal/dashboard_student.html"
    return render(request, template, {})


@never_cache
@require_GET
def healthz(request):
    """200 with a JSON body while the database answers; Redis is reported, not required."""
    checks = {}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - the probe reports any failure
        logger.error("healthz: database check failed: %s", type(exc).__name__)
        checks["database"] = "error"
        status = 503
    if settings.REDIS_URL:
        try:
            cache.set("healthz", "ok", 5)
            checks["redis"] = "ok" if cache.get("healthz") == "ok" else "error"
        except Exception as exc:  # noqa: BLE001
            logger.warning("healthz: redis check failed: %s", type(exc).__name__)
            checks["redis"] = "error"
    else:
        checks["redis"] = "not configured"
    return JsonResponse({"status": "ok" if status == 200 else "error", "checks": checks}, status=status)


class PortalSignupView(SignupView):
    """allauth's sign-up, with the role preselected from ``?role=`` (the home page's two ways in)."""

    def get_initial(self):
        initial = super().get_initial()
        role = self.request.GET.get("role")
        if role in (User.Role.STUDENT, User.Role.EMPLOYER):
            initial["role"] = role
        return initial


def student_required(view):
    """Signed in, and a student; anyone else gets 404 (the page is not theirs to know about)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_student:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@never_cache
@student_required
@require_http_methods(["GET", "POST"])
def profile(request):
    profile = services.profile_for(request.user)
    max_bytes = settings.RESUME_MAX_BYTES
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, max_resume_bytes=max_bytes)
        if form.is_valid():
            data = form.cleaned_data
            services.profile_update(
                user=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                program=data["program"],
                graduation_season=data["graduation_season"],
                graduation_year=data["graduation_year"],
                status=data["status"],
                linkedin_url=data["linkedin_url"],
                bio=data["bio"],
                is_adult=data["is_adult"],
                skills=[*data["core_skills"], *data["technical_skills"]],
                resume=data["resume"] or None,
            )
            messages.success(request, "Your profile is saved.")
            return redirect("portal:profile")
        messages.error(request, "Your profile is not saved yet: please correct the fields marked below.")
    else:
        form = ProfileForm(initial=ProfileForm.initial_for(profile), max_resume_bytes=max_bytes)
    missing = profile.missing()
    return render(
        request,
        "portal/profile.html",
        {"form": form, "profile": profile, "missing": missing, "completeness": profile.completeness(missing)},
    )


def _private_file_response(field_file, *, filename):
    """A personal document as a download: never rendered inline, never sniffed, never cached."""
    try:
        handle = field_file.storage.open(field_file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = field_file.name.rsplit(".", 1)[-1].lower()
    content_type = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}.get(
        extension, "application/octet-stream"
    )
    response = FileResponse(handle, as_attachment=True, filename=f"{filename}.{extension}", content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_GET
def resume(request, pk=None):
    """The résumé: ``/profile/resume/`` is the student's own; ``/profile/resume/<id>/`` is one
    student's for those allowed to see it. Everyone else gets 404, whoever they are."""
    profiles = StudentProfile.objects.visible_to(request.user).select_related("user")
    if pk is None:
        if not request.user.is_authenticated:
            raise Http404
        profile = get_object_or_404(profiles, user=request.user)
    else:
        profile = get_object_or_404(profiles, pk=pk)
    if not profile.resume:
        raise Http404
    return _private_file_response(profile.resume, filename="resume")


@never_cache
@require_GET
def eligibility_document(request, pk):
    record = get_object_or_404(WorkEligibility.objects.visible_to(request.user), pk=pk)
    if not record.document:
        raise Http404
    return _private_file_response(record.document, filename="work-authorization")


@never_cache
@student_required
@require_POST
def data_export(request):
    data = account_export(user=request.user)
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@sensitive_post_parameters("password")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    """Students and employers delete their own accounts; staff accounts are the admin's."""
    if not (request.user.is_student or request.user.is_employer):
        raise Http404
    form = DeleteAccountForm(request.POST or None, user=request.user)
    blockers = account_delete_blockers(user=request.user)
    if request.method == "POST" and not blockers and form.is_valid():
        try:
            account_delete(user=request.user)
        except AccountDeletionBlocked as exc:
            blockers = [str(exc)]
        else:
            logout(request)
            messages.success(request, "Your account is deleted. Thank you for using the portal.")
            return redirect("portal:home")
    return render(
        request,
        "portal/delete_account.html",
        {"form": form, "blockers": blockers},
        status=409 if blockers and request.method == "POST" else 200,
    )


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without a request context: this page must work when the database is down.
    return HttpResponseServerError(loader.get_template("500.html").render())

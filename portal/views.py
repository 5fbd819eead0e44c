import json
import logging

from allauth.account.views import SignupView
from csp.utils import build_policy
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import dashboards, services
from .access import student_required
from .data_rights import AccountDeletionBlocked, account_delete, account_delete_blockers, account_export
from .forms import DeleteAccountForm, NameForm, ProfileForm, TimeZoneForm
from .jinja_env import render_page
from .models import StudentProfile, User, WorkEligibility
from .uploads import private_file_response

logger = logging.getLogger(__name__)


@require_GET
def home(request):
    return render(request, "portal/home.html")


@login_required
def dashboard(request):
    """What needs this person now (portal/dashboards.py), each item a link."""
    user = request.user
    if user.is_staff:
        template, items = "portal/dashboard_staff.html", dashboards.staff_items(user)
    elif user.role == User.Role.EMPLOYER:
        template, items = "portal/dashboard_employer.html", dashboards.employer_items(user)
    else:
        template, items = "portal/dashboard_student.html", dashboards.student_items(user)
    return render_page(request, template, {"items": items})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def time_zone(request):
    """Anyone signed in chooses the zone their pages and emails show times in."""
    form = TimeZoneForm(request.POST or None, instance=request.user)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, "Saved: times are now shown in your zone.")
            return redirect("portal:time-zone")
        messages.error(request, "Not saved yet: please correct the field marked below.")
    return render(request, "portal/time_zone.html", {"form": form}, status=400 if form.errors else 200)


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
    probe = getattr(cache, "redis_ping", None)
    if settings.REDIS_URL and probe is not None:
        # The cache answers from memory while Redis is down; ask Redis itself.
        checks["redis"] = "ok" if probe() else "error"
    elif settings.REDIS_URL:
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
                programs=data["programs"],
                first_generation=ProfileForm.self_reported(data["first_generation"]),
                pell_eligible=ProfileForm.self_reported(data["pell_eligible"]),
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
    return private_file_response(profile.resume, filename="resume")


@never_cache
@require_GET
def eligibility_document(request, pk):
    record = get_object_or_404(WorkEligibility.objects.visible_to(request.user), pk=pk)
    if not record.document:
        raise Http404
    return private_file_response(record.document, filename="work-authorization")


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


def secure_headers(request, response):
    """The headers every page of ours carries, set by the view itself: an error raised inside
    a middleware (a bad Host header) skips the middlewares that would set them."""
    policy = build_policy()
    if policy:
        response.headers.setdefault("Content-Security-Policy", policy)
    response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", settings.SECURE_REFERRER_POLICY)
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if getattr(settings, "SECURE_HSTS_SECONDS", 0) and request.is_secure():
        response.headers.setdefault(
            "Strict-Transport-Security", f"max-age={settings.SECURE_HSTS_SECONDS}; includeSubDomains; preload"
        )
    return response


def _error_page(request, template, status, context=None):
    return secure_headers(request, render(request, template, context or {}, status=status))


def bad_request(request, exception):
    return _error_page(request, "400.html", 400)


def permission_denied(request, exception):
    return _error_page(request, "403.html", 403)


def csrf_failure(request, reason=""):
    """A form sent with a missing or stale CSRF token: usually a page left open too long, or
    signed out and in again in another tab. Said plainly, with the way back."""
    back = request.META.get("HTTP_REFERER", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        host = None
    if not (host and url_has_allowed_host_and_scheme(back, allowed_hosts={host}, require_https=request.is_secure())):
        back = ""
    return _error_page(request, "403_csrf.html", 403, {"back": back})


def uri_too_long(request):
    return _error_page(request, "414.html", 414)


@login_required
@require_http_methods(["GET", "POST"])
def account_name(request):
    user = request.user
    form = NameForm(request.POST or None, initial={"first_name": user.first_name, "last_name": user.last_name})
    if request.method == "POST" and form.is_valid():
        services.user_rename(user=user, **form.cleaned_data)
        messages.success(request, "Your name is saved.")
        return redirect("portal:account-name")
    return render(request, "portal/account_name.html", {"form": form}, status=400 if form.errors else 200)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without a request context: this page must work when the database is down.
    return HttpResponseServerError(loader.get_template("500.html").render())

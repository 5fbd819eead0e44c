import logging

from allauth.account.views import SignupView
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .models import User

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


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without a request context: this page must work when the database is down.
    return HttpResponseServerError(loader.get_template("500.html").render())

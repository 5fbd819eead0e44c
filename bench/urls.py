"""The portal's URLs plus ``/bench/bare/``; mounted only by ``bench.settings``, never in production."""

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from portal.urls import handler404, handler500  # noqa: F401
from portal.urls import urlpatterns as portal_urlpatterns


@require_GET
def bare(request):
    """The yardstick: Django's whole request cycle (every middleware) with nothing to do."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *portal_urlpatterns]

"""The portal's admin site: Django's, with list filters that cannot fail on a bad date.

A year such as ``?created_at__year=99999`` (or the last day of 9999 in the date hierarchy)
makes Django's changelist raise ``ValueError`` or ``OverflowError`` while it builds or runs the
query: a 500 for staff. Every model admin registered here gets a changelist that turns those
into Django's own "incorrect lookup" answer (back to the unfiltered list) with a message.
"""

from django.contrib import admin, messages
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList

BAD_FILTER = "That filter is not a valid date or value, so the list shows everything instead."


class SafeChangeList(ChangeList):
    def _refuse(self, request, exc):
        messages.error(request, BAD_FILTER)
        raise IncorrectLookupParameters(exc) from exc

    def get_queryset(self, request, *args, **kwargs):
        try:
            return super().get_queryset(request, *args, **kwargs)
        except (IncorrectLookupParameters, ValueError, OverflowError) as exc:
            self._refuse(request, exc)

    def get_results(self, request):
        try:
            return super().get_results(request)
        except (ValueError, OverflowError) as exc:
            self._refuse(request, exc)


class SafeChangeListMixin:
    def get_changelist(self, request, **kwargs):
        changelist = super().get_changelist(request, **kwargs)
        if changelist is ChangeList:
            return SafeChangeList
        return changelist


class PortalAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, SafeChangeListMixin):
            admin_class = type(
                admin_class.__name__, (SafeChangeListMixin, admin_class), {"__module__": admin_class.__module__}
            )
        return super().register(model_or_iterable, admin_class, **options)


class PortalAdminConfig(AdminConfig):
    default_site = "portal.admin_site.PortalAdminSite"

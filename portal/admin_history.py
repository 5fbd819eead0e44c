"""History pages for records whose state a service owns: staff read the history, never revert it.

django-simple-history's "Revert" saves an old version through the change form, around the
services: a verified eligibility record went back to pending with no email and no reason, and
reverting a superseded one broke the one-current-record rule (a 500). ``revert_disabled`` only
hides the button, so the POST that would save is refused as well.
"""

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin


class HistoryWithoutRevertAdmin(SimpleHistoryAdmin):
    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied("This record changes only through its actions; its history cannot be reverted.")
        return super().history_form_view(request, object_id, version_id, extra_context)

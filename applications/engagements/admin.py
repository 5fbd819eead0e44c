"""Engagements for career center staff: read, filter, export, and cancel a dispute (a service).

Nothing here edits an engagement: every field is read-only and the state changes only through
``services.engagement_cancel``, whose event records the staff member who cancelled.
"""

import csv
from datetime import timedelta

from django.contrib import admin
from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone

from portal.admin_reason import ReadOnlyInline, action_with_reason, event_inline

from ..admin import _csv_cell
from .models import Engagement, EngagementEvent, KickoffSlot, Milestone, Submission
from .services import engagement_cancel

Status = Engagement.Status
VERIFICATION_ALERT_DAYS = 7


class SubmissionInline(ReadOnlyInline):
    model = Submission
    fields = ["round", "submitted_at", "url", "note", "file_names", "outcome", "comment", "answered_by", "answered_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("answered_by").prefetch_related("files")

    @admin.display(description="Files")
    def file_names(self, obj):
        # Names and sizes only: the files themselves are served to the two parties.
        return ", ".join(f"{f.name} ({f.size:,} bytes)" for f in obj.files.all()) or "—"


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ["title", "due_on", "done_at"]
    readonly_fields = fields


class KickoffSlotInline(ReadOnlyInline):
    model = KickoffSlot
    fields = ["starts_at", "minutes", "location", "video_url", "status", "offered_by"]
    readonly_fields = fields
    verbose_name_plural = "kick-off times offered"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("offered_by")


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Past the due date, work not submitted")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(status__in=Engagement.WORKING, due_on__lt=timezone.localdate())
        return queryset


class AwaitingVerificationFilter(admin.SimpleListFilter):
    title = "awaiting verification"
    parameter_name = "awaiting"

    def lookups(self, request, model_admin):
        return [("late", f"For over {VERIFICATION_ALERT_DAYS} days")]

    def queryset(self, request, queryset):
        if self.value() == "late":
            since = timezone.now() - timedelta(days=VERIFICATION_ALERT_DAYS)
            return queryset.filter(status=Status.WORK_SUBMITTED, submitted_at__lte=since)
        return queryset


def _when(value):
    return value.isoformat() if value else ""


CSV_COLUMNS = [
    ("id", lambda e: e.pk),
    ("project", lambda e: e.project.title),
    ("organization", lambda e: e.project.organization.name),
    ("supervisor_email", lambda e: e.project.contact.email if e.project.contact else ""),
    ("student_email", lambda e: e.application.student.email),
    ("student_name", lambda e: e.application.student.get_full_name()),
    ("status", lambda e: e.get_status_display()),
    ("created", lambda e: _when(e.created_at)),
    ("kickoff", lambda e: _when(e.kickoff_at)),
    ("due_on", lambda e: _when(e.due_on)),
    ("rounds_submitted", lambda e: e.rounds),
    ("last_submitted", lambda e: _when(e.submitted_at)),
    ("completed", lambda e: _when(e.completed_at)),
    ("cancelled", lambda e: _when(e.cancelled_at)),
    ("cancel_reason", lambda e: e.get_cancel_reason_display() if e.cancel_reason else ""),
    ("cancel_message", lambda e: e.cancel_message),
]

RELATED = ["application__student", "project__organization", "project__contact"]


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    """Read-only for staff: students and organizations act on the engagement page; staff read,
    filter, export, and cancel (a dispute) with a reason both sides read."""

    list_display = ["__str__", "organization", "status", "kickoff_at", "due_on", "submitted_at", "overdue"]
    list_filter = [
        "status",
        OverdueFilter,
        AwaitingVerificationFilter,
        "project__organization",
        ("kickoff_at", admin.DateFieldListFilter),
    ]
    list_select_related = RELATED
    search_fields = [
        "application__student__email",
        "application__student__first_name",
        "application__student__last_name",
        "project__title",
    ]
    date_hierarchy = "kickoff_at"
    inlines = [KickoffSlotInline, MilestoneInline, SubmissionInline, event_inline(EngagementEvent)]
    actions = ["export_csv", "cancel"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Engagement._meta.fields if f.name != "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*RELATED, "kickoff")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # "change" lets staff cancel through the action; the form itself saves nothing.
        extra_context = {**(extra_context or {}), "show_save": False, "show_save_and_continue": False}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        pass

    @admin.display(description="Organization", ordering="project__organization__name")
    def organization(self, obj):
        return obj.project.organization.name

    @admin.display(description="Overdue", boolean=True)
    def overdue(self, obj):
        return obj.is_overdue

    @admin.action(description="Export selected engagements as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="engagements-{timezone.localdate():%Y-%m-%d}.csv"'
        writer = csv.writer(response)
        writer.writerow([name for name, _ in CSV_COLUMNS])
        rows = queryset.select_related(*RELATED).annotate(rounds=Count("submissions")).order_by("pk")
        for engagement in rows:
            writer.writerow([_csv_cell(get(engagement)) for _, get in CSV_COLUMNS])
        return response

    @admin.action(description="Cancel selected engagements (with a reason both sides read)", permissions=["change"])
    def cancel(self, request, queryset):
        return action_with_reason(
            self,
            request,
            queryset.select_related(*RELATED),
            title="Cancel engagements",
            apply=lambda engagement, reason: engagement_cancel(
                engagement=engagement, by=request.user, reason=Engagement.CancelReason.DISPUTE, message=reason
            ),
            done_message="{count} engagement(s) cancelled; both sides are told.",
        )

import csv

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe

from portal.transitions import TransitionError

from .models import Answer, Application, ApplicationEvent, ReviewRequest
from .services import application_review_answer


class AnswerInline(admin.StackedInline):
    model = Answer
    extra = 0
    fields = ["question", "text"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    extra = 0
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


CSV_COLUMNS = [
    ("id", lambda a: a.pk),
    ("project", lambda a: a.project.title),
    ("organization", lambda a: a.project.organization.name),
    ("student_email", lambda a: a.student.email),
    ("student_name", lambda a: a.student.get_full_name()),
    ("status", lambda a: a.get_status_display()),
    ("started", lambda a: a.created_at.isoformat()),
    ("submitted", lambda a: a.submitted_at.isoformat() if a.submitted_at else ""),
    ("offered", lambda a: a.offered_at.isoformat() if a.offered_at else ""),
    ("decided", lambda a: a.decided_at.isoformat() if a.decided_at else ""),
    ("reason_not_selected", lambda a: a.get_reason_display() if a.reason else ""),
]


def _csv_cell(value):
    """Spreadsheets run cells that start with these as formulas; a quote keeps them text."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read-only for staff: the state changes through the services only (students and employers
    act on their pages); staff read, filter and export."""

    # The application's page is the student's own (404 to staff): no "View on site" link.
    view_on_site = False
    list_display = ["__str__", "organization", "status", "submitted_at", "offered_at", "decided_at"]
    list_filter = ["status", "reason", ("submitted_at", admin.DateFieldListFilter), "project__organization"]
    list_select_related = ["project__organization", "student"]
    search_fields = ["student__email", "student__first_name", "student__last_name", "project__title"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "project",
        "student",
        "status",
        "created_at",
        "submitted_at",
        "offered_at",
        "offer_expires_at",
        "offer_reminded_at",
        "decided_at",
        "reason",
        "message",
    ]
    exclude = ["digested_at"]
    inlines = [AnswerInline, ApplicationEventInline]
    actions = ["export_csv"]

    @admin.display(description="Organization", ordering="project__organization__name")
    def organization(self, obj):
        return obj.project.organization.name

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Export selected applications as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="applications-{timezone.localdate():%Y-%m-%d}.csv"'
        writer = csv.writer(response)
        writer.writerow([name for name, _ in CSV_COLUMNS])
        for application in queryset.select_related("project__organization", "student").order_by("pk"):
            writer.writerow([_csv_cell(get(application)) for _, get in CSV_COLUMNS])
        return response


class ReviewQueueFilter(admin.SimpleListFilter):
    title = "answered"
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("no", "Waiting for an answer"), ("yes", "Answered")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(answered_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(answered_at__isnull=False)
        return queryset


class ReviewAnswerForm(forms.ModelForm):
    class Meta:
        model = ReviewRequest
        fields = ["comments"]

    def clean_comments(self):
        comments = self.cleaned_data["comments"].strip()
        if not comments:
            raise forms.ValidationError("Write the comments the student will read.")
        return comments


@admin.register(ReviewRequest)
class ReviewRequestAdmin(admin.ModelAdmin):
    """The draft-review queue: staff read the draft and answer with comments; saving the answer
    emails the student."""

    form = ReviewAnswerForm
    list_display = ["application", "student_email", "requested_at", "answered_at", "answered_by"]
    list_filter = [ReviewQueueFilter]
    list_select_related = ["application__project", "application__student", "answered_by"]
    search_fields = ["application__student__email", "application__project__title"]
    readonly_fields = ["application", "requested_at", "draft", "answered_at", "answered_by"]
    fields = ["application", "requested_at", "draft", "comments", "answered_at", "answered_by"]

    @admin.display(description="Student")
    def student_email(self, obj):
        return obj.application.student.email

    @admin.display(description="The draft")
    def draft(self, obj):
        answers = Answer.objects.filter(application=obj.application).select_related("question")
        return format_html_join(
            "",
            "<p><strong>{}</strong></p>{}",
            ((a.question.text, mark_safe(linebreaks(a.text, autoescape=True))) for a in answers),  # noqa: S308
        ) or format_html("<p>{}</p>", "No answers yet.")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_answered:
            return [*self.readonly_fields, "comments"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if "comments" not in form.cleaned_data:  # answered already: nothing to save
            return
        try:
            application_review_answer(review=obj, by=request.user, comments=form.cleaned_data["comments"])
        except TransitionError as exc:
            self.message_user(request, str(exc), messages.ERROR)


# Engagements register their own admin; imported last, as it reuses ``_csv_cell`` above.
from .completion import admin as completion_admin  # noqa: E402, F401  (registers its models)
from .engagements import admin as engagements_admin  # noqa: E402, F401

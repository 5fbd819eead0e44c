from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from . import outbox
from .admin_history import HistoryWithoutRevertAdmin
from .admin_reason import action_with_reason, apply_each
from .models import LearningResource, OutboundEmail, Skill, StudentProfile, User, WorkEligibility
from .organizations import admin as organizations_admin  # noqa: F401 - registers the organization admin
from .outbox import attachment_bytes
from .program_admin import ProgramChosenFilter, map_to_program
from .services import eligibility_approve, eligibility_reject


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "is_staff", "is_active", "date_joined"]
    list_filter = ["role", "is_staff", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["first_name", "last_name", "role"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "role", "password1", "password2"]})]
    # Career center staff may correct names and switch accounts off, nothing more: whoever can
    # set passwords, emails, groups or the superuser flag can make themselves (or anyone) an
    # administrator, or take over a student's account and its payroll details.
    staff_fieldsets = [
        (None, {"fields": ["email"]}),
        ("Person", {"fields": ["first_name", "last_name", "role"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    # The role too: an employer account is one that can join an organization, and joining goes
    # through the organization's invitations, not through staff.
    staff_readonly_fields = ["email", "role", "is_staff", "is_superuser", "groups", "last_login", "date_joined"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None or "role" not in form.base_fields:
            return form

        class RoleForm(form):
            def clean_role(self):
                role = self.cleaned_data["role"]
                if role == User.Role.EMPLOYER and self.instance.role != User.Role.EMPLOYER:
                    raise forms.ValidationError(
                        "An account becomes an employer by signing up as one and joining through an "
                        "organization's invitation, not here."
                    )
                return role

        return RoleForm

    def get_fieldsets(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.staff_fieldsets
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and not request.user.is_superuser:
            return self.staff_readonly_fields
        return super().get_readonly_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        # Other staff accounts are only the superusers' to change.
        if obj is not None and (obj.is_staff or obj.is_superuser) and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


class LearningResourceInline(admin.TabularInline):
    model = LearningResource
    extra = 1
    # Without a scheme, Django 5.2 warns on every form it builds (an error page in tests).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LearningResourceInline]


class EmailProblemFilter(admin.SimpleListFilter):
    title = "problem"
    parameter_name = "problem"

    def lookups(self, request, model_admin):
        return [
            ("failed", "Failed"),
            ("stuck", "Not sent an hour after it was due"),
            ("any", "Failed or stuck"),
        ]

    def queryset(self, request, queryset):
        stuck = outbox.stuck_emails()
        if self.value() == "failed":
            return queryset.filter(status=OutboundEmail.Status.FAILED)
        if self.value() == "stuck":
            return queryset.filter(pk__in=stuck.exclude(status=OutboundEmail.Status.FAILED).values("pk"))
        if self.value() == "any":
            return queryset.filter(pk__in=stuck.values("pk"))
        return queryset


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "status", "attempts", "sent_at"]
    list_filter = [EmailProblemFilter, "status", "kind"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    # The body may hold a one-time link (password reset), the headers an unsubscribe link:
    # staff see who and what, not the text.
    exclude = ["body_text", "body_html", "headers", "attachments"]
    readonly_fields = [
        "attached_files",
        "kind",
        "object_key",
        "recipient",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "claimed_until",
        "sent_at",
    ]

    def has_add_permission(self, request):
        return False

    @admin.display(description="attachments")
    def attached_files(self, obj):
        """Name and size of each file, never its content."""
        files = [f"{item['name']} ({len(attachment_bytes(item)):,} bytes)" for item in obj.attachments or []]
        return ", ".join(files) or "—"

    @admin.action(description="Retry: send again now (failed or stuck emails)")
    def retry_now(self, request, queryset):
        count = outbox.outbox_retry(emails=list(queryset))
        self.message_user(request, f"{count} email(s) queued again.", messages.SUCCESS)


class ResumePresentFilter(admin.SimpleListFilter):
    title = "résumé"
    parameter_name = "resume"

    def lookups(self, request, model_admin):
        return [("yes", "Résumé on file"), ("no", "No résumé")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(resume="")
        if self.value() == "no":
            return queryset.filter(resume="")
        return queryset


class EligibilityStateFilter(admin.SimpleListFilter):
    title = "eligibility"
    parameter_name = "eligibility"

    def lookups(self, request, model_admin):
        return [*WorkEligibility.Status.choices, ("none", "Not declared")]

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        current = WorkEligibility.objects.filter(student=OuterRef("user"), is_current=True)
        if value == "none":
            return queryset.filter(~Exists(current))
        return queryset.filter(Exists(current.filter(status=value)))


@admin.register(StudentProfile)
class StudentProfileAdmin(admin.ModelAdmin):
    list_display = ["student", "email", "program", "graduation_term_display", "status", "has_resume", "updated_at"]
    list_select_related = ["user"]
    list_filter = [
        "graduation_year",
        "status",
        ProgramChosenFilter,
        "programs__school",
        ResumePresentFilter,
        EligibilityStateFilter,
        "updated_at",
    ]
    search_fields = ["user__first_name", "user__last_name", "user__email", "program"]
    autocomplete_fields = ["skills", "programs"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ["user", "resume_link", "resume_uploaded_at", "adult_attested_at", "created_at", "updated_at"]
    # First-generation and Pell answers are private: staff see them only as counts of five or more.
    exclude = ["resume", "first_generation", "pell_eligible"]
    actions = [map_to_program]

    def has_add_permission(self, request):
        return False

    @admin.display(description="student", ordering="user__last_name")
    def student(self, obj):
        return obj.user.get_full_name()

    @admin.display(description="email", ordering="user__email")
    def email(self, obj):
        return obj.user.email

    @admin.display(description="graduation", ordering="graduation_year")
    def graduation_term_display(self, obj):
        return obj.graduation_term

    @admin.display(description="résumé", boolean=True)
    def has_resume(self, obj):
        return bool(obj.resume)

    @admin.display(description="résumé")
    def resume_link(self, obj):
        if not obj.resume:
            return "—"
        return format_html('<a href="{}">Download the résumé</a>', reverse("portal:resume-of", args=[obj.pk]))


class ExpiringSoonFilter(admin.SimpleListFilter):
    title = "authorization ends"
    parameter_name = "ends"

    def lookups(self, request, model_admin):
        return [("soon", f"Within {settings.ELIGIBILITY_REMINDER_DAYS} days"), ("past", "Already ended")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "soon":
            horizon = today + timedelta(days=settings.ELIGIBILITY_REMINDER_DAYS)
            return queryset.filter(ends_on__gte=today, ends_on__lte=horizon)
        if self.value() == "past":
            return queryset.filter(ends_on__lt=today)
        return queryset


class RejectForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The student reads this in an email; say what to upload instead.",
    )


@admin.register(WorkEligibility)
class WorkEligibilityAdmin(HistoryWithoutRevertAdmin):
    list_display = [
        "student",
        "basis",
        "status",
        "starts_on",
        "ends_on",
        "created_at",
        "is_current",
        "reviewed_by",
        "decided_at",
    ]
    list_select_related = ["student", "reviewed_by"]
    list_filter = ["status", "basis", "is_current", ExpiringSoonFilter]
    search_fields = ["student__email", "student__first_name", "student__last_name"]
    date_hierarchy = "created_at"
    actions = ["approve", "reject"]
    fields = [
        "student",
        "basis",
        "starts_on",
        "ends_on",
        "document_link",
        "status",
        "is_current",
        "created_at",
        "reviewed_by",
        "decided_at",
        "reason",
        "reminded_at",
    ]
    # Decisions go through the actions (which log and email); the record itself is not edited.
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("student", "reviewed_by")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<int:pk>/document/",
                self.admin_site.admin_view(self.document_view),
                name="portal_workeligibility_document",
            ),
            *super().get_urls(),
        ]

    def document_view(self, request, pk):
        from .uploads import private_file_response

        if not self.has_view_permission(request):
            raise PermissionDenied
        record = get_object_or_404(WorkEligibility, pk=pk)
        if not record.document:
            raise Http404
        return private_file_response(record.document, filename="work-authorization")

    @admin.display(description="document")
    def document_link(self, obj):
        if not obj.document:
            return "—"
        url = reverse("admin:portal_workeligibility_document", args=[obj.pk])
        return format_html('<a href="{}">Open the document</a>', url)

    @admin.action(description="Approve the selected pending declarations", permissions=["change"])
    def approve(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda record: eligibility_approve(record=record, by=request.user),
            done_message="{count} declaration(s) verified; the students are emailed.",
            label=lambda record: record.student,
        )

    @admin.action(description="Reject the selected pending declarations (asks for a reason)", permissions=["change"])
    def reject(self, request, queryset):
        return action_with_reason(
            self,
            request,
            queryset,
            title="Reject declarations",
            apply=lambda record, reason: eligibility_reject(record=record, by=request.user, reason=reason),
            done_message="{count} declaration(s) rejected; the students are emailed.",
            form_class=RejectForm,
            submit_label="Reject with this reason",
        )

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from portal.admin_history import HistoryWithoutRevertAdmin
from portal.admin_reason import action_with_reason, apply_each, event_inline
from portal.transitions import TransitionError

from .forms import ProjectAmendForm
from .models import Project, ProjectEvent, Question, SavedSearch
from .services import project_amend, project_publish, project_send_back


def _admin_editable(project):
    return project is None or project.status in Project.ADMIN_EDITABLE


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "text", "max_chars", "required"]

    # Students answer the questions of a listed project: they stay as they were asked.
    def has_add_permission(self, request, obj=None):
        return _admin_editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return _admin_editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _admin_editable(obj) and super().has_delete_permission(request, obj)


class ModerationQueueFilter(admin.SimpleListFilter):
    title = "moderation"
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return [("review", "Waiting for review"), ("unverified", "Organization not verified")]

    def queryset(self, request, queryset):
        if self.value() == "review":
            return queryset.filter(status=Project.Status.IN_REVIEW)
        if self.value() == "unverified":
            return queryset.exclude(organization__status="verified")
        return queryset


@admin.register(Project)
class ProjectAdmin(HistoryWithoutRevertAdmin):
    list_display = ["title", "organization", "organization_status", "status", "submitted_at", "apply_by", "fee"]
    list_filter = [ModerationQueueFilter, "status", "career_path", "remote"]
    list_select_related = ["organization"]
    search_fields = ["title", "summary", "organization__name"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["skills"]
    # The organization and its contact are the employer's to choose, not staff's.
    readonly_fields = [
        "organization",
        "contact",
        "slug",
        "status",
        "review_note",
        "created_by",
        "created_at",
        "submitted_at",
        "published_at",
        "published_by",
        "closed_at",
        "amend_link",
    ]
    inlines = [QuestionInline, event_inline(ProjectEvent)]
    actions = ["publish", "send_back", "amend"]

    def get_readonly_fields(self, request, obj=None):
        if _admin_editable(obj):
            return self.readonly_fields
        # Listed: the terms change only through "Amend published project" (project_amend).
        content = [f.name for f in [*Project._meta.fields, *Project._meta.many_to_many] if f.editable]
        return [*content, *self.readonly_fields]

    def get_urls(self):
        return [
            path(
                "<path:object_id>/amend/",
                self.admin_site.admin_view(self.amend_view),
                name="opportunities_project_amend",
            ),
            *super().get_urls(),
        ]

    @admin.display(description="Amend")
    def amend_link(self, obj):
        if not obj.pk or not obj.is_amendable:
            return "—"
        url = reverse("admin:opportunities_project_amend", args=[obj.pk])
        return format_html('<a href="{}">Amend published project</a> (fee, hours, openings, dates, text)', url)

    def amend_view(self, request, object_id):
        project = self.get_object(request, unquote(object_id))
        if project is None:
            raise Http404
        if not self.has_change_permission(request, project):
            raise PermissionDenied
        change_url = reverse("admin:opportunities_project_change", args=[project.pk])
        if not project.is_amendable:
            self.message_user(
                request, f"{project} is {project.get_status_display().lower()}; it cannot be amended.", messages.WARNING
            )
            return HttpResponseRedirect(change_url)
        form = ProjectAmendForm(request.POST if request.method == "POST" else None, instance=project)
        if form.is_bound and form.is_valid():
            try:
                amended = project_amend(
                    project=project, by=request.user, changes=form.project_changes(), note=form.cleaned_data["note"]
                )
            except TransitionError as exc:
                form.add_error(None, str(exc))
            else:
                self.message_user(request, f"{amended}: amended.", messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Amend {project}",
            "opts": self.model._meta,
            "original": project,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/opportunities/project/amend.html", context)

    @admin.action(description="Amend published project (one at a time)", permissions=["change"])
    def amend(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one project to amend.", messages.WARNING)
            return None
        return HttpResponseRedirect(reverse("admin:opportunities_project_amend", args=[queryset.get().pk]))

    @admin.display(description="Organization status", ordering="organization__status")
    def organization_status(self, obj):
        return obj.organization.get_status_display()

    @admin.action(description="Publish selected projects", permissions=["change"])
    def publish(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda project: project_publish(project=project, by=request.user),
            done_message="{count} project(s) published.",
        )

    @admin.action(description="Send selected projects back to the employer (with a reason)", permissions=["change"])
    def send_back(self, request, queryset):
        return action_with_reason(
            self,
            request,
            queryset,
            title="Send projects back",
            apply=lambda project, reason: project_send_back(project=project, by=request.user, reason=reason),
        )


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "active", "created_at", "last_digest_at"]
    list_filter = ["active"]
    list_select_related = ["user"]
    search_fields = ["name", "user__email"]
    readonly_fields = ["user", "name", "query", "created_at", "last_digest_at"]

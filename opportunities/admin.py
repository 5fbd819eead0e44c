from django.contrib import admin, messages

from portal.admin_reason import action_with_reason

from .models import Project, ProjectEvent, Question, SavedSearch
from .services import ProjectError, project_publish, project_send_back


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["position", "text", "max_chars", "required"]


class ProjectEventInline(admin.TabularInline):
    model = ProjectEvent
    extra = 0
    fields = ["at", "from_status", "to_status", "by", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


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
class ProjectAdmin(admin.ModelAdmin):
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
    ]
    inlines = [QuestionInline, ProjectEventInline]
    actions = ["publish", "send_back"]

    @admin.display(description="Organization status", ordering="organization__status")
    def organization_status(self, obj):
        return obj.organization.get_status_display()

    @admin.action(description="Publish selected projects", permissions=["change"])
    def publish(self, request, queryset):
        done = 0
        for project in queryset:
            try:
                project_publish(project=project, by=request.user)
            except ProjectError as exc:
                self.message_user(request, f"{project}: {exc}", messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} project(s) published.", messages.SUCCESS)

    @admin.action(description="Send selected projects back to the employer (with a reason)", permissions=["change"])
    def send_back(self, request, queryset):
        return action_with_reason(
            self,
            request,
            queryset,
            title="Send projects back",
            apply=lambda project, reason: project_send_back(project=project, by=request.user, reason=reason),
            error_class=ProjectError,
        )


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "active", "created_at", "last_digest_at"]
    list_filter = ["active"]
    list_select_related = ["user"]
    search_fields = ["name", "user__email"]
    readonly_fields = ["user", "name", "query", "created_at", "last_digest_at"]

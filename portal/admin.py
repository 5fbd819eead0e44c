from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils import timezone

from .models import LearningResource, OutboundEmail, Skill, User
from .organizations import admin as organizations_admin  # noqa: F401 - registers the organization admin


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


class LearningResourceInline(admin.TabularInline):
    model = LearningResource
    extra = 1


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [LearningResourceInline]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "created_at"
    actions = ["retry_now"]
    # The body may hold a one-time link (password reset): staff see who and what, not the text.
    exclude = ["body_text", "body_html"]
    readonly_fields = [
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

    @admin.action(description="Send again now (failed or pending emails)")
    def retry_now(self, request, queryset):
        from .tasks import send_outbound_email

        ids = list(
            queryset.filter(status__in=[OutboundEmail.Status.FAILED, OutboundEmail.Status.PENDING]).values_list(
                "pk", flat=True
            )
        )
        OutboundEmail.objects.filter(pk__in=ids).update(
            status=OutboundEmail.Status.PENDING, next_attempt_at=timezone.now(), attempts=0
        )
        for pk in ids:
            send_outbound_email.delay(pk)
        self.message_user(request, f"{len(ids)} email(s) queued again.", messages.SUCCESS)

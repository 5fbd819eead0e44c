from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from portal.admin_reason import action_with_reason
from portal.models import Invitation, Membership, Organization

from .services import OrganizationError, organization_suspend, organization_verify


class MembershipInline(admin.TabularInline):
    """Who belongs, to read only: people join through the organization's invitations (an owner
    invites, the invited address accepts), never by a staff edit that would open the
    organization's applicants to whoever staff picked."""

    model = Membership
    extra = 0
    fields = ["user", "role", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "status", "size", "industry", "state", "member_count", "created_at"]
    list_filter = ["status", "size", "state"]
    search_fields = ["name", "website", "industry", "memberships__user__email"]
    readonly_fields = ["slug", "status", "status_reason", "status_changed_at", "status_changed_by", "created_by"]
    fields = ["name", "slug", "website", "size", "industry", "state"] + readonly_fields[1:]
    inlines = [MembershipInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["verify", "suspend"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_members=Count("memberships"))

    @admin.display(description="Members", ordering="_members")
    def member_count(self, obj):
        return obj._members

    @admin.action(description="Verify selected organizations", permissions=["change"])
    def verify(self, request, queryset):
        done = 0
        for organization in queryset:
            try:
                organization_verify(organization=organization, by=request.user)
            except OrganizationError as exc:
                self.message_user(request, str(exc), messages.WARNING)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} organization(s) verified.", messages.SUCCESS)

    @admin.action(
        description="Suspend selected organizations (their projects leave the listings)", permissions=["change"]
    )
    def suspend(self, request, queryset):
        return action_with_reason(
            self,
            request,
            queryset,
            title="Suspend organizations",
            apply=lambda org, reason: organization_suspend(organization=org, by=request.user, reason=reason),
            error_class=OrganizationError,
        )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "invited_by", "created_at", "accepted_at"]
    list_select_related = ["organization", "invited_by"]
    search_fields = ["email", "organization__name"]
    exclude = ["token"]
    readonly_fields = ["organization", "email", "invited_by", "created_at", "accepted_at", "accepted_by"]

    def has_add_permission(self, request):
        return False

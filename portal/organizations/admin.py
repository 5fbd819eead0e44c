from django.contrib import admin
from django.db import models
from django.db.models import Count

from portal.admin_history import HistoryWithoutRevertAdmin
from portal.admin_reason import ReadOnlyInline, action_with_reason, apply_each
from portal.models import Invitation, Membership, Organization

from .services import organization_suspend, organization_verify


class MembershipInline(ReadOnlyInline):
    """Who belongs, to read only: people join through the organization's invitations (an owner
    invites, the invited address accepts), never by a staff edit that would open the
    organization's applicants to whoever staff picked."""

    model = Membership
    fields = ["user", "role", "created_at"]
    readonly_fields = fields


@admin.register(Organization)
class OrganizationAdmin(HistoryWithoutRevertAdmin):
    list_display = ["name", "status", "size", "industry", "state", "member_count", "created_at"]
    list_filter = ["status", "size", "state"]
    search_fields = ["name", "website", "industry", "memberships__user__email"]
    readonly_fields = ["slug", "status", "status_reason", "status_changed_at", "status_changed_by", "created_by"]
    fields = ["name", "slug", "website", "size", "industry", "state"] + readonly_fields[1:]
    inlines = [MembershipInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["verify", "suspend"]
    date_hierarchy = "created_at"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_members=Count("memberships"))

    @admin.display(description="Members", ordering="_members")
    def member_count(self, obj):
        return obj._members

    @admin.action(description="Verify selected organizations", permissions=["change"])
    def verify(self, request, queryset):
        apply_each(
            self,
            request,
            queryset,
            lambda organization: organization_verify(organization=organization, by=request.user),
            done_message="{count} organization(s) verified.",
        )

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

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from portal.models import Invitation, Membership, Organization
from portal.outbox import outbox_enqueue

INVITATION_DAYS = 14


class OrganizationError(Exception):
    """A change to an organization that its current state does not allow."""


def unique_slug(model, text, *, max_length=60, reserved=()):
    base = slugify(text)[:max_length].strip("-") or "item"
    slug = base
    while slug in reserved or model.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def organization_create(*, by, name, website, size, industry, state):
    """An employer creates an organization and becomes its owner; it waits for verification."""
    if not by.is_employer:
        raise OrganizationError("Only employer accounts can create an organization.")
    with transaction.atomic():
        if Membership.objects.filter(user=by).exists():
            raise OrganizationError("You already belong to an organization.")
        organization = Organization.objects.create(
            name=name,
            slug=unique_slug(Organization, name),
            website=website,
            size=size,
            industry=industry,
            state=state,
            created_by=by,
        )
        Membership.objects.create(organization=organization, user=by, role=Membership.Role.OWNER)
    return organization


def _set_status(*, organization, by, to, allowed_from, reason=""):
    with transaction.atomic():
        locked = Organization.objects.select_for_update().get(pk=organization.pk)
        if locked.status not in allowed_from:
            raise OrganizationError(f"{locked} is {locked.get_status_display().lower()}; it cannot be changed so.")
        locked.status = to
        locked.status_reason = reason
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = by
        # simple_history records who made the change from this attribute outside a request.
        locked._history_user = by
        locked.save(update_fields=["status", "status_reason", "status_changed_at", "status_changed_by"])
    return locked


def organization_verify(*, organization, by):
    """Staff vouch for a pending (or reinstate a suspended) organization."""
    return _set_status(
        organization=organization,
        by=by,
        to=Organization.Status.VERIFIED,
        allowed_from=[Organization.Status.PENDING, Organization.Status.SUSPENDED],
    )


def organization_suspend(*, organization, by, reason):
    """Staff suspend an organization: its projects leave the listings at once."""
    if not reason.strip():
        raise OrganizationError("Give a reason for the suspension.")
    return _set_status(
        organization=organization,
        by=by,
        to=Organization.Status.SUSPENDED,
        allowed_from=[Organization.Status.PENDING, Organization.Status.VERIFIED],
        reason=reason.strip(),
    )


def organization_invite(*, organization, by, email):
    """An owner invites someone by email; the link lets an employer account join."""
    email = email.strip().lower()
    if not Membership.objects.filter(organization=organization, user=by, role=Membership.Role.OWNER).exists():
        raise OrganizationError("Only an owner of the organization can invite people.")
    # Whether the address belongs to another organization is not the inviter's to learn: the
    # invitation goes out the same, and accepting it tells only its addressee why it cannot be.
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise OrganizationError("That person is already a member of your organization.")
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organization=organization, email=email, token=secrets.token_urlsafe(32), invited_by=by
        )
        outbox_enqueue(
            kind="organization-invitation",
            obj=invitation,
            recipient=email,
            template="organization-invitation",
            context={"invitation": invitation, "organization": organization, "inviter": by},
        )
    return invitation


def invitation_is_open(invitation):
    return invitation.accepted_at is None and invitation.created_at >= timezone.now() - timedelta(days=INVITATION_DAYS)


def invitation_accept(*, invitation, by):
    """The invited person joins as a member; the link works once and only for its address."""
    if not by.is_employer:
        raise OrganizationError("Sign in with an employer account to join an organization.")
    if by.email.lower() != invitation.email.lower():
        raise OrganizationError("This invitation was sent to another email address.")
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation_is_open(locked):
            raise OrganizationError("This invitation has been used or has expired; ask for a new one.")
        if Membership.objects.filter(user=by).exists():
            raise OrganizationError("You already belong to an organization.")
        membership = Membership.objects.create(organization=locked.organization, user=by, role=Membership.Role.MEMBER)
        locked.accepted_at = timezone.now()
        locked.accepted_by = by
        locked.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def membership_of(user):
    """The employer's membership with its organization, or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_employer:
        return None
    return Membership.objects.select_related("organization").filter(user=user).first()


def membership_make_owner(*, membership, by):
    """An owner makes another member an owner too: how an owner hands the organization over
    (before deleting their own account, for example). Owners stay owners."""
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("organization").get(pk=membership.pk)
        if not Membership.objects.filter(
            organization=locked.organization, user=by, role=Membership.Role.OWNER
        ).exists():
            raise OrganizationError("Only an owner of the organization can make someone an owner.")
        if locked.is_owner:
            raise OrganizationError(f"{locked.user.get_full_name() or locked.user.email} is already an owner.")
        locked.role = Membership.Role.OWNER
        locked.save(update_fields=["role"])
    return locked

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from portal import emails
from portal.models import Invitation, Membership, Organization, User
from portal.transitions import TransitionError, transition

INVITATION_DAYS = 14


def unique_slug(model, text, *, max_length=60, reserved=()):
    base = slugify(text)[:max_length].strip("-") or "item"
    slug = base
    while slug in reserved or model.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def organization_create(*, by, name, website, size, industry, state, time_zone=None):
    """An employer creates an organization and becomes its owner; it waits for verification."""
    if not by.is_employer:
        raise TransitionError("Only employer accounts can create an organization.")
    with transaction.atomic():
        if Membership.objects.filter(user=by).exists():
            raise TransitionError("You already belong to an organization.")
        organization = Organization.objects.create(
            name=name,
            slug=unique_slug(Organization, name),
            website=website,
            size=size,
            industry=industry,
            state=state,
            time_zone=time_zone or settings.TIME_ZONE,
            created_by=by,
        )
        Membership.objects.create(organization=organization, user=by, role=Membership.Role.OWNER)
        _take_zone(by, organization)
    return organization


def _take_zone(user, organization):
    """A member without a zone of their own sees times in the organization's."""
    if not user.time_zone:
        User.objects.filter(pk=user.pk).update(time_zone=organization.time_zone)
        user.time_zone = organization.time_zone


def _set_status(*, organization, by, to, allowed_from, verb, reason=""):
    """Organizations keep their trail in their history (django-simple-history), not events."""
    with transaction.atomic():
        return transition(
            organization,
            to=to,
            allowed=allowed_from,
            verb=verb,
            by=by,
            event=False,
            status_reason=reason,
            status_changed_at=timezone.now(),
            status_changed_by=by,
        )


def organization_verify(*, organization, by):
    """Staff vouch for a pending (or reinstate a suspended) organization; its members are told."""
    with transaction.atomic():
        organization = _set_status(
            organization=organization,
            by=by,
            to=Organization.Status.VERIFIED,
            allowed_from=[Organization.Status.PENDING, Organization.Status.SUSPENDED],
            verb="verified",
        )
        emails.organization_verified(organization)
    return organization


def organization_suspend(*, organization, by, reason):
    """Staff suspend an organization: its projects leave the listings at once; its members are
    told why."""
    if not reason.strip():
        raise TransitionError("Give a reason for the suspension.")
    with transaction.atomic():
        organization = _set_status(
            organization=organization,
            by=by,
            to=Organization.Status.SUSPENDED,
            allowed_from=[Organization.Status.PENDING, Organization.Status.VERIFIED],
            verb="suspended",
            reason=reason.strip(),
        )
        emails.organization_suspended(organization)
    return organization


def organization_invite(*, organization, by, email):
    """An owner invites someone by email; the link lets an employer account join."""
    email = email.strip().lower()
    if not Membership.objects.filter(organization=organization, user=by, role=Membership.Role.OWNER).exists():
        raise TransitionError("Only an owner of the organization can invite people.")
    # Whether the address belongs to another organization is not the inviter's to learn: the
    # invitation goes out the same, and accepting it tells only its addressee why it cannot be.
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        raise TransitionError("That person is already a member of your organization.")
    with transaction.atomic():
        invitation = Invitation.objects.create(
            organization=organization, email=email, token=secrets.token_urlsafe(32), invited_by=by
        )
        emails.organization_invitation(invitation, inviter=by)
    return invitation


def invitation_is_open(invitation):
    return invitation.accepted_at is None and invitation.created_at >= timezone.now() - timedelta(days=INVITATION_DAYS)


def invitation_accept(*, invitation, by):
    """The invited person joins as a member; the link works once and only for its address."""
    if not by.is_employer:
        raise TransitionError("Sign in with an employer account to join an organization.")
    if by.email.lower() != invitation.email.lower():
        raise TransitionError("This invitation was sent to another email address.")
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation_is_open(locked):
            raise TransitionError("This invitation has been used or has expired; ask for a new one.")
        if Membership.objects.filter(user=by).exists():
            raise TransitionError("You already belong to an organization.")
        membership = Membership.objects.create(organization=locked.organization, user=by, role=Membership.Role.MEMBER)
        _take_zone(by, locked.organization)
        locked.accepted_at = timezone.now()
        locked.accepted_by = by
        locked.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def membership_make_owner(*, membership, by):
    """An owner makes another member an owner too: how an owner hands the organization over
    (before deleting their own account, for example). Owners stay owners."""
    with transaction.atomic():
        locked = Membership.objects.select_for_update().select_related("organization").get(pk=membership.pk)
        if not Membership.objects.filter(
            organization=locked.organization, user=by, role=Membership.Role.OWNER
        ).exists():
            raise TransitionError("Only an owner of the organization can make someone an owner.")
        if locked.is_owner:
            raise TransitionError(f"{locked.user.get_full_name() or locked.user.email} is already an owner.")
        locked.role = Membership.Role.OWNER
        locked.save(update_fields=["role"])
    return locked

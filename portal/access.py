"""Who may see and do what: the one place for the rules that views, services and templates ask.

- A *student* is an account with the student role and no admin access (``User.is_student``):
  someone with admin access is staff, never a student, on every student page alike (profile,
  eligibility, payroll, applications, engagements).
- An *employer* acts for the one organization they are a member of.
- Career center *staff* work in the admin, with the permissions of their group.

Which rows a person may see is decided by each model's ``visible_to(user)`` (or, for the
organization's side, ``managed_by``/``for_employer``) queryset; views get rows through those
and answer 404 for anything else, so a page never says that something it hides exists.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from .models import Membership, User
from .transitions import TransitionError


def reader(user):
    """What the rules read of a person, for queries compiled once per kind of reader
    (``portal.prepared``): (role, admin access); (None, False) for an anonymous visitor."""
    if not getattr(user, "is_authenticated", False):
        return (None, False)
    return (user.role, user.is_staff)


def reader_as(role, is_staff, pk):
    """A stand-in for a person of the kind ``reader`` gives, with primary key ``pk``: what the
    ``visible_to`` querysets read to build such a query."""
    if role is None:
        return AnonymousUser()
    return User(pk=pk, role=role, is_staff=is_staff)


def is_member(user, organization_id):
    """Whether ``user`` is an employer in the organization ``organization_id``."""
    return (
        user is not None
        and user.is_authenticated
        and user.is_employer
        and Membership.objects.filter(organization_id=organization_id, user=user).exists()
    )


def membership_of(user):
    """The employer's membership with its organization, or None."""
    if not getattr(user, "is_authenticated", False) or not user.is_employer:
        return None
    return Membership.objects.select_related("organization").filter(user=user).first()


def member_organization_id(user):
    """The id of the organization ``user`` is a member of, or None (no query when cached)."""
    if not getattr(user, "is_authenticated", False) or not user.is_employer:
        return None
    try:
        return user.membership.organization_id
    except Membership.DoesNotExist:
        return None


def is_moderator(user, perm):
    """Career center staff holding ``perm`` (an ``app.codename`` permission)."""
    return user is not None and user.is_authenticated and user.is_staff and user.has_perm(perm)


# For services: refuse with a message the person can read.


def require_member(user, organization_id, message="Only members of the project's organization can do this."):
    if not is_member(user, organization_id):
        raise TransitionError(message)


def require_person(user, person_id, message):
    if user is None or user.pk != person_id:
        raise TransitionError(message)


def require_moderator(user, perm, message):
    if not is_moderator(user, perm):
        raise TransitionError(message)


# For views: everyone else gets 404 (the page is not theirs to know about).


def student_required(view):
    """Signed in, and a student."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_student:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def employer_membership_or_404(request):
    """The signed-in employer's membership (None before they join one); anyone else gets 404.
    Every employer page starts here."""
    if not request.user.is_employer:
        raise Http404
    return membership_of(request.user)

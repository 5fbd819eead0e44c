"""Saved searches and projects in "Download my data" and "Delete my account" (see
``portal.data_rights``).

A deleted account's searches go with it: nothing is kept, and no digest is mailed to the
anonymous shell that stays behind. An employer's organization keeps its projects: those the
person was the contact of pass to an owner who stays. The last member of an organization closes
it first: no project of it may still be a draft, in review or open to applications.
"""

from portal.models import Membership

from .models import Project, SavedSearch

OPEN_STATUSES = [Project.Status.DRAFT, Project.Status.IN_REVIEW, Project.Status.PUBLISHED]


def export(user):
    return {
        "saved_searches": [
            {
                "name": search.name,
                "query": search.query,
                "emailed": search.active,
                "saved_at": search.created_at.isoformat(),
                "last_digest_at": search.last_digest_at.isoformat(),
            }
            for search in SavedSearch.objects.filter(user=user).order_by("created_at", "pk")
        ]
    }


def erase_blocker(user):
    membership = Membership.objects.select_related("organization").filter(user=user).first()
    if membership is None:
        return None
    organization = membership.organization
    if Membership.objects.filter(organization=organization).exclude(user=user).exists():
        return None
    still_open = Project.objects.filter(organization=organization, status__in=OPEN_STATUSES).count()
    if still_open:
        return (
            f"You are the last member of {organization.name}, so close it first: close or cancel its "
            f"{still_open} project{'s' if still_open != 1 else ''} still in progress (drafts, in review or open to "
            "applications) on My projects. Its closed projects and their history stay."
        )
    return None


def erase(user):
    SavedSearch.objects.filter(user=user).delete()
    # Projects the person was the contact of pass to an owner who stays (the earliest), or any
    # member; with nobody left the closed projects keep the anonymous shell.
    for project in Project.objects.filter(contact=user).select_related("organization"):
        heir = (
            Membership.objects.filter(organization_id=project.organization_id)
            .exclude(user=user)
            .order_by("-role", "created_at", "pk")  # "owner" sorts after "member": owners first
            .select_related("user")
            .first()
        )
        if heir is not None:
            project.contact = heir.user
            project.save(update_fields=["contact", "updated_at"])

"""Every change to a project, a saved search or a digest: one function per action."""

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.core import signing
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from portal.models import Membership, Organization, Skill
from portal.organizations.services import unique_slug
from portal.outbox import outbox_enqueue

from .events import project_cancelled
from .models import SEARCH_CONFIG, Project, ProjectEvent, Question, SavedSearch, SavedSearchHit
from .search import encode_filters, parse_params, search_projects

Status = Project.Status
UNSUBSCRIBE_SALT = "opportunities.saved-search.unsubscribe"
DIGEST_MAX_PROJECTS = 20


class ProjectError(Exception):
    """A change that the project's state, or the person asking, does not allow."""


def project_refresh_search(*, projects):
    """Recompute the stored search vector: title (A), skills and summary (B), description and
    deliverables (C). One UPDATE for any number of projects; nothing to do off PostgreSQL."""
    if connection.vendor != "postgresql":
        return 0
    skill_names = (
        Skill.objects.filter(projects=OuterRef("pk"))
        .order_by()
        .values("projects")
        .annotate(names=StringAgg("name", delimiter=" "))
        .values("names")
    )
    vector = (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector(Subquery(skill_names), "summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("description", "deliverables", weight="C", config=SEARCH_CONFIG)
    )
    return projects.update(search_vector=vector)


def _is_member(user, organization_id):
    return (
        user is not None
        and user.is_authenticated
        and Membership.objects.filter(organization_id=organization_id, user=user).exists()
    )


def _is_moderator(user):
    return user is not None and user.is_staff and user.has_perm("opportunities.change_project")


def _save_questions(project, questions):
    project.questions.all().delete()
    Question.objects.bulk_create(
        Question(
            project=project, position=i, text=q["text"], max_chars=q["max_chars"], required=q.get("required", False)
        )
        for i, q in enumerate(questions)
    )


def project_create(*, organization, by, data, skills, questions):
    """A member drafts a project; ``data`` holds the form's model fields."""
    if not _is_member(by, organization.pk):
        raise ProjectError("Only members of the organization can post its projects.")
    if organization.status == Organization.Status.SUSPENDED:
        raise ProjectError("This organization is suspended; contact the career center.")
    with transaction.atomic():
        project = Project.objects.create(
            organization=organization,
            created_by=by,
            slug=unique_slug(Project, data["title"], reserved={"saved"}),
            **data,
        )
        project.skills.set(skills)
        _save_questions(project, questions)
    return project


def project_update(*, project, by, data, skills, questions):
    """Edit a draft (a project sent back is a draft again)."""
    if not _is_member(by, project.organization_id):
        raise ProjectError("Only members of the organization can change its projects.")
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if locked.status != Status.DRAFT:
            raise ProjectError("Only a draft can be edited.")
        for name, value in data.items():
            setattr(locked, name, value)
        locked.save()
        locked.skills.set(skills)
        _save_questions(locked, questions)
    return locked


def _transition(*, project, by, allowed_from, to, verb, note="", **changes):
    """Lock the row, check where it starts, move it, and leave a trail."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.status not in allowed_from:
        raise ProjectError(f"This project is {locked.get_status_display().lower()}, so it cannot be {verb}.")
    previous = locked.status
    locked.status = to
    for name, value in changes.items():
        setattr(locked, name, value)
    locked.save(update_fields=["status", "updated_at", *changes])
    ProjectEvent.objects.create(project=locked, from_status=previous, to_status=to, by=by, note=note)
    return locked


def project_submit(*, project, by):
    """A member sends a draft to the career center for review."""
    if not _is_member(by, project.organization_id):
        raise ProjectError("Only members of the organization can submit its projects.")
    with transaction.atomic():
        if Organization.objects.filter(pk=project.organization_id, status=Organization.Status.SUSPENDED).exists():
            raise ProjectError("This organization is suspended; contact the career center.")
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if locked.status == Status.DRAFT and locked.apply_by <= timezone.localdate():
            raise ProjectError("The apply-by date has passed; edit the project and choose a later date.")
        return _transition(
            project=locked,
            by=by,
            allowed_from=[Status.DRAFT],
            to=Status.IN_REVIEW,
            verb="submitted for review",
            submitted_at=timezone.now(),
            review_note="",
        )


def _submitter(project):
    event = project.events.filter(to_status=Status.IN_REVIEW).select_related("by").order_by("-at", "-pk").first()
    return (event.by if event else None) or project.created_by


def project_publish(*, project, by):
    """Staff publish a project in review; only a verified organization's project is listed."""
    if not _is_moderator(by):
        raise ProjectError("Only career center staff can publish projects.")
    with transaction.atomic():
        organization = Organization.objects.get(pk=project.organization_id)
        if not organization.is_verified:
            raise ProjectError(f"{organization} is not verified yet; verify the organization first.")
        locked = _transition(
            project=project,
            by=by,
            allowed_from=[Status.IN_REVIEW],
            to=Status.PUBLISHED,
            verb="published",
            published_at=timezone.now(),
            published_by=by,
        )
        if locked.apply_by < timezone.localdate():
            raise ProjectError("The apply-by date has passed; send the project back instead.")
        submitter = _submitter(locked)
        if submitter:
            outbox_enqueue(
                kind="project-published",
                obj=locked,
                recipient=submitter.email,
                template="project-published",
                context={"project": locked, "person": submitter},
            )
    return locked


def project_send_back(*, project, by, reason):
    """Staff return a project in review to its organization as a draft, saying why."""
    if not _is_moderator(by):
        raise ProjectError("Only career center staff can send projects back.")
    reason = (reason or "").strip()
    if not reason:
        raise ProjectError("Say why the project goes back, so the employer can fix it.")
    with transaction.atomic():
        submitter = _submitter(project)
        locked = _transition(
            project=project,
            by=by,
            allowed_from=[Status.IN_REVIEW],
            to=Status.DRAFT,
            verb="sent back",
            note=reason,
            review_note=reason,
        )
        event = locked.events.order_by("-pk").first()
        if submitter:
            outbox_enqueue(
                kind="project-sent-back",
                obj=event,
                recipient=submitter.email,
                template="project-sent-back",
                context={"project": locked, "person": submitter, "reason": reason},
            )
    return locked


def project_close(*, project, by, note=""):
    """Stop taking applications: a member closes it, or the apply-by date passed (``by=None``)."""
    if by is not None and not _is_member(by, project.organization_id):
        raise ProjectError("Only members of the organization can close its projects.")
    with transaction.atomic():
        return _transition(
            project=project,
            by=by,
            allowed_from=[Status.PUBLISHED],
            to=Status.CLOSED,
            verb="closed",
            note=note,
            closed_at=timezone.now(),
        )


def project_cancel(*, project, by):
    """A member withdraws the project before it is done."""
    if not _is_member(by, project.organization_id):
        raise ProjectError("Only members of the organization can cancel its projects.")
    with transaction.atomic():
        cancelled = _transition(
            project=project,
            by=by,
            allowed_from=[Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED],
            to=Status.CANCELLED,
            verb="cancelled",
            closed_at=timezone.now(),
        )
        project_cancelled.send(sender=Project, project=cancelled, by=by)
        return cancelled


def projects_close_expired(*, today=None):
    """The beat job: close every published project whose apply-by date has passed."""
    today = today or timezone.localdate()
    closed = 0
    for pk in Project.objects.filter(status=Status.PUBLISHED, apply_by__lt=today).values_list("pk", flat=True):
        try:
            project_close(project=Project(pk=pk), by=None, note="The apply-by date passed.")
        except ProjectError:
            continue  # closed by someone else meanwhile
        closed += 1
    return closed


# Saved searches and digests.


def saved_search_name(filters):
    parts = []
    if filters.get("q"):
        parts.append(f"“{filters['q']}”")
    labels = {
        "path": "career path",
        "skill": "skills",
        "hours_min": "at least hours",
        "hours_max": "at most hours",
        "pay_min": "fee from $",
        "remote": "remote",
        "posted": "posted within days",
    }
    for key, label in labels.items():
        if key in filters:
            value = filters[key]
            parts.append(f"{label} {', '.join(value) if isinstance(value, list) else value}")
    return ("; ".join(parts) or "All projects")[:200]


def saved_search_create(*, user, query):
    """Save the browse page's current search (sorting and paging aside) for a digest."""
    if not user.is_student:
        raise ProjectError("Only students can save searches.")
    _, filters = parse_params(query)
    filters.pop("sort", None)
    canonical = encode_filters(filters)
    if len(canonical) > SavedSearch._meta.get_field("query").max_length:
        raise ProjectError("This search is too long to save: use fewer words or filters, then save it again.")
    search, created = SavedSearch.objects.get_or_create(
        user=user, query=canonical, defaults={"name": saved_search_name(filters)}
    )
    if not created and not search.active:
        search.active = True
        search.last_digest_at = timezone.now()
        search.save(update_fields=["active", "last_digest_at"])
    return search, created


def saved_search_unsubscribe_token(search):
    return signing.dumps(search.pk, salt=UNSUBSCRIBE_SALT)


def saved_search_from_token(token):
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return SavedSearch.objects.filter(pk=pk).first()


def saved_search_unsubscribe(*, search):
    SavedSearch.objects.filter(pk=search.pk).update(active=False)


def saved_search_send_digest(*, search_id, now=None):
    """Mail one saved search's new matches. Claims its window with a lock, records every
    project it mails, so a job that runs twice (or overlaps) mails each project once."""
    now = now or timezone.now()
    with transaction.atomic():
        search = SavedSearch.objects.select_for_update().filter(pk=search_id, active=True).first()
        if search is None or search.last_digest_at >= now:
            return 0
        cutoff = search.last_digest_at
        _, filters = parse_params(search.query)
        matches = (
            search_projects(filters, now=now)
            .filter(published_at__gt=cutoff, published_at__lte=now)
            .exclude(pk__in=SavedSearchHit.objects.filter(search=search).values("project_id"))
            .select_related("organization")
            .order_by("-published_at", "-pk")
        )
        total = matches.count()
        projects = list(matches[:DIGEST_MAX_PROJECTS])
        search.last_digest_at = now
        search.save(update_fields=["last_digest_at"])
        if not projects:
            return 0
        SavedSearchHit.objects.bulk_create(
            [SavedSearchHit(search=search, project=p, sent_at=now) for p in projects], ignore_conflicts=True
        )
        user = search.user
        token = saved_search_unsubscribe_token(search)
        unsubscribe_url = settings.SITE_URL + reverse("opportunities:saved-search-unsubscribe", args=[token])
        outbox_enqueue(
            kind="saved-search-digest",
            obj=f"opportunities.savedsearch:{search.pk}:{cutoff.isoformat()}",
            recipient=user.email,
            template="saved-search-digest",
            context={
                "search": search,
                "person": user,
                "projects": projects,
                "more": total - len(projects),
                "unsubscribe_url": unsubscribe_url,
            },
            # Mail clients show an "Unsubscribe" button that POSTs to the link (RFC 8058).
            headers={"List-Unsubscribe": f"<{unsubscribe_url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        )
    return len(projects)


def saved_search_digests(*, now=None):
    """The daily beat job: one digest per active saved search with new matches."""
    now = now or timezone.now()
    sent = 0
    for pk in SavedSearch.objects.filter(active=True, last_digest_at__lt=now).values_list("pk", flat=True):
        if saved_search_send_digest(search_id=pk, now=now):
            sent += 1
    return sent

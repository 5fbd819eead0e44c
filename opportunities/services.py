"""Every change to a project, a saved search or a digest: one function per action."""

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.core import signing
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from portal import emails
from portal.access import is_member, is_moderator, require_moderator
from portal.models import Organization, Skill
from portal.organizations.services import unique_slug
from portal.transitions import TransitionError, lock, transition

from .events import project_cancelled
from .models import SEARCH_CONFIG, Listing, Project, Question, SavedSearch, SavedSearchHit
from .search import encode_filters, parse_params, search_projects

Status = Project.Status
UNSUBSCRIBE_SALT = "opportunities.saved-search.unsubscribe"
DIGEST_MAX_PROJECTS = 20


LISTING_FIELDS = ["published_at", "apply_by", "career_path", "estimated_hours", "fee", "remote"]


def listing_refresh(*, projects):
    """Bring the search listings of ``projects`` (a queryset) up to date: one row for each
    published project of a verified organization, with its search vector (PostgreSQL only);
    none for the others. An upsert and a delete, for any number of projects, safe when two run
    at once. Returns how many projects are listed."""
    listed = projects.filter(status=Project.Status.PUBLISHED, organization__status=Organization.Status.VERIFIED)
    rows = listed.values("pk", *LISTING_FIELDS)
    if connection.vendor == "postgresql":
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
        rows = rows.annotate(vector=vector)
    listings = [
        Listing(project_id=row["pk"], search_vector=row.get("vector"), **{f: row[f] for f in LISTING_FIELDS})
        for row in rows
    ]
    with transaction.atomic():
        Listing.objects.filter(project__in=projects.values("pk")).exclude(project__in=listed.values("pk")).delete()
        Listing.objects.bulk_create(
            listings,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["project"],
            update_fields=["search_vector", *LISTING_FIELDS],
        )
    return len(listings)


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
    if not is_member(by, organization.pk):
        raise TransitionError("Only members of the organization can post its projects.")
    if organization.status == Organization.Status.SUSPENDED:
        raise TransitionError("This organization is suspended; contact the career center.")
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
    if not is_member(by, project.organization_id):
        raise TransitionError("Only members of the organization can change its projects.")
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if locked.status != Status.DRAFT:
            raise TransitionError("Only a draft can be edited.")
        for name, value in data.items():
            setattr(locked, name, value)
        locked.save()
        locked.skills.set(skills)
        _save_questions(locked, questions)
    return locked


def project_submit(*, project, by):
    """A member sends a draft to the career center for review."""
    if not is_member(by, project.organization_id):
        raise TransitionError("Only members of the organization can submit its projects.")
    with transaction.atomic():
        if Organization.objects.filter(pk=project.organization_id, status=Organization.Status.SUSPENDED).exists():
            raise TransitionError("This organization is suspended; contact the career center.")
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if locked.status == Status.DRAFT and locked.apply_by <= timezone.localdate():
            raise TransitionError("The apply-by date has passed; edit the project and choose a later date.")
        return transition(
            locked,
            by=by,
            allowed=[Status.DRAFT],
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
    if not is_moderator(by, "opportunities.change_project"):
        raise TransitionError("Only career center staff can publish projects.")
    with transaction.atomic():
        organization = Organization.objects.get(pk=project.organization_id)
        if not organization.is_verified:
            raise TransitionError(f"{organization} is not verified yet; verify the organization first.")
        locked = transition(
            project,
            by=by,
            allowed=[Status.IN_REVIEW],
            to=Status.PUBLISHED,
            verb="published",
            published_at=timezone.now(),
            published_by=by,
        )
        if locked.apply_by < timezone.localdate():
            raise TransitionError("The apply-by date has passed; send the project back instead.")
        submitter = _submitter(locked)
        if submitter:
            emails.project_published(locked, person=submitter)
    return locked


def project_send_back(*, project, by, reason):
    """Staff return a project in review to its organization as a draft, saying why."""
    if not is_moderator(by, "opportunities.change_project"):
        raise TransitionError("Only career center staff can send projects back.")
    reason = (reason or "").strip()
    if not reason:
        raise TransitionError("Say why the project goes back, so the employer can fix it.")
    with transaction.atomic():
        submitter = _submitter(project)
        locked = transition(
            project,
            by=by,
            allowed=[Status.IN_REVIEW],
            to=Status.DRAFT,
            verb="sent back",
            note=reason,
            review_note=reason,
        )
        event = locked.events.order_by("-pk").first()
        if submitter:
            emails.project_sent_back(locked, event=event, person=submitter, reason=reason)
    return locked


def project_close(*, project, by, note=""):
    """Stop taking applications: a member closes it, or the apply-by date passed (``by=None``)."""
    if by is not None and not is_member(by, project.organization_id):
        raise TransitionError("Only members of the organization can close its projects.")
    with transaction.atomic():
        return transition(
            project,
            by=by,
            allowed=Project.CLOSABLE,
            to=Status.CLOSED,
            verb="closed",
            note=note,
            closed_at=timezone.now(),
        )


def project_cancel(*, project, by):
    """A member withdraws the project before it is done."""
    if not is_member(by, project.organization_id):
        raise TransitionError("Only members of the organization can cancel its projects.")
    with transaction.atomic():
        cancelled = transition(
            project,
            by=by,
            allowed=Project.CANCELLABLE,
            to=Status.CANCELLED,
            verb="cancelled",
            closed_at=timezone.now(),
        )
        project_cancelled.send(sender=Project, project=cancelled, by=by)
        return cancelled


REOPEN_DAYS_MAX = 180


def project_reopen(*, project, by, apply_by):
    """A member opens a closed project to applications again, until a new apply-by date: an
    opening freed by a cancelled engagement (or a project closed too early) can be filled."""
    if not is_member(by, project.organization_id):
        raise TransitionError("Only members of the organization can reopen its projects.")
    today = timezone.localdate()
    if not today < apply_by <= today + timedelta(days=REOPEN_DAYS_MAX):
        raise TransitionError(f"Choose an apply-by date after today and within {REOPEN_DAYS_MAX} days.")
    with transaction.atomic():
        if not Organization.objects.filter(pk=project.organization_id, status=Organization.Status.VERIFIED).exists():
            raise TransitionError("The organization is not verified; contact the career center.")
        return transition(
            project,
            by=by,
            allowed=Project.REOPENABLE,
            to=Status.PUBLISHED,
            verb="reopened",
            note=f"Reopened until {apply_by:%B} {apply_by.day}, {apply_by.year}.",
            apply_by=apply_by,
            closed_at=None,
        )


def projects_close_expired(*, today=None):
    """The beat job: close every published project whose apply-by date has passed."""
    today = today or timezone.localdate()
    closed = 0
    for pk in Project.objects.filter(status=Status.PUBLISHED, apply_by__lt=today).values_list("pk", flat=True):
        try:
            project_close(project=Project(pk=pk), by=None, note="The apply-by date passed.")
        except TransitionError:
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
        raise TransitionError("Only students can save searches.")
    _, filters = parse_params(query)
    filters.pop("sort", None)
    canonical = encode_filters(filters)
    if len(canonical) > SavedSearch._meta.get_field("query").max_length:
        raise TransitionError("This search is too long to save: use fewer words or filters, then save it again.")
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
        token = saved_search_unsubscribe_token(search)
        unsubscribe_url = settings.SITE_URL + reverse("opportunities:saved-search-unsubscribe", args=[token])
        emails.saved_search_digest(
            search, cutoff=cutoff, projects=projects, more=total - len(projects), unsubscribe_url=unsubscribe_url
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


# Amending a listed project.


def project_amend(*, project, by, changes, note):
    """Staff correct a listed project's terms (fee, hours, openings, dates, text, skills).

    ``changes`` maps field names to new values. The posting form's rules are checked again on
    the whole project as it would become, openings never drop below the offers out and
    accepted, and the trail keeps one event (same state) naming the changed fields and why.
    """
    from .forms import ProjectAmendForm  # the form imports this app's models, not its services

    require_moderator(by, "opportunities.change_project", "Only career center staff can amend projects.")
    fields = ProjectAmendForm.Meta.fields
    unknown = sorted(set(changes) - set(fields))
    if unknown:
        raise TransitionError(f"These cannot be amended: {', '.join(unknown)}.")
    with transaction.atomic():
        locked = lock(project)
        if not locked.is_amendable:
            raise TransitionError(
                f"This project is {locked.get_status_display().lower()}, so it cannot be amended"
                + ("; edit it in the admin instead." if locked.status in Project.ADMIN_EDITABLE else ".")
            )
        form = ProjectAmendForm.with_changes(instance=locked, changes=changes, note=note)
        if not form.is_valid():
            raise TransitionError(
                " ".join(
                    f"{form.fields[name].label if name in form.fields else 'Project'}: {' '.join(errors)}"
                    for name, errors in form.errors.items()
                )
            )
        changed = form.project_changes()
        if not changed:
            raise TransitionError("Nothing would change.")
        amended = form.save(commit=False)
        # simple_history records who made the change from this attribute outside a request.
        amended._history_user = by
        amended.save()
        form.save_m2m()
        amended.events.create(
            from_status=amended.status,
            to_status=amended.status,
            by=by,
            note=f"Amended: {', '.join(changed)}. {form.cleaned_data['note'].strip()}",
        )
    return amended

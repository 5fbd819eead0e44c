from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.access import employer_membership_or_404, member_organization_id, reader, reader_as, student_required
from portal.actions import post_action
from portal.jinja_env import render_fragment, render_page
from portal.links import fixed_url
from portal.models import LearningResource, Organization, Skill, StudentProfile
from portal.prepared import Prepared
from portal.transitions import TransitionError
from portal.zones import short_date

from .forms import ProjectForm, question_formset
from .listing_cache import cached
from .models import CareerPath, Project, Question, SavedSearch, hourly_rate, location
from .search import (
    MATCH_LIMIT,
    PAGE_SIZE,
    BrowseForm,
    Search,
    card_rows,
    encode_filters,
    parse_params,
    skill_names,
)
from .services import (
    project_cancel,
    project_close,
    project_create,
    project_reopen,
    project_submit,
    project_update,
    saved_search_create,
    saved_search_from_token,
    saved_search_unsubscribe,
)

# Browse and search (everyone).


def _without(filters, name, value=None):
    rest = dict(filters)
    if value is not None and isinstance(rest.get(name), list):
        rest[name] = [v for v in rest[name] if v != value]
    else:
        rest.pop(name, None)
    return encode_filters(rest)


def _skill_lists():
    """Every skill, alphabetical, read once for many pages: as the browse form's choices,
    (slug, name), and as the cards name and order their skills (``search.card_rows``)."""

    def read():
        rows = list(Skill.objects.order_by("name").values_list("pk", "slug", "name"))
        return [(slug, name) for _, slug, name in rows], {pk: (n, name) for n, (pk, _, name) in enumerate(rows)}

    return cached("skills", (), read)


def _controls(form):
    """The filter controls as plain data, drawn by the template without widget templates (the
    browse page is the busiest page; Django's widget rendering was most of its time)."""
    controls = []
    for name in ("path", "hours_min", "hours_max", "pay_min", "remote", "posted", "sort"):
        field, value = form.fields[name], form[name].value()
        value = "" if value is None else str(value)
        control = {"name": name, "label": field.label, "value": value, "errors": form.errors.get(name, [])}
        if hasattr(field, "choices"):
            control["choices"] = field.choices
        else:
            control["min"], control["max"] = field.min_value, field.max_value
        controls.append(control)
    chosen = set(form["skill"].value() or [])
    skills = [(slug, name, slug in chosen) for slug, name in form.fields["skill"].choices]
    return controls, skills


# The columns a result card shows, read as plain rows: building twenty models with their
# organizations and skills cost more than the query on a cold search.
CARD_FIELDS = [
    "pk",
    "title",
    "slug",
    "summary",
    "career_path",
    "estimated_hours",
    "fee",
    "remote",
    "city",
    "state",
    "apply_by",
    "organization__name",
]
CAREER_PATHS = dict(CareerPath.choices)
DOLLAR = Decimal(1)


def _card(row, url_prefix):
    """A result card's text, worked out in Python: the template only prints it (template
    filters per row were most of a cold search's rendering)."""
    apply_by, fee, hours = row["apply_by"], row["fee"], row["estimated_hours"]
    where = location(row["remote"], row["city"], row["state"])
    return {
        "url": f"{url_prefix}{row['slug']}/",
        "title": row["title"],
        "meta": f"{row['organization__name']} · {CAREER_PATHS.get(row['career_path'], '')} · {where}",
        "summary": row["summary"],
        "hours": hours,
        "fee": f"{fee.quantize(DOLLAR, rounding=ROUND_HALF_UP):,}",
        "rate": f"{hourly_rate(fee, hours):.2f}",
        "apply_by_iso": apply_by.isoformat(),
        "apply_by": short_date(apply_by),
        "skills": row["skill_names"],
    }


def _page_of(search, number, skills):
    """One page of ``search`` as rows of CARD_FIELDS, in order, and how many match (see
    ``Search.page``); the twenty cards come from the projects by id, their skills named from
    ``skills`` (see ``_skill_lists``)."""
    ids, count = search.page(number)
    if not ids:
        return [], count
    if connection.vendor == "postgresql":
        cards = {row["pk"]: row for row in card_rows(ids, CARD_FIELDS, skills)}
    else:
        # SQLite (a laptop) has no arrays: the skills' ids in a query of their own.
        skill_ids = {}
        links = Project.skills.through.objects.filter(project_id__in=ids).values_list("project_id", "skill_id")
        for project_id, skill_id in links:
            skill_ids.setdefault(project_id, []).append(skill_id)
        rows = Project.objects.filter(pk__in=ids).values(*CARD_FIELDS)
        cards = {row["pk"]: {**row, "skill_names": skill_names(skill_ids.get(row["pk"], []), skills)} for row in rows}
    return [cards[pk] for pk in ids if pk in cards], count


def _results(filters, page_param, query, widen, skills):
    """The count, the page of projects and the pager, rendered: the same for everyone.
    ``widen()`` gives the links that drop a filter, shown when nothing matches; ``skills`` names
    the cards' skills (see ``_skill_lists``)."""
    search = Search(filters)
    notes = []
    try:
        number = int(page_param)
    except (TypeError, ValueError):
        notes.append("We ignored “page”: it must be a whole number; here is the first page.")
        number = 1
    too_far = number > MATCH_LIMIT // PAGE_SIZE
    rows, count = _page_of(search, number, skills) if 1 <= number and not too_far else ([], None)
    if count is None:
        count = search.count() if number != 1 else 0
        if number != 1:
            last = max(1, -(-min(count, MATCH_LIMIT) // PAGE_SIZE))
            notes.append(f"There is no page {page_param}; here is page {last}.")
            number = last
            rows = _page_of(search, last, skills)[0] if count else []
    more = count > MATCH_LIMIT
    if more:
        notes.append(
            f"More than {MATCH_LIMIT:,} projects match: "
            + (f"the best matches among the newest {MATCH_LIMIT:,} come first. " if search.ranked else "")
            + "Add words or filters to narrow the search."
        )
    paginator = Paginator((), PAGE_SIZE)
    paginator.count = min(count, MATCH_LIMIT)  # known already: the paginator does not ask again
    page = Page(rows, number, paginator)
    url_prefix = fixed_url("opportunities:project-list")
    cards = [_card(row, url_prefix) for row in rows]
    has_filters = any(k != "sort" for k in filters)
    html = render_fragment(
        "opportunities/_results.html",
        {
            "page": page,
            "cards": cards,
            "query": query,
            "widen": [] if cards else widen(),
            "filters": filters,
            "has_filters": has_filters,
        },
    )
    count_label = f"More than {MATCH_LIMIT:,} projects" if more else f"{count:,} project{pluralize(count)}"
    return {
        "count": count,
        "count_label": count_label,
        "notes": notes,
        "html": html,
        "titles": [row["title"] for row in rows],
    }


def _browse_page(params):
    """Everything of the browse page that is the same for everyone asking with these parameters:
    the filter form (with what was typed and its notes) and the results, rendered."""
    skills, skill_order = _skill_lists()
    form = BrowseForm(params, skills=skills)
    form.is_valid()
    filters = form.filters()
    query = encode_filters(filters)
    names = dict(skills)

    def widen():
        """Links that drop one filter each, for a search that found nothing."""
        links = []
        for name in filters:
            if name == "sort":
                continue
            if name == "skill":
                links += [(f"skill {names.get(s, s)}", _without(filters, "skill", s)) for s in filters["skill"]]
            else:
                links.append((form.fields[name].label.lower(), _without(filters, name)))
        return links

    # Not cached on its own: the whole page is (project_list), and a second entry per search
    # cost a cold search two more round trips to the cache.
    results = _results(filters, params.get("page", "1"), query, widen, skill_order)
    controls, skill_options = _controls(form)
    has_filters = any(k != "sort" for k in filters)
    form_html = render_fragment(
        "opportunities/_browse_form.html",
        {
            "form": form,
            "controls": controls,
            "skill_options": skill_options,
            "has_filters": has_filters,
            "notes": form.notes() + results["notes"],
        },
    )
    return {
        **results,
        "form_html": form_html,
        "has_errors": bool(form.errors),
        "q": filters.get("q", ""),
        "query": query,
        "search_query": encode_filters({k: v for k, v in filters.items() if k != "sort"}),
    }


@require_GET
def project_list(request):
    params = request.GET
    raw = params.urlencode()
    if len(raw) <= 600:
        # Keyed by what was asked, so a repeated request skips even the form's validation.
        page = cached("page", (sorted(params.lists()),), lambda: _browse_page(params))
    else:
        page = _browse_page(params)
    saved = False
    student = request.user.is_authenticated and request.user.is_student
    if student:
        saved = SavedSearch.objects.filter(user=request.user, query=page["search_query"], active=True).exists()
    return render_page(
        request,
        "opportunities/project_list.html",
        {"browse": page, "results": page, "count": page["count"], "saved": saved, "student": student},
    )


def _skills_with_resources():
    return Prefetch("skills", queryset=Skill.objects.order_by("name").prefetch_related("resources"))


# What the project page shows: the columns of three tables it reads (the description and the
# search vector are the widest; building every column of each was a third of the page's time).
DETAIL_FIELDS = [
    "title",
    "slug",
    "summary",
    "description",
    "deliverables",
    "status",
    "career_path",
    "estimated_hours",
    "fee",
    "remote",
    "city",
    "state",
    "openings",
    "apply_by",
    "duration_days",
    "organization__name",
    "organization__size",
    "organization__industry",
    "contact__first_name",
    "contact__last_name",
]


@require_GET
def project_detail(request, slug):
    user = request.user
    student = user.is_authenticated and user.is_student
    project = PROJECT(*reader(user), slug=slug, user_id=user.pk or 0)
    if not project:
        raise Http404
    project = project[0]
    skills = SKILLS(student, project_id=project.pk, user_id=user.pk or 0)
    questions = QUESTIONS(project_id=project.pk)
    missing = [skill for skill in skills if not skill["listed"]] if student else []
    # Learning resources only for the skills the student does not list yet (none for others).
    resources = {}
    if missing:
        for resource in RESOURCES(skill_ids=[skill["pk"] for skill in missing]):
            resources.setdefault(resource.skill_id, []).append(resource)
    for skill in missing:
        skill["resource_list"] = resources.get(skill["pk"], [])
    return render_page(
        request,
        "opportunities/project_detail.html",
        {
            "project": project,
            "skills": skills,
            "questions": questions,
            "missing_skills": missing,
            "is_member": project.organization_id == member_organization_id(user),
        },
    )


# The project page's queries, compiled once per kind of reader (portal.prepared): building them
# cost more CPU than the rest of the page. Plain queries rather than prefetches: the prefetching
# machinery cost as much again.
def _project(role, is_staff, *, slug, user_id):
    projects = Project.objects.visible_to(reader_as(role, is_staff, user_id)).select_related("organization", "contact")
    return projects.only(*DETAIL_FIELDS).filter(slug=slug)


def _skills(student, *, project_id, user_id):
    skills = Skill.objects.filter(projects=project_id).order_by("name")
    if not student:
        return skills.values("pk", "name")
    # Whether the student lists each skill, in the same query as the skills.
    listed = StudentProfile.skills.through.objects.filter(skill=OuterRef("pk"), studentprofile__user=user_id)
    return skills.annotate(listed=Exists(listed)).values("pk", "name", "listed")


PROJECT = Prepared(_project, optional=["user_id"])
SKILLS = Prepared(_skills, optional=["user_id"])
RESOURCES = Prepared(lambda *, skill_ids: LearningResource.objects.filter(skill__in=skill_ids))
QUESTIONS = Prepared(
    lambda *, project_id: Question.objects.filter(project=project_id).values("text", "max_chars", "required")
)


# Saved searches (students).


@student_required
@require_http_methods(["GET", "POST"])
def saved_search_list(request):
    if request.method == "POST":
        try:
            search, created = saved_search_create(user=request.user, query=request.POST.get("query", ""))
        except TransitionError as exc:
            messages.error(request, str(exc))
            # Back to the same results, so what was typed is kept.
            query = encode_filters(parse_params(request.POST.get("query", ""))[1])
            url = reverse("opportunities:project-list")
            return redirect(f"{url}?{query}" if query else url)
        messages.success(
            request,
            "Search saved: we email you new matches once a day." if created else "You had already saved this search.",
        )
        url = reverse("opportunities:project-list")
        return redirect(f"{url}?{search.query}" if search.query else url)
    searches = SavedSearch.objects.filter(user=request.user, active=True)
    return render(request, "opportunities/saved_search_list.html", {"searches": searches})


@student_required
@require_POST
def saved_search_delete(request, pk):
    search = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    search.delete()
    messages.success(request, f"Saved search “{search.name}” deleted.")
    return redirect("opportunities:saved-search-list")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def saved_search_unsubscribe_view(request, token):
    """No sign-in: the signed token in the link names the search. GET only asks (link scanners
    and previews follow links); a POST unsubscribes: the page's button, or the mail client's
    one-click "Unsubscribe" (RFC 8058), which sends no CSRF cookie, hence the exemption: the
    token is the proof."""
    search = saved_search_from_token(token)
    if search is None:
        raise Http404
    if request.method == "POST":
        saved_search_unsubscribe(search=search)
        return render(request, "opportunities/unsubscribed.html", {"search": search})
    return render(request, "opportunities/unsubscribe_confirm.html", {"search": search})


# Employer pages: an organization's projects. Everyone else gets 404.


def _managed_project_or_404(request, slug):
    return get_object_or_404(Project.objects.managed_by(request.user).select_related("organization"), slug=slug)


@login_required
@require_GET
def employer_project_list(request):
    membership = employer_membership_or_404(request)
    if membership is None:
        messages.info(request, "Create your organization, or ask its owner for an invitation, to post projects.")
        return redirect("organizations:new")
    projects = Project.objects.managed_by(request.user).order_by("-created_at")
    return render_page(
        request,
        "opportunities/employer_project_list.html",
        {"projects": projects, "organization": membership.organization},
    )


def _project_form_page(request, *, membership, project=None):
    organization = membership.organization
    existing = project.questions.count() if project else 0
    FormSet = question_formset(existing=existing)
    if request.method == "POST":
        form = ProjectForm(request.POST, instance=project, organization=organization)
        formset = FormSet(request.POST, instance=project or Project(), prefix="questions")
        if form.is_valid() and formset.is_valid():
            try:
                with transaction.atomic():
                    if project is None:
                        project = project_create(
                            organization=organization,
                            by=request.user,
                            data=form.project_data(),
                            skills=form.cleaned_data["skills"],
                            questions=formset.questions(),
                        )
                    else:
                        project = project_update(
                            project=project,
                            by=request.user,
                            data=form.project_data(),
                            skills=form.cleaned_data["skills"],
                            questions=formset.questions(),
                        )
            except TransitionError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Draft saved. Submit it for review when it is ready.")
                return redirect("opportunities:employer-project-detail", slug=project.slug)
        status = 400
    else:
        initial = {"contact": request.user.pk} if project is None else None
        form = ProjectForm(instance=project, organization=organization, initial=initial)
        formset = FormSet(instance=project or Project(), prefix="questions")
        status = 200
    return render(
        request,
        "opportunities/employer_project_form.html",
        {"form": form, "formset": formset, "project": project, "organization": organization},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def employer_project_new(request):
    membership = employer_membership_or_404(request)
    if membership is None:
        messages.info(request, "Create your organization, or ask its owner for an invitation, to post projects.")
        return redirect("organizations:new")
    if membership.organization.status == Organization.Status.SUSPENDED:
        messages.error(request, "Your organization is suspended; contact the career center.")
        return redirect("opportunities:employer-project-list")
    return _project_form_page(request, membership=membership)


@login_required
@require_http_methods(["GET", "POST"])
def employer_project_edit(request, slug):
    membership = employer_membership_or_404(request)
    project = _managed_project_or_404(request, slug)
    if not project.is_editable:
        messages.error(request, f"This project is {project.get_status_display().lower()}; only drafts can be edited.")
        return redirect("opportunities:employer-project-detail", slug=slug)
    return _project_form_page(request, membership=membership, project=project)


@login_required
@require_GET
def employer_project_detail(request, slug):
    employer_membership_or_404(request)
    project = get_object_or_404(
        Project.objects.managed_by(request.user)
        .select_related("organization", "contact")
        .prefetch_related(_skills_with_resources(), "questions", "events__by"),
        slug=slug,
    )
    return render(request, "opportunities/employer_project_detail.html", {"project": project})


def _employer_project(request, slug):
    employer_membership_or_404(request)
    return _managed_project_or_404(request, slug)


def _project_action(service, done):
    return post_action(
        load=_employer_project,
        call=lambda request, project: service(project=project, by=request.user),
        done=done,
        back=lambda project: reverse("opportunities:employer-project-detail", args=[project.slug]),
    )


employer_project_submit = _project_action(
    project_submit, "Submitted: the career center reviews it and emails you when it is published."
)
employer_project_close = _project_action(project_close, "Closed: it no longer takes applications.")
employer_project_cancel = _project_action(project_cancel, "Cancelled.")


def _reopen(request, project):
    try:
        apply_by = date.fromisoformat(request.POST.get("apply_by", ""))
    except ValueError:
        raise TransitionError("Choose the new apply-by date.") from None
    project_reopen(project=project, by=request.user, apply_by=apply_by)


employer_project_reopen = post_action(
    load=_employer_project,
    call=_reopen,
    done="Reopened: students can apply again until the new apply-by date.",
    back=lambda project: reverse("opportunities:employer-project-detail", args=[project.slug]),
)

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, F, FilteredRelation, Q
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from opportunities.models import Project, Question
from portal.access import reader, reader_as, student_required
from portal.actions import post_action
from portal.forms import EligibilityForm
from portal.jinja_env import render_page
from portal.links import url_with
from portal.models import StudentProfile, User, WorkEligibility
from portal.prepared import Prepared
from portal.services import eligibility_declare
from portal.templatetags.portal_tags import hidden_inputs
from portal.transitions import TransitionError
from portal.zones import short_date

from . import services
from .eligibility import eligibility_for
from .fanout import not_selected_pending
from .forms import ApplicantsViewForm, ApplicationForm, AssessmentForm, DeclineForm, answer_field_name
from .models import Answer, Application, ApplicationEvent

Status = Application.Status


@never_cache
@student_required
@require_http_methods(["GET", "POST"])
def eligibility(request):
    """The student's work-eligibility state in plain words, and the form to declare it."""
    max_bytes = settings.ELIGIBILITY_DOCUMENT_MAX_BYTES
    if request.method == "POST":
        form = EligibilityForm(request.POST, request.FILES, max_document_bytes=max_bytes)
        if form.is_valid():
            data = form.cleaned_data
            record = eligibility_declare(
                student=request.user,
                basis=data["basis"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                document=data["document"] or None,
            )
            if record.status == WorkEligibility.Status.PENDING:
                messages.success(request, "Thank you. The career center will check your document and email you.")
            else:
                messages.success(request, "Your declaration is saved.")
            return redirect("applications:eligibility")
        messages.error(request, "Your declaration is not saved yet: please correct the fields marked below.")
    else:
        form = EligibilityForm(max_document_bytes=max_bytes)
    decision = eligibility_for(request.user)
    history = WorkEligibility.objects.filter(student=request.user).select_related("reviewed_by")
    return render(
        request,
        "applications/eligibility.html",
        {
            "form": form,
            "decision": decision,
            "record": decision.record,
            "history": history,
            "itin_guide_url": settings.ITIN_GUIDE_URL,
            "iss_url": settings.INTERNATIONAL_STUDENT_SERVICES_URL,
        },
    )


# Students: apply, their applications, and answering offers.


@never_cache
@student_required
@require_http_methods(["GET", "POST"])
def apply(request, slug):
    project = get_object_or_404(
        Project.objects.visible_to(request.user).select_related("organization", "contact"), slug=slug
    )
    application = Application.objects.filter(project=project, student=request.user).first()
    if application is not None and application.status != Status.DRAFT:
        messages.info(request, "You have already applied to this project.")
        return redirect(application)
    if application is None and not project.is_open:
        messages.error(request, "This project no longer takes applications.")
        return redirect(project)
    questions = list(project.questions.all())
    refusal = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "save")
        form = ApplicationForm(request.POST, questions=questions, submitting=action == "submit")
        if form.is_valid():
            try:
                application = services.application_start(student=request.user, project=project)
                services.application_save_answers(application=application, by=request.user, answers=form.answers())
                if action == "submit":
                    services.application_submit(application=application, by=request.user)
                    messages.success(request, "Application submitted. We emailed you a confirmation.")
                    return redirect(application)
                if action == "review":
                    services.application_request_review(application=application, by=request.user)
                    messages.success(request, "Draft saved and sent to the career center; they will email you.")
                else:
                    messages.success(request, "Draft saved. Come back to finish it any time before the apply-by date.")
                return redirect("applications:apply", slug=slug)
            except TransitionError as exc:
                # A second submit of the same form (a double click, two tabs) finds it sent.
                sent = Application.objects.filter(project=project, student=request.user).exclude(status=Status.DRAFT)
                if sent.exists():
                    messages.info(request, "Already submitted.")
                    return redirect(sent.get())
                refusal = exc
                status = 400
        else:
            messages.error(request, "Please correct the answers marked below. Nothing you typed is lost.")
            status = 400
    else:
        initial = {}
        if application is not None:
            initial = {answer_field_name(a.question): a.text for a in application.answers.select_related("question")}
        form = ApplicationForm(initial=initial, questions=questions)
    reviews = list(application.review_requests.select_related("answered_by")) if application else []
    return render(
        request,
        "applications/apply.html",
        {
            "project": project,
            "application": application,
            "form": form,
            "refusal": refusal,
            "answered_review": next((r for r in reviews if r.is_answered), None),
            "review_pending": any(not r.is_answered for r in reviews),
        },
        status=status,
    )


@never_cache
@student_required
@require_GET
def application_list(request):
    applications = STUDENT_APPLICATIONS(*reader(request.user), user_id=request.user.pk)
    return render(request, "applications/application_list.html", {"applications": applications})


def _student_applications(role, is_staff, *, user_id):
    return (
        Application.objects.of_student(reader_as(role, is_staff, user_id))
        .order_by("-updated_at", "-pk")
        .values(
            "pk",
            "status",
            "offer_expires_at",
            "project__title",
            "project__slug",
            "project__organization__name",
            "engagement__id",
            "engagement__status",
        )
    )


# Every student's list runs this query: compiled once (portal.prepared).
STUDENT_APPLICATIONS = Prepared(_student_applications)


def _own_application_or_404(request, pk):
    return get_object_or_404(
        Application.objects.of_student(request.user).select_related(
            "project__organization", "project__contact", "engagement"
        ),
        pk=pk,
    )


@never_cache
@student_required
@require_GET
def application_detail(request, pk):
    application = _own_application_or_404(request, pk)
    answers = Answer.objects.filter(application=application).select_related("question")
    events = ApplicationEvent.objects.filter(application=application)
    reviews = application.review_requests.filter(answered_at__isnull=False)
    return render(
        request,
        "applications/application_detail.html",
        {"application": application, "answers": answers, "events": events, "reviews": reviews},
    )


def _student_action(service, done):
    return post_action(
        load=_own_application_or_404,
        call=lambda request, application: service(application=application, by=request.user),
        done=done,
    )


application_withdraw = _student_action(services.application_withdraw, "Your application is withdrawn.")
application_accept = _student_action(
    services.application_accept, "Offer accepted. Next: sign up for payroll, then the kick-off."
)
application_decline_offer = _student_action(services.application_decline_offer, "You declined the offer.")


# Employers: the applicants of a project.

SORTS = {
    "newest": ("Newest first", ["-submitted_at", "-pk"]),
    "oldest": ("Oldest first", ["submitted_at", "pk"]),
    "rating": ("Highest rated", [F("assessment__rating").desc(nulls_last=True), "-submitted_at", "-pk"]),
}
FILTER_STATES = [s for s in Status if s != Status.DRAFT]
APPLICANTS_PER_PAGE = 20


SORT_CHOICES = [(key, label) for key, (label, _) in SORTS.items()]


def _view_form(data, counts=None):
    return ApplicantsViewForm(data, states=FILTER_STATES, sorts=SORT_CHOICES, counts=counts)


def _applicants_params(source):
    """The page's own parameters (blind mode, state, sort, page), cleaned, to keep in every link."""
    return _view_form(source).params()


def _applicants_url(project, params):
    url = url_with("applications:applicants")(project.slug)
    return f"{url}?{urlencode(params)}" if params else url


def _eligibility_summary(basis, status, ends_on, *, blind=False):
    """Where the applicant stands with the gate, from their current record's basis, status and
    end date (all None without a record), without the basis itself: employers need to know
    whether the student may work, not their citizenship or visa (the gate decides on selection).
    Blind review shows no end date either: a date says the authorization is time-limited."""
    if basis is None:
        return "Not declared yet"
    if basis == WorkEligibility.Basis.NONE:
        return "Not authorized"
    if status == WorkEligibility.Status.PENDING:
        return "Waiting for the career center's check"
    if status not in (WorkEligibility.Status.ATTESTED, WorkEligibility.Status.VERIFIED):
        return "Not confirmed"
    if ends_on and not blind:
        return f"Confirmed until {short_date(ends_on)}"
    return "Confirmed"


# What an applicant's card shows, read with the application in one query, as one row (a dict) per
# card: the student, their profile, the employer's assessment and the current eligibility record
# (one per student, a constraint says). Twenty applications, each built with three related
# instances, and the eligibility records by a query of their own, were a tenth of the page's time;
# one model instance per card, with these as annotations, still a twelfth of its instructions.
# The rules on states come from the model's lists (Application.REVEALED and the others).
CARD_COLUMNS = {
    "email": "student__email",
    "first_name": "student__first_name",
    "last_name": "student__last_name",
    "profile_id": "student__student_profile__id",
    "program": "student__student_profile__program",
    "graduation_season": "student__student_profile__graduation_season",
    "graduation_year": "student__student_profile__graduation_year",
    "student_status": "student__student_profile__status",
    "resume": "student__student_profile__resume",
    "linkedin_url": "student__student_profile__linkedin_url",
    "rating": "assessment__rating",
    "notes": "assessment__notes",
    "eligibility_basis": "current_eligibility__basis",
    "eligibility_status": "current_eligibility__status",
    "eligibility_ends_on": "current_eligibility__ends_on",
}


# Labels by value, looked up once per card: Status(value).label and get_status_display() cost
# several times a dict's look-up.
STATUS_LABELS = dict(Application.Status.choices)
STUDENT_STATUS_LABELS = dict(StudentProfile.Status.choices)

# What an employer can do from an applicant's card, each a URL named "applications:applicant-<action>".
APPLICANT_ACTIONS = ["shortlist", "select", "decline", "assessment"]

# What a card shows for a fact the student has not given: a dash, written as HTML's entity. Python
# keeps a text all of whose characters are Latin-1 at one byte each; one em dash among the
# page's 65,000 characters made the whole page two bytes a character, and joining and encoding
# it took 4% more instructions.
NOT_GIVEN = mark_safe("&mdash;")  # noqa: S308 - a constant

# Every field of a card's forms, without errors: the template reads each by name (a missing one
# fails the render).
NO_ERRORS = {name: () for form in (DeclineForm, AssessmentForm) for name in form.base_fields}


@dataclass(slots=True)
class ApplicantCard:
    """What one applicant's card shows, worked out once in ``_applicant_card`` so that the
    template only prints it. Attributes, not a dict: Jinja2 reads an attribute first."""

    pk: str
    shown: bool
    title: str
    status: str
    status_label: str
    email: str
    resume_url: str
    linkedin_url: str
    program: str
    graduation: str
    student_status: str
    applied: str
    eligibility: str
    skills: list
    answers: list
    undecided: bool
    shortlist_url: str
    select_url: str
    decline_url: str
    assessment_url: str
    decline_open: bool
    values: dict  # what each form field shows, by name
    errors: dict  # each form field's errors, by name


def _applicant_card(application, *, blind, zone, questions, answers, skills, urls, failed_form):
    """What one applicant's card shows (look-ups through the application's relations, filters
    and ``{% url %}`` per card were most of the page's rendering time). ``application`` is a row
    of CARDS: its pk, status and submission time and the CARD_COLUMNS; ``urls`` gives the URL of
    the résumé and of each action from a pk; ``failed_form`` is the form of this card whose post
    failed, bound, with its errors and what was typed; ``zone`` is the reader's, looked up once
    for the page; ``questions`` are the project's (pk, text), in order, and ``answers`` this
    application's texts by question pk."""
    pk = application["pk"]
    has_profile = application["profile_id"] is not None
    status = application["status"]
    shown = status in Application.REVEALED or not blind
    values = {
        "reason": "",
        "message": "",
        "rating": str(application["rating"]) if application["rating"] else "",
        "notes": application["notes"] or "",
    }
    errors = NO_ERRORS
    if failed_form is not None:
        values.update({name: failed_form[name].value() or "" for name in failed_form.fields})
        errors = {**NO_ERRORS, **{name: failed_form[name].errors for name in failed_form.fields}}
    undecided = status in Application.UNDECIDED
    return ApplicantCard(
        pk=str(pk),
        shown=shown,
        title=(
            User.full_name_of(application["first_name"], application["last_name"], application["email"])
            if shown
            else f"Applicant #{pk}"
        ),
        status=status,
        status_label=STATUS_LABELS[status],
        email=application["email"] if shown else "",
        resume_url=urls["resume"](application["profile_id"]) if shown and application["resume"] else "",
        linkedin_url=application["linkedin_url"] if shown and has_profile else "",
        program=application["program"] or NOT_GIVEN,
        graduation=StudentProfile.term_of(application["graduation_season"], application["graduation_year"])
        or NOT_GIVEN,
        student_status=STUDENT_STATUS_LABELS.get(application["student_status"]) or NOT_GIVEN,
        applied=short_date(application["submitted_at"].astimezone(zone)),
        eligibility=_eligibility_summary(
            application["eligibility_basis"],
            application["eligibility_status"],
            application["eligibility_ends_on"],
            blind=not shown,
        ),
        skills=skills.get(application["profile_id"], []) if has_profile else [],
        answers=[(text, answers.get(question_pk, "")) for question_pk, text in questions],
        undecided=undecided,
        shortlist_url=urls["shortlist"](pk) if status in Application.SHORTLISTABLE else "",
        select_url=urls["select"](pk) if undecided else "",
        decline_url=urls["decline"](pk) if undecided else "",
        assessment_url=urls["assessment"](pk),
        decline_open=isinstance(failed_form, DeclineForm),
        values=values,
        errors=errors,
    )


def _applicants_page(request, project, *, failed=None, status=200):
    """The applicants page. ``failed`` = (application id, bound form) re-shows one applicant's
    form with its errors and what was typed."""
    user = request.user
    kind = reader(user)
    counts = {row["status"]: row["n"] for row in COUNTS(*kind, user_id=user.pk, project_id=project.pk)}
    # One form reads the page's view and shows its selects, with each state's count.
    view_form = _view_form(request.GET if request.method == "GET" else request.POST, counts)
    params = view_form.params()
    blind = params.get("blind") != "0"
    sort = params.get("sort", view_form.fields["sort"].initial)
    state = params.get("state", "")

    def page_cards(start, stop):
        # A whole page's slice even for the last (the paginator stops it at the count): one
        # compiled query per page number, not per count.
        stop = start + APPLICANTS_PER_PAGE
        return CARDS(*kind, bool(state), sort, start, stop, user_id=user.pk, project_id=project.pk, state=state)

    paginator = Paginator(_Slices(page_cards), APPLICANTS_PER_PAGE)
    paginator.count = counts.get(state, 0) if state else sum(counts.values())
    page = paginator.get_page(params.get("page", 1))
    ids = [application["pk"] for application in page.object_list]
    # The project's questions, in order, and these applications' answers, in one query; their
    # skill names by a query of their own (as prefetches, the machinery cost more than the
    # queries).
    questions, answers = [], {}
    for row in QUESTION_ANSWERS(project_id=project.pk, ids=ids) if ids else ():
        if not questions or questions[-1][0] != row["pk"]:
            questions.append((row["pk"], row["text"]))
        if row["page_answer__application_id"] is not None:
            answers.setdefault(row["page_answer__application_id"], {})[row["pk"]] = row["page_answer__text"]
    profile_ids = [application["profile_id"] for application in page.object_list]
    skills = {}
    for row in SKILLS(profile_ids=[pk for pk in profile_ids if pk is not None]):
        skills.setdefault(row["studentprofile_id"], []).append(row["skill__name"])
    failed_pk, failed_form = failed or (None, None)
    zone = timezone.get_current_timezone()
    urls = {
        "resume": url_with("portal:resume-of"),
        **{action: url_with(f"applications:applicant-{action}") for action in APPLICANT_ACTIONS},
    }
    rows = [
        _applicant_card(
            application,
            blind=blind,
            zone=zone,
            questions=questions,
            answers=answers.get(application["pk"], {}),
            skills=skills,
            urls=urls,
            failed_form=failed_form if application["pk"] == failed_pk else None,
        )
        for application in page.object_list
    ]
    # One masked token for the page, its cards' forms and the navigation's sign-out form alike:
    # Django masks the token again for each template that asks for it (90 µs each here).
    csrf_token = get_token(request)
    return render_page(
        request,
        "applications/applicants.html",
        {
            "project": project,
            "project_url": url_with("opportunities:employer-project-detail")(project.slug),
            "rows": rows,
            # The CSRF token and the page's view (blind mode, state, sort, page), posted by each
            # of a card's forms.
            "post_fields": hidden_inputs(params, csrf_token),
            # Labels, choices and limits, the same on every card: the forms' fields as declared
            # (a form made only to read them copies each of its fields first).
            "decline_fields": DeclineForm.base_fields,
            "assessment_fields": AssessmentForm.base_fields,
            "view_form": view_form,
            "blind": blind,
            "state": state,
            "total": sum(counts.values()),
            "holding": counts.get(Status.OFFERED, 0) + counts.get(Status.ACCEPTED, 0),
            "notifying": not_selected_pending(project, counts),
            "page": page,
            "previous_url": page.has_previous()
            and _applicants_url(project, {**params, "page": str(page.previous_page_number())}),
            "next_url": page.has_next() and _applicants_url(project, {**params, "page": str(page.next_page_number())}),
            "blind_toggle_url": _applicants_url(
                project, {**params, "blind": "0"} if blind else {k: v for k, v in params.items() if k != "blind"}
            ),
            "csrf_token": csrf_token,
        },
        status=status,
    )


class _Slices:
    """The applicants as the paginator slices them: each page one prepared query."""

    def __init__(self, fetch):
        self.fetch = fetch

    def __getitem__(self, bounds):
        return self.fetch(bounds.start, bounds.stop)


# The applicants page's queries, compiled once per kind of reader and view (portal.prepared):
# built and compiled per request, its queries cost the page more CPU than running them.
def _applicants(role, is_staff, *, user_id, project_id):
    return Application.objects.for_employer(reader_as(role, is_staff, user_id)).filter(project=project_id)


def _page_ids(role, is_staff, by_state, sort, start, stop, *, user_id, project_id, state):
    applicants = _applicants(role, is_staff, user_id=user_id, project_id=project_id)
    if by_state:
        applicants = applicants.filter(status=state)
    return applicants.order_by(*SORTS[sort][1]).values("pk")[start:stop]


def _cards(role, is_staff, by_state, sort, start, stop, *, user_id, project_id, state):
    # The page's ids in a subquery (a sort of one table), then the cards of those twenty only.
    ids = _page_ids(role, is_staff, by_state, sort, start, stop, user_id=user_id, project_id=project_id, state=state)
    return (
        Application.objects.filter(pk__in=ids)
        .alias(
            # The student's record that WorkEligibility.objects.current() gives, joined.
            current_eligibility=FilteredRelation(
                "student__eligibility_records", condition=Q(student__eligibility_records__is_current=True)
            )
        )
        .values("pk", "status", "submitted_at", **{name: F(path) for name, path in CARD_COLUMNS.items()})
        .order_by(*SORTS[sort][1])
    )


COUNTS = Prepared(
    lambda *kind, user_id, project_id: (
        _applicants(*kind, user_id=user_id, project_id=project_id).order_by().values("status").annotate(n=Count("pk"))
    )
)
CARDS = Prepared(_cards, optional=["state"])
QUESTION_ANSWERS = Prepared(
    # Each question once per answer of the page's applications, once without one if none of them
    # answered it, in the questions' order: a query of its own for the questions cost the page
    # half a millisecond (its round trip, and PostgreSQL's work for any statement).
    lambda *, project_id, ids: (
        Question.objects.filter(project=project_id)
        .annotate(page_answer=FilteredRelation("answers", condition=Q(answers__application_id__in=ids)))
        .order_by("position", "pk")
        .values("pk", "text", "page_answer__application_id", "page_answer__text")
    )
)
SKILLS = Prepared(
    lambda *, profile_ids: (
        StudentProfile.skills.through.objects.filter(studentprofile__in=profile_ids)
        .order_by("skill__name")
        .values("studentprofile_id", "skill__name")
    )
)
MANAGED_PROJECT = Prepared(
    # What the page shows of the project: not its description and the rest of its text.
    lambda role, is_staff, *, user_id, slug: (
        Project.objects.managed_by(reader_as(role, is_staff, user_id))
        .filter(slug=slug)
        .only("organization_id", "title", "slug", "status", "openings")
    )
)


@never_cache
@login_required
@require_GET
def applicants(request, slug):
    project = MANAGED_PROJECT(*reader(request.user), user_id=request.user.pk, slug=slug)
    if not project:
        raise Http404
    return _applicants_page(request, project[0])


def _managed_application_or_404(request, pk):
    return get_object_or_404(Application.objects.for_employer(request.user).select_related("project"), pk=pk)


def _back(application, request):
    return redirect(
        _applicants_url(application.project, _applicants_params(request.POST)) + f"#applicant-{application.pk}"
    )


def _employer_action(service, done):
    @login_required
    @require_POST
    def view(request, pk):
        application = _managed_application_or_404(request, pk)
        try:
            service(application=application, by=request.user)
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done.format(pk=application.pk))
        return _back(application, request)

    return view


applicant_shortlist = _employer_action(services.application_shortlist, "Applicant #{pk} is on the shortlist.")
applicant_select = _employer_action(
    services.application_select, "Offer made to applicant #{pk}; they have a few days to answer."
)


@login_required
@require_POST
def applicant_decline(request, pk):
    application = _managed_application_or_404(request, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.application_decline(
                application=application,
                by=request.user,
                reason=form.cleaned_data["reason"],
                message=form.cleaned_data["message"],
            )
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"Applicant #{application.pk} was told they were not selected.")
        return _back(application, request)
    messages.error(request, f"Applicant #{application.pk} was not declined: please correct the form.")
    return _applicants_page(request, application.project, failed=(application.pk, form), status=400)


@login_required
@require_POST
def applicant_assessment(request, pk):
    application = _managed_application_or_404(request, pk)
    form = AssessmentForm(request.POST)
    if form.is_valid():
        services.assessment_save(
            application=application,
            by=request.user,
            rating=form.cleaned_data["rating"],
            notes=form.cleaned_data["notes"],
        )
        messages.success(request, f"Rating and notes saved for applicant #{application.pk}.")
        return _back(application, request)
    messages.error(request, f"The rating and notes of applicant #{application.pk} are not saved yet.")
    return _applicants_page(request, application.project, failed=(application.pk, form), status=400)

"""The engagement page, for its student and the organization's members; 404 to everyone else.

One page shows the state, what happens next and who acts, and the forms the reader may use now.
Every action posts to ``/engagements/<id>/<action>/``: the form is checked, the service called,
and the page comes back with the message, or with the form and its errors (what was typed kept).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal.access import reader, reader_as
from portal.links import url_with
from portal.prepared import Prepared
from portal.transitions import TransitionError
from portal.uploads import private_file_response

from ..completion import forms as completion_forms
from ..completion import views as completion_views
from . import forms, ics, services
from .models import Engagement, EngagementEvent, KickoffSlot, Milestone, Submission, SubmissionFile


def _visible_engagement(role, is_staff, *, user_id, pk):
    return (
        Engagement.objects.visible_to(reader_as(role, is_staff, user_id))
        .select_related("project__organization", "project__contact", "application__student", "kickoff")
        .filter(pk=pk)
    )


# Compiled once per kind of reader (portal.prepared): PostgreSQL took 2 ms to plan this join of
# seven tables, several times running it, and the page reads it twice (again after an action).
VISIBLE_ENGAGEMENT = Prepared(_visible_engagement)


def _engagement_or_404(request, pk):
    found = VISIBLE_ENGAGEMENT(*reader(request.user), user_id=request.user.pk, pk=pk)
    if not found:
        raise Http404
    return found[0]


def _reader(request, engagement):
    """Who is reading: "student" or "org" (the visible_to queryset already let them in)."""
    return "student" if request.user.pk == engagement.application.student_id else "org"


def _forms(engagement, side, bound=None, *, milestones, offered_slots):
    """Every form the reader may use now, by action name; ``bound`` replaces one with the
    submitted, invalid copy. ``milestones`` and ``offered_slots`` are the engagement's, as the
    page lists them."""
    found = {}
    if side == "org":
        if engagement.can_offer_times:
            found["offer_times"] = forms.SlotsForm()
        if engagement.can_move_due_date:
            found["due_date"] = forms.DueDateForm(initial={"due_on": engagement.due_on})
            found["milestones"] = forms.MilestonesForm(
                initial={
                    key: value
                    for i, m in enumerate(milestones, start=1)
                    for key, value in ((f"title_{i}", m.title), (f"date_{i}", m.due_on))
                }
            )
        if engagement.is_awaiting_verification:
            found["verify"] = completion_forms.VerifyWithFeedbackForm()
            found["changes"] = forms.ChangesForm()
        if engagement.can_be_cancelled_by_parties:
            found["cancel"] = forms.CancelForm(reasons=Engagement.SUPERVISOR_CANCEL_REASONS)
    else:
        if engagement.can_book and offered_slots:
            found["book"] = forms.BookForm(engagement=engagement)
            found["request_times"] = forms.RequestTimesForm()
        if engagement.can_submit_work:
            found["submit"] = forms.SubmitWorkForm()
        if engagement.can_be_cancelled_by_parties:
            found["cancel"] = forms.CancelForm(reasons=Engagement.STUDENT_CANCEL_REASONS)
    found.update(completion_views.forms_for(engagement, side))
    if bound is not None:
        found[bound[0].replace("-", "_")] = bound[1]
    return found


# What the page lists beside the engagement, each compiled once (portal.prepared): built and
# compiled per request, as prefetches, these five queries cost the page more than rendering its
# history of eight rounds of work.
EVENTS = Prepared(
    lambda *, engagement_id: (
        EngagementEvent.objects.filter(engagement=engagement_id).select_related("by").order_by("at", "pk")
    )
)
MILESTONES = Prepared(
    lambda *, engagement_id: Milestone.objects.filter(engagement=engagement_id).order_by("due_on", "pk")
)
SUBMISSIONS = Prepared(
    lambda *, engagement_id: (
        Submission.objects.filter(engagement=engagement_id).select_related("answered_by").order_by("round")
    )
)
FILES = Prepared(
    lambda *, engagement_id: SubmissionFile.objects.filter(submission__engagement=engagement_id).order_by("pk")
)
OFFERED_SLOTS = Prepared(
    lambda *, engagement_id: KickoffSlot.objects.filter(
        engagement=engagement_id, status=KickoffSlot.Status.OFFERED
    ).order_by("starts_at", "pk")
)


def _page(request, engagement, *, bound=None, refusal=None, status=200):
    side = _reader(request, engagement)
    # Read again (an action may have changed it), with everything the page lists.
    engagement = _engagement_or_404(request, engagement.pk)
    milestones = MILESTONES(engagement_id=engagement.pk)
    submissions = SUBMISSIONS(engagement_id=engagement.pk)
    files, file_url = {}, url_with("engagements:file", engagement.pk)
    for file in FILES(engagement_id=engagement.pk):
        file.download_url = file_url(file.pk)
        files.setdefault(file.submission_id, []).append(file)
    for submission in submissions:
        submission.file_list = files.get(submission.pk, [])
    offered_slots = OFFERED_SLOTS(engagement_id=engagement.pk)
    with timezone.override(engagement.project_zone):
        page_forms = _forms(engagement, side, bound, milestones=milestones, offered_slots=offered_slots)
    return render(
        request,
        "engagements/detail.html",
        {
            "engagement": engagement,
            "project": engagement.project,
            "student": engagement.application.student,
            "side": side,
            "next_step": engagement.next_step[0 if side == "student" else 1],
            "forms": page_forms,
            "refusal": refusal,
            "project_zone": engagement.project_zone,
            "milestones": milestones,
            "submissions": submissions,
            "events": EVENTS(engagement_id=engagement.pk),
            "offered_slots": offered_slots,
            "completion": completion_views.panel(engagement, side),
        },
        status=status,
    )


@never_cache
@login_required
@require_GET
def engagement_detail(request, pk):
    engagement = _engagement_or_404(request, pk)
    completion_views.on_open(request, engagement)
    return _page(request, engagement)


# Actions: name -> (who may, form factory, call the service with the cleaned form, message).


def _offer_times(request, engagement, form):
    services.kickoff_offer_times(engagement=engagement, by=request.user, slots=form.slots())
    return "Times offered: the student is emailed and books one."


def _book(request, engagement, form):
    services.kickoff_book(engagement=engagement, slot_id=form.cleaned_data["slot"].pk, by=request.user)
    return "Kick-off booked. The calendar invitation is in your email, and below."


def _request_times(request, engagement, form):
    services.kickoff_request_times(engagement=engagement, by=request.user, note=form.cleaned_data["note"])
    return "The supervisor is asked for new times; you get an email when they come."


def _due_date(request, engagement, form):
    data = form.cleaned_data
    services.due_date_move(engagement=engagement, by=request.user, due_on=data["due_on"], reason=data["reason"])
    return "Due date moved; the student is told."


def _milestones(request, engagement, form):
    services.milestones_set(engagement=engagement, by=request.user, milestones=form.milestones())
    return "Milestones saved."


def _submit(request, engagement, form):
    data = form.cleaned_data
    services.work_submit(
        engagement=engagement, by=request.user, url=data["url"], note=data["note"], files=data["files"]
    )
    return "Work submitted: the supervisor is emailed to verify it."


def _changes(request, engagement, form):
    services.work_request_changes(engagement=engagement, by=request.user, comment=form.cleaned_data["comment"])
    return "Changes requested: the student is emailed."


def _verify(request, engagement, form):
    services.work_verify(
        engagement=engagement, by=request.user, comment=form.cleaned_data["comment"], feedback=form.feedback()
    )
    return "Work verified: the engagement is completed."


def _cancel(request, engagement, form):
    data = form.cleaned_data
    services.engagement_cancel(engagement=engagement, by=request.user, reason=data["reason"], message=data["message"])
    return "The engagement is cancelled; the other side and the career center are told."


def _milestone_done(request, engagement, form):
    milestone = get_object_or_404(Milestone, pk=request.POST.get("milestone", "0") or 0, engagement=engagement)
    services.milestone_mark_done(milestone=milestone, by=request.user, done=request.POST.get("done") != "0")
    return "Milestone updated."


ACTIONS = {
    "offer-times": ("org", lambda e, data, files, side: forms.SlotsForm(data), _offer_times),
    "due-date": ("org", lambda e, data, files, side: forms.DueDateForm(data), _due_date),
    "milestones": ("org", lambda e, data, files, side: forms.MilestonesForm(data), _milestones),
    "changes": ("org", lambda e, data, files, side: forms.ChangesForm(data), _changes),
    "verify": ("org", lambda e, data, files, side: completion_forms.VerifyWithFeedbackForm(data), _verify),
    "book": ("student", lambda e, data, files, side: forms.BookForm(data, engagement=e), _book),
    "request-times": ("student", lambda e, data, files, side: forms.RequestTimesForm(data), _request_times),
    "submit": ("student", lambda e, data, files, side: forms.SubmitWorkForm(data, files), _submit),
    "milestone-done": ("student", None, _milestone_done),
    "cancel": (
        "any",
        lambda e, data, files, side: forms.CancelForm(
            data,
            reasons=Engagement.STUDENT_CANCEL_REASONS if side == "student" else Engagement.SUPERVISOR_CANCEL_REASONS,
        ),
        _cancel,
    ),
    **completion_views.ACTIONS,
}


@never_cache
@login_required
@require_POST
def engagement_action(request, pk, action):
    engagement = _engagement_or_404(request, pk)
    if action not in ACTIONS:
        raise Http404
    who, make_form, handler = ACTIONS[action]
    side = _reader(request, engagement)
    if who not in ("any", side):
        raise Http404
    form = None
    if make_form is not None:
        with timezone.override(engagement.project_zone):
            form = make_form(engagement, request.POST, request.FILES, side)
            valid = form.is_valid()
        if not valid:
            messages.error(request, "Nothing was changed yet: please correct the fields marked below.")
            return _page(request, engagement, bound=(action, form), status=400)
    try:
        done = handler(request, engagement, form)
    except TransitionError as exc:
        if form is not None and exc.field and exc.field in form.fields:
            form.add_error(exc.field, str(exc))
            messages.error(request, "Nothing was changed yet: please correct the fields marked below.")
            return _page(request, engagement, bound=(action, form), status=400)
        return _page(request, engagement, bound=(action, form) if form is not None else None, refusal=exc, status=400)
    messages.success(request, done)
    return redirect(engagement)


@never_cache
@login_required
@require_GET
def engagement_invitation(request, pk):
    """The kick-off's calendar file, the same one the emails carry."""
    engagement = _engagement_or_404(request, pk)
    if not engagement.has_invitation or engagement.status == Engagement.Status.CANCELLED:
        raise Http404
    response = HttpResponse(ics.invitation(engagement), content_type=f"{ics.CONTENT_TYPE}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{ics.filename(engagement)}"'
    return response


@never_cache
@login_required
@require_GET
def submission_file(request, pk, file_id):
    """A file handed in: to the student and the organization's members only, as a download."""
    engagement = _engagement_or_404(request, pk)
    stored = get_object_or_404(SubmissionFile, pk=file_id, submission__engagement=engagement)
    base = stored.name.rsplit(".", 1)[0] or "work"
    return private_file_response(stored.file, filename=base)

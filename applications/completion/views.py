"""After the work, on the engagement page and two pages of its own.

The engagement page (``applications.engagements.views``) asks this module for the forms and
the panel it shows after completion, and its action dispatcher takes ``ACTIONS`` from here:
feedback (the organization), the checklist, the thank-you and the record's settings (the
student). The survey has a page; the record a public page, 404 unless the student turned it on.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from portal.transitions import TransitionError

from ..engagements.models import Engagement
from . import forms, services
from .models import Completion, Feedback, FeedbackRating


def _feedback_of(engagement):
    return (
        Feedback.objects.filter(engagement=engagement)
        .select_related("given_by")
        .prefetch_related(Prefetch("ratings", queryset=FeedbackRating.objects.select_related("competency")))
        .first()
    )


def _may_give_feedback(engagement, feedback):
    return engagement.is_verified and feedback is None and timezone.now() <= services.feedback_deadline(engagement)


def forms_for(engagement, side):
    """The unbound forms of the panel, by action name (the engagement page adds them)."""
    found = {}
    if not engagement.is_verified:
        return found
    if side == "org":
        if _may_give_feedback(engagement, _feedback_of(engagement)):
            found["feedback"] = forms.FeedbackForm()
    else:
        completion = services.completion_for(engagement)
        found["checklist"] = forms.ChecklistForm(completion=completion)
        if not completion.thanks_sent_at:
            found["thanks"] = forms.ThanksForm()
        found["record"] = forms.RecordForm(
            initial={"public": completion.record_public, "shows_work_again": completion.record_shows_work_again}
        )
    return found


def panel(engagement, side):
    """What the engagement page shows after completion. The private note is the career
    center's: the student's panel never holds it."""
    if not engagement.is_verified:
        return None
    feedback = _feedback_of(engagement)
    context = {
        "ratings": [(r.competency.name, r.score) for r in feedback.ratings.all()] if feedback else [],
        "feedback_comment": feedback.comment if feedback else "",
        "feedback_given_at": feedback.given_at if feedback else None,
        "would_work_again": feedback.get_would_work_again_display() if feedback else "",
        "feedback_deadline": services.feedback_deadline(engagement),
        "has_feedback": feedback is not None,
    }
    if side == "org":
        context["private_note"] = feedback.private_note if feedback else ""
        return context
    completion = services.checklist_refresh(services.completion_for(engagement))
    context.update(
        completion=completion,
        items=services.checklist_items(completion),
        survey_done=completion.survey_done_at is not None,
        record_url=services.record_url(completion),
        linkedin_url=services.linkedin_url(completion),
        resume_line=services.resume_line(completion),
        supervisor_said_yes=services.record_facts(completion)["supervisor_said_yes"],
    )
    return context


def on_open(request, engagement):
    """The student opened the engagement page: reading the feedback ticks itself."""
    if engagement.is_verified:
        services.feedback_mark_read(engagement=engagement, by=request.user)


# Actions of the engagement page: name -> (who, form factory, handler); see its dispatcher.


def _feedback(request, engagement, form):
    services.feedback_give(engagement=engagement, by=request.user, **form.feedback())
    return "Feedback sent: the student is emailed."


def _checklist(request, engagement, form):
    services.checklist_update(
        engagement=engagement,
        by=request.user,
        ticked=form.ticked(),
        reminders_off=form.cleaned_data["reminders_off"],
    )
    return "Checklist saved."


def _thanks(request, engagement, form):
    services.thanks_send(engagement=engagement, by=request.user, message=form.cleaned_data["message"])
    return "Your note is on its way to the supervisor."


def _record(request, engagement, form):
    data = form.cleaned_data
    completion = services.record_update(
        engagement=engagement, by=request.user, public=data["public"], shows_work_again=data["shows_work_again"]
    )
    return "Your record is public: share its link." if completion.record_public else "Your record is private."


ACTIONS = {
    "feedback": ("org", lambda e, data, files, side: forms.FeedbackForm(data), _feedback),
    "checklist": (
        "student",
        lambda e, data, files, side: forms.ChecklistForm(data, completion=services.completion_for(e)),
        _checklist,
    ),
    "thanks": ("student", lambda e, data, files, side: forms.ThanksForm(data), _thanks),
    "record": ("student", lambda e, data, files, side: forms.RecordForm(data), _record),
}


# The survey page.


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def survey(request, pk):
    engagement = get_object_or_404(
        Engagement.objects.filter(application__student=request.user, status__in=Engagement.VERIFIED)
        .exclude(completed_at=None)
        .select_related("project__organization"),
        pk=pk,
    )
    if services.completion_for(engagement).survey_done_at or hasattr(engagement, "survey"):
        messages.info(request, "You already answered the survey for this project. Thank you!")
        return redirect(engagement)
    form = forms.SurveyForm(request.POST or None, engagement=engagement)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.survey_submit(
                    engagement=engagement,
                    by=request.user,
                    project_rating=data["project_rating"],
                    supervisor_rating=data["supervisor_rating"],
                    learned=data["learned"],
                    recommend=data["recommend"],
                    skills=data["skills_used"],
                    comment=data["comment"],
                )
            except TransitionError as exc:
                messages.error(request, str(exc))
                return redirect(engagement)
            messages.success(request, "Thank you: your answers reach the career center.")
            return redirect(engagement)
        messages.error(request, "Nothing was saved yet: please correct the fields marked below.")
        status = 400
    return render(
        request,
        "completion/survey.html",
        {"engagement": engagement, "project": engagement.project, "form": form},
        status=status,
    )


# The public record.


@require_GET
def record(request, token):
    completion = get_object_or_404(
        Completion.objects.select_related(
            "engagement__project__organization", "engagement__application__student"
        ).prefetch_related("engagement__project__skills"),
        record_token=token,
        record_public=True,
        engagement__status__in=Engagement.VERIFIED,
    )
    if completion.engagement.completed_at is None:
        raise Http404
    response = render(request, "completion/record.html", {"facts": services.record_facts(completion)})
    response["X-Robots-Tag"] = "noindex"
    return response

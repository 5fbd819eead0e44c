"""Demo engagements in every state: the demo student's, on projects of the demo employer's
organization (one project each, the demo employer its contact). Idempotent: an engagement that
exists is left alone.

Like the demo applications, rows are written directly rather than through the services, so
seeding sends no email; the events are the trail the services would have left.
"""

from datetime import datetime, time, timedelta

from django.db.models import F
from django.utils import timezone

from opportunities.demo import _project
from opportunities.models import CareerPath, Project
from portal.models import Membership

from ..models import Application
from .models import Engagement, EngagementEvent, KickoffSlot, Milestone, Submission

Status = Engagement.Status
VIDEO = "https://meet.example.com/brookline-kickoff"

# (state, project title, career path, skills, days since the kick-off; None: not yet booked).
# ``days_ago`` is a multiple of 3 so each project has one opening (see ``opportunities.demo``).
ENGAGEMENTS = [
    (Status.AWAITING_KICKOFF, "Interview notes into a research summary", CareerPath.RESEARCH, ["Copywriting"], None),
    (Status.KICKOFF_BOOKED, "Data dictionary for our warehouse", CareerPath.DATA, ["SQL"], -2),
    (Status.IN_PROGRESS, "Cohort retention chart in Python", CareerPath.DATA, ["Python", "Data analysis"], 4),
    (Status.WORK_SUBMITTED, "Quarterly survey cleanup", CareerPath.DATA, ["Microsoft Excel"], 11),
    (Status.CHANGES_REQUESTED, "Dashboard style guide", CareerPath.DESIGN, ["Graphic design"], 12),
    (Status.COMPLETED, "Lead scoring spreadsheet", CareerPath.SALES, ["Microsoft Excel", "Data analysis"], 20),
    (Status.CANCELLED, "Press list for a product launch", CareerPath.MARKETING, ["Market research"], None),
]

# The states each demo engagement passed through, after "awaiting kick-off".
PATHS = {
    Status.AWAITING_KICKOFF: [],
    Status.KICKOFF_BOOKED: [Status.KICKOFF_BOOKED],
    Status.IN_PROGRESS: [Status.KICKOFF_BOOKED, Status.IN_PROGRESS],
    Status.WORK_SUBMITTED: [Status.KICKOFF_BOOKED, Status.IN_PROGRESS, Status.WORK_SUBMITTED],
    Status.CHANGES_REQUESTED: [
        Status.KICKOFF_BOOKED,
        Status.IN_PROGRESS,
        Status.WORK_SUBMITTED,
        Status.CHANGES_REQUESTED,
    ],
    Status.COMPLETED: [
        Status.KICKOFF_BOOKED,
        Status.IN_PROGRESS,
        Status.WORK_SUBMITTED,
        Status.CHANGES_REQUESTED,
        Status.WORK_SUBMITTED,
        Status.COMPLETED,
    ],
    Status.CANCELLED: [Status.CANCELLED],
}


def projects(employer):
    """The demo employer's projects that the demo student works on, by state."""
    membership = Membership.objects.filter(user=employer).select_related("organization").first()
    if membership is None:
        return {}
    found = {}
    for i, (state, title, path, skills, _) in enumerate(ENGAGEMENTS):
        found[state] = _project(
            organization=membership.organization,
            contact=employer,
            title=title,
            path=path,
            skills=skills,
            hours=10 + 2 * i,
            fee=300 + 50 * i,
            remote=True,
            status=Project.Status.PUBLISHED,
            days_ago=3 * i,
        )
    return found


def _at(engagement, day, hour):
    return datetime.combine(day, time(hour), tzinfo=engagement.project_zone)


def seed(student, accepted, out):
    """``accepted``: {state: the demo student's accepted application}, one per state. Any other
    accepted application of the student gets the engagement accepting it creates."""
    made = 0
    for state, _, _, _, days_ago in ENGAGEMENTS:
        application = accepted.get(state)
        if application is None or Engagement.objects.filter(application=application).exists():
            continue
        _engagement(application, state, days_ago)
        made += 1
    others = Application.objects.filter(student=student, status=Application.Status.ACCEPTED, engagement__isnull=True)
    for application in others.select_related("project"):
        engagement = Engagement.objects.create(application=application, project=application.project)
        _write_trail(engagement, [(Status.AWAITING_KICKOFF, student, "Offer accepted.")], start=timezone.now())
        made += 1
    out.write(
        f"  engagements: {Engagement.objects.filter(application__student__email='student@demo.test').count()} "
        "(the demo student's, in every state, with employer@demo.test's organization)"
    )
    return made


def _engagement(application, state, days_ago):
    project, student = application.project, application.student
    supervisor = project.contact
    now = timezone.now()
    # The offer was accepted a few days before the kick-off (the application seeds "6 hours ago").
    earlier = timedelta(days=max(days_ago or 0, 0) + 4)
    Application.objects.filter(pk=application.pk).update(
        submitted_at=F("submitted_at") - earlier,
        offered_at=F("offered_at") - earlier,
        offer_expires_at=F("offer_expires_at") - earlier,
        decided_at=F("decided_at") - earlier,
    )
    application.events.update(at=F("at") - earlier)
    engagement = Engagement.objects.create(application=application, project=project, created_at=now - earlier)
    zone = engagement.project_zone
    today = timezone.localdate(timezone=zone)
    trail = [(Status.AWAITING_KICKOFF, student, "Offer accepted.")]
    fields = {"status": state}
    slot_days = [today + timedelta(days=d) for d in (2, 3, 5)]
    if days_ago is None:
        # Not booked yet: three times offered (the cancelled one never got to book).
        slot_status = KickoffSlot.Status.OFFERED if state == Status.AWAITING_KICKOFF else KickoffSlot.Status.RELEASED
        KickoffSlot.objects.bulk_create(
            KickoffSlot(
                engagement=engagement,
                starts_at=_at(engagement, day, hour),
                minutes=30,
                video_url=VIDEO,
                status=slot_status,
                offered_by=supervisor,
            )
            for day, hour in zip(slot_days, (10, 14, 11), strict=True)
        )
        trail.append((Status.AWAITING_KICKOFF, supervisor, "3 kick-off times offered."))
        if state == Status.CANCELLED:
            fields.update(
                cancelled_at=now - timedelta(hours=3),
                cancel_reason=Engagement.CancelReason.STUDENT_CANNOT,
                cancel_message="A family matter came up; I cannot take on the work this month.",
            )
    else:
        kickoff_day = today - timedelta(days=days_ago)
        offered_at = _at(engagement, kickoff_day - timedelta(days=3), 9)
        booked = KickoffSlot.objects.create(
            engagement=engagement,
            starts_at=_at(engagement, kickoff_day, 15),
            minutes=30,
            video_url=VIDEO,
            status=KickoffSlot.Status.BOOKED,
            offered_by=supervisor,
            created_at=offered_at,
        )
        KickoffSlot.objects.create(
            engagement=engagement,
            starts_at=_at(engagement, kickoff_day + timedelta(days=1), 10),
            minutes=30,
            location="Brookline Analytics, 12 Harvard Street, Brookline",
            status=KickoffSlot.Status.RELEASED,
            offered_by=supervisor,
            created_at=offered_at,
        )
        due_on = kickoff_day + timedelta(days=project.duration_days)
        trail.append((Status.AWAITING_KICKOFF, supervisor, "2 kick-off times offered."))
        fields.update(kickoff=booked, kickoff_at=booked.starts_at, due_on=due_on, invite_sequence=1)
        if state != Status.KICKOFF_BOOKED:
            Milestone.objects.bulk_create(
                [
                    Milestone(
                        engagement=engagement,
                        title="Outline shared with the supervisor",
                        due_on=kickoff_day + timedelta(days=3),
                        done_at=now - timedelta(days=max(days_ago - 3, 0)),
                    ),
                    Milestone(engagement=engagement, title="First draft", due_on=due_on - timedelta(days=4)),
                ]
            )
        _submissions(engagement, state, supervisor, now, fields)
    Engagement.objects.filter(pk=engagement.pk).update(**fields)
    notes = {
        Status.KICKOFF_BOOKED: "Kick-off booked.",
        Status.IN_PROGRESS: "",
        Status.WORK_SUBMITTED: "Round submitted.",
        Status.CHANGES_REQUESTED: "Please add a short summary at the top.",
        Status.COMPLETED: "",
        Status.CANCELLED: "The student can no longer do it.",
    }
    for step in PATHS[state]:
        by = {Status.IN_PROGRESS: None, Status.CHANGES_REQUESTED: supervisor, Status.COMPLETED: supervisor}.get(
            step, student
        )
        trail.append((step, by, notes[step]))
    _write_trail(engagement, trail, start=now - earlier)
    return engagement


def _submissions(engagement, state, supervisor, now, fields):
    if state not in (Status.WORK_SUBMITTED, Status.CHANGES_REQUESTED, Status.COMPLETED):
        return
    first = Submission.objects.create(
        engagement=engagement,
        round=1,
        url="https://drive.example.com/demo/first-round",
        note="Everything is in the shared folder; the README says where to start.",
        submitted_at=now - timedelta(days=2),
    )
    fields["submitted_at"] = first.submitted_at
    if state == Status.WORK_SUBMITTED:
        return
    Submission.objects.filter(pk=first.pk).update(
        outcome=Submission.Outcome.CHANGES_REQUESTED,
        comment="Please add a short summary at the top.",
        answered_at=now - timedelta(days=1),
        answered_by=supervisor,
    )
    if state == Status.COMPLETED:
        second = Submission.objects.create(
            engagement=engagement,
            round=2,
            url="https://drive.example.com/demo/second-round",
            note="Summary added.",
            submitted_at=now - timedelta(hours=20),
            outcome=Submission.Outcome.VERIFIED,
            comment="Great work, thank you.",
            answered_at=now - timedelta(hours=5),
            answered_by=supervisor,
        )
        fields.update(submitted_at=second.submitted_at, completed_at=second.answered_at)


def _write_trail(engagement, trail, *, start):
    previous, at = "", start
    step = (timezone.now() - start) / (len(trail) + 1)
    events = []
    for to_status, by, note in trail:
        events.append(
            EngagementEvent(engagement=engagement, from_status=previous, to_status=to_status, by=by, note=note, at=at)
        )
        previous, at = to_status, at + step
    EngagementEvent.objects.bulk_create(events)

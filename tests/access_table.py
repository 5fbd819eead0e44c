"""Who may open each URL of the portal: one row per URL (and per kind of object where it matters).

``tests/test_access.py`` fails when a URL of the portal's own apps has no row here, so every new
view is added to this table, saying who may use it. For each row and each person it requests the
URL and checks the outcome:

- the people in ``ok`` are served: 200, or a redirect anywhere but the sign-in page;
- an anonymous visitor not in ``ok`` is sent to sign in (``anonymous=NOT_FOUND`` where the page
  answers 404 to everyone without the right, signed in or not);
- everyone else gets 404: a page that is not theirs is not there.

The people: ``alice`` (a student who owns the objects: her application, résumé, eligibility
record, saved search), ``bob`` (another student), ``carol`` (an employer, member of the
organization that owns the project), ``dave`` (an employer of another organization) and
``staff`` (the career center group, not a superuser). ``World`` builds the objects.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from applications.models import Completion, Engagement, SubmissionFile
from opportunities.models import Project, SavedSearch
from opportunities.services import saved_search_unsubscribe_token
from portal.models import Invitation, WorkEligibility
from tests.factories import (
    ApplicationFactory,
    ProjectFactory,
    StudentProfileFactory,
    WorkEligibilityFactory,
    pdf_upload,
)

PERSONAS = ["anonymous", "alice", "bob", "carol", "dave", "staff"]
OK, LOGIN, NOT_FOUND = "ok", "sign-in", "404"

EVERYONE = frozenset(PERSONAS)
SIGNED_IN = EVERYONE - {"anonymous"}
STUDENTS = frozenset({"alice", "bob"})
EMPLOYERS = frozenset({"carol", "dave"})


class World:
    """The objects the URLs point at, made with the factories for each test."""

    def __init__(self, *, alice, bob, carol, dave, staff):
        self.organization = carol.membership.organization
        self.project = ProjectFactory(organization=self.organization, contact=carol, title="Churn dashboard")
        self.draft = ProjectFactory(
            organization=self.organization, contact=carol, status=Project.Status.DRAFT, published_at=None
        )
        self.profile = StudentProfileFactory(user=alice, resume=pdf_upload())
        self.eligibility = WorkEligibilityFactory(
            student=alice,
            basis=WorkEligibility.Basis.F1_CPT,
            status=WorkEligibility.Status.PENDING,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + timedelta(days=200),
            document=pdf_upload("i20.pdf"),
        )
        self.application = ApplicationFactory(project=self.project, student=alice, status="submitted")
        self.search = SavedSearch.objects.create(user=alice, name="Data projects", query="path=data")
        self.invitation = Invitation.objects.create(
            organization=self.organization, email="new@acme.example", token="an-invitation-token", invited_by=carol
        )
        # Alice's accepted offer on another of carol's projects: booked, with work handed in.
        accepted = ApplicationFactory(
            project=ProjectFactory(organization=self.organization, contact=carol), student=alice, status="accepted"
        )
        self.engagement = Engagement.objects.create(
            application=accepted, project=accepted.project, status=Engagement.Status.WORK_SUBMITTED
        )
        slot = self.engagement.slots.create(
            starts_at=timezone.now() - timedelta(days=2), status="booked", video_url="https://meet.example.com/k"
        )
        Engagement.objects.filter(pk=self.engagement.pk).update(
            kickoff=slot, kickoff_at=slot.starts_at, invite_sequence=1, due_on=timezone.localdate()
        )
        self.milestone = self.engagement.milestones.create(title="First draft", due_on=timezone.localdate())
        submission = self.engagement.submissions.create(url="https://drive.example.com/work")
        self.work_file = SubmissionFile(submission=submission, name="report.pdf", size=100, content_type="x")
        self.work_file.file.save("report.pdf", pdf_upload(), save=True)
        # And a completed one, its record public.
        done = ApplicationFactory(
            project=ProjectFactory(organization=self.organization, contact=carol), student=alice, status="accepted"
        )
        self.completed = Engagement.objects.create(
            application=done, project=done.project, status=Engagement.Status.COMPLETED, completed_at=timezone.now()
        )
        self.completion = Completion.objects.create(engagement=self.completed, record_public=True)


@dataclass(frozen=True)
class Row:
    name: str
    ok: frozenset
    kwargs: object = None  # World -> the URL's arguments
    method: str = "get"
    data: object = field(default_factory=dict)  # a dict, or World -> a dict
    anonymous: str = LOGIN  # the outcome for an anonymous visitor not in ``ok``
    case: str = ""  # tells apart two rows of one URL

    @property
    def id(self):
        return f"{self.name}[{self.case}]" if self.case else self.name

    def expected(self, persona):
        if persona in self.ok:
            return OK
        return self.anonymous if persona == "anonymous" else NOT_FOUND


def engagement(world):
    return {"pk": world.engagement.pk}


def project(world):
    return {"slug": world.project.slug}


def application(world):
    return {"pk": world.application.pk}


ROWS = [
    # portal: pages for everyone, the student's own pages and files.
    Row("portal:home", EVERYONE),
    Row("portal:dashboard", SIGNED_IN),
    Row("portal:profile", STUDENTS),
    Row("portal:resume", {"alice"}, anonymous=NOT_FOUND),  # one's own; bob has none
    Row(
        "portal:resume-of",
        {"alice", "carol", "staff"},  # carol: alice applied to her organization
        kwargs=lambda w: {"pk": w.profile.pk},
        anonymous=NOT_FOUND,
    ),
    Row("portal:data-export", STUDENTS, method="post"),
    Row("portal:time-zone", SIGNED_IN),
    Row("portal:account-name", SIGNED_IN),
    Row("portal:account-delete", STUDENTS | EMPLOYERS),
    Row(
        "portal:eligibility-document",
        {"alice", "staff"},
        kwargs=lambda w: {"pk": w.eligibility.pk},
        anonymous=NOT_FOUND,
    ),
    # organizations: an employer's own organization; an invitation link is its own proof.
    Row("organizations:detail", EMPLOYERS),
    Row("organizations:new", EMPLOYERS),  # both already belong to one: sent to it
    Row("organizations:invite", EMPLOYERS, method="post", data={"email": "someone@acme.example"}),
    Row("organizations:invitation", EVERYONE, kwargs=lambda w: {"token": w.invitation.token}),
    Row(
        "organizations:member-make-owner",
        {"carol"},  # an owner of the member's organization
        kwargs=lambda w: {"pk": w.organization.memberships.get(role="owner").pk},
        method="post",
    ),
    # opportunities: the listings, a student's saved searches, an organization's projects.
    Row("opportunities:project-list", EVERYONE),
    Row("opportunities:project-detail", EVERYONE, kwargs=project, case="published"),
    Row(
        "opportunities:project-detail",
        {"carol", "staff"},
        kwargs=lambda w: {"slug": w.draft.slug},
        anonymous=NOT_FOUND,
        case="draft",
    ),
    Row("opportunities:saved-search-list", STUDENTS),
    Row("opportunities:saved-search-delete", {"alice"}, kwargs=lambda w: {"pk": w.search.pk}, method="post"),
    Row(
        "opportunities:saved-search-unsubscribe",
        EVERYONE,  # the signed token in the email is the proof
        kwargs=lambda w: {"token": saved_search_unsubscribe_token(w.search)},
    ),
    Row("opportunities:employer-project-list", EMPLOYERS),
    Row("opportunities:employer-project-new", EMPLOYERS),
    Row("opportunities:employer-project-detail", {"carol"}, kwargs=project),
    Row("opportunities:employer-project-edit", {"carol"}, kwargs=project),
    Row("opportunities:employer-project-submit", {"carol"}, kwargs=lambda w: {"slug": w.draft.slug}, method="post"),
    Row("opportunities:employer-project-close", {"carol"}, kwargs=project, method="post"),
    Row("opportunities:employer-project-cancel", {"carol"}, kwargs=project, method="post"),
    Row("opportunities:employer-project-reopen", {"carol"}, kwargs=project, method="post"),
    # payroll: a student's own sign-up.
    Row("payroll:home", STUDENTS),
    Row("payroll:edit", STUDENTS),
    # each student's own statement (of no one else's payouts): bob's is empty
    Row("payroll:statement", STUDENTS, kwargs=lambda w: {"year": timezone.localdate().year}),
    # applications: a student's own applications; an organization's applicants.
    Row("applications:eligibility", STUDENTS),
    Row("applications:apply", STUDENTS, kwargs=project),
    Row("applications:list", STUDENTS),
    Row("applications:detail", {"alice"}, kwargs=application),
    Row("applications:withdraw", {"alice"}, kwargs=application, method="post"),
    Row("applications:accept", {"alice"}, kwargs=application, method="post"),
    Row("applications:decline-offer", {"alice"}, kwargs=application, method="post"),
    Row("applications:applicants", {"carol"}, kwargs=project),
    Row("applications:applicant-shortlist", {"carol"}, kwargs=application, method="post"),
    Row("applications:applicant-select", {"carol"}, kwargs=application, method="post"),
    Row(
        "applications:applicant-decline",
        {"carol"},
        kwargs=application,
        method="post",
        data={"reason": "skills", "message": ""},
    ),
    Row("applications:applicant-assessment", {"carol"}, kwargs=application, method="post", data={"rating": "4"}),
    # engagements: the student and the organization's members only; staff use the admin.
    Row("engagements:detail", {"alice", "carol"}, kwargs=engagement),
    Row("engagements:invitation", {"alice", "carol"}, kwargs=engagement),
    Row("engagements:file", {"alice", "carol"}, kwargs=lambda w: {"pk": w.engagement.pk, "file_id": w.work_file.pk}),
    Row(
        "engagements:action",
        {"carol"},
        kwargs=lambda w: {"pk": w.engagement.pk, "action": "changes"},
        method="post",
        data={"comment": "Add a chart."},
        case="organization",
    ),
    Row(
        "engagements:action",
        {"alice"},
        kwargs=lambda w: {"pk": w.engagement.pk, "action": "milestone-done"},
        method="post",
        data=lambda w: {"milestone": w.milestone.pk, "done": "1"},
        case="student",
    ),
    # after the work: the student's survey; the record is public while the student keeps it on.
    Row("completion:survey", {"alice"}, kwargs=lambda w: {"pk": w.completed.pk}),
    Row("completion:record", EVERYONE, kwargs=lambda w: {"token": w.completion.record_token}),
]

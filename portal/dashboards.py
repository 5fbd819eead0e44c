"""What each person's dashboard says needs doing now: one function per role, each returning a
list of `Item`s, most pressing first, in a fixed number of queries whatever the counts.

The portal app sits below the others, so their models are looked up by name (`apps.get_model`)
instead of imported. To add items (engagement steps, say), add a few lines to the role's
function: one query for the lot, then one `Item` per thing to do.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.db.models import Exists, Func, IntegerField, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from .links import url_with
from .models import Membership, Organization, WorkEligibility
from .outbox import stuck_emails
from .prepared import Prepared
from .zones import short_date


@dataclass(frozen=True)
class Item:
    """One thing to do: a sentence, where to do it, and, when there is one, its deadline or the
    size of the queue."""

    text: str
    url: str
    due: datetime | None = None
    count: int | None = None
    urgent: bool = False


def _model(label):
    return apps.get_model(label)


def student_items(user, *, today=None):
    """Offers to answer, drafts (and the career center's comments on them), work eligibility that
    ends soon or was refused, and payroll still missing after an accepted offer. Two queries, and
    the payroll sign-up's after an accepted offer."""
    Application = _model("applications.Application")
    ContractorRecord = _model("payroll.ContractorRecord")
    S = Application.Status
    today = today or timezone.localdate()

    applications = STUDENT_APPLICATIONS(user_id=user.pk)
    # The current record (one per student at most: a database constraint).
    record = next(iter(CURRENT_ELIGIBILITY(user_id=user.pk)), None)

    offers, reviewed, drafts = [], [], []
    accepted = False
    detail, apply = url_with("applications:detail"), url_with("applications:apply")
    for application in applications:
        title = application["project__title"]
        if application["status"] == S.OFFERED:
            due = application["offer_expires_at"]
            when = f" by {short_date(timezone.localtime(due))}" if due else ""
            offers.append(
                Item(f"Answer the offer for “{title}”{when}", detail(application["pk"]), due=due, urgent=True)
            )
        elif application["status"] == S.DRAFT:
            apply_url = apply(application["project__slug"])
            if application["review_answered"]:
                reviewed.append(Item(f"Read the career center's comments on your draft for “{title}”", apply_url))
            else:
                apply_by = application["project__apply_by"]
                text = f"Finish your application to “{title}” (apply by {short_date(apply_by)})"
                drafts.append(Item(text, apply_url))
        else:
            accepted = True

    items = offers
    payroll = PAYROLL_SIGNUP(user_id=user.pk) if accepted else None
    if accepted and (not payroll or payroll[0].state_on(today) != ContractorRecord.State.COMPLETE):
        items.append(
            Item("Sign up for payroll: you accepted an offer and are paid through it", reverse("payroll:home"))
        )
    eligibility_url = reverse("applications:eligibility")
    if record is None:
        items.append(Item("Declare your work eligibility before you apply", eligibility_url))
    elif record["status"] == WorkEligibility.Status.REJECTED:
        items.append(Item("The career center could not confirm your work eligibility: see why", eligibility_url))
    elif record["status"] == WorkEligibility.Status.EXPIRED:
        items.append(Item("Your work authorization has ended: declare the new one", eligibility_url))
    elif (
        record["status"] == WorkEligibility.Status.VERIFIED
        and record["ends_on"]
        and record["ends_on"] <= today + timedelta(days=settings.ELIGIBILITY_REMINDER_DAYS)
    ):
        items.append(
            Item(
                f"Your work authorization ends on {short_date(record['ends_on'])}: declare its renewal",
                eligibility_url,
            )
        )
    return items + reviewed + drafts


def _student_applications(*, user_id):
    Application = _model("applications.Application")
    ReviewRequest = _model("applications.ReviewRequest")
    S = Application.Status
    answered = ReviewRequest.objects.filter(application=OuterRef("pk"), answered_at__isnull=False)
    return (
        Application.objects.filter(student_id=user_id, status__in=[S.OFFERED, S.DRAFT, S.ACCEPTED])
        .annotate(review_answered=Exists(answered))
        .order_by("offer_expires_at", "project__apply_by", "pk")
        .values(
            "pk",
            "status",
            "offer_expires_at",
            "project__title",
            "project__slug",
            "project__apply_by",
            "review_answered",
        )
    )


# The queries every student's dashboard runs, compiled once (see portal.prepared).
STUDENT_APPLICATIONS = Prepared(_student_applications)
PAYROLL_SIGNUP = Prepared(
    # Whether the sign-up is complete needs no taxpayer id or account number decrypted.
    lambda *, user_id: (
        _model("payroll.ContractorRecord").objects.filter(student_id=user_id).defer("tin", "account_number")
    )
)
CURRENT_ELIGIBILITY = Prepared(
    lambda *, user_id: WorkEligibility.objects.filter(student_id=user_id, is_current=True).values("status", "ends_on")
)


def employer_items(user):
    """The organization until it is verified, then per project: applicants waiting, offers out,
    projects with the career center or sent back. Two queries."""
    Project = _model("opportunities.Project")

    membership = MEMBERSHIP(user_id=user.pk)
    if not membership:
        return [Item("Create your organization, or ask its owner to invite you", reverse("organizations:new"))]
    organization = membership[0]
    name = organization["organization__name"]
    items = []
    if organization["organization__status"] == Organization.Status.PENDING:
        items.append(
            Item(f"The career center is verifying {name}; draft projects meanwhile", reverse("organizations:detail"))
        )
    elif organization["organization__status"] == Organization.Status.SUSPENDED:
        items.append(
            Item(f"{name} is suspended: its projects are not listed", reverse("organizations:detail"), urgent=True)
        )
    applicants, detail = url_with("applications:applicants"), url_with("opportunities:employer-project-detail")
    for project in ORGANIZATION_PROJECTS(organization_id=organization["organization_id"]):
        title, waiting, offers_out = project["title"], project["waiting"], project["offers_out"]
        applicants_url, detail_url = applicants(project["slug"]), detail(project["slug"])
        if waiting:
            items.append(
                Item(
                    f"{waiting} applicant{'s' if waiting != 1 else ''} waiting on “{title}”",
                    applicants_url,
                    count=waiting,
                )
            )
        if offers_out:
            offers = f"{offers_out} offer{'s' if offers_out != 1 else ''}"
            items.append(Item(f"{offers} out on “{title}”, waiting for the student", f"{applicants_url}?state=offered"))
        if project["status"] == Project.Status.IN_REVIEW:
            items.append(Item(f"“{title}” is with the career center for review", detail_url))
        elif project["status"] == Project.Status.DRAFT and project["review_note"]:
            items.append(Item(f"The career center sent “{title}” back: see why", detail_url, urgent=True))
    return items


def _organization_projects(*, organization_id):
    """The organization's projects but cancelled ones, with their applicants waiting and offers out."""
    Project = _model("opportunities.Project")
    Application = _model("applications.Application")

    def count(status):
        # One count per project and state, from the (project, status) index alone: joining every
        # application of the organization to count them read hundreds of rows per project.
        applications = Application.objects.filter(project=OuterRef("pk"), status=status).order_by()
        return Subquery(applications.values(n=Func(template="COUNT(*)", output_field=IntegerField())))

    return (
        Project.objects.filter(organization_id=organization_id)
        .exclude(status=Project.Status.CANCELLED)
        .annotate(waiting=count(Application.Status.SUBMITTED), offers_out=count(Application.Status.OFFERED))
        .order_by("apply_by", "pk")
        .values("title", "slug", "status", "review_note", "waiting", "offers_out")
    )


MEMBERSHIP = Prepared(
    lambda *, user_id: Membership.objects.filter(user_id=user_id).values(
        "organization_id", "organization__name", "organization__status"
    )[:1]
)
ORGANIZATION_PROJECTS = Prepared(_organization_projects)


def staff_items(user):
    """The career center's queues, each with its size. One query per queue."""
    Project = _model("opportunities.Project")
    ReviewRequest = _model("applications.ReviewRequest")

    def admin_url(name, query):
        return f"{reverse(f'admin:{name}_changelist')}?{query}"

    queues = [
        (
            "eligibility declarations to verify",
            WorkEligibility.objects.filter(is_current=True, status=WorkEligibility.Status.PENDING),
            admin_url("portal_workeligibility", "status__exact=pending&is_current__exact=1"),
        ),
        (
            "organizations to verify",
            Organization.objects.filter(status=Organization.Status.PENDING),
            admin_url("portal_organization", "status__exact=pending"),
        ),
        (
            "projects to moderate",
            Project.objects.filter(status=Project.Status.IN_REVIEW),
            admin_url("opportunities_project", "queue=review"),
        ),
        (
            "draft reviews to answer",
            ReviewRequest.objects.filter(answered_at__isnull=True),
            admin_url("applications_reviewrequest", "answered=no"),
        ),
        (
            "emails failed or stuck",
            stuck_emails(),
            admin_url("portal_outboundemail", "problem=any"),
        ),
    ]
    items = []
    for label, queryset, url in queues:
        count = queryset.count()
        items.append(Item(f"{count} {label}", url, count=count, urgent=bool(count)))
    return items

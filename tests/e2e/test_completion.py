"""After the work, in the browser: feedback with the verification, the survey, the thank-you
and the public record; axe-core on every new page and form."""

from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from applications.models import Engagement, Feedback, Survey
from portal.models import OutboundEmail, Skill
from tests.e2e.conftest import sign_in
from tests.factories import ApplicationFactory, ProjectFactory, SkillFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CORE = ["Communication", "Problem-solving", "Adaptability", "Quality of work"]


@pytest.fixture
def submitted(alice, carol):
    for name in CORE:
        SkillFactory(name=name, slug=name.lower().replace(" ", "-"), kind=Skill.Kind.CORE)
    project = ProjectFactory(
        organization=carol.membership.organization,
        contact=carol,
        title="Churn dashboard",
        skills=[SkillFactory(name="Microsoft Excel", slug="microsoft-excel")],
    )
    application = ApplicationFactory(project=project, student=alice, status="accepted")
    engagement = Engagement.objects.create(
        application=application,
        project=project,
        status=Engagement.Status.WORK_SUBMITTED,
        kickoff_at=timezone.now() - timezone.timedelta(days=10),
        submitted_at=timezone.now(),
    )
    engagement.submissions.create(url="https://drive.example.com/dashboard", note="Done.")
    return engagement


def test_feedback_survey_thank_you_and_the_public_record(page, axe_violations, submitted, alice, carol, password):
    url = f"/engagements/{submitted.pk}/"

    # The supervisor verifies, with feedback.
    sign_in(page, carol.email, password)
    page.goto(url)
    page.get_by_role("heading", name="Verify the work").wait_for()
    assert axe_violations(page) == []
    for name, score in zip(CORE, ["5", "4", "4", "5"], strict=True):
        page.get_by_role("group", name=name).get_by_label(score, exact=True).check()
    page.get_by_role("group", name="Would you work with this student again?").get_by_label("Yes").check()
    page.get_by_label("Comment to the student").fill("Your dashboard is the clearest we have had.")
    page.get_by_label("Private note to the career center").fill("Needed one reminder about the deadline.")
    page.get_by_role("button", name="Verify: the work is complete").click()
    page.get_by_text("Work verified: the engagement is completed.").wait_for()
    assert Feedback.objects.get().would_work_again == "yes"
    assert axe_violations(page) == []
    page.goto("/organization/")
    page.get_by_role("heading", name="What students say").wait_for()
    assert axe_violations(page) == []

    # The student reads it, without the private note.
    sign_in(page, alice.email, password)
    page.goto(url)
    page.get_by_text("Your dashboard is the clearest we have had.").wait_for()
    assert page.get_by_text("Needed one reminder").count() == 0
    assert axe_violations(page) == []

    # The survey: refused when incomplete, then sent.
    page.get_by_role("link", name="Complete the survey").click()
    page.get_by_role("heading", name="How was “Churn dashboard”?").wait_for()
    assert page.get_by_label("Microsoft Excel").is_checked()  # pre-filled from the project
    assert axe_violations(page) == []
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_text("Nothing was saved yet").wait_for()
    assert not Survey.objects.exists()
    assert axe_violations(page) == []
    page.get_by_role("group", name="The project").get_by_label("5", exact=True).check()
    page.get_by_role("group", name="The supervisor").get_by_label("5", exact=True).check()
    page.get_by_role("group", name="How much did you learn?").get_by_label("A lot").check()
    page.get_by_role("group", name="Would you recommend this organization to another student?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Send my answers").click()
    page.get_by_text("Thank you: your answers reach the career center.").wait_for()
    assert Survey.objects.get().project_rating == 5

    # A thank-you to the supervisor, who can reply to the student directly.
    page.get_by_label("Your note to the supervisor").fill("Thank you for the clear brief and the kind words!")
    page.get_by_role("button", name="Send the thank-you").click()
    page.get_by_text("Your note is on its way to the supervisor.").wait_for()
    note = OutboundEmail.objects.get(kind="thank-you")
    assert note.recipient == carol.email and note.headers == {"Reply-To": alice.email}

    # The record: public, with the supervisor's "would work with again", opened signed out.
    page.get_by_label("Make my completion record public").check()
    page.get_by_label("Show that the supervisor would work with me again").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Your record is public: share its link.").wait_for()
    assert axe_violations(page) == []
    record = urlsplit(page.get_by_role("link", name="/records/").get_attribute("href")).path
    page.goto("/dashboard/")
    assert axe_violations(page) == []

    page.context.clear_cookies()
    page.goto(record)
    page.get_by_role("heading", name="Alice Adams completed “Churn dashboard”").wait_for()
    page.get_by_text("The supervisor would work with Alice Adams again.").wait_for()
    body = page.locator("main").inner_text()
    assert alice.email not in body and "Needed one reminder" not in body and "clearest" not in body
    assert axe_violations(page) == []


def test_the_later_feedback_form_the_checklist_and_the_survey_averages_pass_axe(
    page, axe_violations, submitted, alice, carol, password
):
    Engagement.objects.filter(pk=submitted.pk).update(status=Engagement.Status.COMPLETED, completed_at=timezone.now())
    for i in range(Survey.MIN_FOR_EMPLOYERS):
        Survey.objects.create(
            organization=submitted.project.organization,
            project_rating=4,
            supervisor_rating=5,
            learned=3,
            recommend="yes" if i else "no",
        )
    sign_in(page, carol.email, password)
    page.goto(f"/engagements/{submitted.pk}/")
    page.get_by_role("button", name="Send feedback").click()  # empty: every error beside its field
    page.get_by_text("Nothing was changed yet").wait_for()
    assert not Feedback.objects.exists()
    assert axe_violations(page) == []
    page.goto("/organization/")
    page.get_by_text("Averages of 5 students").wait_for()
    assert axe_violations(page) == []

    sign_in(page, alice.email, password)
    page.goto(f"/engagements/{submitted.pk}/")
    page.get_by_text("Tick what you did").click()
    page.get_by_label("Update LinkedIn").check()
    page.get_by_label("No more reminders for this checklist").check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save the checklist").click()
    page.get_by_text("Checklist saved.").wait_for()
    page.goto("/dashboard/")
    page.get_by_role("heading", name="After “Churn dashboard”").wait_for()
    assert axe_violations(page) == []

"""The bench's engagements: the reminder jobs pick out the few due among many, each reminder
once; the engagement page the bench measures opens for its organization."""

import pytest

from applications.engagements import services
from applications.models import Engagement
from bench.seed import seed_engagement_page, seed_engagements
from tests.factories import ProjectFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_the_reminder_jobs_find_only_the_engagements_due_and_remind_once(carol):
    for _ in range(3):
        ProjectFactory(organization=carol.membership.organization, contact=carol)
    for i in range(40):
        StudentFactory(email=f"student{i}@bench.example")
    assert seed_engagements(40, due_each=2) == 40
    assert Engagement.objects.count() == 40
    first = [
        services.engagements_start_due(),
        services.kickoff_remind_due(),
        services.deadlines_remind_due(),  # 3 days, 1 day, overdue
        services.verification_remind_due(),  # 3 days for both late pairs, 7 days for one
    ]
    assert first == [2, 2, 6, 6]
    again = [
        services.engagements_start_due(),
        services.kickoff_remind_due(),
        services.deadlines_remind_due(),
        services.verification_remind_due(),
    ]
    assert again == [0, 0, 0, 0]


def test_the_measured_engagement_page_shows_every_round(client, carol):
    for _ in range(2):
        ProjectFactory(organization=carol.membership.organization, contact=carol)
    engagement, _ = seed_engagement_page(rounds=4, milestones=3)
    client.force_login(carol)
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    assert "Round 4: Waiting for the supervisor" in page and "Round 1: Changes requested" in page
    assert page.count("Milestone ") >= 3 and "round-2-part-1.pdf" in page

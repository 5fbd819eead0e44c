import io

import pytest
from django.core.management import call_command

from applications.models import Application, Assessment
from portal.data_rights import account_delete, account_export
from portal.models import User
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

S = Application.Status


def test_export_has_answers_and_timeline_but_not_the_employers_notes(project, ready_alice, carol):
    from applications.services import application_shortlist

    application = ApplicationFactory(project=project, student=ready_alice, status=S.SUBMITTED)
    application_shortlist(application=application, by=carol)
    Assessment.objects.create(application=application, rating=3, notes="PRIVATE-NOTE")
    data = account_export(user=ready_alice)["applications"]["applications"]
    assert data[0]["project"] == project.title and data[0]["status"] == "Shortlisted"
    assert data[0]["answers"][0]["answer"] == "A thoughtful answer."
    assert data[0]["timeline"] == [{"at": data[0]["timeline"][0]["at"], "from": "Submitted", "to": "Shortlisted"}]
    assert "PRIVATE-NOTE" not in str(data)


def test_deleting_the_account_removes_the_applications(project, ready_alice):
    ApplicationFactory(project=project, student=ready_alice, status=S.SUBMITTED)
    account_delete(user=ready_alice)
    assert not Application.objects.exists()


def test_seed_demo_has_applications_in_every_state_and_runs_twice(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    mine = Application.objects.filter(student__email="student@demo.test")
    assert set(mine.values_list("status", flat=True)) == set(S)
    employer_sees = Application.objects.for_employer(User.objects.get(email="employer@demo.test"))
    assert {S.SUBMITTED, S.SHORTLISTED, S.OFFERED, S.NOT_SELECTED} <= set(
        employer_sees.values_list("status", flat=True)
    )


def test_seed_demo_has_engagements_in_every_state_once_and_their_pages_open(settings, client):
    from applications.models import Engagement, KickoffSlot, Submission

    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    first = {
        "engagements": Engagement.objects.count(),
        "slots": KickoffSlot.objects.count(),
        "submissions": Submission.objects.count(),
        "applications": Application.objects.count(),
    }
    call_command("seed_demo", stdout=io.StringIO())
    assert {
        "engagements": Engagement.objects.count(),
        "slots": KickoffSlot.objects.count(),
        "submissions": Submission.objects.count(),
        "applications": Application.objects.count(),
    } == first
    student = User.objects.get(email="student@demo.test")
    employer = User.objects.get(email="employer@demo.test")
    theirs = Engagement.objects.visible_to(employer).filter(application__student=student)
    # Every state (paid ones come with the payouts demo, at whichever organization it picks).
    assert set(Engagement.Status) - {Engagement.Status.PAID} <= set(theirs.values_list("status", flat=True))
    # Every accepted application has its engagement, as accepting an offer creates one.
    assert not Application.objects.filter(status=S.ACCEPTED, engagement__isnull=True).exists()
    waiting = theirs.get(status=Engagement.Status.AWAITING_KICKOFF)
    assert waiting.slots.filter(status=KickoffSlot.Status.OFFERED).count() == 3
    # The completed one with two rounds of work (other completed ones come with feedback).
    assert theirs.filter(status=Engagement.Status.COMPLETED, submissions__round=2).count() == 1
    for reader in (student, employer):
        client.force_login(reader)
        for engagement in theirs:
            page = client.get(engagement.get_absolute_url())
            assert page.status_code == 200 and engagement.project.title in page.content.decode()
    client.force_login(student)
    booked = theirs.get(status=Engagement.Status.KICKOFF_BOOKED)
    assert client.get(f"{booked.get_absolute_url()}kickoff.ics").status_code == 200

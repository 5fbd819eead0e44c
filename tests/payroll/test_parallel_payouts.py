"""Two clicks on "Verify" at the same moment make one payout."""

import threading

import pytest
from django.db import connection

from applications.engagements.services import work_verify
from payroll.models import Payout
from portal.transitions import TransitionError
from tests.conftest import require
from tests.factories import MembershipFactory

from .conftest import save_record, submitted_work


@pytest.mark.django_db(transaction=True)
def test_verification_clicked_twice_at_once_makes_one_payout(alice):
    require(connection.vendor == "postgresql", "row locks need PostgreSQL (SQLite ignores select_for_update)")
    save_record(alice)
    engagement = submitted_work(alice)
    members = [engagement.project.contact] + [
        MembershipFactory(organization=engagement.project.organization).user for _ in range(3)
    ]
    barrier = threading.Barrier(len(members))
    outcomes = []

    def click(member):
        try:
            barrier.wait(timeout=10)
            work_verify(engagement=engagement, by=member)
            outcomes.append("verified")
        except TransitionError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=[member]) for member in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["refused"] * 3 + ["verified"]
    assert Payout.objects.filter(engagement=engagement).count() == 1

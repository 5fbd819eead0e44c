"""Members clicking "Select" at the same moment never make more offers than openings."""

import threading

import pytest
from django.db import connection

from applications import services
from applications.models import Application
from portal.transitions import TransitionError
from tests.conftest import require
from tests.factories import ApplicationFactory, MembershipFactory, StudentFactory

from .conftest import make_ready

S = Application.Status


@pytest.mark.django_db(transaction=True)
def test_parallel_selection_never_exceeds_the_openings(project, carol):
    require(connection.vendor == "postgresql", "row locks need PostgreSQL (SQLite ignores select_for_update)")
    project.openings = 2
    project.save(update_fields=["openings"])
    members = [carol] + [MembershipFactory(organization=project.organization).user for _ in range(5)]
    applications = [
        ApplicationFactory(project=project, student=make_ready(StudentFactory()), status=S.SUBMITTED) for _ in members
    ]
    barrier = threading.Barrier(len(members))
    outcomes = []

    def click(member, application):
        try:
            barrier.wait(timeout=10)
            services.application_select(application=application, by=member)
            outcomes.append("offer")
        except TransitionError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=pair) for pair in zip(members, applications, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["offer", "offer"] + ["refused"] * 4
    assert Application.objects.filter(project=project, status=S.OFFERED).count() == 2

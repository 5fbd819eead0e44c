"""Two submits of one application at the same moment: the second is told, not refused."""

import pytest
from django.urls import reverse

from applications import services
from applications.models import Application

pytestmark = pytest.mark.django_db


def test_the_second_of_two_simultaneous_submits_leads_to_the_application(client, project, ready_alice, monkeypatch):
    url = reverse("applications:apply", args=[project.slug])
    data = {f"answer_{q.pk}": "An answer." for q in project.questions.all()}
    client.force_login(ready_alice)
    client.post(url, {**data, "action": "save"})
    draft = Application.objects.get()

    # The other request wins the race between this one's page load and its own submit.
    real_start = services.application_start

    def start_while_the_other_submits(*, student, project):
        application = real_start(student=student, project=project)
        if application.status == Application.Status.DRAFT:
            services.application_submit(application=application, by=student)
        return application

    monkeypatch.setattr(services, "application_start", start_while_the_other_submits)
    response = client.post(url, {**data, "action": "submit"}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(f"/applications/{draft.pk}/", 302)]
    html = response.content.decode()
    assert "Already submitted." in html
    assert "cannot be submitted" not in html
    draft.refresh_from_db()
    assert draft.status == Application.Status.SUBMITTED

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from opportunities.models import SavedSearch, SavedSearchHit
from opportunities.services import saved_search_create, saved_search_digests, saved_search_send_digest
from opportunities.tasks import send_saved_search_digests
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def ago(**kw):
    return timezone.now() - timedelta(**kw)


def test_student_saves_the_current_search(client, alice, python_skill):
    client.force_login(alice)
    html = client.get("/projects/?q=data&skill=python&sort=pay&page=1&hours_min=bad").content.decode()
    assert 'name="query" value="q=data&amp;skill=python"' in html
    response = client.post("/projects/saved/", {"query": "q=data&skill=python&sort=pay&hours_min=bad"})
    search = SavedSearch.objects.get(user=alice)
    assert search.query == "q=data&skill=python"  # sorting, paging and bad values are not part of it
    assert search.name == "“data”; skills python"
    assert response.url == "/projects/?q=data&skill=python"
    html = client.get(response.url).content.decode()
    assert "You get new matches of this search by email" in html
    client.post("/projects/saved/", {"query": "skill=python&q=data"})
    assert SavedSearch.objects.count() == 1
    assert "“data”; skills python" in client.get("/projects/saved/").content.decode()


def test_only_students_save_searches(client, carol):
    client.force_login(carol)
    assert client.post("/projects/saved/", {"query": "q=x"}).status_code == 404
    assert "Save this search" not in client.get("/projects/").content.decode()
    client.logout()
    assert client.post("/projects/saved/", {"query": "q=x"}).status_code == 302
    assert not SavedSearch.objects.exists()


def test_nobody_deletes_someone_elses_saved_search(client, alice, bob):
    search, _ = saved_search_create(user=alice, query="q=design")
    client.force_login(bob)
    assert client.post(f"/projects/saved/{search.pk}/delete/").status_code == 404
    assert "design" not in client.get("/projects/saved/").content.decode()
    client.force_login(alice)
    client.post(f"/projects/saved/{search.pk}/delete/")
    assert not SavedSearch.objects.exists()


def test_digest_mails_new_matches_once_even_when_the_job_runs_twice(
    alice, python_skill, django_capture_on_commit_callbacks
):
    search, _ = saved_search_create(user=alice, query="skill=python")
    SavedSearch.objects.filter(pk=search.pk).update(created_at=ago(days=2), last_digest_at=ago(days=1))
    ProjectFactory(title="Old match", skills=[python_skill], published_at=ago(days=2))
    ProjectFactory(title="New match", skills=[python_skill], published_at=ago(hours=3))
    ProjectFactory(title="New but other", published_at=ago(hours=3))
    with django_capture_on_commit_callbacks(execute=True):
        assert send_saved_search_digests.delay().get() == 1
        assert saved_search_digests() == 0
    (email,) = mail.outbox
    assert email.to == [alice.email]
    assert email.subject == "1 new project for “skills python”"
    assert "New match" in email.body and "Old match" not in email.body and "New but other" not in email.body


def test_never_the_same_project_twice_in_one_searchs_digests(alice, python_skill, django_capture_on_commit_callbacks):
    search, _ = saved_search_create(user=alice, query="skill=python")
    SavedSearch.objects.filter(pk=search.pk).update(last_digest_at=ago(days=1))
    ProjectFactory(title="First", skills=[python_skill], published_at=ago(hours=5))
    with django_capture_on_commit_callbacks(execute=True):
        saved_search_digests()
        # Even if the window were reset, the project already mailed is not mailed again.
        SavedSearch.objects.filter(pk=search.pk).update(last_digest_at=ago(days=1))
        ProjectFactory(title="Second", skills=[python_skill], published_at=ago(hours=1))
        saved_search_digests()
        SavedSearch.objects.filter(pk=search.pk).update(last_digest_at=ago(days=1))
        assert saved_search_digests() == 0
    assert [("First" in m.body, "Second" in m.body) for m in mail.outbox] == [(True, False), (False, True)]
    assert SavedSearchHit.objects.filter(search=search).count() == 2


def test_no_digest_without_new_matches(alice, django_capture_on_commit_callbacks):
    search, _ = saved_search_create(user=alice, query="q=nothing+like+this")
    SavedSearch.objects.filter(pk=search.pk).update(last_digest_at=ago(days=1))
    ProjectFactory(published_at=ago(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert saved_search_send_digest(search_id=search.pk) == 0
    assert mail.outbox == []
    search.refresh_from_db()
    assert search.last_digest_at > ago(minutes=1)


def test_projects_published_before_saving_are_not_news(alice, django_capture_on_commit_callbacks):
    ProjectFactory(published_at=ago(hours=1))
    saved_search_create(user=alice, query="")
    with django_capture_on_commit_callbacks(execute=True):
        assert saved_search_digests() == 0
    assert mail.outbox == []


def test_unsubscribe_from_the_email(client, alice, django_capture_on_commit_callbacks):
    search, _ = saved_search_create(user=alice, query="")
    SavedSearch.objects.filter(pk=search.pk).update(last_digest_at=ago(days=1))
    ProjectFactory(published_at=ago(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        saved_search_digests()
    (email,) = mail.outbox
    link = re.search(r"http://testserver(/projects/saved/unsubscribe/\S+/)", email.body).group(1)
    assert link in email.alternatives[0][0]
    # Opening the link (a person, or a mail scanner following it) only asks.
    response = client.get(link)  # no sign-in
    assert response.status_code == 200 and "Stop emails for this search" in response.content.decode()
    search.refresh_from_db()
    assert search.active
    response = client.post(link)
    assert response.status_code == 200 and "Unsubscribed" in response.content.decode()
    search.refresh_from_db()
    assert not search.active
    assert "already get no emails" in client.get(link).content.decode()
    ProjectFactory(published_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert saved_search_digests(now=timezone.now() + timedelta(days=1)) == 0
    assert len(mail.outbox) == 1
    assert client.get(link[:-3] + "xx/").status_code == 404


def test_mail_clients_unsubscribe_in_one_click(alice, django_capture_on_commit_callbacks):
    """RFC 8058: the digest says where to POST, and that POST needs no cookie or CSRF token."""
    from django.test import Client

    search, _ = saved_search_create(user=alice, query="")
    SavedSearch.objects.filter(pk=search.pk).update(last_digest_at=ago(days=1))
    ProjectFactory(published_at=ago(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        saved_search_digests()
    (email,) = mail.outbox
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<http://testserver(/\S+)>", email.extra_headers["List-Unsubscribe"]).group(1)
    assert email.message()["List-Unsubscribe"].startswith("<http://testserver/projects/saved/unsubscribe/")
    mail_client = Client(enforce_csrf_checks=True)
    response = mail_client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    search.refresh_from_db()
    assert not search.active


def test_the_save_form_carries_a_csrf_token_that_the_save_accepts_and_an_anonymous_search_sets_no_cookie(alice):
    """The browse page is Jinja2's (portal.jinja_env.render_page): the CSRF token is made only
    for a page that prints it."""
    from django.conf import settings
    from django.test import Client

    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.get("/projects/?q=data")
    assert response.status_code == 200 and settings.CSRF_COOKIE_NAME not in response.cookies
    assert "csrfmiddlewaretoken" not in response.content.decode()

    student = Client(enforce_csrf_checks=True)
    student.force_login(alice)
    assert student.post("/projects/saved/", {"query": "q=data"}).status_code == 403  # no token
    html = student.get("/projects/?q=data").content.decode()
    form = html[html.index('<form method="post" action="/projects/saved/"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = student.post("/projects/saved/", {"query": "q=data", "csrfmiddlewaretoken": token})
    assert response.status_code == 302 and SavedSearch.objects.get(user=alice).query == "q=data"

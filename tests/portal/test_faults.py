"""Faults: Redis down (broker and cache) and a database connection dropped between requests.

Queuing after commit never turns a saved change into an error, and without Redis every page
still works; the outbox sweep sends what the broker did not take.
"""

import logging

import pytest
from django.core import mail
from django.core.cache import caches
from django.db import connection, connections
from django.urls import reverse

from applications.models import Application
from applications.services import application_select, application_submit
from opportunities.models import Project
from opportunities.services import project_publish
from portal.celery import app as celery_app
from portal.models import OutboundEmail
from portal.organizations.services import organization_invite
from portal.outbox import outbox_sweep
from portal.services import account_welcome, eligibility_approve, eligibility_declare
from tests.applications.conftest import make_ready
from tests.conftest import require
from tests.factories import ApplicationFactory, ProjectFactory, StudentFactory, pdf_upload

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"
Pending = OutboundEmail.Status.PENDING


def _reset_broker_pools():
    # Connections, producers and the queues the first publish fixed (the worker test sends to a
    # queue of its own) all start again from the configuration.
    celery_app._pool = None
    celery_app.__dict__.pop("amqp", None)


@pytest.fixture
def broker_down():
    """Celery as in production (not eager), its broker a port where nothing listens."""
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=CLOSED_PORT, task_always_eager=False)
    _reset_broker_pools()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        _reset_broker_pools()


@pytest.fixture
def project(carol):
    return ProjectFactory(organization=carol.membership.organization, contact=carol, questions=["Why?"])


def _answers(project):
    return {f"answer_{q.pk}": "Because." for q in project.questions.all()}


# The broker is unreachable: every change is saved, the person sees success, the row waits.


def test_student_submits_with_the_broker_down_and_sees_the_normal_success(
    client, project, alice, broker_down, django_capture_on_commit_callbacks, caplog
):
    make_ready(alice)
    client.force_login(alice)
    with caplog.at_level(logging.WARNING, logger="portal.outbox"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("applications:apply", args=[project.slug]), {**_answers(project), "action": "submit"}
            )
    application = Application.objects.get()
    assert response.status_code == 302 and response.url == application.get_absolute_url()
    assert application.status == Application.Status.SUBMITTED
    assert OutboundEmail.objects.get(kind="application-received").status == Pending
    assert "the outbox sweep will send it" in caplog.text
    assert "Application submitted" in client.get(response.url).content.decode()


def test_employer_selects_with_the_broker_down_and_sees_the_normal_success(
    client, project, carol, broker_down, django_capture_on_commit_callbacks
):
    application = ApplicationFactory(
        project=project, student=make_ready(StudentFactory()), status=Application.Status.SUBMITTED
    )
    client.force_login(carol)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("applications:applicant-select", args=[application.pk]))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.OFFERED
    assert OutboundEmail.objects.filter(status=Pending).exists()


def test_password_reset_with_the_broker_down(client, alice, broker_down, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "alice@example.edu"})
    assert response.status_code == 302
    assert OutboundEmail.objects.get(kind="account:password_reset_key").status == Pending


def _submit(alice, carol, project):
    make_ready(alice)
    draft = ApplicationFactory(project=project, student=alice, status=Application.Status.DRAFT)
    return application_submit(application=draft, by=alice)


def _select(alice, carol, project):
    application = ApplicationFactory(
        project=project, student=make_ready(StudentFactory()), status=Application.Status.SUBMITTED
    )
    return application_select(application=application, by=carol)


def _welcome(alice, carol, project):
    return account_welcome(user=alice, email=alice.email)


def _invite(alice, carol, project):
    return organization_invite(organization=carol.membership.organization, by=carol, email="erin@initech.example")


def _approve(alice, carol, project):
    from tests.factories import StaffFactory

    record = eligibility_declare(student=alice, basis="f1_opt", document=pdf_upload("i20.pdf"))
    return eligibility_approve(record=record, by=StaffFactory())


def _publish(alice, carol, project):
    from tests.factories import StaffFactory

    draft = ProjectFactory(
        organization=carol.membership.organization, contact=carol, created_by=carol, status=Project.Status.IN_REVIEW
    )
    return project_publish(project=draft, by=StaffFactory(is_superuser=True))


@pytest.mark.parametrize("service", [_submit, _select, _welcome, _invite, _approve, _publish])
@pytest.mark.django_db(transaction=True)
def test_a_service_called_directly_returns_after_its_commit_with_the_broker_down(
    service, alice, carol, project, broker_down
):
    # A real commit (no test transaction around it): the hand-off runs and finds no broker.
    service(alice, carol, project)
    assert OutboundEmail.objects.exists()
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {Pending}


def test_the_sweep_keeps_rows_while_the_broker_is_down_and_sends_them_once_it_is_back(
    alice, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        row = account_welcome(user=alice, email=alice.email)
    OutboundEmail.objects.filter(pk=row.pk).update(next_attempt_at=row.next_attempt_at.replace(year=2000))
    assert outbox_sweep() == 0  # nothing handed over, nothing raised
    celery_app.conf.task_always_eager = True  # the broker is back
    assert outbox_sweep() == 1
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert [m.to for m in mail.outbox] == [["alice@example.edu"]]


# The cache's Redis is down: sign-in and browse work on the per-process fallback.


@pytest.fixture
def cache_down(settings):
    settings.REDIS_URL = CLOSED_PORT
    settings.CACHES = {
        "default": {
            "BACKEND": "portal.cache.FallbackRedisCache",
            "LOCATION": CLOSED_PORT,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    yield caches["default"]


def test_sign_in_with_redis_down(client, alice, password, cache_down, caplog):
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        response = client.post(reverse("account_login"), {"login": "alice@example.edu", "password": password})
    assert response.status_code == 302 and response.url == reverse("portal:dashboard")
    assert "Redis cache unavailable" in caplog.text
    assert client.get(response.url).status_code == 200


def test_rate_limits_still_hold_with_redis_down(client, alice, password, cache_down):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "alice@example.edu", "password": "wrong-password"})
    response = client.post(reverse("account_login"), {"login": "alice@example.edu", "password": password})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_browse_and_pages_with_redis_down(client, carol, alice, cache_down):
    ProjectFactory(organization=carol.membership.organization, contact=carol, title="Inventory clean-up")
    for url in ["/", "/projects/", "/projects/?q=inventory", "/projects/?q=inventory"]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Inventory clean-up" in response.content.decode()
    client.force_login(alice)
    for url in ["/dashboard/", "/profile/", "/applications/", "/eligibility/"]:
        assert client.get(url).status_code == 200, url


def test_healthz_reports_redis_down_while_pages_work(client, cache_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "error"}


def test_the_cache_tries_redis_again_after_a_while_and_uses_it_once_it_answers(cache_down, monkeypatch, caplog):
    from django.core.cache.backends.redis import RedisCache

    from portal import cache as fallback

    cache_down.set("k", "from memory")
    assert cache_down.get("k") == "from memory"
    assert cache_down.redis_ping() is False

    redis_store = {}
    monkeypatch.setattr(RedisCache, "get", lambda self, key, default=None, version=None: redis_store.get(key, default))
    assert cache_down.get("k") == "from memory"  # within RETRY_SECONDS Redis is not asked
    now = fallback.time.monotonic()
    monkeypatch.setattr(fallback.time, "monotonic", lambda: now + fallback.FallbackRedisCache.RETRY_SECONDS + 1)
    redis_store["k"] = "from redis"
    with caplog.at_level(logging.WARNING, logger="portal.cache"):
        assert cache_down.get("k") == "from redis"
    assert "Redis cache available again" in caplog.text


# The database dropped the connection between two requests.


def _wsgi_get(path):
    """One request through the WSGI handler as gunicorn calls it, with the request_started and
    request_finished signals that manage persistent connections (the test client skips them)."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.client import RequestFactory

    path, _, query = path.partition("?")
    environ = RequestFactory()._base_environ(PATH_INFO=path, QUERY_STRING=query, REQUEST_METHOD="GET")
    statuses = []
    response = WSGIHandler()(environ, lambda status, headers, exc_info=None: statuses.append(status))
    body = b"".join(response)
    response.close()
    return int(statuses[0].split()[0]), body


def _terminate(pid):
    import psycopg2

    with psycopg2.connect(**connection.get_connection_params()) as other, other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    other.close()


@pytest.fixture
def persistent_connection():
    """The default connection kept between requests, as in production (CONN_MAX_AGE)."""
    require(connection.vendor == "postgresql", "set DATABASE_URL to PostgreSQL to terminate a connection")
    saved = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = 60
    connection.close()
    yield connection
    connection.settings_dict["CONN_MAX_AGE"] = saved
    connection.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/healthz", "/projects/?q=survey", "/projects/?q=survey&sort=pay", "project"])
def test_a_connection_terminated_between_two_requests_still_answers_200(settings, persistent_connection, path):
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    project = ProjectFactory(title="Survey design")
    if path == "project":  # its first query, a prepared statement, is prepared on the connection
        path = f"/projects/{project.slug}/"
        assert _wsgi_get(path)[0] == 200
    assert _wsgi_get("/projects/")[0] == 200
    pid = connection.connection.get_backend_pid()
    _terminate(pid)
    # /healthz always asks the database; the searches have not been asked yet (not cached).
    status, body = _wsgi_get(path)
    assert status == 200
    assert (b'"database": "ok"' if path == "/healthz" else b"Survey design") in body
    assert connection.connection.get_backend_pid() != pid


@pytest.mark.django_db(transaction=True)
def test_the_health_check_costs_no_query_of_its_own(persistent_connection, monkeypatch):
    checks, queries = [], []
    monkeypatch.setattr(type(connections["default"]), "is_usable", lambda self: checks.append(1) or True)
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        for path in ["/projects/?q=one", "/projects/?q=two", "/healthz"]:
            assert _wsgi_get(path)[0] == 200
    # Three requests on one connection, each asking its own queries and no SELECT 1 before them.
    assert len(queries) >= 3 and checks == []


@pytest.mark.django_db(transaction=True)
def test_only_a_first_read_outside_a_transaction_is_asked_again(persistent_connection):
    from django.db import OperationalError, transaction

    from portal.postgresql.base import DatabaseWrapper

    assert isinstance(connections["default"], DatabaseWrapper)

    def next_request_on_a_dropped_connection():
        connection.ensure_connection()
        connection.close_if_unusable_or_obsolete()  # what request_started does
        pid = connection.connection.get_backend_pid()
        _terminate(pid)
        return pid

    pid = next_request_on_a_dropped_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid
    next_request_on_a_dropped_connection()
    with pytest.raises(OperationalError), connection.cursor() as cursor:
        cursor.execute("UPDATE opportunities_project SET title = title WHERE id = 0")
    connection.close()
    next_request_on_a_dropped_connection()
    with pytest.raises(OperationalError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT 1")

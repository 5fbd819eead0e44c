"""Shared fixtures: the named people of every test, and Celery run in-process."""

import os

import pytest
from django.contrib.auth.models import Group

from portal.celery import app as celery_app
from portal.permissions import CAREER_CENTER_GROUP, grant_career_center_permissions

from .factories import PASSWORD, EmployerFactory, StaffFactory, StudentFactory

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SITE_URL = "http://testserver"
    # The named people are made in nearly every test; a deliberately slow hash would dominate.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Rate-limit counters must not leak from one test into the next, nor browse pages.
    from django.core.cache import cache

    from opportunities.listing_cache import forget_all

    cache.clear()
    forget_all()


@pytest.fixture(scope="session", autouse=True)
def _close_stray_connections(django_db_setup, django_db_blocker):
    """At the end of the session, before the test database is dropped: the browser tests' live
    server answers in threads of its own, and one that is still finishing a request may hold a
    connection, which PostgreSQL then refuses to drop the database under ("being accessed by
    other users"). End such connections first; they belong to this test run only."""
    yield
    from django.db import connections

    connection = connections["default"]
    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock():
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        except Exception:  # noqa: BLE001, S110 - best effort; the drop reports any real problem
            pass


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    """Tasks run inline in tests; the worker test turns this off for itself."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": None},
        },
    }


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def alice(db):
    """A student."""
    return StudentFactory(email="alice@example.edu", first_name="Alice", last_name="Adams")


@pytest.fixture
def bob(db):
    """Another student."""
    return StudentFactory(email="bob@example.edu", first_name="Bob", last_name="Brown")


@pytest.fixture
def carol(db):
    """An employer."""
    return EmployerFactory(email="carol@acme.example", first_name="Carol", last_name="Chen")


@pytest.fixture
def dave(db):
    """Another employer, at another organization."""
    return EmployerFactory(email="dave@globex.example", first_name="Dave", last_name="Diaz")


@pytest.fixture
def sid(db):
    """Career center staff."""
    user = StaffFactory(email="sid@career.example.edu", first_name="Sid", last_name="Singh")
    # A transactional (browser) test flushes the tables, data migrations' group included.
    group, created = Group.objects.get_or_create(name=CAREER_CENTER_GROUP)
    if created:
        grant_career_center_permissions()
    user.groups.add(group)
    return user


def require(condition, reason):
    """Skip a test whose service is missing on a laptop; in CI (CI=true) every test must run."""
    if condition:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"Required in CI: {reason}")
    pytest.skip(reason)

"""A prepared query gives what its queryset gives, for every call's values, compiled once per
shape; values it cannot pass as parameters are refused rather than kept from the first call."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from applications.models import Application
from opportunities.models import Project
from portal.models import User
from portal.prepared import Prepared, PreparedSQL
from tests.conftest import require
from tests.factories import ApplicationFactory, OrganizationFactory, ProjectFactory, StudentFactory

pytestmark = pytest.mark.django_db


def _applications(status, *, student_id, organization):
    return (
        Application.objects.filter(student_id=student_id, status=status, project__organization__name=organization)
        .order_by("pk")
        .values("pk", "project__title", "project__apply_by", "submitted_at")
    )


def test_rows_are_the_querysets_for_each_calls_values():
    built = []

    def build(status, *, student_id, organization):
        built.append(status)
        return _applications(status, student_id=student_id, organization=organization)

    applications = Prepared(build)
    ana, ben = StudentFactory(), StudentFactory()
    alpha, beta = OrganizationFactory(name="Alpha"), OrganizationFactory(name="Beta")
    for student, projects in ((ana, [(alpha, "One"), (alpha, "Two"), (beta, "Three")]), (ben, [(alpha, "Four")])):
        for organization, title in projects:
            project = ProjectFactory(organization=organization, title=title)
            ApplicationFactory(student=student, project=project, status=Application.Status.SUBMITTED)
    draft = ProjectFactory(organization=alpha, title="Draft")
    ApplicationFactory(student=ana, project=draft, status=Application.Status.DRAFT)

    for student, organization in ((ana, "Alpha"), (ben, "Alpha"), (ana, "Beta"), (ben, "Beta")):
        expected = list(_applications(Application.Status.SUBMITTED, student_id=student.pk, organization=organization))
        assert applications(Application.Status.SUBMITTED, student_id=student.pk, organization=organization) == expected
    rows = applications(Application.Status.SUBMITTED, student_id=ana.pk, organization="Alpha")
    assert [row["project__title"] for row in rows] == ["One", "Two"]
    assert applications(Application.Status.SUBMITTED, student_id=ben.pk, organization="Beta") == []
    # The database's converters apply (SQLite returns dates as text without them).
    assert isinstance(rows[0]["project__apply_by"], date)
    drafts = applications(Application.Status.DRAFT, student_id=ana.pk, organization="Alpha")
    assert [(row["project__title"], row["submitted_at"]) for row in drafts] == [("Draft", None)]
    # Built once per shape (the status here), whatever the values.
    assert built == [Application.Status.SUBMITTED, Application.Status.DRAFT]


def test_the_query_runs_through_djangos_cursor():
    student = StudentFactory()
    ApplicationFactory(student=student)
    applications = Prepared(_applications)
    with CaptureQueriesContext(connection) as queries:
        applications(Application.Status.SUBMITTED, student_id=student.pk, organization="")
        applications(Application.Status.SUBMITTED, student_id=student.pk, organization="")
    assert len(queries) == 2


def test_a_value_the_query_transforms_is_refused():
    # startswith escapes the value and adds a wildcard: the parameter is no longer the value.
    titled = Prepared(lambda *, title: Project.objects.filter(title__startswith=title).values("pk"))
    with pytest.raises(ValueError, match="title"):
        titled(title="Data")


def test_an_empty_queryset_gives_no_rows_and_no_query():
    empty = Prepared(lambda *, user_id: User.objects.filter(pk=user_id).none().values("pk"))
    with CaptureQueriesContext(connection) as queries:
        assert empty(user_id=1) == []
    assert len(queries) == 0


def test_a_value_written_into_the_sql_is_refused():
    # A slice is written into the SQL: a prepared query would keep the first call's.
    limited = Prepared(lambda *, count: Project.objects.order_by("pk").values("pk")[:count])
    with pytest.raises(ValueError, match="count"):
        limited(count=3)


def test_a_value_used_only_to_choose_a_branch_is_refused():
    branch = Prepared(lambda *, role: User.objects.filter(is_staff=role == "staff").values("pk"))
    with pytest.raises(ValueError, match="role"):
        branch(role="staff")


def test_only_ints_and_strings_are_values():
    by_day = Prepared(lambda *, day: Project.objects.filter(apply_by=day).values("pk"))
    with pytest.raises(TypeError, match="day"):
        by_day(day=date(2026, 1, 1))


def test_no_prefetches():
    with_skills = Prepared(lambda *, pk: Project.objects.filter(pk=pk).prefetch_related("skills"))
    with pytest.raises(TypeError, match="prefetches"):
        with_skills(pk=1)


def test_instances_as_the_queryset_makes_them():
    def build(*, slug):
        return (
            Project.objects.filter(slug=slug)
            .select_related("organization", "contact")
            .only("title", "fee", "estimated_hours", "apply_by", "organization__name", "contact__first_name")
            .annotate(applicants=Count("applications"))
        )

    projects = Prepared(build)
    first, second = ProjectFactory(title="First"), ProjectFactory(title="Second", fee=Decimal("412.50"))
    ApplicationFactory(project=second)
    ApplicationFactory(project=second)
    for project in (first, second):
        expected = build(slug=project.slug).get()
        (got,) = projects(slug=project.slug)
        assert isinstance(got, Project) and got.pk == project.pk
        assert (got.title, got.fee, got.apply_by, got.applicants) == (
            expected.title,
            expected.fee,
            expected.apply_by,
            expected.applicants,
        )
        assert got.hourly_rate == expected.hourly_rate
        # The related objects came with the row: reading them is no query.
        with CaptureQueriesContext(connection) as queries:
            assert got.organization.name == project.organization.name
            assert got.contact.first_name == project.contact.first_name
        assert len(queries) == 0
    assert projects(slug="no-such-project") == []


def test_an_optional_value_may_go_unused_by_a_shape():
    def build(staff, *, user_id):
        users = User.objects.order_by("pk")
        return users.values("pk") if staff else users.filter(pk=user_id).values("pk")

    users = Prepared(build, optional=["user_id"])
    ana, ben = StudentFactory(), StudentFactory()
    assert users(False, user_id=ana.pk) == [{"pk": ana.pk}]
    assert users(False, user_id=ben.pk) == [{"pk": ben.pk}]
    assert {row["pk"] for row in users(True, user_id=ana.pk)} >= {ana.pk, ben.pk}
    # Without the name in optional, the same shape is refused.
    with pytest.raises(ValueError, match="user_id"):
        Prepared(build)(True, user_id=ana.pk)


def test_a_list_of_ids_is_one_parameter_per_id():
    built = []

    def build(*, ids):
        built.append(len(ids))
        return Project.objects.filter(pk__in=ids).order_by("pk").values("pk")

    projects = Prepared(build)
    a, b, c = (ProjectFactory().pk for _ in range(3))
    assert projects(ids=[a, b]) == [{"pk": a}, {"pk": b}]
    assert projects(ids=[c, a]) == [{"pk": a}, {"pk": c}]
    assert projects(ids=[b, b, c]) == [{"pk": b}, {"pk": c}]  # repeats dropped, as IN drops them
    assert projects(ids=[c]) == [{"pk": c}]
    with CaptureQueriesContext(connection) as queries:
        assert projects(ids=[]) == []
    assert len(queries) == 0
    # Compiled once per length.
    assert built == [2, 1, 0]


def test_shapes_kept_are_bounded(monkeypatch):
    monkeypatch.setattr("portal.prepared.MAX_SHAPES", 2)
    projects = Prepared(lambda first, *, pk: Project.objects.filter(pk__gte=pk).order_by("pk").values("pk")[first:])
    ids = [ProjectFactory().pk for _ in range(4)]
    for first in range(4):
        assert projects(first, pk=ids[0]) == [{"pk": pk} for pk in ids[first:]]
        assert len(projects._compiled) <= 2


def test_a_list_of_strings():
    by_slug = Prepared(lambda *, slugs: Project.objects.filter(slug__in=slugs).order_by("slug").values("slug"))
    for slug in ("alpha", "beta", "gamma"):
        ProjectFactory(slug=slug)
    assert by_slug(slugs=["gamma", "alpha"]) == [{"slug": "alpha"}, {"slug": "gamma"}]
    assert by_slug(slugs=["beta", "gamma"]) == [{"slug": "beta"}, {"slug": "gamma"}]


def test_a_user_by_primary_key_is_the_orms_user():
    ana = StudentFactory(first_name="Ana")
    for pk in (ana.pk, str(ana.pk)):  # the session keeps it as text
        user = User.objects.get(pk=pk)
        assert (user.pk, user.email, user.first_name, user.role) == (ana.pk, ana.email, "Ana", ana.role)
        assert user.password == ana.password and user.date_joined == ana.date_joined
    for missing in (ana.pk + 1000, str(2**63)):
        with pytest.raises(User.DoesNotExist):
            User.objects.get(pk=missing)
    # Anything else is Django's get().
    assert User.objects.get(email=ana.email) == ana
    with pytest.raises(ValueError, match="expected a number"):
        User.objects.get(pk="not a number")


def _server_runs(prepared):
    """How many times PostgreSQL ran each of the query's prepared statements on this connection."""
    names = [compiled[-1].name for compiled in prepared._compiled.values()]
    with connection.cursor() as cursor:
        cursor.execute("SELECT generic_plans + custom_plans FROM pg_prepared_statements WHERE name = ANY(%s)", [names])
        return [count for (count,) in cursor.fetchall()]


def test_on_postgresql_the_query_is_prepared_on_the_server_once(settings):
    require(connection.vendor == "postgresql", "prepared statements are PostgreSQL's")
    settings.DATABASE_PREPARED_STATEMENTS = True
    ana, ben = StudentFactory(first_name="Ana"), StudentFactory(first_name="Ben")
    names = Prepared(lambda *, pk: User.objects.filter(pk=pk).values("first_name"))
    with CaptureQueriesContext(connection) as queries:
        assert names(pk=ana.pk) == [{"first_name": "Ana"}]
        assert names(pk=ben.pk) == [{"first_name": "Ben"}]
    # The page's queries are the two runs; the PREPARE is the connection's own set-up.
    assert [query["sql"].split(" ")[0] for query in queries] == ["EXECUTE", "EXECUTE"]
    assert _server_runs(names) == [2]


def test_a_query_postgresql_cannot_prepare_runs_as_plain_sql():
    require(connection.vendor == "postgresql", "prepared statements are PostgreSQL's")
    ana = StudentFactory(first_name="Ana")
    # A parameter of no type PostgreSQL can tell ("$2 IS NOT NULL"): its PREPARE fails.
    untyped = Prepared(
        lambda *, pk, name: User.objects.filter(pk=pk).extra(where=["%s IS NOT NULL"], params=[name]).values("pk")
    )
    # In the test's transaction: the failed PREPARE must leave it usable.
    assert untyped(pk=ana.pk, name="x") == [{"pk": ana.pk}]
    assert untyped(pk=ana.pk + 1, name="x") == []
    assert User.objects.filter(first_name="Ana").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again():
    ana = StudentFactory(first_name="Ana")
    names = Prepared(lambda *, pk: User.objects.filter(pk=pk).values("first_name"))
    assert names(pk=ana.pk) == [{"first_name": "Ana"}]
    connection.close()
    assert names(pk=ana.pk) == [{"first_name": "Ana"}]


def test_hand_written_sql_gives_its_rows_for_each_calls_values(settings):
    settings.DATABASE_PREPARED_STATEMENTS = True
    ana, ben = StudentFactory(first_name="Ana"), StudentFactory(first_name="Ben")
    names = PreparedSQL(f"SELECT first_name FROM {User._meta.db_table} WHERE id IN (%s, %s) ORDER BY first_name")
    with CaptureQueriesContext(connection) as queries:
        assert names.fetchall([ana.pk, ben.pk]) == [("Ana",), ("Ben",)]
        assert names.fetchall([ben.pk, ben.pk]) == [("Ben",)]
    expected = ["EXECUTE"] * 2 if connection.vendor == "postgresql" else ["SELECT"] * 2
    assert [query["sql"].split(" ")[0] for query in queries] == expected


def test_hand_written_sql_is_plain_sql_when_prepared_statements_are_off(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    ana = StudentFactory(first_name="Ana")
    names = PreparedSQL(f"SELECT first_name FROM {User._meta.db_table} WHERE id = %s")
    with CaptureQueriesContext(connection) as queries:
        assert names.fetchall([ana.pk]) == [("Ana",)]
    assert [query["sql"].split(" ")[0] for query in queries] == ["SELECT"]

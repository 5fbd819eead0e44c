"""Keeps the outcomes summary (``outcome_models``) true: ``refresh`` rebuilds the rows of the
students the triggers noted, from the live tables, with the live figures' own definitions of the
steps and of the students (``outcomes``), so the two cannot drift apart.

A refresh is a fixed handful of statements whatever the number of students noted: it takes the
notes (``DELETE ... RETURNING``: a note written meanwhile stays for the next refresh, and two
refreshes never take the same note), then, one refresh at a time (a transaction-level advisory
lock on PostgreSQL), deletes and rebuilds those students' rows in set-based SQL. The dashboard
refreshes before it reads, and a periodic job keeps the backlog small.
"""

import json

from django.db import connection, transaction
from django.db.models import Case, DecimalField, F, IntegerField, Min, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractMonth, ExtractYear
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from . import outcomes
from .models import Application, OutcomeApplication, OutcomeGroup, OutcomeStale, OutcomeStudent, OutcomeYear

# A refresh of at least this many people updates the planner's statistics of the summary.
ANALYZE_FROM = 1000
# Beyond this many rows (a group's differences pile up, a few rows per refresh), a refresh
# builds the groups anew: one row each.
COMPACT_FROM = 10_000
# Any constant: the key of PostgreSQL's advisory lock that lets one refresh run at a time.
LOCK_KEY = 727_001

COUNTS = outcomes.COUNTS


def academic_year_of(field, *, is_date=False):
    """The academic year (its first calendar year) of a date or datetime column. Datetimes are
    read in the portal's own time zone, the institution's: ``Filters.window`` uses the same."""
    zone = None if is_date else timezone.get_default_timezone()
    year = ExtractYear(field, tzinfo=zone)
    month = ExtractMonth(field, tzinfo=zone)
    return Case(When(GreaterThanOrEqual(month, 7), then=year), default=year - 1, output_field=IntegerField())


def _one(condition):
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _step_rows(students):
    """The four kinds of row that make up the students' years, one queryset each with the same
    columns (a UNION ALL): per application submitted, its submission (and the cohort's figures),
    its offer, its completion and its payment, each in the academic year of its own date."""
    submitted = Application.objects.filter(outcomes.applied_q(None, None), student_id__in=students).order_by()
    zero, none = Value(0), Value(0, output_field=DecimalField())

    def rows(queryset, year, **counts):
        columns = {name: counts.get(name, zero) for name in COUNTS}
        return queryset.values("student_id", year=year, earned=counts.get("earned", none), **columns)

    return rows(
        submitted,
        academic_year_of("submitted_at"),
        applied=Value(1),
        cohort_selected=_one(outcomes.selected_q(None, None)),
        cohort_completed=_one(outcomes.completed_q(None, None)),
        cohort_on_time=_one(outcomes.delivered_on_time_q()),
    ).union(
        rows(submitted.filter(outcomes.selected_q(None, None)), academic_year_of("offered_at"), selected=Value(1)),
        rows(
            submitted.filter(outcomes.completed_q(None, None)),
            academic_year_of("engagement__completed_at"),
            completed=Value(1),
        ),
        rows(
            submitted.filter(outcomes.paid_q(None, None)),
            academic_year_of("engagement__payout__paid_on", is_date=True),
            paid=Value(1),
            earned=F(outcomes.earnings_field()),
        ),
        all=True,
    )


def _application_rows(noted):
    """The noted students' applications the times read, for those counted (in the summary's
    students, just rebuilt): the days to the employer's first decision, and the offer."""
    return (
        Application.objects.filter(
            outcomes.applied_q(None, None),
            student_id__in=OutcomeStudent.objects.filter(user_id__in=noted).values("user_id"),
        )
        .values("student_id", "project_id", application_id=F("pk"), year=academic_year_of("submitted_at"))
        .annotate(response_days=outcomes.response_days(outcomes.decided_q()), offered_at=Min("offered_at"))
        .filter(Q(response_days__isnull=False) | Q(offered_at__isnull=False))
        .order_by()
    )


def _ids(ids):
    """The noted students, as one parameter whatever their number."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [ids])  # noqa: S611 - a constant, with a parameter
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])  # noqa: S611


def _insert(model, queryset, columns, select):
    """INSERT INTO the model's table the rows of ``select`` (SQL around ``queryset``'s)."""
    sql, params = queryset.query.sql_with_params()
    qn = connection.ops.quote_name
    names = ", ".join(qn(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {qn(model._meta.db_table)} ({names}) {select.format(sql=sql)}", params)


def refresh(*, anew=False):
    """Rebuild the summary rows of everyone noted since the last refresh (accounts are noted
    whatever their role; only students have rows). Returns how many were noted. ``anew``: the
    groups are built from all the rows, not by difference (after a repair)."""
    qn = connection.ops.quote_name
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {qn(OutcomeStale._meta.db_table)} RETURNING {qn('student_id')}")  # noqa: S608
            ids = sorted({row[0] for row in cursor.fetchall()})
            if not ids:
                return 0
            if connection.vendor == "postgresql":
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        noted = _ids(ids)
        # The groups follow by difference: the noted students' old rows out, their new ones in;
        # built anew the first time, and when the differences pile up.
        by_difference = not anew and OutcomeGroup.objects.exists()
        if by_difference:
            outcomes.add_to_groups(noted, sign=-1)
        OutcomeStudent.objects.filter(user_id__in=noted).delete()
        OutcomeYear.objects.filter(student_id__in=noted).delete()
        OutcomeApplication.objects.filter(student_id__in=noted).delete()
        students = outcomes.student_rows(outcomes.all_profiles().filter(user_id__in=noted))
        columns = ["profile_id", "user_id", *outcomes.STUDENT_DIMENSIONS.values(), "status", "program_key", "eligible"]
        named = ", ".join(f"s.{qn(name)}" for name in columns)
        _insert(OutcomeStudent, students.values(*columns), columns, f"SELECT {named} FROM ({{sql}}) AS s")  # noqa: S608
        counts = ", ".join(f"SUM(u.{qn(name)})" for name in [*COUNTS, "earned"])
        fields = outcomes.GROUP_KEYS
        keys = ", ".join([f"u.{qn('student_id')}", f"u.{qn('year')}", *(f"st.{qn(name)}" for name in fields)])
        grouped = (
            f"SELECT {keys}, {counts} FROM ({{sql}}) AS u "  # noqa: S608
            f"JOIN {qn(OutcomeStudent._meta.db_table)} st ON st.{qn('user_id')} = u.{qn('student_id')} GROUP BY {keys}"
        )
        _insert(OutcomeYear, _step_rows(noted), ["student_id", "year", *fields, *COUNTS, "earned"], grouped)
        columns = ["application_id", "student_id", "project_id", "year", "response_days", "offered_at"]
        named = ", ".join(f"a.{qn(name)}" for name in columns)
        _insert(OutcomeApplication, _application_rows(noted), columns, f"SELECT {named} FROM ({{sql}}) AS a")  # noqa: S608
        if by_difference and OutcomeGroup.objects.count() <= COMPACT_FROM:
            outcomes.add_to_groups(noted)
        else:
            outcomes.rebuild_groups()
    if len(ids) >= ANALYZE_FROM:
        # Many rows replaced at once (an import, a full rebuild): the planner's row counts would
        # be those of before until autovacuum comes by, and the dashboard's query was planned
        # for a tenth of its rows (index scans where a table scan is cheaper).
        with connection.cursor() as cursor:
            for model in (OutcomeStudent, OutcomeYear, OutcomeApplication):
                cursor.execute(f"ANALYZE {qn(model._meta.db_table)}")
    return len(ids)


def note_everyone():
    """Note every student, for a full rebuild by the next refresh."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {qn(OutcomeStale._meta.db_table)} ({qn('student_id')}) "  # noqa: S608
            f"SELECT {qn('id')} FROM {qn('portal_user')} WHERE {qn('role')} = %s",
            ["student"],
        )

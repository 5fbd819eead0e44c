"""Outcomes for the career center: the funnel, rates, times and earnings, all from aggregate SQL.

Every figure comes from a fixed number of aggregate queries (four: the funnel with all its splits,
and three for rates, times and earnings); Python only shapes the handful of grouped rows that come
back. The rule of small cells lives here too: a figure that
counts fewer than five students is shown as "fewer than 5", on screen and in exports.

What each funnel step means is decided in ONE function per step, below ("The steps"), so that the
engagements and payouts that come later change one place:

- ``completed_q``: today an accepted offer (the furthest the portal records); with engagements, an
  engagement verified complete (``completed``/``paid``) with ``completed_at`` in the range.
- ``paid_q`` and ``earnings_field``: today an accepted offer of a student whose payroll sign-up is
  certified, earning the project's fee; with payouts, a payout marked paid, dated by ``paid_at``
  (so a payout paid after June 30 counts in the next academic year), earning its amount.
- ``on_time_delivery`` and ``competency_ratings``: no data exists before engagements and feedback.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    Q,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from portal.models import Program, StudentProfile, User, WorkEligibility

from .models import Application

SMALL_CELL = 5
SUPPRESSED = "fewer than 5"

Status = Application.Status
Basis = WorkEligibility.Basis

# Shown on the page while the steps are stand-ins; empty it when engagements and payouts land.
PROXY_NOTE = ""


# The steps -------------------------------------------------------------------------------------
# Each is a condition on Application, given the range as aware datetimes [start, end) (None and
# None for "any time"); each step is dated by its own moment.


def _dated(field_name, start, end):
    q = Q()
    if start is not None:
        q &= Q(**{f"{field_name}__gte": start})
    if end is not None:
        q &= Q(**{f"{field_name}__lt": end})
    return q


def applied_q(start, end):
    """Applications submitted (drafts never count), dated by submission."""
    return Q(submitted_at__isnull=False) & _dated("submitted_at", start, end)


def selected_q(start, end):
    """Applications the employer selected (an offer was made, whatever the student answered)."""
    return Q(offered_at__isnull=False) & _dated("offered_at", start, end)


def completed_q(start, end):
    """Applications whose engagement's work the supervisor verified, dated by that moment."""
    return Q(engagement__completed_at__isnull=False) & _dated("engagement__completed_at", start, end)


def paid_q(start, end):
    """Applications whose student was paid for the work, dated by the payment (work completed
    in June and paid in July counts as paid in July)."""
    return Q(engagement__payout__status="paid") & _dated("engagement__payout__paid_on", start, end)


def earnings_field():
    """What a paid application earned: its payout."""
    return "engagement__payout__amount"


def on_time_delivery(applications):
    """Completed work whose last submission came by its due date, as (on time, delivered): one
    aggregate over the applications' engagements."""
    totals = applications.filter(engagement__completed_at__isnull=False).aggregate(
        delivered=Count("engagement"),
        on_time=Count("engagement", filter=Q(engagement__submitted_at__date__lte=F("engagement__due_on"))),
    )
    return totals["on_time"], totals["delivered"]


def competency_ratings(applications):
    """Median supervisor rating per competency, as [(competency, median, students)]. No feedback is
    recorded before engagements: an empty list. SWITCH when feedback lands."""
    return []


# SQL helpers -----------------------------------------------------------------------------------


class _SqliteMedian:
    """MEDIAN() for SQLite (a laptop, the tests); PostgreSQL has PERCENTILE_CONT."""

    def __init__(self):
        self.values = []

    def step(self, value):
        if value is not None:
            self.values.append(float(value))

    def finalize(self):
        if not self.values:
            return None
        values = sorted(self.values)
        middle = len(values) // 2
        return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def prepare_connection():
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.create_aggregate("MEDIAN", 1, _SqliteMedian)


class DaysBetween(Func):
    """Days (with fractions) from ``start`` to ``end``, two datetimes."""

    output_field = FloatField()

    def __init__(self, end, start):
        super().__init__(end, start)

    def as_sql(self, compiler, connection, **extra):
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0)", [*end_params, *start_params]

    def as_sqlite(self, compiler, connection, **extra):
        end, end_params = compiler.compile(self.source_expressions[0])
        start, start_params = compiler.compile(self.source_expressions[1])
        return f"(julianday({end}) - julianday({start}))", [*end_params, *start_params]


# Filters ---------------------------------------------------------------------------------------


class EligibilityGroup:
    CITIZEN_OR_RESIDENT = "citizen_resident"
    F1_J1 = "f1_j1"
    OTHER = "other_authorization"
    ITIN = "itin"
    NONE = "not_declared"

    choices = [
        (CITIZEN_OR_RESIDENT, "Citizen or resident"),
        (F1_J1, "F-1/J-1"),
        (OTHER, "Other authorization"),
        (ITIN, "ITIN"),
        (NONE, "Not declared or not authorized"),
    ]
    labels = dict(choices)


def academic_year(today=None):
    """July 1 to June 30 of the academic year that holds ``today``."""
    today = today or timezone.localdate()
    first = today.year if today.month >= 7 else today.year - 1
    return date(first, 7, 1), date(first + 1, 6, 30)


@dataclass
class Filters:
    start: date
    end: date
    program: object = None  # a Program
    school: str = ""
    class_year: int | None = None
    status: str = ""
    eligibility_group: str = ""
    size: str = ""
    industry: str = ""

    @property
    def narrows_students(self):
        return bool(self.program or self.school or self.class_year or self.status or self.eligibility_group)

    @classmethod
    def default(cls):
        start, end = academic_year()
        return cls(start=start, end=end)

    @property
    def window(self):
        """The range as aware datetimes, [start, end + 1 day)."""
        zone = timezone.get_current_timezone()
        start = timezone.make_aware(datetime.combine(self.start, time.min), zone)
        end = timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), zone)
        return start, end


def _eligibility_group():
    basis = "current_eligibility__basis"
    return Case(
        When(
            Q(**{f"{basis}__in": [Basis.CITIZEN, Basis.PERMANENT_RESIDENT]}),
            then=Value(EligibilityGroup.CITIZEN_OR_RESIDENT),
        ),
        When(Q(**{f"{basis}__in": sorted(WorkEligibility.STUDENT_VISA_BASES)}), then=Value(EligibilityGroup.F1_J1)),
        When(Q(**{basis: Basis.EAD}), then=Value(EligibilityGroup.OTHER)),
        When(Q(**{basis: Basis.ITIN}), then=Value(EligibilityGroup.ITIN)),
        default=Value(EligibilityGroup.NONE),
        output_field=CharField(),
    )


# Eligible today: the current declaration is attested or verified, on any basis but "none".
ELIGIBLE = Q(
    current_eligibility__status__in=[WorkEligibility.Status.ATTESTED, WorkEligibility.Status.VERIFIED],
    current_eligibility__basis__in=[b for b in Basis.values if b != Basis.NONE],
)


def profiles(filters):
    """The students counted: every active student's profile that matches the student filters,
    with their current eligibility declaration joined (at most one per student)."""
    queryset = StudentProfile.objects.filter(user__role=User.Role.STUDENT, user__is_active=True).annotate(
        current_eligibility=FilteredRelation(
            "user__eligibility_records", condition=Q(user__eligibility_records__is_current=True)
        ),
        eligibility_group=_eligibility_group(),
    )
    through = StudentProfile.programs.through
    # Subqueries, not joins: a join would repeat a student in two matching programs and double sums.
    if filters.program is not None:
        queryset = queryset.filter(pk__in=through.objects.filter(program=filters.program).values("studentprofile_id"))
    if filters.school:
        queryset = queryset.filter(
            pk__in=through.objects.filter(program__school=filters.school).values("studentprofile_id")
        )
    if filters.class_year:
        queryset = queryset.filter(graduation_year=filters.class_year)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.eligibility_group:
        queryset = queryset.filter(eligibility_group=filters.eligibility_group)
    return queryset


def _organization_q(filters):
    q = Q()
    if filters.size:
        q &= Q(project__organization__size=filters.size)
    if filters.industry:
        q &= Q(project__organization__industry=filters.industry)
    return q


def applications(filters):
    """Submitted applications of the counted students to organizations that match the filters."""
    queryset = Application.objects.filter(
        _organization_q(filters),
        submitted_at__isnull=False,
        student__role=User.Role.STUDENT,
        student__is_active=True,
        student__student_profile__isnull=False,
    )
    if filters.narrows_students:
        queryset = queryset.filter(student__student_profile__in=profiles(filters).values("pk"))
    return queryset


# Figures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One figure, with the number of students behind it: under five, it is not shown."""

    value: object
    students: int
    kind: str = "count"  # count, rate, days, money

    @property
    def suppressed(self):
        return self.students < SMALL_CELL

    @property
    def display(self):
        if self.kind == "blank":
            return ""
        if self.kind == "missing":
            return "not recorded yet"
        if self.suppressed:
            return SUPPRESSED
        if self.value is None:
            return "no data"
        if self.kind == "rate":
            return f"{self.value:.0%}"
        if self.kind == "days":
            return f"{self.value:.1f} days"
        if self.kind == "money":
            return f"${self.value:,.2f}"
        return f"{self.value:,}"

    @property
    def bar_value(self):
        return 0 if self.suppressed or self.value is None else float(self.value)


# A cell that counts nobody in particular: the first step's rate, a figure nothing records yet.
BLANK = Cell(None, 10**9, "blank")
NOT_RECORDED = Cell(None, 10**9, "missing")


def count_cell(n):
    return Cell(n or 0, n or 0)


def rate_cell(numerator, denominator):
    """A rate hides when either count is under five (a rate of 1 in 40 still points at one)."""
    numerator, denominator = numerator or 0, denominator or 0
    value = numerator / denominator if denominator else None
    return Cell(value, min(numerator, denominator), "rate")


STEPS = [
    ("profiles", "Students with a profile"),
    ("eligible", "Eligible to work"),
    ("applied", "Applied"),
    ("selected", "Selected"),
    ("completed", "Completed"),
    ("paid", "Paid"),
]


FLAGS = ["eligible", "applied", "selected", "completed", "paid"]


# The student fields the funnel is split by (besides programs, a many-to-many).
STUDENT_DIMENSIONS = {
    "class_year": "graduation_year",
    "first_generation": "first_generation",
    "pell": "pell_eligible",
    "eligibility_group": "eligibility_group",
}


def _student_steps(filters):
    """One row per student who applied to an organization that matches the filters: 1 or 0 for
    each step the student reached in the range, and what the student earned."""
    start, end = filters.window
    return (
        Application.objects.filter(_organization_q(filters), submitted_at__isnull=False)
        .values("student_id")
        .annotate(
            applied=_reached(applied_q(start, end)),
            selected=_reached(selected_q(start, end)),
            completed=_reached(completed_q(start, end)),
            paid=_reached(paid_q(start, end)),
            earned=Sum(earnings_field(), filter=paid_q(start, end)),
        )
        .order_by()
    )


def _student_rows(filters):
    """One row per counted student: the fields the funnel is split by, 1 or 0 for each step, and
    the earnings. The applications are summed per student first and then joined to the profiles
    (cheaper than grouping the profiles joined to every application). Returns (sql, params)."""
    students = (
        profiles(filters)
        .values("pk", "user_id", *STUDENT_DIMENSIONS.values())
        .annotate(eligible=Case(When(ELIGIBLE, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .order_by()
    )
    students_sql, students_params = students.query.sql_with_params()
    steps_sql, steps_params = _student_steps(filters).query.sql_with_params()
    qn = connection.ops.quote_name
    columns = ", ".join(f"s.{qn(name)}" for name in ["pk", *STUDENT_DIMENSIONS.values(), "eligible"])
    steps = ", ".join(f"COALESCE(a.{qn(name)}, 0) AS {qn(name)}" for name in FLAGS[1:])
    sql = (
        f"SELECT {columns}, {steps}, a.{qn('earned')} AS {qn('earned')} "  # noqa: S608
        f"FROM ({students_sql}) s LEFT JOIN ({steps_sql}) a ON a.{qn('student_id')} = s.{qn('user_id')}"
    )
    return sql, (*students_params, *steps_params)


def funnel_tables(filters):
    """The funnel for everyone and split every way, in ONE query: the per-student rows are built
    once (a CTE) and summed by each dimension (UNION ALL). Summing 1/0 flags per student beats
    COUNT(DISTINCT ...) per step, which sorts the joined rows once per step and per split.
    Returns {"all": row, "program": [rows], "class_year": [rows], ...}."""
    inner, params = _student_rows(filters)
    qn = connection.ops.quote_name
    through = StudentProfile.programs.through._meta.db_table
    program = Program._meta.db_table
    sums = ", ".join(["COUNT(*)", *(f"SUM(t.{qn(name)})" for name in [*FLAGS, "earned"])])
    # Typed NULLs: PostgreSQL matches the types of a UNION's columns branch by branch.
    keys = {
        "graduation_year": "INTEGER",
        "first_generation": "BOOLEAN",
        "pell_eligible": "BOOLEAN",
        "eligibility_group": "VARCHAR(32)",
        "program_id": "BIGINT",
        "program_name": "VARCHAR(200)",
        "program_level": "VARCHAR(16)",
    }

    # Only the code's own names and columns go into the SQL; every value is a parameter of inner.
    def branch(name, values, source="t", group=""):
        columns = ", ".join(values.get(key, f"CAST(NULL AS {kind})") for key, kind in keys.items())
        grouped = f" GROUP BY {group}" if group else ""
        return f"SELECT '{name}', {columns}, {sums} FROM {source}{grouped}"  # noqa: S608

    branches = [branch("all", {})]
    for name, column in STUDENT_DIMENSIONS.items():
        branches.append(branch(name, {column: f"t.{qn(column)}"}, group=f"t.{qn(column)}"))
    branches.append(
        branch(
            "program",
            {"program_id": "pr.id", "program_name": "pr.name", "program_level": "pr.level"},
            source=f"t LEFT JOIN {qn(through)} pp ON pp.studentprofile_id = t.{qn('pk')} "
            f"LEFT JOIN {qn(program)} pr ON pr.id = pp.program_id",
            group="pr.id, pr.name, pr.level",
        )
    )
    query = f"WITH t AS ({inner}) " + " UNION ALL ".join(branches)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    names = ["dimension", *keys, "profiles", *FLAGS, "earned"]
    tables = {"all": None, **{name: [] for name in BREAKDOWNS}}
    for values in rows:
        row = dict(zip(names, values, strict=True))
        # SQLite hands back floats for sums of decimals (and 0/1 for booleans); money stays exact.
        row["earned"] = Decimal(str(row["earned"] or 0)).quantize(Decimal("0.01"))
        if row["dimension"] == "all":
            tables["all"] = row
        else:
            tables[row["dimension"]].append(row)
    for name, (_, order, _) in BREAKDOWNS.items():
        tables[name].sort(key=order)
    return tables


def _funnel_row(label, row):
    cells = {}
    previous = None
    for key, _ in STEPS:
        cells[key] = count_cell(row[key])
        if previous is not None:
            cells[f"{key}_rate"] = rate_cell(row[key], row[previous])
        previous = key
    cells["earned"] = Cell(row["earned"] or 0, row["paid"] or 0, "money")
    return {"label": label, "cells": cells}


def _yes_no(value):
    return {True: "Yes", False: "No"}.get(value, "Not said")


def _yes_no_order(value):
    return {True: 0, False: 1}.get(value, 2)


BREAKDOWNS = {
    # key: (title, sort key of a row, label of a row)
    "program": (
        "By program",
        lambda r: (r["program_id"] is None, r["program_name"] or "", r["program_level"] or ""),
        lambda r: f"{r['program_name']} ({r['program_level']})" if r["program_id"] else "No program chosen",
    ),
    "class_year": (
        "By class year",
        lambda r: (r["graduation_year"] is None, r["graduation_year"] or 0),
        lambda r: f"Class of {r['graduation_year']}" if r["graduation_year"] else "No graduation term",
    ),
    "first_generation": (
        "First-generation students",
        lambda r: _yes_no_order(r["first_generation"]),
        lambda r: _yes_no(r["first_generation"]),
    ),
    "pell": (
        "Pell Grant eligibility",
        lambda r: _yes_no_order(r["pell_eligible"]),
        lambda r: _yes_no(r["pell_eligible"]),
    ),
    "eligibility_group": (
        "By work-eligibility group",
        lambda r: [key for key, _ in EligibilityGroup.choices].index(r["eligibility_group"]),
        lambda r: EligibilityGroup.labels[r["eligibility_group"]],
    ),
}


def funnel(filters, tables=None):
    """The whole funnel, as one row of cells."""
    tables = tables or funnel_tables(filters)
    return _funnel_row("All students", tables["all"])


def breakdown(filters, key, tables=None):
    """The funnel split by one dimension. A student in two programs counts in each of them."""
    tables = tables or funnel_tables(filters)
    _, _, label = BREAKDOWNS[key]
    return [_funnel_row(label(row), row) for row in tables[key]]


def _median_sql(column):
    if connection.vendor == "postgresql":
        return f"PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY {column})"
    return f"MEDIAN({column})"


def _over(queryset, *expressions):
    """``SELECT expressions FROM (queryset) t``: one query, for figures over grouped rows (the
    expressions are the code's own SQL over t's columns)."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(expressions)} FROM ({sql}) t", params)  # noqa: S608
        return cursor.fetchone()


def _reached(condition):
    return Max(Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField()))


def rates(filters):
    """Rates and times: three queries, each one scan of the filtered applications grouped
    (per application, per project, per student) and summed around it."""
    start, end = filters.window
    # The cohort: applications submitted in the range. An employer's decision is a shortlist,
    # an offer or a "not selected" made by a person (the portal's own closing has no one).
    decision = Q(
        events__to_status__in=[Status.SHORTLISTED, Status.OFFERED, Status.NOT_SELECTED], events__by__isnull=False
    )
    per_application = (
        applications(filters)
        .filter(applied_q(start, end))
        .values("pk", "student_id")
        .annotate(
            is_selected=_reached(selected_q(None, None)),
            is_completed=_reached(completed_q(None, None)),
            decision_days=DaysBetween(Min("events__at", filter=decision), Min("submitted_at")),
        )
        .order_by()
    )
    (
        applied,
        applied_students,
        selected,
        selected_students,
        completed,
        completed_students,
        response_days,
        response_students,
    ) = _over(
        per_application,
        "COUNT(*)",
        "COUNT(DISTINCT t.student_id)",
        "SUM(t.is_selected)",
        "COUNT(DISTINCT CASE WHEN t.is_selected = 1 THEN t.student_id END)",
        "SUM(t.is_completed)",
        "COUNT(DISTINCT CASE WHEN t.is_completed = 1 THEN t.student_id END)",
        _median_sql("t.decision_days"),
        "COUNT(DISTINCT CASE WHEN t.decision_days IS NOT NULL THEN t.student_id END)",
    )
    # Days from posting to the first selection, for projects whose first selection (of these
    # students) falls in the range.
    per_project = (
        applications(filters)
        .filter(offered_at__isnull=False, project__published_at__isnull=False)
        .values("project_id")
        .annotate(first=Min("offered_at"), days=DaysBetween(Min("offered_at"), Min("project__published_at")))
        .filter(first__gte=start, first__lt=end)
        .order_by()
    )
    selection_days, selection_projects = _over(per_project, _median_sql("t.days"), "COUNT(*)")
    per_student = (
        applications(filters)
        .filter(paid_q(start, end))
        .values("student_id")
        .annotate(total=Sum(earnings_field()))
        .order_by()
    )
    median_earned, earners = _over(per_student, _median_sql("t.total"), "COUNT(*)")
    on_time = on_time_delivery(applications(filters).filter(applied_q(start, end)))
    return {
        "selection_rate": application_rate(selected, applied, students=selected_students or 0),
        "completion_rate": application_rate(completed, selected, students=completed_students or 0),
        "response_days": Cell(response_days, response_students or 0, "days"),
        "selection_days": Cell(selection_days, selection_projects or 0, "days"),
        "on_time": None if on_time is None else rate_cell(*on_time),
        "median_earned": Cell(median_earned, earners or 0, "money"),
        "applications": applied,
        "students": applied_students,
    }


def application_rate(numerator, denominator, *, students):
    """A rate over applications, hidden when fewer than five students are behind its numerator
    (the denominator's students are at least as many)."""
    return Cell(numerator / denominator if denominator else None, students, "rate")

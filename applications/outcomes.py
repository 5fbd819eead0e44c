"""Outcomes for the career center: the funnel, rates, times, earnings and supervisors' ratings,
all from aggregate SQL.

A page of figures is two queries (after the summary's refresh), read in one transaction
(``reading``): the funnel with all its splits and everything the rates, times and earnings need
(``funnel_tables``; ``rates`` only shapes its overall row), and the median ratings
(``competency_ratings``). Python only shapes the
handful of grouped rows that come back. The rule of small cells lives here too: a figure that counts fewer
than five students is shown as "fewer than 5", on screen and in exports.

What each step means is decided in ONE function per step, below ("The steps"), each dated by its
own moment within the range:

- ``applied_q``: an application submitted (drafts never count).
- ``selected_q``: an offer made, whatever the student answered.
- ``completed_q``: the engagement's work verified by the supervisor (``completed_at``).
- ``paid_q`` and ``earnings_field``: the engagement's payout marked paid, dated by ``paid_on`` (a
  payout paid after June 30 counts in the next academic year), earning its amount.
- ``delivered_on_time_q``: verified work whose last submission came by its due date.
- ``rated_q``: the supervisor's feedback on the work, dated by when it was given.

How the funnel is counted (the costly part: every student and their applications): the
applications are grouped per student once (only those with a step in the range, and only the
counted students' when a student filter narrows them), joined to the students, then summed once
by every combination of the student fields and programs; every split and the overall row are sums
of those few groups.

For whole academic years without an organization filter (the default view), the per-student rows
and the times per application come from the outcomes summary instead (``outcome_models``: one row
per student, per student and year, per decided application), which the same definitions build
and database triggers keep current (``outcome_summary``); its years carry the student's fields,
so the students and their steps are summed by group separately, with no join; one academic year
with no student filter (the default view) reads the groups the summary keeps summed
(``OutcomeGroup``). Any other range is counted live.
"""

import operator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import reduce

from django.db import connection, transaction
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    FloatField,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.models import Program, StudentProfile, User, WorkEligibility

from .models import Application, OutcomeApplication, OutcomeGroup, OutcomeStudent, OutcomeYear

SMALL_CELL = 5
SUPPRESSED = "fewer than 5"

Status = Application.Status
Basis = WorkEligibility.Basis


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


def delivered_on_time_q():
    """Applications whose work was verified and whose last submission came by its due date."""
    return Q(engagement__completed_at__isnull=False, engagement__submitted_at__date__lte=F("engagement__due_on"))


def rated_q(start, end):
    """Applications whose work the supervisor rated, dated by the feedback."""
    return Q(engagement__feedback__isnull=False) & _dated("engagement__feedback__given_at", start, end)


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


def add_sqlite_median(sender, connection, **kwargs):
    """Every new SQLite connection gets MEDIAN() (connected to ``connection_created`` in
    ``signals``): the figures are read wherever a connection comes from."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate("MEDIAN", 1, _SqliteMedian)


@contextmanager
def reading():
    """Where a page's figures are read: one transaction, set for aggregates over every student.
    PostgreSQL does not compile the queries to machine code (JIT): for these queries compiling
    costs more than it saves, about 0.4 s a page on the bench's data. The per-student rows are
    sorted and hashed in memory rather than on disk (the default work_mem is 4 MB). And a page's
    query keeps to one core: with parallel workers, two pages read at once took each other's
    cores and answered later (2 at a time on 2 cores: mean 312 to 297 ms, slowest 416 to 385)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT set_config('jit', 'off', true), set_config('work_mem', '32MB', true), "
                    "set_config('max_parallel_workers_per_gather', '0', true)"
                )
        yield


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
    summary: bool = True  # count whole academic years from the summary (False: live, to check it)

    @property
    def narrows_students(self):
        return bool(self.program or self.school or self.class_year or self.status or self.eligibility_group)

    @classmethod
    def default(cls):
        start, end = academic_year()
        return cls(start=start, end=end)

    @property
    def summary_years(self):
        """The academic years (first calendar years, first and last) the range is made of, when
        the summary can count it: whole academic years and no organization filter (the summary
        counts a student's applications to every organization). Else None: counted live."""
        whole = (self.start.month, self.start.day, self.end.month, self.end.day) == (7, 1, 6, 30)
        if not (self.summary and whole) or self.end.year <= self.start.year or self.size or self.industry:
            return None
        return self.start.year, self.end.year - 1

    @property
    def window(self):
        """The range as aware datetimes, [start, end + 1 day), in the portal's own time zone (the
        institution's academic year, whoever reads it; the summary counts in it too)."""
        zone = timezone.get_default_timezone()
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


def _active_students():
    return StudentProfile.objects.filter(user__role=User.Role.STUDENT, user__is_active=True)


def all_profiles():
    """Every active student's profile, with their current eligibility declaration joined (at most
    one per student) and its group."""
    return _active_students().annotate(
        current_eligibility=FilteredRelation(
            "user__eligibility_records", condition=Q(user__eligibility_records__is_current=True)
        ),
        eligibility_group=_eligibility_group(),
    )


class ProgramKey(Aggregate):
    """A student's program ids as one text, "3,17" ("" for none), in no set order: the funnel
    groups the students by it together with their other fields, then splits those few groups
    by program (``funnel_tables``), instead of joining every student to their programs."""

    function = "STRING_AGG"
    template = "%(function)s(CAST(%(expressions)s AS TEXT), ',')"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", template="%(function)s(%(expressions)s, ',')")


def _program_key():
    through = StudentProfile.programs.through
    keys = (
        through.objects.filter(studentprofile_id=OuterRef("pk"))
        .order_by()
        .values("studentprofile_id")
        .annotate(key=ProgramKey("program_id"))
        .values("key")
    )
    return Coalesce(Subquery(keys), Value(""), output_field=TextField())


def student_rows(queryset):
    """Profiles of ``all_profiles`` as the funnel reads them: the fields it is split by, their
    programs (``program_key``: see ``ProgramKey``), and whether the student is eligible (1 or 0,
    so that it sums)."""
    return queryset.annotate(
        profile_id=F("pk"),
        program_key=_program_key(),
        eligible=Case(When(ELIGIBLE, then=Value(1)), default=Value(0), output_field=IntegerField()),
    ).order_by()


def profiles(filters):
    """The students counted: the profiles of ``all_profiles`` that match the student filters."""
    return narrow_students(all_profiles(), filters, profile="pk")


def narrow_students(queryset, filters, *, profile):
    """``queryset`` (of profiles, or the summary's students; ``profile`` names the profile's id)
    narrowed by the student filters."""
    through = StudentProfile.programs.through
    # Subqueries, not joins: a join would repeat a student in two matching programs and double sums.
    if filters.program is not None:
        programs = through.objects.filter(program=filters.program)
        queryset = queryset.filter(**{f"{profile}__in": programs.values("studentprofile_id")})
    if filters.school:
        schools = through.objects.filter(program__school=filters.school)
        queryset = queryset.filter(**{f"{profile}__in": schools.values("studentprofile_id")})
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


def counted_students(filters):
    """The user ids of the counted students, for a semi-join (``student_id__in``)."""
    return (profiles(filters) if filters.narrows_students else _active_students()).values("user_id")


def applications(filters):
    """Submitted applications of the counted students to organizations that match the filters."""
    return Application.objects.filter(
        _organization_q(filters), submitted_at__isnull=False, student_id__in=counted_students(filters)
    )


# Figures ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One figure, with the number of students behind it: under five, it is not shown."""

    value: object
    students: int
    kind: str = "count"  # count, rate, days, money, score

    @property
    def suppressed(self):
        return self.students < SMALL_CELL

    @property
    def display(self):
        if self.kind == "blank":
            return ""
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
        if self.kind == "score":
            return f"{self.value:.1f}"
        return f"{self.value:,}"

    @property
    def bar_value(self):
        return 0 if self.suppressed or self.value is None else float(self.value)


# A cell that counts nobody in particular: the first step's rate.
BLANK = Cell(None, 10**9, "blank")


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
    """One row per student with an application (to an organization that matches the filters)
    that reached a step in the range: how many of their applications reached each step (the
    funnel counts the student once for any), what the student earned, and the student's part of
    the cohort the rates are about (applications submitted in the range: how many were ever
    selected, completed, and delivered by the due date).

    Applications with no step in the range add nothing, so they are left out before the grouping."""
    start, end = filters.window
    cohort = applied_q(start, end)
    reached = {
        "applied": cohort,
        "selected": selected_q(start, end),
        "completed": completed_q(start, end),
        "paid": paid_q(start, end),
    }
    queryset = Application.objects.filter(_organization_q(filters), submitted_at__isnull=False).filter(
        reduce(operator.or_, reached.values())
    )
    return (
        queryset.values("student_id")
        .annotate(
            **{name: Count("pk", filter=condition) for name, condition in reached.items()},
            earned=Sum(earnings_field(), filter=reached["paid"]),
            cohort_selected=Count("pk", filter=cohort & selected_q(None, None)),
            cohort_completed=Count("pk", filter=cohort & completed_q(None, None)),
            cohort_on_time=Count("pk", filter=cohort & delivered_on_time_q()),
        )
        .order_by()
    )


COUNTS = ["applied", "selected", "completed", "paid", "cohort_selected", "cohort_completed", "cohort_on_time"]


def _counted_here(filters):
    """``student_id__in`` for a queryset that runs inside the funnel's query: the students of ``s``
    when a student filter narrows them (s is then small, and reading the applications by student
    is the cheapest plan), else every counted student (s is every student, and a join on it would
    be planned for far fewer rows than it holds): the summary's when the summary counts."""
    if not filters.narrows_students:
        return OutcomeStudent.objects.values("user_id") if filters.summary_years else counted_students(filters)
    in_s = f"SELECT s.{connection.ops.quote_name('user_id')} FROM s"  # noqa: S608 - the code's own names
    return RawSQL(in_s, ())  # noqa: S611


def _summary_rows(filters):
    """The per-student rows ``t`` for whole academic years, read from the summary's years of the
    range, as (sql, params): only students with a step in the range, with the fields they are
    grouped by (the summary keeps them on each year, so nothing is joined)."""
    first, last = filters.summary_years
    qn = connection.ops.quote_name
    in_s = f" AND y.{qn('student_id')} IN (SELECT s.{qn('user_id')} FROM s)"  # noqa: S608 - the code's own names
    narrowed = in_s if filters.narrows_students else ""
    where = f"WHERE y.{qn('year')} BETWEEN %s AND %s{narrowed}"
    table = qn(OutcomeYear._meta.db_table)
    keys = ", ".join(f"y.{qn(name)}" for name in ["student_id", *STUDENT_DIMENSIONS.values(), "program_key"])
    names = [*COUNTS, "earned"]
    if first == last:  # one row per student and year: nothing to add up
        columns = ", ".join(f"y.{qn(name)}" for name in names)
        return f"SELECT {keys}, {columns} FROM {table} y {where}", (first, last)  # noqa: S608
    sums = ", ".join(f"SUM(y.{qn(name)}) AS {qn(name)}" for name in names)
    return f"SELECT {keys}, {sums} FROM {table} y {where} GROUP BY {keys}", (first, last)  # noqa: S608


GROUP_KEYS = [*STUDENT_DIMENSIONS.values(), "program_key"]
# What the students themselves add up to; the other totals are what their steps add up to.
STUDENT_TOTALS = ["profiles", "eligible"]


def _group_keys(source):
    return ", ".join(f"{source}.{connection.ops.quote_name(name)}" for name in GROUP_KEYS)


def _by_group(source, figures, names):
    """``source`` summed by the fields and programs: ``figures`` (name: expression) for each of
    ``names``, 0 for the others."""
    qn = connection.ops.quote_name
    sums = ", ".join(f"{figures.get(name, '0')} AS {qn(name)}" for name in names)
    return f"SELECT {_group_keys(source)}, {sums} FROM {source} GROUP BY {_group_keys(source)}"  # noqa: S608


def _step_and_student_figures(totals):
    """``totals`` split: the figures of the students' steps (over ``t``), of the students
    themselves (``_totals`` over ``s``)."""
    students = {name: figure for name, figure in _totals("s").items() if name in STUDENT_TOTALS}
    return {name: figure for name, figure in totals.items() if name not in STUDENT_TOTALS}, students


def _sums(source, names):
    return ", ".join(
        f"SUM({source}.{connection.ops.quote_name(name)}) AS {connection.ops.quote_name(name)}" for name in names
    )


def add_to_groups(students=None, *, sign=1):
    """Add to OutcomeGroup what the summary's rows of ``students`` (a RawSQL of their ids; None
    for everyone) add up to, ``sign`` times: a refresh takes the noted students' old rows out
    (-1) and puts their new ones in. A group may then have several rows; readers sum them."""
    qn = connection.ops.quote_name
    totals = _totals("t")
    steps, students_figures = _step_and_student_figures(totals)
    table = qn(OutcomeGroup._meta.db_table)
    columns = ", ".join(qn(name) for name in ["year", *GROUP_KEYS, *totals])

    def sums(figures):
        return ", ".join(f"{sign} * ({figures[name]})" if name in figures else "0" for name in totals)

    def of(column):
        return f" WHERE {column} IN ({students.sql})" if students is not None else ""

    params = tuple(students.params) if students is not None else ()
    student, user = f"t.{qn('student_id')}", f"s.{qn('user_id')}"
    by_year = f"t.{qn('year')}, {_group_keys('t')}"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {by_year}, {sums(steps)} "  # noqa: S608 - the code's own names
            f"FROM {qn(OutcomeYear._meta.db_table)} t{of(student)} GROUP BY {by_year}",
            params,
        )
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT NULL, {_group_keys('s')}, {sums(students_figures)} "  # noqa: S608
            f"FROM {qn(OutcomeStudent._meta.db_table)} s{of(user)} GROUP BY {_group_keys('s')}",
            params,
        )


def rebuild_groups():
    """OutcomeGroup anew from all the summary's rows: one row per group."""
    OutcomeGroup.objects.all().delete()
    add_to_groups()


def _student_ctes(filters, totals):
    """The funnel's first common table expressions, as (sql, params): ``s``, one row per counted
    student (the fields the funnel is split by, their programs, and whether they are eligible);
    ``t``, per-student rows with the counts of ``_student_steps`` and the earnings; and ``tg``,
    the students summed by their fields and programs (``totals``: the sums, over ``t``).

    Counted live, the applications are counted per student first and then joined to the
    students (cheaper than grouping the students joined to every application), a student without
    any with zeros; when a student filter narrows the students, the applications counted are only
    those of ``s``. For whole academic years both come from the summary (``outcome_models``),
    refreshed first, and nothing is joined: ``t`` holds only students with a step, with their
    fields, and ``tg`` adds up the students (from ``s``) and their steps (from ``t``) group by
    group; for one academic year with no student filter (the default view), it adds up the
    summary's groups (``OutcomeGroup``), summed already."""
    qn = connection.ops.quote_name
    columns = ["profile_id", "user_id", *GROUP_KEYS, "eligible"]
    groups_params, having = (), ""
    if filters.summary_years:
        # Imported here: the summary's refresh reads this module's definitions of the steps.
        from .outcome_summary import refresh

        refresh()
        students = narrow_students(OutcomeStudent.objects.all(), filters, profile="profile_id").values(*columns)
        rows, rows_params = _summary_rows(filters)
        first, last = filters.summary_years
        if first == last and not filters.narrows_students:
            # The default view: the groups of the year and the students', summed already.
            source = f"(SELECT * FROM {qn(OutcomeGroup._meta.db_table)} g WHERE g.year IS NULL OR g.year = %s)"  # noqa: S608
            groups_params = (first,)
            # A group whose students have all left it sums to nothing: no row, as when counted.
            having = f" HAVING SUM(u.{qn('profiles')}) > 0"
        else:
            steps, students_figures = _step_and_student_figures(totals)
            source = f"({_by_group('t', steps, totals)} UNION ALL {_by_group('s', students_figures, totals)})"
        groups = f"SELECT {_group_keys('u')}, {_sums('u', totals)} FROM {source} u GROUP BY {_group_keys('u')}{having}"  # noqa: S608
    else:
        students = student_rows(profiles(filters)).values(*columns)
        steps = _student_steps(filters)
        if filters.narrows_students:
            steps = steps.filter(student_id__in=_counted_here(filters))
        steps_sql, rows_params = steps.query.sql_with_params()
        named = ", ".join(f"s.{qn(name)}" for name in columns if name != "user_id")
        counts = ", ".join(f"COALESCE(a.{qn(name)}, 0) AS {qn(name)}" for name in COUNTS)
        rows = (
            f"SELECT {named}, {counts}, a.{qn('earned')} AS {qn('earned')} "  # noqa: S608
            f"FROM s LEFT JOIN ({steps_sql}) a ON a.{qn('student_id')} = s.{qn('user_id')}"
        )
        groups = _by_group("t", totals, totals)
    students_sql, students_params = students.query.sql_with_params()
    ctes = f"s AS ({students_sql}), t AS ({rows}), tg AS ({groups})"
    return ctes, (*students_params, *rows_params, *groups_params)


DECISIONS = [Status.SHORTLISTED, Status.OFFERED, Status.NOT_SELECTED]


def decided_q():
    """An employer's decision on an application (through its events): a shortlist, an offer or a
    "not selected" made by a person (the portal's own closing has no one)."""
    return Q(events__to_status__in=DECISIONS, events__by__isnull=False)


def response_days(decided=None):
    """Days from an application's submission to the employer's first decision, per application
    (applications joined to their decision events, or to all their events with ``decided``)."""
    return DaysBetween(Min("events__at", filter=decided), Min("submitted_at"))


def first_selections(queryset, start, end):
    """One row per project whose first selection among ``queryset``'s offers falls in the range,
    with the days from its posting. ``queryset``: applications, or the summary's."""
    return (
        queryset.filter(offered_at__isnull=False, project__published_at__isnull=False)
        .values("project_id")
        .annotate(first=Min("offered_at"), days=DaysBetween(Min("offered_at"), Min("project__published_at")))
        .filter(first__gte=start, first__lt=end)
        .order_by()
    )


def _time_ctes(filters):
    """The two times, as common table expressions of the funnel's query (sql, params): ``r``, one
    row per application of the cohort (submitted in the range) with the days to the employer's
    first decision (``decided_q``); ``p``, one row per project whose first selection of these
    students falls in the range, with the days from its posting. For whole academic years both
    read the summary's applications."""
    start, end = filters.window
    if filters.summary_years:
        first, last = filters.summary_years
        chosen = OutcomeApplication.objects.all()
        if filters.narrows_students:
            chosen = chosen.filter(student_id__in=_counted_here(filters))
        per_application = chosen.filter(year__gte=first, year__lte=last, response_days__isnull=False).values(
            "student_id", days=F("response_days")
        )
    else:
        chosen = Application.objects.filter(
            _organization_q(filters), submitted_at__isnull=False, student_id__in=_counted_here(filters)
        )
        per_application = (
            chosen.filter(applied_q(start, end), decided_q())
            .values("pk", "student_id")
            .annotate(days=response_days())
            .order_by()
        )
    r_sql, r_params = per_application.query.sql_with_params()
    p_sql, p_params = first_selections(chosen, start, end).query.sql_with_params()
    return f"r AS ({r_sql}), p AS ({p_sql})", (*r_params, *p_params)


def _totals(source):
    """What a group of per-student rows adds up to: students, and students at each step (a
    student counts once however many applications reached it), the earnings, and the cohort's
    figures for the rates (applications, and the students behind them)."""
    qn = connection.ops.quote_name

    def students(name):
        return f"SUM(CASE WHEN {source}.{qn(name)} > 0 THEN 1 ELSE 0 END)"

    return {
        "profiles": "COUNT(*)",
        "eligible": f"SUM({source}.{qn('eligible')})",
        **{name: students(name) for name in FLAGS[1:]},
        "earned": f"SUM({source}.{qn('earned')})",
        "applications": f"SUM({source}.{qn('applied')})",
        "offers": f"SUM({source}.{qn('cohort_selected')})",
        "offered_students": students("cohort_selected"),
        "completions": f"SUM({source}.{qn('cohort_completed')})",
        "completed_students": students("cohort_completed"),
        "on_time": f"SUM({source}.{qn('cohort_on_time')})",
    }


def funnel_tables(filters):
    """The funnel for everyone and split every way, with all the rates need, in ONE query.

    The per-student rows are built once (``t``) and summed once, by every combination of the
    student fields and programs (``tg``, a few dozen rows); then ``tg`` is summed by the student
    fields (``g``, from which the overall row and each split are sums) and by program (``gp``, each
    group once per program in its key: a student in two programs counts in each). One pass over
    the students for all the splits, instead of one per split. Returns {"all": row, "program": [rows],
    "class_year": [rows], ...}; the overall row also holds the median earnings per student paid
    and the two times (``_time_ctes``), with the students and projects behind them."""
    qn = connection.ops.quote_name
    per_student = _totals("t")
    names = list(per_student)
    students, student_params = _student_ctes(filters, per_student)
    times, time_params = _time_ctes(filters)
    params = (*student_params, *time_params)
    program = Program._meta.db_table

    sums = ", ".join(f"SUM(g.{qn(name)})" for name in names)
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

    # The overall row's own figures, each over its rows: NULL in the other rows.
    median_earned, response_days, selection_days = (
        _median_sql(column) for column in (f"t.{qn('earned')}", "r.days", "p.days")
    )
    overall = {
        "median_earned": ("DOUBLE PRECISION", f"SELECT {median_earned} FROM t WHERE t.{qn('paid')} > 0"),  # noqa: S608
        "response_days": ("DOUBLE PRECISION", f"SELECT {response_days} FROM r"),  # noqa: S608
        "response_students": ("BIGINT", "SELECT COUNT(DISTINCT r.student_id) FROM r"),
        "selection_days": ("DOUBLE PRECISION", f"SELECT {selection_days} FROM p"),  # noqa: S608
        "selection_projects": ("BIGINT", "SELECT COUNT(*) FROM p"),
    }

    # Only the code's own names and columns go into the SQL; every value is a parameter of the CTEs.
    def branch(name, values, figures, source, group="", extra=None):
        columns = ", ".join(values.get(key, f"CAST(NULL AS {kind})") for key, kind in keys.items())
        extra = extra or ", ".join(f"CAST(NULL AS {kind})" for kind, _ in overall.values())
        grouped = f" GROUP BY {group}" if group else ""
        return f"SELECT '{name}', {columns}, {figures}, {extra} FROM {source}{grouped}"  # noqa: S608

    branches = [branch("all", {}, sums, "g", extra=", ".join(f"({sql})" for _, sql in overall.values()))]
    for name, column in STUDENT_DIMENSIONS.items():
        branches.append(branch(name, {column: f"g.{qn(column)}"}, sums, "g", group=f"g.{qn(column)}"))
    branches.append(
        branch(
            "program",
            {"program_id": "pr.id", "program_name": "pr.name", "program_level": "pr.level"},
            ", ".join(f"gp.{qn(name)}" for name in names),
            f"gp LEFT JOIN {qn(program)} pr ON pr.id = gp.program_id",
        )
    )
    group_dimensions = ", ".join(f"tg.{qn(column)}" for column in STUDENT_DIMENSIONS.values())
    by_program, program_id = _programs_of("tg")
    ctes = [
        students,
        times,
        f"g AS (SELECT {group_dimensions}, {_sums('tg', names)} FROM tg GROUP BY {group_dimensions})",  # noqa: S608
        f"gp AS (SELECT {program_id} AS program_id, {_sums('tg', names)} FROM {by_program} GROUP BY {program_id})",  # noqa: S608
    ]
    query = f"WITH {', '.join(ctes)} " + " UNION ALL ".join(branches)
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        rows = cursor.fetchall()
    columns = ["dimension", *keys, *names, *overall]
    tables = {"all": None, **{name: [] for name in BREAKDOWNS}}
    for values in rows:
        row = dict(zip(columns, values, strict=True))
        # PostgreSQL sums counts as numeric, SQLite sums decimals as floats: counts are ints,
        # money stays exact.
        for name in names:
            if name != "earned":
                row[name] = int(row[name] or 0)
        row["earned"] = Decimal(str(row["earned"] or 0)).quantize(Decimal("0.01"))
        if row["dimension"] == "all":
            tables["all"] = row
        else:
            tables[row["dimension"]].append(row)
    for name, (_, order, _) in BREAKDOWNS.items():
        tables[name].sort(key=order)
    return tables


def _programs_of(source):
    """(FROM clause, column): the rows of ``source`` once per program id in their ``program_key``
    (``ProgramKey``), once with NULL when it is empty."""
    key = f"{source}.{connection.ops.quote_name('program_key')}"
    if connection.vendor == "postgresql":
        ids = f"unnest(string_to_array(NULLIF({key}, ''), ',')::bigint[])"
        return f"{source} LEFT JOIN LATERAL {ids} AS x(program_id) ON TRUE", "x.program_id"
    # SQLite: the key read as a JSON array.
    return f"{source} LEFT JOIN json_each('[' || {key} || ']') AS x ON TRUE", "x.value"


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


class Median(Aggregate):
    """The median of a column (PERCENTILE_CONT in PostgreSQL, our MEDIAN() in SQLite)."""

    function = "MEDIAN"
    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY %(expressions)s)", **extra
        )


def rates(filters, tables=None):
    """Rates, times and earnings, all read by the funnel's query. The cohort: applications
    submitted in the range."""
    total = (tables or funnel_tables(filters))["all"]
    return {
        "selection_rate": application_rate(total["offers"], total["applications"], students=total["offered_students"]),
        "completion_rate": application_rate(
            total["completions"], total["offers"], students=total["completed_students"]
        ),
        "response_days": Cell(total["response_days"], total["response_students"] or 0, "days"),
        "selection_days": Cell(total["selection_days"], total["selection_projects"] or 0, "days"),
        "on_time": rate_cell(total["on_time"], total["completions"]),
        "median_earned": Cell(total["median_earned"], total["paid"], "money"),
        "applications": total["applications"],
        "students": total["applied"],
    }


def application_rate(numerator, denominator, *, students):
    """A rate over applications, hidden when fewer than five students are behind its numerator
    (the denominator's students are at least as many)."""
    return Cell(numerator / denominator if denominator else None, students, "rate")


def competency_ratings(filters):
    """Median supervisor rating per competency, as [(competency, median, students)], over the
    feedback given in the range on the counted students' work (applications to organizations that
    match the filters): one aggregate over the ratings. A median counts the students rated, so the
    rule of small cells applies to it. Feedback whose engagement was deleted belongs to no student
    any more and is left out."""
    start, end = filters.window
    rating = "engagement__feedback__ratings"
    competency = f"{rating}__competency__name"
    rows = (
        applications(filters)
        .filter(rated_q(start, end), **{f"{rating}__isnull": False})
        .values(competency)
        # A student's several pieces of work are several ratings, and one student.
        .annotate(median=Median(f"{rating}__score"), students=Count("student_id", distinct=True))
        .order_by(competency)
        .values_list(competency, "median", "students")
    )
    return list(rows)

"""The outcomes summary: what the career center's dashboard reads for whole academic years,
instead of every student joined to every application (about a second a page at 100,000 students).

Derived data, never edited: ``outcome_summary.refresh`` rebuilds a student's rows from the live
tables, with the same definitions of the steps as the live figures. Database triggers (installed
by this app's migration 0008) note a student in ``OutcomeStale`` whenever a row that their figures
read changes: their applications and the employers' decisions on them, engagements and payouts,
profile, eligibility declarations and account, whoever writes it (a queryset's ``update()`` and
raw SQL too, which signals would miss).
"""

from django.db import models


class OutcomeStudent(models.Model):
    """One row per active student with a profile: the fields the funnel is split by, as the live
    figures compute them (``outcomes.profiles``)."""

    user_id = models.BigIntegerField(primary_key=True)
    profile_id = models.BigIntegerField()
    graduation_year = models.PositiveSmallIntegerField(null=True)
    first_generation = models.BooleanField(null=True)
    pell_eligible = models.BooleanField(null=True)
    status = models.CharField(max_length=16, blank=True)
    eligibility_group = models.CharField(max_length=32)
    program_key = models.TextField(blank=True, help_text="The student's program ids: outcomes.ProgramKey.")
    eligible = models.PositiveSmallIntegerField()  # 1 or 0, so that it sums


class GroupedBy(models.Model):
    """The fields the funnel groups students by, copied from their OutcomeStudent row, so that
    the rows that carry them are grouped without a join (``outcomes.GROUP_KEYS``)."""

    graduation_year = models.PositiveSmallIntegerField(null=True)
    first_generation = models.BooleanField(null=True)
    pell_eligible = models.BooleanField(null=True)
    eligibility_group = models.CharField(max_length=32, blank=True)
    program_key = models.TextField(blank=True)

    class Meta:
        abstract = True


class OutcomeYear(GroupedBy):
    """What one student's submitted applications reached in one academic year, each step dated
    by its own moment (``outcomes.applied_q`` and the others), and the cohort's figures: of the
    applications submitted that year, how many were ever selected, completed, and on time."""

    student_id = models.BigIntegerField()
    year = models.SmallIntegerField(help_text="The academic year that starts on July 1 of this year.")
    # Only students with an OutcomeStudent row have years (their fields come from it).
    applied = models.PositiveIntegerField(default=0)
    selected = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    paid = models.PositiveIntegerField(default=0)
    earned = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    cohort_selected = models.PositiveIntegerField(default=0)
    cohort_completed = models.PositiveIntegerField(default=0)
    cohort_on_time = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "student_id"], name="outcome_year_one_per_student")]
        # A refresh reads and deletes the rows of a few students.
        indexes = [models.Index(fields=["student_id"], name="outcome_year_student")]


class OutcomeApplication(models.Model):
    """A submitted application of an active student that the employer decided on or offered: the
    times the dashboard reads per application (``outcomes.response_days``) and per project
    (``outcomes.first_selections``)."""

    application_id = models.BigIntegerField(primary_key=True)
    student_id = models.BigIntegerField(db_index=True)  # a refresh deletes a few students' rows
    project = models.ForeignKey(
        "opportunities.Project", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    year = models.SmallIntegerField(help_text="The academic year of the submission.")
    response_days = models.FloatField(null=True)
    offered_at = models.DateTimeField(null=True)


class OutcomeGroup(GroupedBy):
    """The students summed by the fields they are grouped by and their programs (a few dozen
    groups), kept from the rows above by each refresh (``outcomes.add_to_groups``): with
    ``year``, what the students' years reached (``outcomes._totals`` over OutcomeYear); without,
    the students and how many are eligible (over OutcomeStudent). A group may have several rows
    (a refresh adds differences); readers sum them. The default view of the dashboard reads these."""

    year = models.SmallIntegerField(null=True)
    profiles = models.BigIntegerField(default=0)
    eligible = models.BigIntegerField(default=0)
    applied = models.BigIntegerField(default=0)
    selected = models.BigIntegerField(default=0)
    completed = models.BigIntegerField(default=0)
    paid = models.BigIntegerField(default=0)
    earned = models.DecimalField(max_digits=14, decimal_places=2, default=0)
    applications = models.BigIntegerField(default=0)
    offers = models.BigIntegerField(default=0)
    offered_students = models.BigIntegerField(default=0)
    completions = models.BigIntegerField(default=0)
    completed_students = models.BigIntegerField(default=0)
    on_time = models.BigIntegerField(default=0)


class OutcomeStale(models.Model):
    """A student whose summary rows must be rebuilt: appended by the triggers (the same student
    may be noted many times), consumed by ``outcome_summary.refresh``."""

    student_id = models.BigIntegerField()

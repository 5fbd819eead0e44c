"""The outcomes dashboard: every figure on a small hand-made set whose answers are known, the
rule of small cells on screen and in exports, who may open it, and a fixed number of queries."""

import csv
import html
import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications import outcomes
from applications.models import Application, ApplicationEvent, Engagement, Feedback, FeedbackRating
from payroll.models import ContractorRecord
from payroll.payouts.models import Payout
from portal.models import Program, Skill, WorkEligibility
from portal.permissions import CAREER_CENTER_GROUP
from tests.factories import (
    ApplicationFactory,
    OrganizationFactory,
    ProjectFactory,
    SkillFactory,
    StaffFactory,
    StudentFactory,
    StudentProfileFactory,
    WorkEligibilityFactory,
)
from tests.signin import admin_login

pytestmark = pytest.mark.django_db

URL = "/admin/outcomes/"
YEAR = {"start": "2025-07-01", "end": "2026-06-30"}  # the academic year 2025-26
S = Application.Status


def at(day, hour=12):
    return timezone.make_aware(datetime.fromisoformat(f"{day} {hour:02d}:00"))


def certify_payroll(student, n):
    record = ContractorRecord(
        student=student,
        legal_first_name=student.first_name or "Pat",
        legal_last_name=student.last_name or "Doe",
        address_line1="1 Main Street",
        city="Springfield",
        state="IL",
        zip_code="62704",
        tin_type=ContractorRecord.TinType.SSN,
        payment_method=ContractorRecord.PaymentMethod.CHECK,
        certified_name="Pat Doe",
        certified_at=timezone.now(),
    )
    record.set_tin(f"21987{n:04d}")
    record.save()
    # Their verified work is paid the day it was verified.
    for engagement in Engagement.objects.filter(application__student=student, completed_at__isnull=False):
        Payout.objects.create(
            engagement=engagement,
            student=student,
            contractor=record,
            description=engagement.project.title,
            amount=engagement.project.fee,
            status=Payout.Status.PAID,
            paid_on=timezone.localdate(engagement.completed_at),
        )
        Engagement.objects.filter(pk=engagement.pk).update(status=Engagement.Status.PAID)


def apply(student, *, status, fee="300.00", submitted="2025-09-01", offered=None, decided=None, organization=None):
    project = ProjectFactory(
        fee=Decimal(fee), published_at=at("2025-08-25"), **({"organization": organization} if organization else {})
    )
    application = ApplicationFactory(project=project, student=student, status=status)
    Application.objects.filter(pk=application.pk).update(
        submitted_at=at(submitted),
        offered_at=at(offered) if offered else None,
        decided_at=at(decided) if decided else None,
    )
    application.refresh_from_db()
    if status == S.ACCEPTED and decided:
        # The accepted offers of these sets are engagements whose work was verified that day.
        Engagement.objects.create(
            application=application,
            project=project,
            status=Engagement.Status.COMPLETED,
            due_on=at(decided).date(),
            submitted_at=at(decided),
            completed_at=at(decided),
        )
    return application


def decision(application, to, day, by):
    ApplicationEvent.objects.create(application=application, from_status=S.SUBMITTED, to_status=to, at=at(day), by=by)


@pytest.fixture
def programs(db):
    return {
        "biology": Program.objects.create(name="B.S. Biology", school="School of Science", level="undergraduate"),
        "economics": Program.objects.create(
            name="B.A. Economics", school="School of Social Sciences", level="undergraduate"
        ),
    }


@pytest.fixture
def cohort(programs, carol):
    """Nine students: six in Biology (class of 2027, citizens; the first also in Economics; the
    first five first-generation), two F-1 students in Economics (class of 2028), one with nothing.

    In 2025-26 the six Biology students and both F-1 students apply; the first five are selected,
    accept and have a certified payroll sign-up (fees $100 to $500); the first also withdraws a
    second application; the last student's only application was submitted on June 30, 2025 (the
    academic year before)."""
    biology, economics = programs["biology"], programs["economics"]
    employer = carol
    people = {}
    for i in range(6):
        student = StudentFactory(email=f"bio{i}@example.edu")
        profile = StudentProfileFactory(
            user=student, graduation_year=2027, graduation_season="spring", first_generation=(i < 5) or False
        )
        profile.programs.add(biology, *([economics] if i == 0 else []))
        WorkEligibilityFactory(student=student)
        people[f"bio{i}"] = student
    for i in range(2):
        student = StudentFactory(email=f"f1-{i}@example.edu")
        profile = StudentProfileFactory(user=student, graduation_year=2028, graduation_season="spring")
        profile.programs.add(economics)
        WorkEligibilityFactory(
            student=student, basis=WorkEligibility.Basis.F1_CPT, status=WorkEligibility.Status.VERIFIED
        )
        people[f"f1-{i}"] = student
    people["none"] = StudentProfileFactory(user=StudentFactory(email="none@example.edu"), program="").user

    for i in range(5):
        student = people[f"bio{i}"]
        application = apply(
            student, status=S.ACCEPTED, fee=f"{(i + 1) * 100}.00", offered="2025-09-05", decided="2025-09-06"
        )
        decision(application, S.OFFERED, "2025-09-05", employer)
        certify_payroll(student, i)
    withdrawn = apply(people["bio0"], status=S.WITHDRAWN, decided="2025-09-03")
    decision(withdrawn, S.WITHDRAWN, "2025-09-03", people["bio0"])
    decision(apply(people["bio5"], status=S.NOT_SELECTED, decided="2025-09-03"), S.NOT_SELECTED, "2025-09-03", employer)
    decision(apply(people["f1-0"], status=S.NOT_SELECTED, decided="2025-09-07"), S.NOT_SELECTED, "2025-09-07", employer)
    apply(people["f1-1"], status=S.WITHDRAWN)
    apply(people["none"], status=S.SUBMITTED, submitted="2025-06-30")
    return people


def year_filters(**extra):
    return outcomes.Filters(start=date(2025, 7, 1), end=date(2026, 6, 30), **extra)


def values(row):
    return {key: cell.value for key, cell in row["cells"].items() if not key.endswith("_rate")}


def test_funnel_counts_each_student_once_and_by_the_date_of_each_step(cohort):
    row = outcomes.funnel(year_filters())
    assert values(row) == {
        "profiles": 9,
        "eligible": 8,
        "applied": 8,  # the withdrawn application still counts as applying; June 30, 2025 does not
        "selected": 5,
        "completed": 5,
        "paid": 5,
        "earned": Decimal("1500.00"),
    }
    assert row["cells"]["eligible_rate"].value == pytest.approx(8 / 9)
    assert row["cells"]["selected_rate"].value == pytest.approx(5 / 8)


def test_a_student_in_two_programs_counts_in_each(cohort):
    rows = {r["label"]: values(r) for r in outcomes.breakdown(year_filters(), "program")}
    assert rows["B.S. Biology (undergraduate)"]["profiles"] == 6
    assert rows["B.S. Biology (undergraduate)"]["earned"] == Decimal("1500.00")
    assert rows["B.A. Economics (undergraduate)"] == {
        "profiles": 3,
        "eligible": 3,
        "applied": 3,
        "selected": 1,
        "completed": 1,
        "paid": 1,
        "earned": Decimal("100.00"),
    }
    assert rows["No program chosen"]["profiles"] == 1


def test_breakdowns_by_class_year_equity_and_eligibility_group(cohort):
    by_year = {r["label"]: values(r) for r in outcomes.breakdown(year_filters(), "class_year")}
    assert by_year["Class of 2027"]["applied"] == 6 and by_year["Class of 2028"]["applied"] == 2
    assert by_year["No graduation term"]["profiles"] == 1
    first_gen = {r["label"]: values(r) for r in outcomes.breakdown(year_filters(), "first_generation")}
    assert first_gen["Yes"]["selected"] == 5 and first_gen["No"]["selected"] == 0
    assert first_gen["Not said"]["profiles"] == 3
    groups = {r["label"]: values(r) for r in outcomes.breakdown(year_filters(), "eligibility_group")}
    assert groups["Citizen or resident"]["selected"] == 5
    assert groups["F-1/J-1"] == {
        "profiles": 2,
        "eligible": 2,
        "applied": 2,
        "selected": 0,
        "completed": 0,
        "paid": 0,
        "earned": 0,
    }
    assert groups["Not declared or not authorized"]["eligible"] == 0


def test_rates_times_and_earnings(cohort):
    figures = outcomes.rates(year_filters())
    assert figures["selection_rate"].value == pytest.approx(5 / 9)  # 9 applications, the withdrawn one too
    assert figures["completion_rate"].value == pytest.approx(1.0)
    # Employer decisions after 4 (five offers), 2 and 6 days; withdrawals are not the employer's.
    assert figures["response_days"].value == pytest.approx(4.0)
    assert figures["response_days"].students == 7
    assert figures["selection_days"].value == pytest.approx(11.0)  # posted Aug 25, selected Sep 5
    assert figures["median_earned"].value == pytest.approx(300.0)
    assert (figures["on_time"].value, figures["on_time"].students) == (1.0, 5)  # all five by their due date
    late = Engagement.objects.order_by("pk").first()
    Engagement.objects.filter(pk=late.pk).update(due_on=late.due_on - timedelta(days=1))
    assert outcomes.rates(year_filters())["on_time"].value == pytest.approx(0.8)


def test_filters_narrow_the_students_and_the_organizations(cohort, programs):
    assert values(outcomes.funnel(year_filters(program=programs["economics"])))["profiles"] == 3
    assert values(outcomes.funnel(year_filters(school="School of Science")))["earned"] == Decimal("1500.00")
    assert values(outcomes.funnel(year_filters(class_year=2028)))["applied"] == 2
    assert values(outcomes.funnel(year_filters(eligibility_group="f1_j1")))["profiles"] == 2
    # Every application went to a small organization: none to a large one.
    assert values(outcomes.funnel(year_filters(size="large")))["applied"] == 0
    assert values(outcomes.funnel(year_filters(size="small")))["applied"] == 8


def test_paid_counts_in_the_academic_year_of_its_date(cohort):
    """A payment on July 1 belongs to the next academic year, one on June 30 to this one."""
    late = StudentFactory(email="late@example.edu")
    StudentProfileFactory(user=late)
    apply(late, status=S.ACCEPTED, fee="700.00", offered="2026-06-29", decided="2026-07-01")
    certify_payroll(late, 99)
    this_year = values(outcomes.funnel(year_filters()))
    next_year = values(outcomes.funnel(outcomes.Filters(start=date(2026, 7, 1), end=date(2027, 6, 30))))
    assert (this_year["selected"], this_year["paid"], this_year["earned"]) == (6, 5, Decimal("1500.00"))
    assert (next_year["selected"], next_year["paid"], next_year["earned"]) == (0, 1, Decimal("700.00"))


@pytest.fixture
def ratings(cohort, carol):
    """Supervisor feedback on the five engagements of 2025-26 (bio0 to bio4, in that order):
    communication 5, 4, 4, 3, 5 (median 4); problem-solving 1, 2, 3, 4, 4 (median 3);
    adaptability 5, 5, 4 for the first three and 4, 4 for second pieces of work of bio0 and bio1
    (median 4, three students). Another student's work, verified on
    July 1, 2026, is rated in the next academic year (quality of work 2). One more feedback, its
    engagement deleted, rates communication 5 (with it the median would be 4.5): it belongs to no
    student any more."""
    skills = {
        name: SkillFactory(name=name, slug=name.lower().replace(" ", "-"), kind=Skill.Kind.CORE)
        for name in ("Communication", "Problem-solving", "Adaptability", "Quality of work")
    }
    scores = {
        "Communication": [5, 4, 4, 3, 5],
        "Problem-solving": [1, 2, 3, 4, 4],
        "Adaptability": [5, 5, 4],
    }
    engagements = Engagement.objects.filter(completed_at__isnull=False).order_by("application__student__email")
    for i, engagement in enumerate(engagements):
        feedback = Feedback.objects.create(
            engagement=engagement,
            organization=engagement.project.organization,
            given_by=carol,
            given_at=engagement.completed_at + timedelta(days=2),
            would_work_again="yes",
        )
        for name, values in scores.items():
            if i < len(values):
                FeedbackRating.objects.create(feedback=feedback, competency=skills[name], score=values[i])
    organization = engagements[0].project.organization
    for student in (cohort["bio0"], cohort["bio1"]):  # a second piece of work each: five ratings, three students
        again = apply(student, status=S.ACCEPTED, offered="2025-10-05", decided="2025-10-06").engagement
        feedback = Feedback.objects.create(
            engagement=again, organization=organization, given_at=at("2025-10-07"), would_work_again="yes"
        )
        FeedbackRating.objects.create(feedback=feedback, competency=skills["Adaptability"], score=4)
    late = StudentFactory(email="late@example.edu")
    StudentProfileFactory(user=late)
    work = apply(late, status=S.ACCEPTED, offered="2026-06-29", decided="2026-07-01").engagement
    given = Feedback.objects.create(
        engagement=work, organization=organization, given_at=at("2026-07-03"), would_work_again="yes"
    )
    FeedbackRating.objects.create(feedback=given, competency=skills["Quality of work"], score=2)
    orphan = Feedback.objects.create(
        engagement=None, organization=organization, given_at=at("2025-10-01"), would_work_again="no"
    )
    FeedbackRating.objects.create(feedback=orphan, competency=skills["Communication"], score=5)
    return skills


def test_competency_ratings_are_medians_of_the_feedback_given_in_the_range(ratings, programs):
    assert outcomes.competency_ratings(year_filters()) == [
        ("Adaptability", pytest.approx(4.0), 3),
        ("Communication", pytest.approx(4.0), 5),
        ("Problem-solving", pytest.approx(3.0), 5),
    ]
    # An even number of ratings: the median is halfway between the middle two.
    FeedbackRating.objects.filter(competency=ratings["Problem-solving"], score=1).delete()
    assert dict((name, median) for name, median, _ in outcomes.competency_ratings(year_filters()))[
        "Problem-solving"
    ] == pytest.approx(3.5)
    # The filters narrow the work rated, like every other figure.
    assert outcomes.competency_ratings(year_filters(program=programs["economics"]))[0][2] == 1
    assert outcomes.competency_ratings(year_filters(size="large")) == []
    # Feedback counts in the academic year it was given (the work was verified on July 1).
    next_year = outcomes.Filters(start=date(2026, 7, 1), end=date(2027, 6, 30))
    assert outcomes.competency_ratings(next_year) == [("Quality of work", pytest.approx(2.0), 1)]


def test_the_ratings_table_hides_medians_behind_fewer_than_5_students(client, sid, ratings):
    admin_login(client, sid)
    page = client.get(URL, YEAR).content.decode()
    table = page.split('id="table-ratings"')[1].split("</table>")[0]
    communication = table.split("Communication")[1].split("</tr>")[0]
    assert ">4.0<" in communication and ">5<" in communication
    assert "fewer than 5" in table.split("Adaptability")[1].split("</tr>")[0]
    rows = {
        row[0]: row[1:]
        for row in csv.reader(io.StringIO(client.get(URL, {**YEAR, "export": "ratings"}).content.decode()))
    }
    assert rows["Problem-solving"] == ["3.0", "5"]
    assert rows["Adaptability"] == ["fewer than 5", "fewer than 5"]


# The page


def test_the_page_shows_figures_and_hides_small_cells(client, sid, cohort):
    admin_login(client, sid)
    response = client.get(URL, YEAR)
    page = response.content.decode()
    assert response.status_code == 200
    assert "fewer than 5 students shows “fewer than 5”" in page
    funnel = page.split('id="table-funnel"')[1].split("</table>")[0]
    assert '<th scope="row">Students with a profile</th>' in funnel and ">9<" in funnel
    assert ">$1,500.00<" in page  # total earnings
    programs = page.split('id="table-program"')[1].split("</table>")[0]
    economics = programs.split("B.A. Economics (undergraduate)")[1].split("</tr>")[0]
    assert economics.count("fewer than 5") == 11 and ">3<" not in economics
    # Every chart is drawn on the server, with a text alternative pointing at its table.
    assert page.count('<svg class="outcomes-chart"') == 7 and "The same numbers are in the table beside it." in page


def test_program_names_are_escaped_in_the_tables_and_charts(client, sid, cohort, programs):
    Program.objects.filter(pk=programs["biology"].pk).update(name='B.S. <b>Biology</b> & "Life"')
    admin_login(client, sid)
    page = client.get(URL, YEAR).content.decode()
    escaped = "B.S. &lt;b&gt;Biology&lt;/b&gt; &amp; &quot;Life&quot;"
    table = page.split('id="table-program"')[1].split("</table>")[0]
    assert f'<th scope="row">{escaped} (undergraduate)</th>' in table
    label = 'B.S. <b>Biology</b> & "Life" (undergraduate)'[:29] + "…"  # charts shorten long labels
    assert f">{html.escape(label)}</text>" in page
    assert "<b>Biology</b>" not in page


def test_exports_apply_the_small_cell_rule(client, sid, cohort):
    admin_login(client, sid)
    response = client.get(URL, {**YEAR, "export": "program"})
    assert response["Content-Type"].startswith("text/csv")
    rows = {row[0]: row[1:] for row in csv.reader(io.StringIO(response.content.decode()))}
    assert rows["B.S. Biology (undergraduate)"][:2] == ["6", "6"]
    assert set(rows["B.A. Economics (undergraduate)"]) == {"fewer than 5"}
    rates = {
        row[0]: row[1] for row in csv.reader(io.StringIO(client.get(URL, {**YEAR, "export": "rates"}).content.decode()))
    }
    assert rates["Selection rate (applications selected / submitted)"] == "56%"
    assert rates["Median days from submission to the employer's first decision"] == "4.0 days"
    assert rates["Earnings, median per student paid"] == "$300.00"
    assert rates["On-time delivery"] == "100%"
    assert client.get(URL, {**YEAR, "export": "nonsense"}).status_code == 404


def test_student_level_csv_has_one_row_per_application_and_no_private_data(client, sid, cohort):
    bio0 = cohort["bio0"]
    bio0.first_name = "=HYPERLINK(1)"
    bio0.save()
    admin_login(client, sid)
    response = client.get(reverse("outcomes:applications-csv"), YEAR)
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 9  # the June 30, 2025 application is in the year before
    mine = [r for r in rows if r["student_email"] == "bio0@example.edu"]
    assert {r["status"] for r in mine} == {"Offer accepted", "Withdrawn"}
    accepted = next(r for r in mine if r["status"] == "Offer accepted")
    assert accepted["programs"] in ("B.S. Biology; B.A. Economics", "B.A. Economics; B.S. Biology")
    assert (accepted["class_year"], accepted["fee"], accepted["completed"], accepted["paid"]) == (
        "2027",
        "100.00",
        "yes",
        "yes",
    )
    assert accepted["student_name"].startswith("'=")  # formula-safe
    text = response.content.decode()
    assert "first_generation" not in text and "21987" not in text and "tin" not in rows[0]


def test_small_sets_show_fewer_than_5_everywhere(client, sid, alice):
    StudentProfileFactory(user=alice)
    admin_login(client, sid)
    page = client.get(URL).content.decode()
    funnel = page.split('id="table-funnel"')[1].split("</table>")[0]
    assert "fewer than 5" in funnel and ">1<" not in funnel


# Who may open it


def test_only_the_career_center_group_and_superusers_open_it(client, sid, alice, carol):
    for person in (alice, carol, StaffFactory(email="other-staff@example.edu")):
        admin_login(client, person)
        assert client.get(URL).status_code == 404
        assert client.get(reverse("outcomes:applications-csv")).status_code == 404
        assert client.get(URL, {"export": "funnel"}).status_code == 404
    client.logout()
    assert client.get(URL).status_code == 302  # to the admin's sign-in
    admin_login(client, sid)
    assert client.get(URL).status_code == 200
    admin_login(client, StaffFactory(email="root@example.edu", is_superuser=True))
    assert client.get(URL).status_code == 200


def test_admin_index_links_to_outcomes_for_the_career_center_only(client, sid):
    admin_login(client, sid)
    assert "Outcomes" in client.get("/admin/").content.decode()
    other = StaffFactory(email="other-staff@example.edu")
    Group.objects.get_or_create(name="Front desk")
    client.force_login(other)
    assert "Outcomes" not in client.get("/admin/").content.decode()


def test_bad_dates_are_explained_and_the_year_is_shown(client, sid):
    admin_login(client, sid)
    response = client.get(URL, {"start": "2026-07-01", "end": "2026-01-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The end of the range must be on or after its start." in page
    start, end = outcomes.academic_year()
    assert f"Showing {start:%B} {start.day}, {start.year}" in page


def test_the_class_year_filter_offers_every_year_from_the_first_to_the_last(client, sid, cohort):
    StudentProfileFactory(user=StudentFactory(), graduation_year=2030)
    admin_login(client, sid)
    page = client.get(URL).content.decode()
    offered = [
        int(y) for y in re.findall(r'<option value="(\d{4})"', page.split('name="class_year"')[1].split("</select>")[0])
    ]
    assert offered == [2027, 2028, 2029, 2030]


# Speed: the same number of queries whatever the number of rows


def _grow(n, organization):
    for i in range(n):
        student = StudentFactory()
        StudentProfileFactory(user=student, graduation_year=2027 + i % 2)
        WorkEligibilityFactory(student=student)
        apply(student, status=S.ACCEPTED, offered="2025-09-05", decided="2025-09-06", organization=organization)


@pytest.mark.parametrize("query", [YEAR, {**YEAR, "class_year": "2027", "size": "small", "status": "current"}])
def test_the_dashboard_runs_a_fixed_number_of_queries(client, sid, programs, django_assert_num_queries, query):
    organization = OrganizationFactory()
    admin_login(client, sid)
    _grow(1, organization)
    assert client.get(URL, query).status_code == 200  # the summary's groups built the first time
    _grow(2, organization)
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL, query).status_code == 200
    _grow(8, organization)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(URL, query).status_code == 200


def test_career_center_group_holds_program_permissions(sid):
    group = Group.objects.get(name=CAREER_CENTER_GROUP)
    assert {"view_program", "add_program", "change_program", "delete_program"} <= set(
        group.permissions.values_list("codename", flat=True)
    )


def test_seed_demo_gives_every_chart_groups_of_five(settings, client, sid):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    filters = outcomes.Filters.default()
    overall = values(outcomes.funnel(filters))
    assert overall["applied"] >= 40 and overall["selected"] >= 5 and overall["paid"] >= 5
    for key in ("program", "class_year", "first_generation", "pell", "eligibility_group"):
        shown = [r for r in outcomes.breakdown(filters, key) if not r["cells"]["applied"].suppressed]
        assert len(shown) >= 2, key
    programs = [r for r in outcomes.breakdown(filters, "program") if r["label"] != "No program chosen"]
    assert len(programs) == Program.objects.count() and all(r["cells"]["profiles"].value >= 5 for r in programs)
    ratings = outcomes.competency_ratings(filters)
    assert ratings and all(students >= 5 for _, _, students in ratings)


# The summary: whole academic years are counted from it, and it follows every change


def tables(**extra):
    return outcomes.funnel_tables(year_filters(**extra))


def live(**extra):
    return outcomes.funnel_tables(year_filters(summary=False, **extra))


def _same_as_live(programs):
    for extra in ({}, {"program": programs["economics"]}, {"class_year": 2027}, {"eligibility_group": "f1_j1"}):
        assert tables(**extra) == live(**extra), extra


def test_whole_years_come_from_the_summary_and_match_the_live_figures(ratings, programs):
    assert year_filters().summary_years == (2025, 2025)
    assert outcomes.Filters(start=date(2024, 7, 1), end=date(2026, 6, 30)).summary_years == (2024, 2025)
    assert year_filters(size="small").summary_years is None  # organizations: counted live
    assert outcomes.Filters(start=date(2025, 7, 1), end=date(2026, 6, 29)).summary_years is None
    _same_as_live(programs)
    two_years = {"start": date(2024, 7, 1), "end": date(2027, 6, 30)}
    assert outcomes.funnel_tables(outcomes.Filters(**two_years)) == outcomes.funnel_tables(
        outcomes.Filters(**two_years, summary=False)
    )
    assert tables()["all"]["paid"] == 5 and tables()["all"]["response_days"] == pytest.approx(4.0)


def test_the_summary_follows_changes_however_they_are_written(cohort, programs, carol):
    """Bulk updates and deletes (no signals), a profile, a declaration, an account, a payout."""
    assert tables()["all"]["selected"] == 5
    bio5 = cohort["bio5"].applications.get()
    Application.objects.filter(pk=bio5.pk).update(offered_at=at("2025-09-10"))
    ApplicationEvent.objects.filter(application=bio5).update(at=at("2025-09-11"))
    assert (tables()["all"]["selected"], tables()["all"]["response_days"]) == (6, pytest.approx(4.0))
    Engagement.objects.filter(application__student=cohort["bio4"]).update(completed_at=None)
    Payout.objects.filter(student=cohort["bio3"]).update(status=Payout.Status.FAILED)
    # bio4's work is no longer verified but still paid; bio3's payment failed.
    assert (tables()["all"]["completed"], tables()["all"]["paid"]) == (4, 4)
    assert tables() == live()
    cohort["f1-0"].student_profile.__class__.objects.filter(user=cohort["f1-0"]).update(graduation_year=2027)
    WorkEligibility.objects.filter(student=cohort["bio1"]).update(status=WorkEligibility.Status.REJECTED)
    type(cohort["none"]).objects.filter(pk=cohort["none"].pk).update(is_active=False)
    assert tables()["all"]["profiles"] == 8 and tables()["all"]["eligible"] == 7
    assert {r["graduation_year"]: r["applied"] for r in tables()["class_year"]} == {2027: 7, 2028: 1}
    cohort["f1-1"].delete()  # a student who only withdrew an application may delete their account
    assert tables()["all"]["applied"] == 7
    _same_as_live(programs)
    # A student's programs: moved from biology to economics, in bulk, then given both again.
    by_program = {r["program_id"]: r["profiles"] for r in tables()["program"]}
    through = cohort["bio1"].student_profile.programs.through
    through.objects.filter(studentprofile=cohort["bio1"].student_profile).update(program=programs["economics"])
    moved = {r["program_id"]: r["profiles"] for r in tables()["program"]}
    biology, economics = programs["biology"].pk, programs["economics"].pk
    assert (moved[biology], moved[economics]) == (by_program[biology] - 1, by_program[economics] + 1)
    cohort["bio1"].student_profile.programs.add(programs["biology"])
    assert {r["program_id"]: r["profiles"] for r in tables()["program"]}[biology] == by_program[biology]
    cohort["bio1"].student_profile.programs.clear()
    assert {r["program_id"]: r["profiles"] for r in tables()["program"]}.get(None) == 1
    _same_as_live(programs)


def test_a_refresh_rebuilds_only_what_was_noted_and_takes_each_note_once(cohort):
    from applications import outcome_summary
    from applications.models import OutcomeStale, OutcomeStudent

    outcome_summary.refresh()
    assert not OutcomeStale.objects.exists()
    assert OutcomeStudent.objects.count() == 9
    Application.objects.filter(student=cohort["bio0"]).update(offered_at=at("2025-09-20"))
    assert set(OutcomeStale.objects.values_list("student_id", flat=True)) == {cohort["bio0"].pk}
    assert outcome_summary.refresh() == 1
    assert outcome_summary.refresh() == 0
    # A change that no figure reads writes no note.
    Application.objects.filter(student=cohort["bio0"]).update(message="Thanks")
    assert not OutcomeStale.objects.exists()


def test_the_beat_job_and_the_command_rebuild_the_summary(cohort):
    from django.core.management import call_command

    from applications.models import OutcomeStudent, OutcomeYear
    from applications.tasks import outcomes_refresh_task
    from portal.celery import app as celery_app

    assert celery_app.conf.beat_schedule["outcomes-refresh"]["task"] == "applications.tasks.outcomes_refresh_task"
    assert outcomes_refresh_task.delay().get() > 0  # everyone noted as they were made
    assert OutcomeStudent.objects.count() == 9  # the nine students
    assert outcomes_refresh_task.delay().get() == 0
    OutcomeYear.objects.all().delete()  # lost, say, to a bad restore: nothing notes that
    out = io.StringIO()
    call_command("refresh_outcomes", "--all", stdout=out)
    assert "Rebuilt the outcomes of" in out.getvalue()
    assert OutcomeStudent.objects.count() == 9
    assert tables() == live()


def test_a_large_refresh_updates_the_planner_statistics_and_a_small_one_does_not(cohort, monkeypatch):
    from applications import outcome_summary

    def analyzed():
        with CaptureQueriesContext(connection) as queries:
            outcome_summary.refresh()
        return {q["sql"].split()[1].strip('"') for q in queries.captured_queries if q["sql"].startswith("ANALYZE")}

    monkeypatch.setattr(outcome_summary, "ANALYZE_FROM", 9)
    outcome_summary.note_everyone()  # the nine students
    assert analyzed() == {
        "applications_outcomestudent",
        "applications_outcomeyear",
        "applications_outcomeapplication",
    }
    Application.objects.filter(student=cohort["bio0"]).update(offered_at=at("2025-09-20"))
    assert analyzed() == set()
    assert tables() == live()


def test_the_figures_are_read_without_jit_in_memory_and_on_one_core(db):
    from tests.conftest import require

    require(connection.vendor == "postgresql", "these are PostgreSQL's settings")
    with outcomes.reading(), connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        jit = cursor.fetchone()[0]
        cursor.execute("SHOW work_mem")
        work_mem = cursor.fetchone()[0]
        cursor.execute("SHOW max_parallel_workers_per_gather")
        workers = cursor.fetchone()[0]
    assert (jit, work_mem, workers) == ("off", "32MB", "0")


def test_the_groups_follow_by_difference_and_are_built_anew_when_differences_pile_up(cohort, monkeypatch):
    from applications import outcome_summary
    from applications.models import OutcomeGroup

    def groups():
        keys = ["year", "graduation_year", "first_generation", "pell_eligible", "eligibility_group", "program_key"]
        return OutcomeGroup.objects.count(), OutcomeGroup.objects.values(*keys).distinct().count()

    outcome_summary.refresh()
    rows, distinct = groups()
    assert rows == distinct  # built anew the first time: one row per group
    Application.objects.filter(student=cohort["bio0"]).update(offered_at=at("2025-09-20"))
    ApplicationEvent.objects.filter(application__student=cohort["bio1"]).update(at=at("2025-09-21"))
    assert tables() == live()
    assert groups()[0] > rows  # the two students' rows out, their new ones in
    monkeypatch.setattr(outcome_summary, "COMPACT_FROM", rows)
    Application.objects.filter(student=cohort["bio2"]).update(offered_at=at("2025-09-22"))
    assert tables() == live()
    assert groups()[0] == groups()[1]

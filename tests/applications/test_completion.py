"""After the work: feedback, the survey, the checklist and the completion record."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from applications.completion import privacy, services
from applications.models import Completion, Engagement, Feedback, Survey
from portal.models import Skill
from portal.transitions import TransitionError
from tests.factories import (
    ApplicationFactory,
    ProjectFactory,
    SkillFactory,
    StudentFactory,
    StudentProfileFactory,
    pdf_upload,
)
from tests.signin import admin_login

Status = Engagement.Status
CORE = ["Adaptability", "Communication", "Problem-solving", "Quality of work"]


@pytest.fixture
def core(db):
    return [SkillFactory(name=name, slug=name.lower().replace(" ", "-"), kind=Skill.Kind.CORE) for name in CORE]


@pytest.fixture
def project(carol):
    python = SkillFactory(name="Python", slug="python")
    return ProjectFactory(
        organization=carol.membership.organization, contact=carol, title="Churn & retention model", skills=[python]
    )


def _engagement(project, student, status, **fields):
    application = ApplicationFactory(project=project, student=student, status="accepted")
    return Engagement.objects.create(application=application, project=project, status=status, **fields)


@pytest.fixture
def submitted(project, alice, core):
    engagement = _engagement(project, alice, Status.WORK_SUBMITTED, submitted_at=timezone.now())
    engagement.submissions.create(url="https://drive.example.com/work")
    return engagement


@pytest.fixture
def completed(project, alice, core):
    return _engagement(project, alice, Status.COMPLETED, completed_at=timezone.now())


def ratings_post(core, scores=(4, 5, 3, 4), prefix="rating_"):
    return {f"{prefix}{skill.pk}": str(score) for skill, score in zip(core, scores, strict=True)}


def give(engagement, carol, core, answer="yes", **kwargs):
    return services.feedback_give(
        engagement=engagement,
        by=carol,
        ratings={s.pk: 4 for s in core},
        would_work_again=answer,
        comment=kwargs.pop("comment", "Clear, careful work."),
        private_note=kwargs.pop("private_note", "PRIVATE: check her SQL next time."),
        **kwargs,
    )


def survey(engagement, alice, **kwargs):
    values = {"project_rating": 4, "supervisor_rating": 5, "learned": 3, "recommend": "yes", "comment": "Great."}
    values.update(kwargs)
    return services.survey_submit(engagement=engagement, by=alice, **values)


# Feedback.


def test_the_supervisor_verifies_with_feedback_and_the_student_reads_it(
    submitted, core, client, alice, carol, django_capture_on_commit_callbacks
):
    client.force_login(carol)
    data = {
        "comment": "Thanks!",
        **ratings_post(core),
        "would_work_again": "yes",
        "feedback_comment": "Your charts were the clearest we have had.",
        "private_note": "PRIVATE: needed two reminders.",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/engagements/{submitted.pk}/verify/", data)
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Status.COMPLETED
    feedback = Feedback.objects.get(engagement=submitted)
    assert sorted(feedback.ratings.values_list("score", flat=True)) == [3, 4, 4, 5]
    assert [m.subject for m in mail.outbox if m.to == [alice.email]][-1].startswith("Feedback from")
    assert "PRIVATE" not in "".join(m.body for m in mail.outbox if m.to == [alice.email])

    client.force_login(alice)
    page = client.get(f"/engagements/{submitted.pk}/").content.decode()
    assert "Your charts were the clearest" in page and "Problem-solving" in page and "5 out of 5" in page
    assert "PRIVATE" not in page
    assert Completion.objects.get(engagement=submitted).feedback_read_at is not None
    client.force_login(carol)
    assert "PRIVATE: needed two reminders." in client.get(f"/engagements/{submitted.pk}/").content.decode()


def test_verifying_with_half_the_feedback_shows_each_error_and_changes_nothing(submitted, core, client, carol):
    client.force_login(carol)
    data = {**ratings_post(core[:2], scores=(4, 9)), "private_note": "A note."}
    response = client.post(f"/engagements/{submitted.pk}/verify/", data)
    assert response.status_code == 400
    form = response.context["forms"]["verify"]
    assert set(form.errors) == {
        f"rating_{core[1].pk}",
        f"rating_{core[2].pk}",
        f"rating_{core[3].pk}",
        "would_work_again",
    }
    page = response.content.decode()
    assert page.count('class="errorlist"') >= 4
    submitted.refresh_from_db()
    assert submitted.status == Status.WORK_SUBMITTED and not Feedback.objects.exists()


def test_a_feedback_comment_alone_asks_for_the_ratings_rather_than_being_lost(submitted, core, client, carol):
    client.force_login(carol)
    response = client.post(f"/engagements/{submitted.pk}/verify/", {"feedback_comment": "Well done."})
    assert response.status_code == 400
    assert "would_work_again" in response.context["forms"]["verify"].errors
    submitted.refresh_from_db()
    assert submitted.status == Status.WORK_SUBMITTED


def test_verifying_without_feedback_leaves_seven_days_to_give_it(submitted, core, client, carol):
    client.force_login(carol)
    assert client.post(f"/engagements/{submitted.pk}/verify/", {"comment": ""}).status_code == 302
    assert not Feedback.objects.exists()
    page = client.get(f"/engagements/{submitted.pk}/").content.decode()
    assert "Send feedback" in page
    response = client.post(f"/engagements/{submitted.pk}/feedback/", {**ratings_post(core), "would_work_again": ""})
    assert response.status_code == 400 and "would_work_again" in response.context["forms"]["feedback"].errors
    assert not Feedback.objects.exists()
    response = client.post(f"/engagements/{submitted.pk}/feedback/", {**ratings_post(core), "would_work_again": "no"})
    assert response.status_code == 302 and Feedback.objects.get().would_work_again == "no"
    with pytest.raises(TransitionError, match="already"):
        give(submitted, carol, core)


def test_feedback_after_seven_days_or_by_others_is_refused(completed, core, carol, dave, alice):
    with pytest.raises(TransitionError, match="Only members"):
        give(completed, dave, core)
    with pytest.raises(TransitionError, match="Only members"):
        give(completed, alice, core)
    with pytest.raises(TransitionError, match="7 days"):
        give(completed, carol, core, now=completed.completed_at + timedelta(days=7, minutes=1))
    assert not Feedback.objects.exists()


def test_feedback_reminders_at_two_and_five_days_once_each(completed, core, carol, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for days in (1, 2, 2, 3, 5, 5, 6, 8):
            services.feedback_remind_due(now=completed.completed_at + timedelta(days=days, minutes=1))
    assert [m.to for m in mail.outbox] == [[carol.email], [carol.email]]
    assert all(m.subject.startswith("Feedback for") for m in mail.outbox)


def test_no_feedback_reminder_once_feedback_is_given(completed, core, carol, django_capture_on_commit_callbacks):
    give(completed, carol, core)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_remind_due(now=completed.completed_at + timedelta(days=5, minutes=1))
    assert mail.outbox == []


# The survey.


def test_the_survey_is_prefilled_with_the_projects_skills_and_refuses_bad_input(completed, client, alice, project):
    client.force_login(alice)
    url = f"/engagements/{completed.pk}/survey/"
    form = client.get(url).context["form"]
    assert form.initial["skills_used"] == [s.pk for s in project.skills.all()]
    response = client.post(url, {"supervisor_rating": "9", "learned": "3", "recommend": "maybe"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"project_rating", "supervisor_rating", "recommend"}
    assert response.content.decode().count('class="errorlist"') >= 3
    assert not Survey.objects.exists()
    python = project.skills.get()
    data = {
        "project_rating": "4",
        "supervisor_rating": "5",
        "learned": "4",
        "recommend": "yes",
        "skills_used": python.pk,
    }
    assert client.post(url, data).status_code == 302
    answer = Survey.objects.get()
    assert list(answer.skills_used.all()) == [python] and answer.organization == project.organization
    assert Completion.objects.get(engagement=completed).survey_done_at is not None
    assert client.get(url).status_code == 302  # once


def test_employers_see_only_averages_of_five_surveys(project, alice, carol, dave, client, core):
    for i in range(4):
        student = StudentFactory()
        survey(
            _engagement(project, student, Status.COMPLETED, completed_at=timezone.now()),
            student,
            project_rating=5,
            comment=f"SECRET-{i}",
        )
    client.force_login(carol)
    page = client.get("/organization/").content.decode()
    assert "once 5 students have answered" in page and "SECRET" not in page
    assert services.survey_summary(project.organization_id) is None
    student = StudentFactory()
    survey(_engagement(project, student, Status.COMPLETED, completed_at=timezone.now()), student, project_rating=3)
    page = client.get("/organization/").content.decode()
    assert "Averages of 5 students" in page and "4.6" in page and "SECRET" not in page
    client.force_login(dave)
    assert "Averages of" not in client.get("/organization/").content.decode()
    for engagement in Engagement.objects.filter(survey__isnull=False):  # nor on an engagement's page
        client.force_login(carol)
        page = client.get(f"/engagements/{engagement.pk}/").content.decode()
        assert page.count("SECRET") == 0 and "How much" not in page


# The checklist.


def test_the_checklist_ticks_itself_where_the_portal_sees_it(
    completed, core, alice, carol, project, client, django_capture_on_commit_callbacks
):
    completion = services.completion_for(completed)
    assert [i["done"] for i in services.checklist_items(completion)] == [False] * 6
    give(completed, carol, core)
    survey(completed, alice)
    services.feedback_mark_read(engagement=completed, by=alice)
    profile = StudentProfileFactory(user=alice)
    profile.resume.save("resume.pdf", pdf_upload(), save=False)
    profile.resume_uploaded_at = timezone.now() + timedelta(minutes=1)
    profile.save()
    ApplicationFactory(
        project=ProjectFactory(), student=alice, status="submitted", submitted_at=timezone.now() + timedelta(minutes=2)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.thanks_send(engagement=completed, by=alice, message="Thank you for the guidance!")
    (note,) = mail.outbox
    assert note.to == [carol.email] and note.message()["Reply-To"] == alice.email
    assert "Thank you for the guidance!" in note.body
    completion = services.checklist_refresh(Completion.objects.get(pk=completion.pk))
    done = {i["name"]: i["done"] for i in services.checklist_items(completion)}
    assert done == {
        "survey_done_at": True,
        "feedback_read_at": True,
        "resume_updated_at": True,
        "linkedin_updated_at": False,
        "stayed_in_touch_at": True,
        "applied_again_at": True,
    }
    client.force_login(alice)
    assert "Update LinkedIn" in client.get("/dashboard/").content.decode()
    response = client.post(f"/engagements/{completed.pk}/checklist/", {"linkedin_updated_at": "on"})
    assert response.status_code == 302
    assert services.checklist_is_done(Completion.objects.get(pk=completion.pk))
    assert "Update LinkedIn" not in client.get("/dashboard/").content.decode()


def test_a_thank_you_needs_words_and_goes_once(completed, alice, client):
    client.force_login(alice)
    response = client.post(f"/engagements/{completed.pk}/thanks/", {"message": "  "})
    assert response.status_code == 400 and "message" in response.context["forms"]["thanks"].errors
    assert Completion.objects.get(engagement=completed).thanks_sent_at is None
    assert client.post(f"/engagements/{completed.pk}/thanks/", {"message": "Thanks!"}).status_code == 302
    with pytest.raises(TransitionError, match="already"):
        services.thanks_send(engagement=completed, by=alice, message="Again")


def test_checklist_reminders_at_three_and_ten_days_once_each(completed, alice, django_capture_on_commit_callbacks):
    assert not Completion.objects.exists()  # the student never opened the page: reminded all the same
    with django_capture_on_commit_callbacks(execute=True):
        for days in (2, 3, 3, 4, 10, 10, 11):
            services.checklist_remind_due(now=completed.completed_at + timedelta(days=days, minutes=1))
    assert [m.to for m in mail.outbox] == [[alice.email], [alice.email]]
    assert "Complete the survey" in mail.outbox[0].body


def test_no_checklist_reminder_when_turned_off_or_all_ticked(
    completed, project, alice, core, carol, django_capture_on_commit_callbacks
):
    services.checklist_update(engagement=completed, by=alice, ticked=set(), reminders_off=True)
    other = _engagement(
        ProjectFactory(organization=project.organization, contact=carol),
        alice,
        Status.COMPLETED,
        completed_at=completed.completed_at,
    )
    Completion.objects.create(engagement=other, **{name: timezone.now() for name, _l, _m in services.CHECKLIST})
    with django_capture_on_commit_callbacks(execute=True):
        for days in (3, 10):
            services.checklist_remind_due(now=completed.completed_at + timedelta(days=days, minutes=1))
    assert mail.outbox == []


# The completion record.


def test_the_record_shows_nothing_when_off_and_nothing_private_when_on(completed, core, alice, carol, client):
    give(completed, carol, core, comment="COMMENT-TEXT", private_note="PRIVATE-NOTE")
    survey(completed, alice, comment="SURVEY-TEXT")
    completion = services.completion_for(completed)
    url = f"/records/{completion.record_token}/"
    assert client.get(url).status_code == 404
    assert client.get("/records/not-the-token/").status_code == 404
    services.record_update(engagement=completed, by=alice, public=True, shows_work_again=False)
    page = client.get(url).content.decode()
    assert alice.get_full_name() in page and "Churn &amp; retention model" in page and "Python" in page
    assert "10" in page  # hours
    for private in ("COMMENT-TEXT", "PRIVATE-NOTE", "SURVEY-TEXT", alice.email, "out of 5", "work with"):
        assert private not in page
    services.record_update(engagement=completed, by=alice, public=True, shows_work_again=True)
    assert "would work with" in client.get(url).content.decode()
    services.record_update(engagement=completed, by=alice, public=False, shows_work_again=True)
    assert client.get(url).status_code == 404


def test_the_record_never_claims_work_again_when_the_supervisor_did_not_say_yes(completed, core, alice, carol, client):
    give(completed, carol, core, answer="not_sure")
    completion = services.record_update(engagement=completed, by=alice, public=True, shows_work_again=True)
    assert "work with" not in client.get(f"/records/{completion.record_token}/").content.decode()


def test_only_the_student_changes_the_record(completed, carol, bob):
    for person in (carol, bob):
        with pytest.raises(TransitionError, match="Only the student"):
            services.record_update(engagement=completed, by=person, public=True, shows_work_again=True)


def test_the_linkedin_link_carries_the_fields_url_encoded(completed, settings):
    settings.SITE_URL = "https://portal.example.edu"
    completion = services.completion_for(completed)
    url = services.linkedin_url(completion)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    assert "Churn+%26+retention" in parts.query and " " not in url
    fields = parse_qs(parts.query)
    day = timezone.localdate(completed.completed_at)
    assert fields == {
        "startTask": ["CERTIFICATION_NAME"],
        "name": ["Micro-internship: Churn & retention model"],
        "organizationName": [completed.project.organization.name],
        "issueYear": [str(day.year)],
        "issueMonth": [str(day.month)],
        "certUrl": [f"https://portal.example.edu/records/{completion.record_token}/"],
    }
    assert services.resume_line(completion).startswith(f"Micro-intern, {completed.project.organization.name}")


def test_the_student_page_offers_the_record_linkedin_and_a_resume_line(completed, alice, client):
    client.force_login(alice)
    assert client.post(f"/engagements/{completed.pk}/record/", {"public": "on"}).status_code == 302
    page = client.get(f"/engagements/{completed.pk}/").content.decode()
    assert "Add to LinkedIn" in page and "linkedin.com/profile/add?" in page and "Micro-intern," in page


# Data rights.


def test_export_has_feedback_survey_checklist_and_record_but_not_the_private_note(completed, core, alice, carol):
    give(completed, carol, core, private_note="PRIVATE-NOTE")
    survey(completed, alice, comment="My answer")
    data = privacy.export(alice)
    assert data["feedback_received"][0]["comment"] == "Clear, careful work."
    assert data["feedback_received"][0]["ratings"] == dict.fromkeys(CORE, 4)
    assert data["survey_answers"][0]["comment"] == "My answer"
    assert data["checklists"][0]["items"]["Complete the survey"] is True
    assert data["records"][0]["public"] is False
    assert "PRIVATE-NOTE" not in str(data)


def test_erasure_keeps_feedback_and_surveys_only_as_anonymous_aggregates(completed, core, alice, carol):
    give(completed, carol, core)
    survey(completed, alice, comment="Words")
    privacy.erase(alice)
    feedback, answer = Feedback.objects.get(), Survey.objects.get()
    assert feedback.engagement is None and feedback.comment == "" and feedback.private_note == ""
    assert feedback.ratings.count() == 4 and feedback.organization == completed.project.organization
    assert answer.engagement is None and answer.comment == "" and answer.project_rating == 4
    assert not Completion.objects.exists()


def test_seed_demo_has_completed_work_with_feedback_a_survey_a_checklist_and_a_public_record(db, settings):
    import io

    from django.core.management import call_command

    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    mine = Completion.objects.get(engagement__application__student__email="student@demo.test")
    assert mine.record_public and Feedback.objects.filter(engagement=mine.engagement).exists()
    assert Survey.objects.filter(engagement=mine.engagement).exists()
    done = [i["done"] for i in services.checklist_items(services.checklist_refresh(mine))]
    assert any(done) and not all(done)
    employer_org = mine.engagement.project.organization_id
    assert services.survey_summary(employer_org)["count"] >= Survey.MIN_FOR_EMPLOYERS
    waiting = Engagement.objects.filter(
        application__student__email="student@demo.test", status=Status.COMPLETED, feedback__isnull=True
    )
    assert waiting.count() >= 1


# Staff.


def test_staff_read_filter_and_export_feedback_and_surveys_but_change_nothing(
    completed, core, alice, carol, sid, client
):
    give(completed, carol, core, answer="yes", private_note="PRIVATE-NOTE")
    survey(completed, alice, comment="Loved it")
    admin_login(client, sid)
    listing = client.get("/admin/applications/feedback/?would_work_again__exact=yes").content.decode()
    assert "Alice Adams" in listing and "4.0" in listing
    assert "Alice Adams" not in client.get("/admin/applications/feedback/?would_work_again__exact=no").content.decode()
    feedback = Feedback.objects.get()
    page = client.get(f"/admin/applications/feedback/{feedback.pk}/change/").content.decode()
    assert "PRIVATE-NOTE" in page and 'name="comment"' not in page  # read-only
    client.post(f"/admin/applications/feedback/{feedback.pk}/change/", {"comment": "changed"})
    assert Feedback.objects.get().comment == "Clear, careful work."
    response = client.post("/admin/applications/feedback/", {"action": "export_csv", "_selected_action": [feedback.pk]})
    rows = response.content.decode().splitlines()
    assert response["Content-Type"].startswith("text/csv") and rows[0].startswith("given_at,student,project")
    assert "Communication" in rows[0] and "PRIVATE-NOTE" in rows[1]
    answer = Survey.objects.get()
    response = client.post("/admin/applications/survey/", {"action": "export_csv", "_selected_action": [answer.pk]})
    assert "Loved it" in response.content.decode().splitlines()[1]
    assert client.get("/admin/applications/survey/?recommend__exact=yes").status_code == 200


def test_the_reminder_job_is_scheduled_and_sends_each_reminder_once(completed, django_capture_on_commit_callbacks):
    from applications.tasks import completion_reminders_task
    from portal.celery import app

    assert app.conf.beat_schedule["completion-reminders"]["task"] == "applications.tasks.completion_reminders_task"
    Engagement.objects.filter(pk=completed.pk).update(completed_at=timezone.now() - timedelta(days=3, hours=1))
    services.completion_for(completed)
    with django_capture_on_commit_callbacks(execute=True):
        first = completion_reminders_task()
        second = completion_reminders_task()
    assert first == {"feedback": 1, "checklist": 1} and second == {"feedback": 0, "checklist": 0}
    assert len(mail.outbox) == 2


def test_once_paid_the_work_keeps_its_survey_checklist_record_and_reminders(completed, core, alice, carol, client):
    """Payment moves the engagement to "paid"; what follows verified work stays open."""
    Engagement.objects.filter(pk=completed.pk).update(status=Status.PAID)
    completed.refresh_from_db()
    client.force_login(alice)
    assert client.get(f"/engagements/{completed.pk}/survey/").status_code == 200
    survey(completed, alice)
    page = client.get(f"/engagements/{completed.pk}/").content.decode()
    assert f'action="/engagements/{completed.pk}/checklist/"' in page
    services.record_update(engagement=completed, by=alice, public=True, shows_work_again=False)
    assert client.get(f"/records/{services.completion_for(completed).record_token}/").status_code == 200
    give(completed, carol, core)
    Completion.objects.filter(engagement=completed).update(survey_done_at=None)
    later = timezone.now() + timedelta(days=4)
    assert services.checklist_remind_due(now=later) == 1


def test_the_dashboard_checklist_ticks_the_resume_and_reads_what_it_shows_in_one_query(
    completed, alice, client, django_assert_num_queries
):
    Completion.objects.create(engagement=completed)
    StudentProfileFactory(user=alice, resume_uploaded_at=timezone.now() + timedelta(minutes=1))
    client.force_login(alice)
    client.get("/dashboard/")  # ticks the résumé and "apply again" (the accepted application)
    # user, applications, eligibility, payroll, engagements, checklists: nothing read field by field.
    with django_assert_num_queries(6):
        page = client.get("/dashboard/").content.decode()
    assert "After “Churn &amp; retention model”" in page
    assert "✓ Done: Update your résumé" in page and "☐ Update LinkedIn" in page
    assert f'href="/engagements/{completed.pk}/"' in page


def test_the_checklist_of_older_work_shows_when_the_dashboard_lists_only_the_latest(completed, alice, client):
    from applications.templatetags.engagement_tags import SHOWN

    Completion.objects.create(engagement=completed)
    for _ in range(SHOWN):
        _engagement(ProjectFactory(), alice, Status.IN_PROGRESS)
    client.force_login(alice)
    assert "After “Churn &amp; retention model”" in client.get("/dashboard/").content.decode()

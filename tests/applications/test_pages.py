"""The student's and the employer's pages: forms, messages, who sees what, query counts."""

import re
from datetime import UTC, datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape

from applications.models import Application, Assessment
from applications.views import APPLICANTS_PER_PAGE
from portal.models import OutboundEmail
from tests.downloads import read_download
from tests.factories import ApplicationFactory, ProjectFactory, StudentFactory

from .conftest import make_ready

pytestmark = pytest.mark.django_db

S = Application.Status


def apply_url(project):
    return reverse("applications:apply", args=[project.slug])


def applicants_url(project, query=""):
    return reverse("applications:applicants", args=[project.slug]) + query


def answers(project, *texts):
    return {f"answer_{q.pk}": t for q, t in zip(project.questions.all(), texts, strict=False)}


# Students.


def test_the_project_page_links_to_the_apply_form(client, project, ready_alice):
    client.force_login(ready_alice)
    page = client.get(project.get_absolute_url()).content.decode()
    assert f'href="{apply_url(project)}"' in page
    form = client.get(apply_url(project)).content.decode()
    assert "Why does this project interest you?" in form and "Up to 500 characters" in form
    assert 'data-counter="answer_' in form and "js/counter.js" in form
    assert not Application.objects.exists()  # looking does not start a draft


def test_a_draft_may_be_incomplete_and_comes_back(client, project, ready_alice):
    client.force_login(ready_alice)
    response = client.post(apply_url(project), {**answers(project, "Half a thought"), "action": "save"})
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.status == S.DRAFT
    assert "Half a thought" in client.get(apply_url(project)).content.decode()


def test_too_long_answers_get_a_message_beside_the_field_and_keep_the_text(client, project, ready_alice):
    client.force_login(ready_alice)
    typed = "My long answer " + "x" * 600
    response = client.post(apply_url(project), {**answers(project, typed, "fine"), "action": "save"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "the limit is 500" in page
    assert typed in page and "fine" in page
    assert not Application.objects.exists()


def test_submitting_without_a_required_answer_marks_it_and_saves_nothing_half(client, project, ready_alice):
    client.force_login(ready_alice)
    response = client.post(apply_url(project), {**answers(project, "First answer", ""), "action": "submit"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Answer this question before you submit" in page and "First answer" in page
    assert not Application.objects.filter(status=S.SUBMITTED).exists()


def test_submitting_sends_the_receipt_and_leads_to_the_application(client, project, ready_alice):
    client.force_login(ready_alice)
    response = client.post(apply_url(project), {**answers(project, "One", "Two"), "action": "submit"})
    application = Application.objects.get()
    assert response.status_code == 302 and response.url == f"/applications/{application.pk}/"
    assert application.status == S.SUBMITTED
    receipt = OutboundEmail.objects.get(kind="application-received")
    assert receipt.recipient == ready_alice.email
    assert f"http://testserver/applications/{application.pk}/" in receipt.body_text
    # Applying again leads to the application, not a second one.
    assert client.get(apply_url(project)).url == f"/applications/{application.pk}/"


def test_a_gate_refusal_explains_links_and_keeps_the_draft(client, project, alice):
    make_ready(alice, basis="f1_opt", status="pending")
    client.force_login(alice)
    response = client.post(apply_url(project), {**answers(project, "One", "Two"), "action": "submit"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "F-1 and J-1 students cannot apply until" in page
    assert 'href="/eligibility/"' in page
    application = Application.objects.get()
    assert application.status == S.DRAFT
    assert sorted(application.answers.values_list("text", flat=True)) == ["One", "Two"]


def test_review_request_then_staff_comments_appear_beside_the_draft(client, project, ready_alice, sid):
    from applications.services import application_review_answer

    client.force_login(ready_alice)
    client.post(apply_url(project), {**answers(project, "Draft"), "action": "review"})
    review = Application.objects.get().review_requests.get()
    assert "has your draft for review" in client.get(apply_url(project)).content.decode()
    application_review_answer(review=review, by=sid, comments="Lead with the dashboard you built.")
    page = client.get(apply_url(project)).content.decode()
    assert "Lead with the dashboard you built." in page
    email = OutboundEmail.objects.get(kind="review-answered")
    assert email.recipient == ready_alice.email and apply_url(project) in email.body_text


def test_the_list_and_detail_show_state_next_step_answers_timeline_and_reason(client, project, ready_alice, carol):
    from applications.services import application_decline

    application = ApplicationFactory(project=project, student=ready_alice, status=S.SUBMITTED)
    application_decline(application=application, by=carol, reason="availability", message="Try us in spring!")
    Assessment.objects.create(application=application, rating=2, notes="SECRET-NOTE weak on Excel")
    client.force_login(ready_alice)
    listing = client.get("/applications/").content.decode()
    assert project.title in listing and "Not selected" in listing and "Apply to another project" in listing
    detail = client.get(f"/applications/{application.pk}/").content.decode()
    assert "Availability did not match" in detail and "Try us in spring!" in detail
    assert "A thoughtful answer." in detail and "Timeline" in detail
    assert "SECRET-NOTE" not in detail and "2 of 5" not in detail


def test_the_student_withdraws_and_answers_offers_from_the_page(client, project, ready_alice, carol):
    application = ApplicationFactory(project=project, student=ready_alice, status=S.OFFERED)
    client.force_login(ready_alice)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert "Accept the offer" in page and "Withdraw" not in page
    client.post(f"/applications/{application.pk}/accept/")
    assert Application.objects.get().status == S.ACCEPTED
    # A second click is refused with a message, and nothing changes.
    response = client.post(f"/applications/{application.pk}/withdraw/", follow=True)
    assert "cannot be withdrawn" in response.content.decode()


@pytest.mark.parametrize("url", ["/applications/{pk}/", "/applications/{pk}/withdraw/", "/applications/{pk}/accept/"])
def test_nobody_else_sees_or_touches_a_students_application(client, project, ready_alice, bob, carol, url):
    application = ApplicationFactory(project=project, student=ready_alice, status=S.OFFERED)
    url = url.format(pk=application.pk)
    method = client.get if url.endswith(f"{application.pk}/") else client.post
    for person in (bob, carol):
        client.force_login(person)
        assert method(url).status_code == 404
    client.logout()
    response = method(url)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert Application.objects.get().status == S.OFFERED


def test_each_row_of_the_list_links_to_the_next_step_and_escapes_what_employers_wrote(client, alice):
    from applications.models import Engagement

    draft = ApplicationFactory(student=alice, project__title="Draft <b>bold</b> & co", answers=False)
    offer = ApplicationFactory(student=alice, status=S.OFFERED, project__organization__name='O"Brien <Inc>')
    accepted = ApplicationFactory(student=alice, status=S.ACCEPTED, answers=False)
    engagement = Engagement.objects.create(application=accepted, project=accepted.project)
    declined = ApplicationFactory(student=alice, status=S.NOT_SELECTED, answers=False)
    client.force_login(alice)
    page = client.get("/applications/").content.decode()

    assert "Draft &lt;b&gt;bold&lt;/b&gt; &amp; co" in page and "<b>bold</b>" not in page
    assert "O&quot;Brien &lt;Inc&gt;" in page
    assert f'<a href="{apply_url(draft.project)}">Finish your answers and submit.</a>' in page
    expires = timezone.localtime(offer.offer_expires_at)
    assert (
        f'<a href="/applications/{offer.pk}/">Accept or decline the offer.</a> '
        f'<span class="muted">(by {date_format(expires, "M j, g:i A T")})</span>'
    ) in page
    assert f'<a href="/engagements/{engagement.pk}/">Your project: awaiting kick-off</a>' in page
    assert '<td><span class="badge app-not_selected">Not selected</span></td><td>Apply to another project.</td>' in page
    for application in (draft, offer, accepted, declined):
        assert f'<a href="/applications/{application.pk}/">{escape(application.project.title)}</a>' in page


def test_a_student_list_shows_only_their_own(client, project, ready_alice, bob):
    ApplicationFactory(project=project, student=bob, status=S.SUBMITTED)
    client.force_login(ready_alice)
    assert project.title not in client.get("/applications/").content.decode()


@pytest.mark.parametrize("n", [5, 50])
def test_the_student_list_runs_a_fixed_number_of_queries(client, alice, n, django_assert_max_num_queries):
    for _ in range(n):
        ApplicationFactory(student=alice, status=S.SUBMITTED, answers=False)
    client.force_login(alice)
    with django_assert_max_num_queries(3):
        assert client.get("/applications/").status_code == 200


# Employers.


def _submitted(project, n=1, **kwargs):
    return [
        ApplicationFactory(project=project, student=make_ready(StudentFactory()), status=S.SUBMITTED, **kwargs)
        for _ in range(n)
    ]


def test_blind_mode_keeps_names_emails_and_resumes_out_of_the_html(client, project, carol):
    hidden, revealed = _submitted(project, 2)
    # Random names may coincide; the hidden one must be told apart from the revealed one.
    type(hidden.student).objects.filter(pk=hidden.student.pk).update(last_name="Quillfeather")
    hidden.student.refresh_from_db()
    Application.objects.filter(pk=revealed.pk).update(status=S.SHORTLISTED)
    client.force_login(carol)
    page = client.get(applicants_url(project)).content.decode()
    assert f"Applicant #{hidden.pk}" in page
    for secret in (
        hidden.student.email,
        hidden.student.last_name,
        f"/profile/resume/{hidden.student.student_profile.pk}/",
    ):
        assert secret not in page
    assert revealed.student.email in page and revealed.student.get_full_name() in page
    assert f"/profile/resume/{revealed.student.student_profile.pk}/" in page
    assert "A thoughtful answer." in page
    # The toggle is a link kept in the URL (and in every form on the page).
    assert f'href="{applicants_url(project, "?blind=0")}"' in page
    open_page = client.get(applicants_url(project, "?blind=0")).content.decode()
    assert hidden.student.email in open_page and hidden.student.get_full_name() in open_page
    assert 'name="blind" value="0"' in open_page
    # The filters' form, and each applicant's forms (here: shortlist, select, decline, rating).
    assert open_page.count('<input type="hidden" name="blind" value="0">') >= 5


def test_drafts_are_not_applicants(client, project, carol):
    draft = ApplicationFactory(project=project, student=make_ready(StudentFactory()), status=S.DRAFT)
    client.force_login(carol)
    page = client.get(applicants_url(project, "?blind=0")).content.decode()
    assert draft.student.email not in page and "No applicants" in page


def test_filter_by_state_and_sort_by_rating(client, project, carol):
    low, high, unrated = _submitted(project, 3)
    Assessment.objects.create(application=low, rating=2)
    Assessment.objects.create(application=high, rating=5)
    Application.objects.filter(pk=unrated.pk).update(status=S.SHORTLISTED)
    client.force_login(carol)
    page = client.get(applicants_url(project, "?sort=rating")).content.decode()
    assert page.index(f'id="applicant-{high.pk}"') < page.index(f'id="applicant-{low.pk}"')
    assert page.index(f'id="applicant-{low.pk}"') < page.index(f'id="applicant-{unrated.pk}"')
    only = client.get(applicants_url(project, "?state=shortlisted")).content.decode()
    assert f'id="applicant-{unrated.pk}"' in only and f'id="applicant-{low.pk}"' not in only


def test_shortlist_select_and_decline_from_the_page_keep_the_view(client, project, carol):
    first, second, third = _submitted(project, 3)
    client.force_login(carol)
    response = client.post(f"/employer/applications/{first.pk}/shortlist/", {"blind": "0", "sort": "rating"})
    assert response.url == applicants_url(project, f"?blind=0&sort=rating#applicant-{first.pk}")
    client.post(f"/employer/applications/{first.pk}/select/")
    client.post(f"/employer/applications/{second.pk}/decline/", {"reason": "skills", "message": "Thanks"})
    statuses = dict(Application.objects.values_list("pk", "status"))
    assert statuses == {first.pk: S.OFFERED, second.pk: S.NOT_SELECTED, third.pk: S.SUBMITTED}
    response = client.post(f"/employer/applications/{third.pk}/select/", follow=True)
    assert "opening(s) already have an offer" in response.content.decode()


def test_every_form_of_the_applicants_page_posts_the_same_token_and_it_is_accepted(project, carol):
    first, _ = _submitted(project, 2)
    client = Client(enforce_csrf_checks=True)
    client.force_login(carol)
    html = client.get(applicants_url(project)).content.decode()
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    # Each card's four forms and the navigation's sign-out form.
    assert len(tokens) == 2 * 4 + 1
    assert set(tokens) == {tokens[0]}
    response = client.post(f"/employer/applications/{first.pk}/shortlist/", {"csrfmiddlewaretoken": tokens[0]})
    assert response.status_code == 302
    assert Application.objects.get(pk=first.pk).status == S.SHORTLISTED


def test_a_decline_without_a_reason_is_marked_and_keeps_the_message(client, project, carol):
    (application,) = _submitted(project)
    client.force_login(carol)
    response = client.post(f"/employer/applications/{application.pk}/decline/", {"message": "Kind words"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a reason; the student sees it." in page and "Kind words" in page
    assert Application.objects.get().status == S.SUBMITTED


def _card(page, application):
    """The HTML of one applicant's card on the applicants page."""
    return page.split(f'<article class="card applicant" id="applicant-{application.pk}"')[1].split("</article>")[0]


def test_a_failed_decline_is_shown_on_its_own_card_only(client, project, carol):
    other, declined = _submitted(project, 2)
    Assessment.objects.create(application=other, rating=2, notes="Kept")
    client.force_login(carol)
    response = client.post(
        f"/employer/applications/{declined.pk}/decline/", {"blind": "0", "reason": "nope", "message": "Kind <words>"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    card = _card(page, declined)
    assert "<details open>" in card
    assert f'<ul class="errorlist" id="reason-{declined.pk}-error"><li>Choose a reason.</li></ul>' in card
    assert (
        f'<select id="reason-{declined.pk}" name="reason" aria-invalid="true" '
        f'aria-describedby="reason-{declined.pk}-error">'
    ) in card
    assert "Kind &lt;words&gt;</textarea>" in card
    assert f'id="message-{declined.pk}-error"' not in card
    # The other card is as it was, with its saved rating and notes; the view is kept.
    untouched = _card(page, other)
    assert "errorlist" not in untouched and "aria-invalid" not in untouched and "<details open>" not in untouched
    assert '<option value="2" selected>' in untouched and ">Kept</textarea>" in untouched
    assert '<input type="hidden" name="blind" value="0">' in untouched


def test_a_failed_rating_is_shown_on_its_own_card_only(client, project, carol):
    other, rated = _submitted(project, 2)
    client.force_login(carol)
    response = client.post(f"/employer/applications/{rated.pk}/assessment/", {"rating": "9", "notes": "Typed"})
    page = response.content.decode()
    card = _card(page, rated)
    assert f'<ul class="errorlist" id="rating-{rated.pk}-error">' in card
    assert f'aria-describedby="rating-{rated.pk}-error"' in card and ">Typed</textarea>" in card
    assert "<details open>" not in card
    assert "errorlist" not in _card(page, other)


def test_the_cards_escape_what_students_and_employers_wrote(client, project, carol):
    (application,) = _submitted(project)
    Application.objects.filter(pk=application.pk).update(status=S.SHORTLISTED)
    type(application.student).objects.filter(pk=application.student.pk).update(
        first_name="<i>Ann</i>", last_name="O'Neil"
    )
    first, *others = application.answers.order_by("question__position", "question_id")
    application.answers.filter(pk=first.pk).update(text="<b>First</b>\n\nSecond & last\nline")
    application.answers.exclude(pk=first.pk).update(text="")
    first.question.text = "Why <em>us</em>?"
    first.question.save()
    Assessment.objects.create(application=application, rating=4, notes="</textarea><script>")
    client.force_login(carol)
    card = _card(client.get(applicants_url(project)).content.decode(), application)
    assert "&lt;i&gt;Ann&lt;/i&gt; O&#39;Neil" in card and "<i>" not in card
    assert '<h3 class="answer-question">Why &lt;em&gt;us&lt;/em&gt;?</h3>' in card
    assert "<p>&lt;b&gt;First&lt;/b&gt;</p>\n\n<p>Second &amp; last<br>line</p>" in card
    # An answer left empty says so.
    assert card.count('<p class="muted">No answer.</p>') == len(others) > 0
    assert "&lt;/textarea&gt;&lt;script&gt;</textarea>" in card and "<script>" not in card


@pytest.mark.parametrize("rating", ["6", "0", "abc", "4.5"])
def test_a_bad_rating_is_marked_beside_the_field_and_keeps_the_notes(client, project, carol, rating):
    (application,) = _submitted(project)
    client.force_login(carol)
    response = client.post(
        f"/employer/applications/{application.pk}/assessment/", {"rating": rating, "notes": "Typed notes"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a rating from 1 to 5" in page and "Typed notes" in page
    assert 'aria-invalid="true"' in page
    assert not Assessment.objects.exists()


def test_rating_and_notes_are_saved_for_the_organization(client, project, carol):
    (application,) = _submitted(project)
    client.force_login(carol)
    client.post(f"/employer/applications/{application.pk}/assessment/", {"rating": "4", "notes": "Strong"})
    assessment = Assessment.objects.get()
    assert (assessment.rating, assessment.notes, assessment.updated_by) == (4, "Strong", carol)
    page = client.get(applicants_url(project)).content.decode()
    assert '<option value="4" selected>' in page and "Strong" in page


def test_another_organization_sees_no_applicants_notes_or_resumes(client, project, carol, dave, ready_alice):
    application = ApplicationFactory(project=project, student=ready_alice, status=S.SHORTLISTED)
    Assessment.objects.create(application=application, rating=5, notes="private")
    resume = f"/profile/resume/{ready_alice.student_profile.pk}/"
    client.force_login(carol)
    assert read_download(client.get(resume)).startswith(b"%PDF-")
    client.force_login(dave)
    assert client.get(applicants_url(project)).status_code == 404
    assert client.get(resume).status_code == 404
    for action in ("shortlist", "select", "decline", "assessment"):
        assert client.post(f"/employer/applications/{application.pk}/{action}/", {"rating": "1"}).status_code == 404
    assert Assessment.objects.get().notes == "private"
    client.force_login(ready_alice)
    assert client.get(applicants_url(project)).status_code == 404
    client.logout()
    assert "/accounts/login/" in client.get(applicants_url(project)).url


def test_an_employer_may_open_only_resumes_of_students_who_submitted(client, project, carol, alice, bob):
    make_ready(alice)
    make_ready(bob)
    ApplicationFactory(project=project, student=alice, status=S.DRAFT)
    ApplicationFactory(project=ProjectFactory(), student=bob, status=S.SUBMITTED)
    client.force_login(carol)
    assert client.get(f"/profile/resume/{alice.student_profile.pk}/").status_code == 404
    assert client.get(f"/profile/resume/{bob.student_profile.pk}/").status_code == 404


@pytest.mark.parametrize("n", [5, 500])
def test_the_applicants_page_runs_a_fixed_number_of_queries(client, project, carol, n, django_assert_max_num_queries):
    from bench.seed import seed_applicants

    seed_applicants(project, n)
    client.force_login(carol)
    # The user, the project, the counts, the cards, the questions with the answers, the skills.
    with django_assert_max_num_queries(6):
        response = client.get(applicants_url(project, "?blind=0&sort=rating"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('class="card applicant"') == min(n, APPLICANTS_PER_PAGE)
    assert (f"Page 1 of {-(-n // APPLICANTS_PER_PAGE)}" in page) == (n > APPLICANTS_PER_PAGE)


def test_each_card_shows_the_applicant_s_profile_and_current_eligibility(client, project, carol):
    """Every fact of a card, read with the application: the profile's, the current eligibility
    record's (never an earlier one), and what blind mode keeps back."""
    from portal.models import StudentProfile, WorkEligibility
    from tests.factories import WorkEligibilityFactory

    shown = ApplicationFactory(
        project=project, student=make_ready(StudentFactory(), basis="citizen"), status=S.SHORTLISTED
    )
    StudentProfile.objects.filter(user=shown.student).update(
        program="B.A. History",
        graduation_season="fall",
        graduation_year=2027,
        status="current",
        linkedin_url="https://www.linkedin.com/in/ann-example",
    )
    type(shown.student).objects.filter(pk=shown.student.pk).update(first_name="Ann", last_name="Example")
    bare = ApplicationFactory(project=project, student=StudentFactory(), status=S.SUBMITTED)
    unauthorized, pending, rejected = (
        ApplicationFactory(project=project, student=make_ready(StudentFactory(), basis="none"), status=S.SUBMITTED),
        ApplicationFactory(project=project, student=make_ready(StudentFactory(), basis="citizen"), status=S.SUBMITTED),
        ApplicationFactory(
            project=project, student=make_ready(StudentFactory(), basis="f1_opt", status="rejected"), status=S.SUBMITTED
        ),
    )
    # The pending student declared again: the earlier record stays as history, not current.
    WorkEligibility.objects.filter(student=pending.student).update(is_current=False)
    WorkEligibilityFactory(student=pending.student, basis="f1_opt", status="pending")
    client.force_login(carol)
    page = client.get(applicants_url(project)).content.decode()
    assert page.count('class="card applicant"') == 5

    card = _card(page, shown)
    assert "Ann Example" in card and f'href="mailto:{shown.student.email}"' in card
    assert "<dd>B.A. History</dd>" in card and "<dd>Fall 2027</dd>" in card and "<dd>Current student</dd>" in card
    assert "<dd>Confirmed <span" in card
    assert 'href="https://www.linkedin.com/in/ann-example"' in card
    assert f'href="{reverse("portal:resume-of", args=[shown.student.student_profile.pk])}"' in card

    card = _card(page, bare)  # no profile, nothing declared, blind
    assert f"Applicant #{bare.pk}" in card and bare.student.email not in card
    assert card.count("<dd>&mdash;</dd>") == 3 and "<dd>Not declared yet <span" in card
    assert "Résumé" not in card and "LinkedIn" not in card

    assert "<dd>Not authorized <span" in _card(page, unauthorized)
    assert "<dd>Waiting for the career center&#39;s check <span" in _card(page, pending)
    assert "<dd>Not confirmed <span" in _card(page, rejected)
    for application in (unauthorized, pending, rejected):
        card = _card(page, application)
        assert application.student.email not in card and "Résumé" not in card


def test_employers_see_whether_an_applicant_may_work_not_their_visa(client, project, carol, alice, bob):
    make_ready(alice, basis="f1_opt", status="verified", starts_on="2020-01-01", ends_on="2099-12-31")
    make_ready(bob, basis="citizen")
    for student in (alice, bob):
        ApplicationFactory(project=project, student=student, status=S.SHORTLISTED)
    client.force_login(carol)
    page = client.get(applicants_url(project)).content.decode()
    assert "Confirmed until Dec 31, 2099" in page and page.count("Confirmed") == 2
    assert "F-1" not in page and "citizen" not in page.lower()


def test_blind_review_shows_eligibility_confirmed_without_an_end_date(client, project, carol, alice, bob):
    make_ready(alice, basis="f1_opt", status="verified", starts_on="2020-01-01", ends_on="2099-12-31")
    make_ready(bob, basis="citizen")
    for student in (alice, bob):
        ApplicationFactory(project=project, student=student, status=S.SUBMITTED)
    client.force_login(carol)
    page = client.get(applicants_url(project)).content.decode()
    assert page.count("<dd>Confirmed <span") == 2
    assert "2099" not in page
    # Once names show, the date does too: the employer plans the work around it.
    page = client.get(applicants_url(project, "?blind=0")).content.decode()
    assert "Confirmed until Dec 31, 2099" in page


def test_a_card_dates_the_application_in_the_readers_zone_and_names_its_state(client, project, carol):
    (application,) = _submitted(project)
    # 03:30 UTC on the 1st of March is still the 28th of February in Los Angeles.
    Application.objects.filter(pk=application.pk).update(submitted_at=datetime(2026, 3, 1, 3, 30, tzinfo=UTC))
    type(carol).objects.filter(pk=carol.pk).update(time_zone="America/Los_Angeles")
    client.force_login(carol)
    card = _card(client.get(applicants_url(project)).content.decode(), application)
    assert "<dt>Applied</dt><dd>Feb 28, 2026</dd>" in card
    assert '<span class="badge app-submitted">Submitted</span>' in card


def test_each_card_offers_what_its_state_allows_and_reveals_by_state_in_blind_mode(client, project, carol):
    submitted, shortlisted, offered = _submitted(project, 3)
    Application.objects.filter(pk=shortlisted.pk).update(status=S.SHORTLISTED)
    Application.objects.filter(pk=offered.pk).update(status=S.OFFERED)
    client.force_login(carol)
    page = client.get(applicants_url(project)).content.decode()

    def actions(application):
        card = _card(page, application)
        return [
            action
            for action in ("shortlist", "select", "decline", "assessment")
            if f'action="/employer/applications/{application.pk}/{action}/"' in card
        ]

    assert actions(submitted) == ["shortlist", "select", "decline", "assessment"]
    assert actions(shortlisted) == ["select", "decline", "assessment"]
    assert actions(offered) == ["assessment"]
    # Blind mode hides who applied until the employer shortlists.
    assert submitted.student.email not in _card(page, submitted)
    assert shortlisted.student.email in _card(page, shortlisted)
    assert offered.student.email in _card(page, offered)


def test_the_filters_count_each_projects_own_applicants(client, project, carol):
    other = ProjectFactory(organization=project.organization, status=project.status)
    _submitted(project, 2)
    (shortlisted,) = _submitted(other)
    Application.objects.filter(pk=shortlisted.pk).update(status=S.SHORTLISTED)
    client.force_login(carol)
    page = client.get(applicants_url(project, "?sort=rating")).content.decode()
    assert ">Submitted (2)</option>" in page and ">Shortlisted (0)</option>" in page
    assert '<option value="rating" selected>' in page
    # The next page's form counts its own project's, and sorts as asked again (newest by default).
    page = client.get(applicants_url(other)).content.decode()
    assert ">Submitted (0)</option>" in page and ">Shortlisted (1)</option>" in page
    assert '<option value="newest" selected>' in page and '<option value="rating" selected>' not in page


def test_each_card_shows_its_own_answers_under_every_question_in_order(client, project, carol):
    from applications.models import Answer
    from opportunities.models import Question

    why, tool = project.questions.order_by("position")
    # A third question, first in order, that nobody answered.
    Question.objects.filter(pk=why.pk).update(position=1)
    Question.objects.filter(pk=tool.pk).update(position=2)
    first = Question.objects.create(project=project, position=0, text="Which hours suit you?", max_chars=500)
    ann, ben, cat = _submitted(project, 3)
    Answer.objects.filter(application__in=[ann, ben, cat]).delete()
    Answer.objects.create(application=ann, question=tool, text="Ann's tool")
    Answer.objects.create(application=ann, question=why, text="Ann's reason")
    Answer.objects.create(application=ben, question=why, text="Ben's reason")
    client.force_login(carol)
    page = client.get(applicants_url(project)).content.decode()
    questions = [escape(q.text) for q in (first, why, tool)]
    for application, texts in (
        (ann, [None, "Ann's reason", "Ann's tool"]),
        (ben, [None, "Ben's reason", None]),
        (cat, [None, None, None]),
    ):
        card = _card(page, application)
        positions = [card.index(question) for question in questions]
        assert positions == sorted(positions)
        for question, text in zip(questions, texts, strict=True):
            block = card.split(question)[1].split('class="answer-question"')[0]
            assert escape(text) in block if text else "No answer." in block
        assert card.count("No answer.") == texts.count(None)


def test_a_view_form_s_state_counts_are_its_own_and_the_shared_fields_stay_as_declared():
    from applications.forms import _view_fields
    from applications.views import SORT_CHOICES, _view_form

    first = _view_form({}, {S.SUBMITTED: 2})
    second = _view_form({}, {S.SUBMITTED: 5})
    for form, count in ((first, 2), (second, 5)):
        field = form.fields["state"]
        assert (S.SUBMITTED, f"Submitted ({count})") in field.choices
        assert (S.SUBMITTED, f"Submitted ({count})") in field.widget.choices
    shared = _view_fields(tuple(SORT_CHOICES))
    assert shared["state"].choices == [] and shared["state"].widget.choices == []
    assert first.fields["sort"] is shared["sort"] and list(shared["sort"].choices) == list(SORT_CHOICES)


def test_the_questions_come_with_the_answers_of_the_page_s_applications_only(project):
    from applications.models import Answer
    from applications.views import QUESTION_ANSWERS

    why, tool = project.questions.order_by("position")
    on_page, elsewhere = _submitted(project, 2)
    Answer.objects.filter(application__in=[on_page, elsewhere]).delete()
    Answer.objects.create(application=on_page, question=tool, text="Mine")
    Answer.objects.create(application=elsewhere, question=why, text="Not on this page")
    Answer.objects.create(application=elsewhere, question=tool, text="Nor this")
    rows = QUESTION_ANSWERS(project_id=project.pk, ids=[on_page.pk])
    assert [(r["pk"], r["page_answer__application_id"], r["page_answer__text"]) for r in rows] == [
        (why.pk, None, None),
        (tool.pk, on_page.pk, "Mine"),
    ]

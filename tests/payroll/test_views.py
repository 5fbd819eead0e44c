import logging
import re
import sys
from datetime import date

import pytest
from django.core import mail
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views.debug import ExceptionReporter

from payroll.models import ContractorRecord, ItinStatus
from payroll.selectors import itin_status
from portal.models import OutboundEmail
from portal.transitions import TransitionError
from tests.logs import assert_no_secret, captured_log

from .conftest import ACCOUNT, ITIN, ITIN_DIGITS, ROUTING, SSN, SSN_DIGITS, form_data, save_record

pytestmark = pytest.mark.django_db

HOME = reverse("payroll:home")
EDIT = reverse("payroll:edit")


def secrets_absent(html, *values):
    digits = [re.sub(r"\D", "", v) for v in values]
    for value in (*values, *digits):
        assert value not in html


# Who may see what ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [HOME, EDIT])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("url", [HOME, EDIT])
@pytest.mark.parametrize("person", ["carol", "sid"])
def test_employers_and_staff_get_404(client, request, alice_record, url, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(url).status_code == 404
    assert client.post(EDIT, form_data(alice_record.student)).status_code == 404
    assert ContractorRecord.objects.count() == 1


def test_another_student_sees_only_their_own_empty_record(client, alice_record, bob):
    client.force_login(bob)
    html = client.get(HOME).content.decode()
    assert "Not started" in html
    assert "Alice" not in html and "6543" not in html and "Elm Street" not in html
    html = client.get(EDIT).content.decode()
    assert "Alice" not in html and "6543" not in html and "Elm Street" not in html


def test_student_navigation_links_to_payroll(client, alice, carol):
    client.force_login(alice)
    assert f'href="{HOME}"' in client.get("/dashboard/").content.decode()
    client.force_login(carol)
    assert f'href="{HOME}"' not in client.get("/dashboard/").content.decode()


def test_pages_are_not_cached(client, alice_record):
    client.force_login(alice_record.student)
    assert "no-store" in client.get(HOME)["Cache-Control"]
    assert "no-store" in client.get(EDIT)["Cache-Control"]


# Sign-up ------------------------------------------------------------------------------------


def test_student_signs_up_and_sees_only_last_four(client, alice):
    client.force_login(alice)
    assert "Not started" in client.get(HOME).content.decode()
    response = client.post(EDIT, form_data(alice), REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302 and response.url == HOME

    record = ContractorRecord.objects.get(student=alice)
    assert record.tin == SSN_DIGITS and record.account_number == ACCOUNT and record.routing_number == ROUTING
    assert record.certified_name == "Alice Adams" and record.certified_ip == "203.0.113.7"
    assert record.certified_at is not None and record.is_complete
    html = client.get(HOME).content.decode()
    assert "Complete" in html and "ending in 6543" in html and "ending in 2109" in html
    secrets_absent(html, SSN, ACCOUNT, ROUTING)
    edit_html = client.get(EDIT).content.decode()
    assert "On file: ending in 6543" in edit_html
    secrets_absent(edit_html, SSN, ACCOUNT, ROUTING)


def test_sign_up_emails_the_student_with_last_four_only(client, alice):
    client.force_login(alice)
    client.post(EDIT, form_data(alice))
    email = OutboundEmail.objects.get(kind="payroll-updated")
    assert email.recipient == "alice@example.edu"
    assert email.subject == "You're signed up for payroll"
    for body in (email.body_text, email.body_html):
        assert "ending in 6543" in body and "ending in 2109" in body
        secrets_absent(body, SSN, ACCOUNT, ROUTING)


def test_paper_check_needs_no_bank_account(client, alice):
    client.force_login(alice)
    data = form_data(alice, payment_method="check", routing_number="", account_number="", account_type="")
    assert client.post(EDIT, data).status_code == 302
    record = ContractorRecord.objects.get()
    assert record.payment_method == "check" and record.account_last4 == "" and record.is_complete


def test_itin_sign_up_keeps_the_years(client, alice):
    client.force_login(alice)
    year = timezone.localdate().year
    data = form_data(alice, tin_type="itin", taxpayer_id=ITIN, itin_issued_year=year - 1, itin_last_used_year=year - 1)
    assert client.post(EDIT, data).status_code == 302
    record = ContractorRecord.objects.get()
    assert record.tin == ITIN_DIGITS and record.itin_issued_year == year - 1
    assert itin_status(alice) == ItinStatus.VALID
    assert "ITIN" in client.get(HOME).content.decode()


# Bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"taxpayer_id": "666-12-3456"}, "taxpayer_id", "none starts with 000 or 666"),
        ({"taxpayer_id": "123-00-4567"}, "taxpayer_id", "never 00"),
        ({"taxpayer_id": "123-45-0000"}, "taxpayer_id", "never 0000"),
        ({"taxpayer_id": "912-78-3456"}, "taxpayer_id", "never starts with 9"),
        ({"taxpayer_id": "12-345"}, "taxpayer_id", "Enter nine digits"),
        ({"taxpayer_id": ""}, "taxpayer_id", "Enter your SSN or ITIN"),
        ({"tin_type": "itin", "taxpayer_id": "912-93-3456", "itin_issued_year": "2020"}, "taxpayer_id", "50-65"),
        (
            {"tin_type": "itin", "taxpayer_id": "812-78-3456", "itin_issued_year": "2020"},
            "taxpayer_id",
            "starts with 9",
        ),
        ({"tin_type": "itin", "taxpayer_id": ITIN}, "itin_issued_year", "issued or last renewed"),
        ({"tin_type": "itin", "taxpayer_id": ITIN, "itin_issued_year": "1990"}, "itin_issued_year", "between 1996"),
        ({"routing_number": "021000022"}, "routing_number", "check digit"),
        ({"routing_number": ""}, "routing_number", "Enter your bank's routing number"),
        ({"account_number": "12"}, "account_number", "4 to 17 digits"),
        ({"account_type": ""}, "account_type", "checking or savings"),
        ({"zip_code": "6270"}, "zip_code", "five digits"),
        ({"state": "XX"}, "state", "Select a valid choice"),
        ({"certify_backup": ""}, "certify_backup", "Tick this statement to sign"),
        ({"certified_name": "Someone Else"}, "certified_name", "exactly as above: Alice Adams"),
    ],
)
def test_bad_input_gets_a_message_beside_the_field_and_keeps_what_was_typed(client, alice, overrides, field, message):
    client.force_login(alice)
    data = form_data(alice, address_line1="42 Kept Street", city="Keptville", **overrides)
    response = client.post(EDIT, data)
    assert response.status_code == 200
    assert not ContractorRecord.objects.exists()
    form = response.context["form"]
    assert field in form.errors and message in " ".join(form.errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html
    # What was typed stays, except the numbers, which never come back.
    assert 'value="42 Kept Street"' in html and 'value="Keptville"' in html
    secrets_absent(html, SSN, ACCOUNT, ROUTING)
    assert "we never show a number you typed back on the page" in html


def test_case_and_spacing_of_the_typed_name_do_not_matter(client, alice):
    client.force_login(alice)
    assert client.post(EDIT, form_data(alice, certified_name="  alice   ADAMS ")).status_code == 302


def test_same_taxpayer_id_on_another_account_is_refused_and_staff_alerted(
    client, alice_record, bob, settings, django_capture_on_commit_callbacks
):
    client.force_login(bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EDIT, form_data(bob))
        client.post(EDIT, form_data(bob))  # a second try alerts no one twice
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["taxpayer_id"])
    # Nothing says that the number belongs to someone else.
    assert errors == "We could not accept this number; contact the career center."
    assert not ContractorRecord.objects.filter(student=bob).exists()
    secrets_absent(response.content.decode(), SSN)
    alert = OutboundEmail.objects.get(kind="payroll-duplicate-taxpayer-id")
    assert alert.recipient == settings.CAREER_CENTER_EMAIL
    assert bob.email in alert.body_text and alice_record.student.email in alert.body_text
    assert SSN_DIGITS not in alert.body_text + alert.body_html and SSN not in alert.body_text + alert.body_html
    assert SSN_DIGITS[-4:] not in alert.body_text
    assert [m.to for m in mail.outbox if "taxpayer id already" in m.subject] == [[settings.CAREER_CENTER_EMAIL]]


# Changes ----------------------------------------------------------------------------------


def test_update_without_new_numbers_keeps_them_and_needs_no_password(client, alice_record):
    client.force_login(alice_record.student)
    data = form_data(alice_record.student, taxpayer_id="", routing_number="", account_number="", city="Chicago")
    assert client.post(EDIT, data).status_code == 302
    record = ContractorRecord.objects.get()
    assert record.city == "Chicago" and record.tin == SSN_DIGITS and record.account_number == ACCOUNT
    assert record.revision == 2
    # No change of number or bank: no security email beyond the sign-up one.
    assert OutboundEmail.objects.filter(kind="payroll-updated").count() == 1


@pytest.mark.parametrize(
    "overrides",
    [
        {"taxpayer_id": "123-45-6789"},
        {"account_number": "11112222"},
        {"routing_number": "011000015", "account_number": "11112222"},
        {"payment_method": "check"},
        {"tin_type": "itin", "taxpayer_id": ITIN, "itin_issued_year": "2024"},
    ],
)
def test_changing_taxpayer_id_or_bank_needs_the_current_password(client, alice_record, password, overrides):
    student = alice_record.student
    client.force_login(student)
    data = form_data(student, **{"taxpayer_id": "", "routing_number": "", "account_number": "", **overrides})
    response = client.post(EDIT, data)
    assert response.status_code == 200
    assert "Enter your current password" in " ".join(response.context["form"].errors["current_password"])
    response = client.post(EDIT, {**data, "current_password": "wrong password"})
    assert "not your current password" in " ".join(response.context["form"].errors["current_password"])
    assert ContractorRecord.objects.get().revision == 1

    assert client.post(EDIT, {**data, "current_password": password}).status_code == 302
    record = ContractorRecord.objects.get()
    assert record.revision == 2
    email = OutboundEmail.objects.filter(kind="payroll-updated").order_by("-pk").first()
    assert email.subject == "Your payroll details were changed"
    secrets_absent(email.body_text + email.body_html, "123-45-6789", "11112222", ITIN)


def test_new_routing_number_needs_its_account_number(client, alice_record, password):
    client.force_login(alice_record.student)
    data = form_data(
        alice_record.student, taxpayer_id="", routing_number="011000015", account_number="", current_password=password
    )
    response = client.post(EDIT, data)
    assert "needs its account number" in " ".join(response.context["form"].errors["account_number"])


def test_wrong_passwords_are_limited(client, alice_record, password):
    client.force_login(alice_record.student)
    data = form_data(alice_record.student, taxpayer_id="123-45-6789", routing_number="", account_number="")
    for _ in range(5):
        client.post(EDIT, {**data, "current_password": "nope"})
    response = client.post(EDIT, {**data, "current_password": password})
    assert "Too many wrong passwords" in " ".join(response.context["form"].errors["current_password"])
    assert ContractorRecord.objects.get().tin == SSN_DIGITS


def test_changing_tin_type_requires_a_new_number(client, alice_record, password):
    client.force_login(alice_record.student)
    data = form_data(
        alice_record.student,
        tin_type="itin",
        taxpayer_id="",
        itin_issued_year="2024",
        routing_number="",
        account_number="",
        current_password=password,
    )
    response = client.post(EDIT, data)
    assert "Enter your SSN or ITIN" in " ".join(response.context["form"].errors["taxpayer_id"])


# State shown on the page ------------------------------------------------------------------


def test_expiring_itin_needs_attention_with_a_warning(client, alice):
    year = timezone.localdate().year
    save_record(alice, tin_type="itin", taxpayer_id=ITIN, itin_issued_year=year - 3, itin_last_used_year=year - 3)
    assert itin_status(alice) == ItinStatus.EXPIRING
    client.force_login(alice)
    html = client.get(HOME).content.decode()
    assert "Needs attention" in html
    assert f"expires on December 31, {year}" in html


def test_expired_itin_is_explained(client, alice):
    save_record(alice, tin_type="itin", taxpayer_id=ITIN, itin_issued_year=2010, itin_last_used_year=2020)
    assert itin_status(alice) == ItinStatus.EXPIRED
    client.force_login(alice)
    html = client.get(HOME).content.decode()
    assert "Needs attention" in html and "issued before 2013" in html and "irs.gov" in html


def test_itin_status_for_the_gate(alice, bob):
    assert itin_status(alice) == ItinStatus.NONE
    save_record(alice)
    assert itin_status(alice) == ItinStatus.NONE  # an SSN, no ITIN on file
    save_record(bob, tin_type="itin", taxpayer_id=ITIN, itin_issued_year=2020, itin_last_used_year=2022)
    assert itin_status(bob, today=date(2025, 12, 31)) == ItinStatus.EXPIRING
    assert itin_status(bob, today=date(2026, 1, 1)) == ItinStatus.EXPIRED
    assert itin_status(bob, today=date(2024, 6, 1)) == ItinStatus.VALID


# Nothing leaks into logs or error reports -------------------------------------------------


def test_failed_request_with_a_taxpayer_id_does_not_leak_it(alice, monkeypatch, settings):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("the database went away")

    settings.DEBUG = False  # production: the failure goes to the log and the admins' email
    monkeypatch.setattr(ContractorRecord, "save", broken_save)
    client = Client(raise_request_exception=False)
    client.force_login(alice)
    with captured_log() as log:
        response = client.post(EDIT, form_data(alice))
    assert response.status_code == 500

    assert [r.name for r in log.records if r.levelno >= logging.ERROR] == ["django.request"]
    assert "the database went away" in log.text
    assert "taxpayer_id" in log.text  # the parameter is listed, its value is not
    assert_no_secret(log, [SSN, ACCOUNT, ROUTING])
    secrets_absent(response.content.decode(), SSN, ACCOUNT, ROUTING)


def test_saving_and_refusing_details_logs_nothing_secret(client, alice, settings):
    """On a developer's machine (DEBUG) every query is logged with its parameters."""
    settings.DEBUG = True
    client.force_login(alice)
    with captured_log(debug=["django.db.backends"]) as log:
        client.post(EDIT, form_data(alice, zip_code="bad"))
        client.post(EDIT, form_data(alice))
    assert ContractorRecord.objects.filter(student=alice).exists()
    assert any(r.name == "django.db.backends" and "payroll_contractorrecord" in r.getMessage() for r in log.records)
    # The numbers go to the database encrypted. (The routing number, a bank's public number,
    # is stored as it is and so is in a query; pages and error reports never show it.)
    assert_no_secret(log, [SSN, ACCOUNT])


def test_the_log_check_fails_when_a_secret_is_logged(alice):
    with captured_log() as log:
        logging.getLogger("payroll").info("saving the number %s", SSN)
    with pytest.raises(AssertionError, match="secret reached the log through payroll"):
        assert_no_secret(log, [SSN])

    # A failed request whose view does not hide its POST: the report would carry the number.
    request = RequestFactory().post(EDIT, form_data(alice))
    with captured_log() as log:
        try:
            raise RuntimeError("boom")
        except RuntimeError:
            logging.getLogger("django.request").exception("Internal Server Error", extra={"request": request})
    with pytest.raises(AssertionError, match="secret reached the log through django.request"):
        assert_no_secret(log, [ACCOUNT])

    with captured_log() as log, pytest.raises(AssertionError, match="nothing was logged"):
        assert_no_secret(log, [SSN])


def test_exception_report_without_request_filter_would_show_values(alice):
    """The leak test above can fail: an unfiltered report shows POST values."""
    request = RequestFactory().post(EDIT, form_data(alice))
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        html = ExceptionReporter(request, *sys.exc_info()).get_traceback_html()
    assert SSN in html


def test_duplicate_saved_at_the_same_moment_is_refused_by_the_database(alice_record, bob, monkeypatch):
    """Two people saving the same number at once both pass the check; the constraint decides."""
    from payroll import services
    from payroll.forms import PayrollForm

    real = services.records_sharing_tin
    calls = []

    def check_passes_once(*args, **kwargs):
        calls.append(1)
        result = real(*args, **kwargs)
        return result.none() if len(calls) == 1 else result

    monkeypatch.setattr(services, "records_sharing_tin", check_passes_once)
    form = PayrollForm(form_data(bob), user=bob)
    assert form.is_valid()
    with pytest.raises(TransitionError, match="contact the career center"):
        services.contractor_save(student=bob, data=form.cleaned_data, by=bob)
    assert not ContractorRecord.objects.filter(student=bob).exists()

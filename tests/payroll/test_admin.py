import pytest
from django.urls import reverse

from payroll.models import ContractorRecord
from tests.signin import admin_login

from .conftest import ACCOUNT, ITIN, ROUTING, SSN, SSN_DIGITS, save_record

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:payroll_contractorrecord_changelist")


def change_url(record):
    return reverse("admin:payroll_contractorrecord_change", args=[record.pk])


def history_url(record):
    return reverse("admin:payroll_contractorrecord_history", args=[record.pk])


def no_full_number(html):
    for value in (SSN, SSN_DIGITS, ACCOUNT, ROUTING, ITIN, ITIN.replace("-", "")):
        assert value not in html


@pytest.fixture
def records(alice, bob):
    return save_record(alice), save_record(
        bob,
        tin_type="itin",
        taxpayer_id=ITIN,
        itin_issued_year=2010,
        itin_last_used_year=2020,
        account_number="555566667777",
    )


def test_staff_list_shows_name_type_last_four_completeness_and_itin_status(client, sid, records):
    admin_login(client, sid)
    html = client.get(CHANGELIST).content.decode()
    assert "Alice Adams" in html and "Bob Brown" in html
    assert "alice@example.edu" in html
    assert "••••• 6543" in html and "••••• 3456" in html
    assert "Expired" in html
    assert 'alt="True"' in html  # complete
    no_full_number(html)
    assert "555566667777" not in html


@pytest.mark.parametrize(("query", "found", "absent"), [("adams", "Alice", "Bob"), ("bob@example", "Bob", "Alice")])
def test_staff_search_by_name_and_email(client, sid, records, query, found, absent):
    admin_login(client, sid)
    html = client.get(CHANGELIST, {"q": query}).content.decode()
    assert f"{found} " in html and f">{absent} " not in html


def test_searching_by_a_number_finds_nothing(client, sid, records):
    admin_login(client, sid)
    response = client.get(CHANGELIST, {"q": SSN_DIGITS})
    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize(("value", "expected"), [("expired", ["Bob"]), ("valid", []), ("expiring", [])])
def test_itin_status_filter(client, sid, records, value, expected):
    admin_login(client, sid)
    response = client.get(CHANGELIST, {"itin": value})
    assert [r.legal_first_name for r in response.context["cl"].result_list] == expected


def test_shared_taxpayer_id_filter(client, sid, records, carol):
    alice_record, _ = records
    alice_record.student = None  # an old record of a deleted account, kept for tax
    alice_record.save()
    save_record(carol.__class__.objects.create_user("ann@example.edu", "x", first_name="Ann", last_name="Lee"))
    admin_login(client, sid)
    response = client.get(CHANGELIST, {"shared_tin": "yes"})
    assert sorted(r.legal_first_name for r in response.context["cl"].result_list) == ["Alice", "Ann"]


def test_change_form_shows_only_last_four_and_no_number_field(client, sid, records):
    alice_record, _ = records
    admin_login(client, sid)
    response = client.get(change_url(alice_record))
    assert response.status_code == 200
    html = response.content.decode()
    no_full_number(html)
    assert "••••• 6543" in html and "••••• 2109" in html and "••••• 0021" in html
    for name in ("tin", "tin_hash", "account_number", "routing_number"):
        assert f'name="{name}"' not in html
    assert 'name="legal_last_name"' in html


def test_staff_change_is_kept_in_history_without_numbers(client, sid, records):
    alice_record, _ = records
    admin_login(client, sid)
    data = {
        "legal_first_name": "Alicia",
        "legal_last_name": "Adams",
        "address_line1": "12 Elm Street",
        "address_line2": "",
        "city": "Springfield",
        "state": "IL",
        "zip_code": "62704",
        "itin_issued_year": "",
        "itin_last_used_year": "",
    }
    response = client.post(change_url(alice_record), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    alice_record.refresh_from_db()
    assert alice_record.legal_first_name == "Alicia" and alice_record.tin == SSN_DIGITS
    latest = alice_record.history.first()
    assert latest.history_user == sid and latest.history_type == "~"

    html = client.get(history_url(alice_record)).content.decode()
    assert "Alicia" in html and "sid@career.example.edu" in html
    no_full_number(html)
    version = alice_record.history.last()
    html = client.get(
        reverse("admin:payroll_contractorrecord_simple_history", args=[alice_record.pk, version.history_id])
    ).content.decode()
    no_full_number(html)


def test_staff_edit_is_validated(client, sid, records):
    alice_record, _ = records
    admin_login(client, sid)
    response = client.post(
        change_url(alice_record),
        {"legal_first_name": "A", "legal_last_name": "B", "address_line1": "x", "city": "y", "state": "IL",
         "zip_code": "nope", "itin_issued_year": "2020"},
    )  # fmt: skip
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "zip_code" in errors
    assert "Only an ITIN has these years" in errors["itin_issued_year"][0]
    assert ContractorRecord.objects.get(pk=alice_record.pk).legal_first_name == "Alice"


def test_staff_cannot_add_or_delete(client, sid, records):
    admin_login(client, sid)
    assert client.get(reverse("admin:payroll_contractorrecord_add")).status_code == 403
    assert client.get(reverse("admin:payroll_contractorrecord_delete", args=[records[0].pk])).status_code == 403


def test_people_outside_the_staff_group_cannot_open_the_admin(client, alice, carol, records):
    for person in (alice, carol):
        client.force_login(person)
        response = client.get(CHANGELIST)
        assert response.status_code == 302 and "login" in response.url


def test_history_cannot_be_reverted(client, sid, records):
    alice_record, _ = records
    admin_login(client, sid)
    version = alice_record.history.last()
    url = reverse("admin:payroll_contractorrecord_simple_history", args=[alice_record.pk, version.history_id])
    html = client.get(url).content.decode()
    assert "Revert" not in html
    response = client.post(url, {"legal_first_name": "Mallory", "legal_last_name": "X", "_change_history": "1"})
    assert response.status_code == 403
    assert ContractorRecord.objects.get(pk=alice_record.pk).legal_first_name == "Alice"

"""The files a run hands out: the NACHA file read back, the summary without secrets, the payment
files only for the permission and always recorded, and the 1099-NEC list at its edges."""

import hashlib
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from payroll.models import ContractorRecord, Payout, PayrollExport
from payroll.payouts import nacha, services
from payroll.payouts.tax import form_1099_rows, threshold_for
from payroll.validators import aba_checksum_ok
from tests.factories import StudentFactory
from tests.logs import assert_no_secret, captured_log
from tests.signin import admin_login

from .conftest import ACCOUNT, ITIN, SSN, SSN_DIGITS, save_record, verified_payout

ORIGINATOR = nacha.Originator(
    immediate_destination="123456780",
    immediate_destination_name="First Demo Bank",
    immediate_origin="1234567890",
    immediate_origin_name="Micro-Internships",
    company_name="Micro-Internships",
    company_id="1234567890",
    odfi="12345678",
)


def parse(text):
    """The file back into records, checking what a bank's parser checks."""
    assert text.endswith("\n")
    lines = text[:-1].split("\n")
    assert all(len(line) == 94 for line in lines), "every record is 94 characters"
    assert len(lines) % 10 == 0, "padded to blocks of ten"
    return lines


def entry(n, routing, cents, savings=False):
    return nacha.Entry(
        routing_number=routing,
        account_number=f"{n:011d}",
        savings=savings,
        amount_cents=cents,
        individual_id=f"PAYOUT{n}",
        individual_name=f"Student Número {n}",
    )


def test_a_nacha_file_parses_back_with_its_counts_hash_and_totals():
    routings = ["021000021", "011000015", "091000019", "123456780"]
    entries = [entry(i, routings[i % 4], 30000 + i) for i in range(13)]
    entries.append(entry(99, "021000021", 12345, savings=True))
    text = nacha.build(
        originator=ORIGINATOR,
        entries=entries,
        effective_date=date(2026, 12, 1),
        created_at=datetime(2026, 11, 27, 9, 30),
    )
    lines = parse(text)
    kinds = [line[0] for line in lines]
    assert kinds[:2] == ["1", "5"] and kinds[2:16] == ["6"] * 14 and kinds[16:18] == ["8", "9"]
    assert set(lines[18:]) == {"9" * 94}, "the rest is nines"
    header, batch, details, control, file_control = lines[0], lines[1], lines[2:16], lines[16], lines[17]

    assert header[1:3] == "01" and header[3:13] == " 123456780" and header[13:23] == "1234567890"
    assert header[23:33] == "2611270930" and header[34:37] == "094" and header[37:39] == "10"
    assert header[40:63].rstrip() == "FIRST DEMO BANK"
    assert batch[1:4] == "220" and batch[50:53] == "PPD" and batch[69:75] == "261201"
    assert batch[40:50] == "1234567890" and batch[79:87] == "12345678"

    for i, line in enumerate(details):
        routing = line[3:12]
        assert aba_checksum_ok(routing), "the receiving bank's routing number keeps its check digit"
        assert line[79:94] == f"12345678{i + 1:07d}", "trace numbers run in order"
    assert details[-1][1:3] == "32" and details[0][1:3] == "22"
    assert details[0][12:29] == "00000000000      " and details[0][54:76] == "STUDENT NUMERO 0      "

    expected_hash = sum(int(e.routing_number[:8]) for e in entries) % 10**10
    total = sum(int(line[29:39]) for line in details)
    assert total == sum(e.amount_cents for e in entries)
    assert control[4:10] == "000014" and int(control[10:20]) == expected_hash
    assert int(control[20:32]) == 0 and int(control[32:44]) == total
    assert file_control[1:7] == "000001" and file_control[7:13] == "000002", "one batch, two blocks"
    assert int(file_control[13:21]) == 14 and int(file_control[21:31]) == expected_hash
    assert int(file_control[31:43]) == 0 and int(file_control[43:55]) == total


def test_the_entry_hash_keeps_the_last_ten_digits():
    entries = [entry(i, "991000014", 1) for i in range(200)]
    assert nacha.entry_hash(entries) == (99100001 * 200) % 10**10
    lines = parse(
        nacha.build(
            originator=ORIGINATOR, entries=entries, effective_date=date(2026, 1, 2), created_at=datetime(2026, 1, 1)
        )
    )
    assert len(lines) == 210, "204 records fill 21 blocks"
    assert lines[203][:7] == "9000001" and lines[203][7:13] == "000021" and set(lines[204:]) == {"9" * 94}


def test_a_file_exactly_ten_records_long_has_no_padding():
    lines = parse(
        nacha.build(
            originator=ORIGINATOR,
            entries=[entry(i, "021000021", 100) for i in range(6)],
            effective_date=date(2026, 1, 2),
            created_at=datetime(2026, 1, 1),
        )
    )
    assert len(lines) == 10 and lines[-1][0] == "9" and lines[-1][1:7] == "000001"


def test_an_amount_too_large_for_its_field_is_refused():
    with pytest.raises(ValueError, match="does not fit"):
        nacha.build(
            originator=ORIGINATOR,
            entries=[entry(1, "021000021", 10**10)],
            effective_date=date(2026, 1, 2),
            created_at=datetime(2026, 1, 1),
        )


# Through the admin: permission, record, no cache, no secret where there should be none.


@pytest.fixture
def exported_run(alice, sid):
    save_record(alice)
    payout = services.payout_approve(payout=verified_payout(alice), by=sid)
    return services.run_create(by=sid), payout


def export_url(run, kind):
    return reverse("admin:payroll_payrollrun_export", args=[run.pk, kind])


def grant(user):
    user.user_permissions.add(Permission.objects.get(codename="export_payment_files"))


def test_the_summary_holds_no_secret(client, sid, exported_run):
    run, payout = exported_run
    admin_login(client, sid)
    response = client.post(export_url(run, "summary"))
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    text = response.content.decode()
    assert f"{payout.pk},Alice Adams," in text and ",300.00,Direct deposit,In a payroll run," in text
    for secret in (SSN, SSN_DIGITS, ACCOUNT, SSN_DIGITS[-4:], ACCOUNT[-4:], "021000021"):
        assert secret not in text
    assert PayrollExport.objects.get().kind == "summary"


def test_the_payment_file_is_refused_without_the_permission(client, sid, exported_run):
    run, _ = exported_run
    admin_login(client, sid)
    for kind in ("nacha", "checks"):
        assert client.post(export_url(run, kind)).status_code == 403
    assert client.get(export_url(run, "summary")).status_code == 405, "a file is never a GET"
    assert "Export direct deposits" not in client.get(reverse("admin:payroll_payrollrun_change", args=[run.pk])).text
    assert not PayrollExport.objects.exists()
    run.refresh_from_db()
    assert run.status == "open"


def test_the_payment_file_is_recorded_and_never_cached(client, sid, exported_run, tmp_path, settings):
    run, payout = exported_run
    grant(sid)
    admin_login(client, sid)
    assert "Export direct deposits" in client.get(reverse("admin:payroll_payrollrun_change", args=[run.pk])).text
    with captured_log(debug=["django.db.backends"]) as log:
        settings.DEBUG = True
        response = client.post(export_url(run, "nacha"))
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["Content-Disposition"] == f'attachment; filename="payroll-run-{run.pk}-ach.txt"'
    lines = parse(response.content.decode())
    assert ACCOUNT in lines[2], "the bank needs the full account number"
    record = PayrollExport.objects.get()
    assert (record.kind, record.run, record.by, record.rows) == ("nacha", run, sid, 1)
    assert record.sha256 == hashlib.sha256(response.content).hexdigest()
    assert_no_secret(log, [SSN, ACCOUNT])
    run.refresh_from_db()
    assert run.status == "exported" and run.exported_at


# The 1099-NEC list.


def test_thresholds_by_year(settings):
    assert threshold_for(2024) == Decimal("600") and threshold_for(2025) == Decimal("600")
    assert threshold_for(2026) == Decimal("2000") and threshold_for(2027) == Decimal("2000")
    settings.FORM_1099_NEC_THRESHOLDS = {0: "600", 2026: "2000", 2027: "2100"}
    assert threshold_for(2027) == Decimal("2100")


def paid(student, amount, on):
    payout = verified_payout(student, fee=amount)
    Payout.objects.filter(pk=payout.pk).update(
        status=Payout.Status.PAID, paid_on=on, contractor=ContractorRecord.objects.get(student=student)
    )
    return payout


@pytest.mark.parametrize(
    ("amounts", "reportable"),
    [(["1999.99"], False), (["2000.00"], True), (["2000.01"], True), (["1000.00", "999.99"], False)],
)
def test_the_2026_list_at_the_threshold_edges(alice, amounts, reportable):
    save_record(alice)
    for amount in amounts:
        paid(alice, amount, date(2026, 6, 1))
    rows = form_1099_rows(2026)
    assert [row.reportable for row in rows] == [reportable]


def test_payments_across_new_years_eve_count_in_the_year_paid(alice):
    save_record(alice)
    paid(alice, "600.00", date(2025, 12, 31))
    paid(alice, "1999.99", date(2026, 1, 1))
    paid(alice, "0.01", date(2027, 1, 1))
    (row_2025,) = form_1099_rows(2025)
    (row_2026,) = form_1099_rows(2026)
    assert (row_2025.total, row_2025.reportable) == (Decimal("600.00"), True), "$600 before 2026"
    assert (row_2026.total, row_2026.reportable) == (Decimal("1999.99"), False), "$2,000 in 2026"


def test_the_1099_admin_list_masks_and_the_filing_export_is_recorded(client, sid, alice, bob):
    save_record(alice)
    save_record(bob, tin_type="itin", taxpayer_id=ITIN, itin_issued_year="2016", itin_last_used_year="2022")
    paid(alice, "2500.00", date(2026, 3, 1))
    paid(bob, "100.00", date(2026, 3, 1))  # ITIN expired at the end of 2025
    admin_login(client, sid)
    page = client.get(reverse("admin:payroll_form_1099"), {"year": 2026}).text
    assert "Alice Adams" in page and "••••• 6543" in page and "12 Elm Street, Springfield, IL 62704" in page
    assert SSN_DIGITS not in page and SSN not in page
    assert "ITIN expired when paid" in page and "Bob" in page
    assert "Export the filing file" not in page
    export = reverse("admin:payroll_form_1099_export", args=[2026])
    assert client.post(export).status_code == 403
    grant(sid)
    response = client.post(export)
    assert response.status_code == 200 and "no-cache" in response["Cache-Control"]
    text = response.content.decode()
    assert f"2026,Alice Adams,SSN,{SSN_DIGITS}," in text and "2500.00" in text
    assert "Bob" not in text, "below the threshold: not filed"
    record = PayrollExport.objects.get()
    assert (record.kind, record.tax_year, record.by) == ("form1099", 2026, sid)
    assert record.sha256 == hashlib.sha256(response.content).hexdigest()


def test_a_contractor_without_a_taxpayer_id_is_flagged(alice):
    record = save_record(alice)
    ContractorRecord.objects.filter(pk=record.pk).update(tin_last4="")
    paid(alice, "10.00", date(2026, 2, 2))
    (row,) = form_1099_rows(2026)
    assert row.flagged == "no taxpayer id" and not row.reportable


# Admin lists run a fixed number of queries.


def test_admin_lists_run_a_fixed_number_of_queries(client, sid, django_assert_max_num_queries):
    def listing(url):
        with django_assert_max_num_queries(40) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    admin_login(client, sid)
    urls = [reverse("admin:payroll_payout_changelist"), reverse("admin:payroll_payrollrun_changelist")]
    students = [StudentFactory() for _ in range(3)]
    for student in students:
        save_record(student, taxpayer_id=f"219-87-65{students.index(student) + 10}")
        services.payout_approve(payout=verified_payout(student), by=sid)
    services.run_create(by=sid)
    few = [listing(url) for url in urls]
    more = [StudentFactory() for _ in range(4)]
    for i, student in enumerate(more):
        save_record(student, taxpayer_id=f"219-87-65{i + 20}")
        services.payout_approve(payout=verified_payout(student), by=sid)
    services.run_create(by=sid)
    assert [listing(url) for url in urls] == few


@pytest.mark.django_db(transaction=True)
def test_an_export_with_the_broker_down_is_saved_and_the_sweep_tells_the_students_once(alice, sid):
    from datetime import timedelta

    from django.utils import timezone

    from portal.models import OutboundEmail

    save_record(alice)
    payout = services.payout_approve(payout=verified_payout(alice), by=sid)
    grant(sid)
    sid = type(sid).objects.get(pk=sid.pk)
    run = services.run_create(by=sid)
    from portal.celery import app as celery_app
    from tests.portal.test_faults import CLOSED_PORT, _reset_broker_pools

    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=CLOSED_PORT, task_always_eager=False)
    _reset_broker_pools()
    try:
        services.run_export_nacha(run=run, by=sid)  # a real commit; the job cannot be queued
    finally:
        celery_app.conf.update(saved)
        _reset_broker_pools()
    run.refresh_from_db()
    assert run.status == "exported"
    on_its_way = OutboundEmail.objects.filter(kind="payout-on-its-way")
    assert not on_its_way.exists()
    later = timezone.now() + timedelta(minutes=11)
    assert services.payouts_on_their_way_sweep(now=later) == 1
    assert services.payouts_on_their_way_sweep(now=later) == 0
    assert list(on_its_way.values_list("recipient", flat=True)) == [alice.email]
    payout.refresh_from_db()
    assert payout.status == "in_run"

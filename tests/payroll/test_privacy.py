import json

import pytest
from django.db import connection

from payroll import privacy
from payroll.models import ContractorRecord

from .conftest import ACCOUNT, ROUTING, SSN, SSN_DIGITS

pytestmark = pytest.mark.django_db


def test_export_shows_only_last_four(alice_record, alice):
    data = privacy.export(alice)
    dumped = json.dumps(data)
    assert data["payroll"]["taxpayer_id_last4"] == "6543"
    assert data["payroll"]["account_number_last4"] == "2109"
    assert data["payroll"]["legal_last_name"] == "Adams"
    for value in (SSN, SSN_DIGITS, ACCOUNT, ROUTING):
        assert value not in dumped


def test_export_of_someone_without_a_record(bob):
    assert privacy.export(bob) == {"payroll": None}


def test_erase_detaches_the_record_and_keeps_what_tax_reporting_needs(alice_record, alice):
    privacy.erase(alice)
    record = ContractorRecord.objects.get(pk=alice_record.pk)
    assert record.student is None and record.detached_at is not None
    assert record.tin == SSN_DIGITS and record.legal_name == "Alice Adams" and record.certified_at
    assert record.account_number == "" and record.routing_number == "" and record.certified_ip is None
    assert privacy.export(alice) == {"payroll": None}
    with connection.cursor() as cursor:
        cursor.execute("SELECT student_id, routing_number, account_last4 FROM payroll_historicalcontractorrecord")
        assert set(cursor.fetchall()) == {(None, "", "")}

    alice.delete()
    assert ContractorRecord.objects.filter(pk=alice_record.pk).exists()


def test_deleting_the_account_directly_still_keeps_the_record(alice_record, alice):
    alice.delete()
    assert ContractorRecord.objects.get(pk=alice_record.pk).student is None


def test_erase_without_a_record_does_nothing(bob):
    privacy.erase(bob)
    assert not ContractorRecord.objects.exists()

import json

import pytest
from cryptography.fernet import Fernet
from django.core import serializers
from django.core.exceptions import FieldError
from django.db import connection

from payroll import crypto
from payroll.models import ContractorRecord

from .conftest import ACCOUNT, SSN_DIGITS, save_record

pytestmark = pytest.mark.django_db


def raw_row(table, pk, columns):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()


def test_database_holds_neither_number_nor_its_digits_in_clear(alice_record):
    row = raw_row("payroll_contractorrecord", alice_record.pk, ["tin", "account_number", "tin_hash", "tin_last4"])
    tin, account, tin_hash, last4 = row
    whole_row = " ".join(str(v) for v in row)
    assert SSN_DIGITS not in whole_row and "219-87-6543" not in whole_row and "21987" not in whole_row
    assert ACCOUNT not in whole_row and ACCOUNT[:-4] not in whole_row
    assert tin.startswith(crypto.TOKEN_PREFIX) and account.startswith(crypto.TOKEN_PREFIX)
    assert last4 == "6543"
    # The model reads the clear value back.
    record = ContractorRecord.objects.get(pk=alice_record.pk)
    assert record.tin == SSN_DIGITS and record.account_number == ACCOUNT


def test_same_value_encrypts_differently_each_time():
    assert crypto.encrypt(SSN_DIGITS) != crypto.encrypt(SSN_DIGITS)


def test_history_table_holds_no_number(alice_record):
    columns = [f.column for f in ContractorRecord.history.model._meta.concrete_fields]
    assert "tin" not in columns and "account_number" not in columns and "tin_hash" not in columns
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM payroll_historicalcontractorrecord")
        rows = " ".join(str(v) for row in cursor.fetchall() for v in row)
    assert rows and SSN_DIGITS not in rows and ACCOUNT not in rows


def test_wrong_key_raises_instead_of_returning_ciphertext(alice_record, settings):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(crypto.UndecryptableValue) as info:
        ContractorRecord.objects.get(pk=alice_record.pk)
    assert crypto.TOKEN_PREFIX not in str(info.value)


def test_tampered_value_raises(alice_record):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE payroll_contractorrecord SET tin = %s WHERE id = %s", ["not-a-token", alice_record.pk])
    with pytest.raises(crypto.UndecryptableValue):
        ContractorRecord.objects.get(pk=alice_record.pk)


def test_encrypted_column_cannot_be_searched():
    with pytest.raises(FieldError):
        list(ContractorRecord.objects.filter(tin=SSN_DIGITS))
    with pytest.raises(FieldError):
        list(ContractorRecord.objects.filter(tin__contains="6543"))
    assert list(ContractorRecord.objects.filter(tin__isnull=True)) == []


def test_keyed_hash_finds_the_same_taxpayer_id(alice_record, bob):
    from payroll.selectors import records_sharing_tin

    assert alice_record.tin_hash == crypto.blind_index(SSN_DIGITS)
    assert alice_record.tin_hash not in (SSN_DIGITS, crypto.blind_index("219876544"))
    assert list(records_sharing_tin(SSN_DIGITS)) == [alice_record]
    assert list(records_sharing_tin(SSN_DIGITS, exclude=alice_record)) == []


def test_hash_key_depends_on_encryption_key(settings):
    first = crypto.blind_index(SSN_DIGITS)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert crypto.blind_index(SSN_DIGITS) != first


def test_serialization_writes_ciphertext_and_loads_back(alice_record):
    dumped = serializers.serialize("json", ContractorRecord.objects.all())
    assert SSN_DIGITS not in dumped and ACCOUNT not in dumped
    fields = json.loads(dumped)[0]["fields"]
    assert fields["tin"].startswith(crypto.TOKEN_PREFIX)
    ContractorRecord.objects.all().delete()
    for obj in serializers.deserialize("json", dumped):
        obj.save()
    assert ContractorRecord.objects.get().tin == SSN_DIGITS


def test_missing_keys_is_a_configuration_error(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("1")
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("1")


def test_record_created_for_bob_is_independent(alice_record, bob):
    bob_record = save_record(bob, taxpayer_id="123-45-6789", account_number="5555")
    assert bob_record.tin_hash != alice_record.tin_hash


def test_last_four_and_hash_always_follow_the_number(alice_record):
    alice_record.tin = "123456789"
    alice_record.save(update_fields=["tin"])
    alice_record.refresh_from_db()
    assert alice_record.tin_last4 == "6789" and alice_record.tin_hash == crypto.blind_index("123456789")


def test_database_refuses_one_taxpayer_id_on_two_people(alice_record, bob):
    from django.db import IntegrityError, transaction

    other = ContractorRecord(
        student=bob, legal_first_name="B", legal_last_name="B", tin_type="ssn", payment_method="check"
    )
    other.set_tin(SSN_DIGITS)
    with pytest.raises(IntegrityError), transaction.atomic():
        other.save()
    other.student = None  # a detached record (deleted account) may share it
    other.save()

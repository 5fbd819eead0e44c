import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command
from django.db import connection

from payroll import crypto
from payroll.models import ContractorRecord

from .conftest import ACCOUNT, SSN_DIGITS, save_record

pytestmark = pytest.mark.django_db


def tokens():
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, tin, account_number, tin_hash FROM payroll_contractorrecord ORDER BY id")
        return cursor.fetchall()


def test_rotation_moves_every_row_to_the_new_key_and_the_old_key_can_go(settings, alice, bob):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    save_record(alice)
    save_record(bob, taxpayer_id="123-45-6789", payment_method="check", routing_number="", account_number="")
    history_before = ContractorRecord.history.count()
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]

    before = tokens()
    out = io.StringIO()
    call_command("rotate_encryption_keys", "--batch-size", "1", stdout=out)
    after = tokens()

    assert "2 row(s)" in out.getvalue()
    assert SSN_DIGITS not in out.getvalue()
    for (_, old_tin, _, old_hash), (_, tin, account, tin_hash) in zip(before, after, strict=True):
        assert tin != old_tin and tin_hash != old_hash
        Fernet(new_key).decrypt(tin.encode())
        with pytest.raises(InvalidToken):
            Fernet(old_key).decrypt(tin.encode())
        if account:
            Fernet(new_key).decrypt(account.encode())
    # Rotation is not a change of the record: no history row.
    assert ContractorRecord.history.count() == history_before

    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    alice_record = ContractorRecord.objects.get(student=alice)
    assert alice_record.tin == SSN_DIGITS and alice_record.account_number == ACCOUNT
    assert alice_record.tin_hash == crypto.blind_index(SSN_DIGITS)
    assert ContractorRecord.objects.get(student=bob).account_number == ""


def test_records_not_yet_rotated_are_still_found_by_hash(settings, alice_record):
    from payroll.selectors import records_sharing_tin

    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), settings.FIELD_ENCRYPTION_KEYS[0]]
    assert list(records_sharing_tin(SSN_DIGITS)) == [alice_record]


def test_rotation_twice_is_harmless(settings, alice_record):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.FIELD_ENCRYPTION_KEYS]
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    assert ContractorRecord.objects.get().tin == SSN_DIGITS


def test_rotation_stops_on_a_value_no_key_decrypts(settings, alice_record):
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError, match="cannot be decrypted") as info:
        call_command("rotate_encryption_keys", stdout=io.StringIO())
    assert crypto.TOKEN_PREFIX not in str(info.value)

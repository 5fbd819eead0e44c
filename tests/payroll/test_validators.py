from datetime import date

import pytest
from django.core.exceptions import ValidationError

from payroll.models import ItinStatus, itin_status_on
from payroll.validators import (
    aba_checksum_ok,
    itin_expiry,
    normalize_account_number,
    normalize_tin,
    validate_itin,
    validate_routing_number,
    validate_ssn,
)


@pytest.mark.parametrize("value", ["123-45-6789", "123456789", "123 45 6789", " 001-01-0001 ", "899-99-9999"])
def test_tin_formats_accepted(value):
    assert len(normalize_tin(value)) == 9


@pytest.mark.parametrize("value", ["", "12345678", "1234567890", "abc-de-fghi", "123-456-789", "123--45-6789"])
def test_tin_formats_refused(value):
    with pytest.raises(ValidationError) as info:
        normalize_tin(value)
    assert info.value.code == "tin_format"


@pytest.mark.parametrize("digits", ["123456789", "001010001", "665123456", "667123456", "899999999", "772010001"])
def test_ssn_good(digits):
    validate_ssn(digits)


@pytest.mark.parametrize(
    ("digits", "code"),
    [
        ("000123456", "ssn_area"),
        ("666123456", "ssn_area"),
        ("900123456", "ssn_area_9"),
        ("950123456", "ssn_area_9"),
        ("999123456", "ssn_area_9"),
        ("123004567", "ssn_group"),
        ("123450000", "ssn_serial"),
    ],
)
def test_ssn_numbers_never_issued(digits, code):
    with pytest.raises(ValidationError) as info:
        validate_ssn(digits)
    assert info.value.code == code
    assert digits not in str(info.value)


@pytest.mark.parametrize("middle", ["50", "57", "65", "70", "78", "88", "90", "92", "94", "99"])
def test_itin_middle_digits_in_irs_ranges(middle):
    validate_itin(f"912{middle}3456")


@pytest.mark.parametrize("middle", ["00", "49", "66", "69", "89", "93"])
def test_itin_middle_digits_outside_irs_ranges(middle):
    with pytest.raises(ValidationError) as info:
        validate_itin(f"912{middle}3456")
    assert info.value.code == "itin_group"


@pytest.mark.parametrize("digits", ["812703456", "012703456"])
def test_itin_starts_with_nine(digits):
    with pytest.raises(ValidationError) as info:
        validate_itin(digits)
    assert info.value.code == "itin_prefix"


@pytest.mark.parametrize("routing", ["021000021", "011000015", "026009593", "123456780", "322271627"])
def test_aba_checksum_good(routing):
    assert aba_checksum_ok(routing)
    validate_routing_number(routing)


@pytest.mark.parametrize("routing", ["021000022", "011000016", "123456789", "026009539"])
def test_aba_checksum_bad(routing):
    assert not aba_checksum_ok(routing)
    with pytest.raises(ValidationError) as info:
        validate_routing_number(routing)
    assert info.value.code == "routing_checksum"


@pytest.mark.parametrize(
    ("routing", "code"),
    [
        ("12345678", "routing_format"),
        ("1234567890", "routing_format"),
        ("02100002a", "routing_format"),
        ("000000000", "routing_prefix"),
        ("130000006", "routing_prefix"),
        ("800000008", "routing_prefix"),
    ],
)
def test_routing_format_and_prefix(routing, code):
    with pytest.raises(ValidationError) as info:
        validate_routing_number(routing)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("value", "digits"), [("1234", "1234"), ("0001 2345 678", "00012345678"), ("9" * 17, "9" * 17)]
)
def test_account_numbers_accepted(value, digits):
    assert normalize_account_number(value) == digits


@pytest.mark.parametrize("value", ["123", "9" * 18, "12ab5678", "0000000"])
def test_account_numbers_refused(value):
    with pytest.raises(ValidationError):
        normalize_account_number(value)


@pytest.mark.parametrize(
    ("issued", "last_used", "expires"),
    [
        (2013, None, date(2016, 12, 31)),
        (2015, 2014, date(2018, 12, 31)),
        (2015, 2021, date(2024, 12, 31)),
        (2022, 2025, date(2028, 12, 31)),
        (2012, 2024, None),
        (1999, None, None),
    ],
)
def test_itin_expiry_date(issued, last_used, expires):
    assert itin_expiry(issued_year=issued, last_used_year=last_used) == expires


@pytest.mark.parametrize(
    ("issued", "last_used", "today", "status"),
    [
        # Three-year rule across a year boundary: last used for tax year 2022.
        (2020, 2022, date(2024, 12, 31), ItinStatus.VALID),
        (2020, 2022, date(2025, 1, 1), ItinStatus.EXPIRING),
        (2020, 2022, date(2025, 12, 31), ItinStatus.EXPIRING),
        (2020, 2022, date(2026, 1, 1), ItinStatus.EXPIRED),
        # Never used: the issue (or renewal) year counts.
        (2021, None, date(2023, 6, 1), ItinStatus.VALID),
        (2021, None, date(2024, 6, 1), ItinStatus.EXPIRING),
        (2021, None, date(2025, 1, 1), ItinStatus.EXPIRED),
        # Renewal restarts the clock even if it was last used earlier.
        (2024, 2019, date(2026, 6, 1), ItinStatus.VALID),
        # Issued before 2013 and not renewed: expired however recently used.
        (2012, 2025, date(2026, 1, 15), ItinStatus.EXPIRED),
        (2008, None, date(2026, 1, 15), ItinStatus.EXPIRED),
        # Issued in 2013 is under the new rules.
        (2013, 2024, date(2026, 1, 15), ItinStatus.VALID),
        (None, None, date(2026, 1, 15), ItinStatus.NONE),
    ],
)
def test_itin_status(issued, last_used, today, status):
    assert itin_status_on(issued_year=issued, last_used_year=last_used, today=today) == status

"""The rules a payroll record's numbers and dates must follow.

Messages never repeat the value that was typed: a taxpayer id or account number must not come
back in a page, a log line or an error report.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.views.decorators.debug import sensitive_variables

# The first tax year an ITIN can have been issued for (the IRS began issuing them in 1996), and
# the year from which ITINs are issued for a limited life: those issued before it expired unless
# renewed.
ITIN_FIRST_YEAR = 1996
ITIN_UNRENEWED_CUTOFF_YEAR = 2013
# Not used on a federal return for this many consecutive tax years: expired on December 31 of
# the last of them.
ITIN_UNUSED_YEARS = 3

_NINE_DIGITS = re.compile(r"^\d{3}[- ]?\d{2}[- ]?\d{4}$")
_ITIN_GROUPS = [(50, 65), (70, 88), (90, 92), (94, 99)]


ZIP_MESSAGE = "Enter a ZIP code of five digits, or ZIP+4 such as 02139-4307."


def validate_zip_code(value):
    if not re.fullmatch(r"\d{5}(-\d{4})?", value or ""):
        raise ValidationError(ZIP_MESSAGE, code="zip")


@sensitive_variables()
def normalize_tin(value):
    """Nine digits, written with or without dashes or spaces as 123-45-6789; else ValidationError."""
    value = (value or "").strip()
    if not _NINE_DIGITS.match(value):
        raise ValidationError("Enter nine digits (dashes are optional).", code="tin_format")
    return re.sub(r"\D", "", value)


@sensitive_variables()
def validate_ssn(digits):
    """The numbers the Social Security Administration never issues."""
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    if area.startswith("9"):
        raise ValidationError(
            "A Social Security number never starts with 9. If this is an ITIN, choose ITIN as the type.",
            code="ssn_area_9",
        )
    if area in ("000", "666"):
        raise ValidationError("This is not a Social Security number: none starts with 000 or 666.", code="ssn_area")
    if group == "00":
        raise ValidationError(
            "This is not a Social Security number: the middle two digits are never 00.", code="ssn_group"
        )
    if serial == "0000":
        raise ValidationError(
            "This is not a Social Security number: the last four digits are never 0000.", code="ssn_serial"
        )


@sensitive_variables()
def validate_itin(digits):
    """An ITIN starts with 9 and its 4th and 5th digits are in the ranges the IRS uses."""
    if not digits.startswith("9"):
        raise ValidationError(
            "An ITIN always starts with 9. If this is a Social Security number, choose SSN as the type.",
            code="itin_prefix",
        )
    middle = int(digits[3:5])
    if not any(low <= middle <= high for low, high in _ITIN_GROUPS):
        raise ValidationError(
            "This is not an ITIN: its 4th and 5th digits must be 50-65, 70-88, 90-92 or 94-99.",
            code="itin_group",
        )


def aba_checksum_ok(routing):
    """The ABA routing number checksum: 3, 7, 1 weights over the nine digits, a multiple of 10."""
    d = [int(c) for c in routing]
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 == 0


def validate_routing_number(value):
    if not re.fullmatch(r"\d{9}", value or ""):
        raise ValidationError("A routing number is exactly nine digits.", code="routing_format")
    prefix = int(value[:2])
    if not (1 <= prefix <= 12 or 21 <= prefix <= 32 or 61 <= prefix <= 72):
        raise ValidationError(
            "This is not a bank routing number for direct deposit: check the first two digits.",
            code="routing_prefix",
        )
    if not aba_checksum_ok(value):
        raise ValidationError(
            "This routing number fails the bank check digit: please check it against a cheque or your bank.",
            code="routing_checksum",
        )


@sensitive_variables()
def normalize_account_number(value):
    digits = re.sub(r"[\s-]", "", value or "")
    if not re.fullmatch(r"\d{4,17}", digits):
        raise ValidationError("An account number is 4 to 17 digits.", code="account_format")
    if set(digits) == {"0"}:
        raise ValidationError("An account number cannot be all zeros.", code="account_zeros")
    return digits


def itin_expiry(*, issued_year, last_used_year):
    """The day an ITIN expires (or expired): if last used on a federal return for tax year Y, or
    issued or renewed in Y (the later of the two), December 31 of Y + 3.

    None for an ITIN issued before 2013 and not renewed since: those expired on a schedule that
    ended in 2020, whatever their use, so they have no date of their own here.
    """
    if issued_year is None or issued_year < ITIN_UNRENEWED_CUTOFF_YEAR:
        return None
    base = max(issued_year, last_used_year or issued_year)
    return date(base + ITIN_UNUSED_YEARS, 12, 31)

"""A NACHA (ACH) file of PPD credits: direct deposits to students' bank accounts.

Written here because no maintained Python library writes them. The layout is the NACHA
Operating Rules' fixed-width format: every record is 94 characters; a file header (1), one
batch header (5), an entry detail (6) per payment, the batch control (8), the file control (9),
then lines of nines up to a multiple of ten records (a "block"). The entry hash is the sum of
the first eight digits of every receiving bank's routing number, keeping the last ten digits.
Credits only (service class 220): the originating bank makes the offsetting debit.

The text is built in memory and returned; it is never written to disk.
"""

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from django.views.decorators.debug import sensitive_variables

RECORD_LENGTH = 94
BLOCKING_FACTOR = 10
CREDITS_ONLY = "220"
CHECKING_CREDIT, SAVINGS_CREDIT = "22", "32"


@dataclass(frozen=True)
class Originator:
    immediate_destination: str  # the receiving point's routing number, 9 digits
    immediate_destination_name: str
    immediate_origin: str  # 10 characters, usually "1" and the company's EIN
    immediate_origin_name: str
    company_name: str
    company_id: str  # 10 characters
    odfi: str  # the originating bank's routing number, first 8 digits
    entry_description: str = "PAYROLL"

    @classmethod
    def from_settings(cls):
        from django.conf import settings

        return cls(
            immediate_destination=settings.NACHA_IMMEDIATE_DESTINATION,
            immediate_destination_name=settings.NACHA_IMMEDIATE_DESTINATION_NAME,
            immediate_origin=settings.NACHA_IMMEDIATE_ORIGIN,
            immediate_origin_name=settings.NACHA_IMMEDIATE_ORIGIN_NAME,
            company_name=settings.NACHA_COMPANY_NAME,
            company_id=settings.NACHA_COMPANY_ID,
            odfi=settings.NACHA_ODFI,
            entry_description=settings.NACHA_ENTRY_DESCRIPTION,
        )


@dataclass(frozen=True)
class Entry:
    routing_number: str  # 9 digits, ABA check digit included
    account_number: str
    savings: bool
    amount_cents: int
    individual_id: str  # our reference: the payout's number
    individual_name: str


def alpha(value, width):
    """Upper-case ASCII, left-justified, space-filled, cut to ``width`` (accents dropped)."""
    text = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode("ascii")
    text = "".join(c if 32 <= ord(c) < 127 else " " for c in text).upper()
    return text[:width].ljust(width)


def numeric(value, width):
    """Digits, right-justified, zero-filled; refuses what does not fit."""
    text = str(int(value))
    if len(text) > width or int(value) < 0:
        raise ValueError(f"{value!r} does not fit in {width} digits")
    return text.zfill(width)


def _check(record):
    if len(record) != RECORD_LENGTH:
        raise ValueError(f"record of {len(record)} characters, not {RECORD_LENGTH}: type {record[:1]}")
    return record


def entry_hash(entries):
    return sum(int(e.routing_number[:8]) for e in entries) % 10**10


@sensitive_variables()  # an error report must not show the account numbers
def build(*, originator, entries, effective_date: date, created_at: datetime, file_id_modifier="A", batch_number=1):
    """The file's text (lines joined by newlines, ending with one)."""
    o = originator
    if not entries:
        raise ValueError("a NACHA file needs at least one entry")
    records = [
        _check(
            "1"
            + "01"
            + " "
            + numeric(o.immediate_destination, 9)
            + alpha(o.immediate_origin, 10)
            + created_at.strftime("%y%m%d%H%M")
            + alpha(file_id_modifier, 1)
            + "094"
            + "10"
            + "1"
            + alpha(o.immediate_destination_name, 23)
            + alpha(o.immediate_origin_name, 23)
            + alpha("", 8)
        ),
        _check(
            "5"
            + CREDITS_ONLY
            + alpha(o.company_name, 16)
            + alpha("", 20)
            + alpha(o.company_id, 10)
            + "PPD"
            + alpha(o.entry_description, 10)
            + effective_date.strftime("%y%m%d")
            + effective_date.strftime("%y%m%d")
            + "   "
            + "1"
            + numeric(o.odfi, 8)
            + numeric(batch_number, 7)
        ),
    ]
    total = 0
    for sequence, e in enumerate(entries, start=1):
        total += e.amount_cents
        records.append(
            _check(
                "6"
                + (SAVINGS_CREDIT if e.savings else CHECKING_CREDIT)
                + numeric(e.routing_number[:8], 8)
                + numeric(e.routing_number[8], 1)
                + alpha(e.account_number, 17)
                + numeric(e.amount_cents, 10)
                + alpha(e.individual_id, 15)
                + alpha(e.individual_name, 22)
                + "  "
                + "0"
                + numeric(o.odfi, 8)
                + numeric(sequence, 7)
            )
        )
    count, hashed = len(entries), entry_hash(entries)
    records.append(
        _check(
            "8"
            + CREDITS_ONLY
            + numeric(count, 6)
            + numeric(hashed, 10)
            + numeric(0, 12)
            + numeric(total, 12)
            + alpha(o.company_id, 10)
            + alpha("", 19)
            + alpha("", 6)
            + numeric(o.odfi, 8)
            + numeric(batch_number, 7)
        )
    )
    lines_with_control = len(records) + 1
    blocks = -(-lines_with_control // BLOCKING_FACTOR)
    records.append(
        _check(
            "9"
            + numeric(1, 6)
            + numeric(blocks, 6)
            + numeric(count, 8)
            + numeric(hashed, 10)
            + numeric(0, 12)
            + numeric(total, 12)
            + alpha("", 39)
        )
    )
    records += ["9" * RECORD_LENGTH] * (blocks * BLOCKING_FACTOR - len(records))
    return "\n".join(records) + "\n"

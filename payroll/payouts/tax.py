"""The 1099-NEC list: for a calendar year (by date paid), each contractor's total, whether it
reaches the year's threshold, and a flag for anyone paid without a valid taxpayer id."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models import Max, Sum

from ..models import ContractorRecord, ItinStatus
from .models import Payout

CENT = Decimal("0.01")


def threshold_for(year):
    """The setting's entry for the latest year not after ``year`` ($600 before 2026, $2,000 for 2026)."""
    thresholds = settings.FORM_1099_NEC_THRESHOLDS
    known = [y for y in thresholds if y <= year]
    return Decimal(str(thresholds[max(known)] if known else thresholds[min(thresholds)]))


@dataclass
class Row:
    record: ContractorRecord
    total: Decimal
    last_paid: date
    reportable: bool
    flagged: str  # why the taxpayer id is not valid, or ""

    @property
    def tin_masked(self):
        return f"••••• {self.record.tin_last4}" if self.record.tin_last4 else "—"

    @property
    def address(self):
        r = self.record
        street = ", ".join(filter(None, [r.address_line1, r.address_line2]))
        return f"{street}, {r.city}, {r.state} {r.zip_code}"


def _flag(record, last_paid):
    if not record.tin_last4:
        return "no taxpayer id"
    if record.tin_type == ContractorRecord.TinType.ITIN and record.itin_status(last_paid) == ItinStatus.EXPIRED:
        return "ITIN expired when paid"
    return ""


def form_1099_rows(year):
    """Everyone paid in ``year``, largest total first (two queries)."""
    threshold = threshold_for(year)
    totals = (
        Payout.objects.filter(status=Payout.Status.PAID, paid_on__year=year, contractor__isnull=False)
        .values("contractor")
        .annotate(total=Sum("amount"), last_paid=Max("paid_on"))
    )
    totals = {t["contractor"]: t for t in totals}
    records = ContractorRecord.objects.in_bulk(list(totals))
    rows = [
        Row(
            record=records[pk],
            total=Decimal(t["total"]).quantize(CENT),
            last_paid=t["last_paid"],
            reportable=t["total"] >= threshold,
            flagged=_flag(records[pk], t["last_paid"]),
        )
        for pk, t in totals.items()
    ]
    rows.sort(key=lambda row: (-row.total, row.record.legal_last_name, row.record.pk))
    return rows

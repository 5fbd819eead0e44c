from django.utils import timezone

from .models import ContractorRecord, ItinStatus

__all__ = ["ItinStatus", "contractor_record_for", "itin_status", "records_sharing_tin"]


def contractor_record_for(student):
    """The student's own record, or None: the only way pages reach a record."""
    if student is None or not student.is_authenticated:
        return None
    return ContractorRecord.objects.filter(student=student).first()


def itin_status(student, *, today=None):
    """The ITIN route of the eligibility gate asks payroll this: valid, expiring (in its last
    year: still valid, with a warning), expired, or none (no ITIN on file)."""
    record = contractor_record_for(student)
    if record is None:
        return ItinStatus.NONE
    return record.itin_status(today or timezone.localdate())


def records_sharing_tin(digits, *, exclude=None):
    """Records holding this taxpayer id, found by keyed hash (under every configured key)."""
    from .crypto import blind_index_candidates

    qs = ContractorRecord.objects.filter(tin_hash__in=blind_index_candidates(digits))
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    return qs


def earnings_for(student, *, today=None):
    """The student's payouts (newest first) and what was paid each year, this year first."""
    from django.db.models import Sum
    from django.db.models.functions import ExtractYear

    from .models import Payout

    if student is None or not student.is_authenticated:
        return [], [], 0
    today = today or timezone.localdate()
    payouts = list(Payout.objects.filter(student=student).order_by("-created_at", "-pk"))
    years = list(
        Payout.objects.filter(student=student, status=Payout.Status.PAID)
        .annotate(year=ExtractYear("paid_on"))
        .values("year")
        .annotate(total=Sum("amount"))
        .order_by("-year")
    )
    this_year = next((y["total"] for y in years if y["year"] == today.year), 0)
    return payouts, years, this_year


def statement_for(student, year):
    from django.db.models import Sum

    from .models import Payout

    paid = Payout.objects.filter(student=student, status=Payout.Status.PAID, paid_on__year=year).order_by("paid_on")
    return list(paid), paid.aggregate(total=Sum("amount"))["total"] or 0

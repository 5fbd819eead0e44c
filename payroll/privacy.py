"""What payroll gives to "Download my data" and does on "Delete my account".

``export(user)`` lists the record as the person sees it on the page: numbers only as their last
four digits.

``erase(user)`` does not delete the contractor record. Payments to a contractor must be reported
to the IRS on Form 1099-NEC and the payer must keep the records that support them (the legal name,
address and taxpayer id, and the W-9 certification) for at least four years. So the record is
detached from the account instead: the link to the person is cleared, and what is kept is only
what tax reporting needs: legal name, mailing address, taxpayer id (still encrypted, with its
last four and keyed hash), and the typed-name certification and its date. What payment no longer
needs is removed: the bank routing and account numbers, the account type and the IP address of
the signature, on the record and in its staff history. Payouts (a later feature) keep pointing
at the detached record.
"""

from .selectors import contractor_record_for
from .services import contractor_detach


def _payouts(user):
    from .models import Payout

    return [
        {
            "project": p.description,
            "amount": str(p.amount),
            "state": p.get_status_display(),
            "date_paid": p.paid_on.isoformat() if p.paid_on else None,
            "created_at": p.created_at.isoformat(),
        }
        for p in Payout.objects.filter(student=user).order_by("created_at", "pk")
    ]


def export(user):
    record = contractor_record_for(user)
    if record is None:
        return {"payroll": None}
    return {
        "payroll": {
            "payouts": _payouts(user),
            "legal_first_name": record.legal_first_name,
            "legal_last_name": record.legal_last_name,
            "mailing_address": {
                "street": record.address_line1,
                "unit": record.address_line2,
                "city": record.city,
                "state": record.state,
                "zip_code": record.zip_code,
            },
            "taxpayer_id_type": record.get_tin_type_display(),
            "taxpayer_id_last4": record.tin_last4,
            "itin_issued_or_renewed_year": record.itin_issued_year,
            "itin_last_used_tax_year": record.itin_last_used_year,
            "payment_method": record.get_payment_method_display(),
            "routing_number_last4": record.routing_last4 or None,
            "account_number_last4": record.account_last4 or None,
            "account_type": record.get_account_type_display() or None,
            "certification": {
                "typed_name": record.certified_name,
                "signed_at": record.certified_at.isoformat() if record.certified_at else None,
                "ip_address": record.certified_ip,
            },
            "created_at": record.created_at.isoformat(),
            "updated_at": record.updated_at.isoformat(),
        },
    }


def erase(user):
    from .models import Payout

    contractor_detach(student=user)
    # Payouts are kept for tax reporting with the contractor record, no longer the person.
    Payout.objects.filter(student=user).update(student=None)
    Payout.history.filter(student=user).update(student=None)

"""A complete payroll record for the demo student, with made-up numbers that pass the rules.

123-45-6789 is the well-known sample number of forms and documentation; routing number
123456780 passes the ABA check digit. Both are made up for the demo.
"""

from django.utils import timezone

from portal.models import User

from .models import CERTIFICATION_VERSION, ContractorRecord

DEMO_SSN = "123456789"
DEMO_ROUTING = "123456780"
DEMO_ACCOUNT = "000123456789"


def seed(out):
    student = User.objects.get(email="student@demo.test")
    if ContractorRecord.objects.filter(student=student).exists():
        out.write("  payroll: demo record already there")
        return
    now = timezone.now()
    record = ContractorRecord(
        student=student,
        legal_first_name=student.first_name,
        legal_last_name=student.last_name,
        address_line1="77 Example Avenue",
        address_line2="Apt 4",
        city="Cambridge",
        state="MA",
        zip_code="02139",
        tin_type=ContractorRecord.TinType.SSN,
        tin_updated_at=now,
        payment_method=ContractorRecord.PaymentMethod.DIRECT_DEPOSIT,
        routing_number=DEMO_ROUTING,
        account_type=ContractorRecord.AccountType.CHECKING,
        bank_updated_at=now,
        certified_name=f"{student.first_name} {student.last_name}",
        certified_at=now,
        certified_ip="127.0.0.1",
        certification_version=CERTIFICATION_VERSION,
        revision=1,
    )
    record.set_tin(DEMO_SSN)
    record.set_account_number(DEMO_ACCOUNT)
    record.save()
    out.write("  payroll: demo student signed up (SSN ending 6789, direct deposit)")

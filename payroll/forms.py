import re

from django import forms
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from portal.passwords import password_problem
from portal.states import US_MAILING_STATES

from .models import ContractorRecord
from .validators import (
    ITIN_FIRST_YEAR,
    normalize_account_number,
    normalize_tin,
    validate_itin,
    validate_routing_number,
    validate_ssn,
    validate_zip_code,
)

CERTIFICATION_STATEMENTS = {
    "certify_tin": "The taxpayer identification number I gave is my correct number.",
    "certify_backup": (
        "I am not subject to backup withholding: I am exempt, or the IRS has not told me that I am, "
        "or the IRS has told me that I no longer am."
    ),
    "certify_us_person": "I am a U.S. citizen or other U.S. person (including a U.S. resident alien).",
    "certify_contractor": (
        "I will be paid as an independent contractor, not an employee, and my payments may be reported "
        "to the IRS on Form 1099-NEC."
    ),
}
SECRET_NOT_SHOWN = "For your security we never show a number you typed back on the page: please type it again."

TinType = ContractorRecord.TinType
PaymentMethod = ContractorRecord.PaymentMethod


class SecretInput(forms.TextInput):
    """A text box that never renders its value back (a taxpayer id or account number)."""

    def __init__(self, attrs=None):
        base = {"autocomplete": "off", "inputmode": "numeric", "spellcheck": "false", "autocapitalize": "off"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        return None


def _year_field(label, help_text, required=False):
    return forms.IntegerField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


_MUST_TICK = {"required": "Tick this statement to sign. If it is not true for you, contact the career center."}


def _name(value):
    return " ".join(value.split()).casefold()


class PayrollForm(forms.Form):
    """The student's payroll sign-up. Changing the taxpayer id or where money goes needs the
    current password; the numbers on file are never put back into the form."""

    legal_first_name = forms.CharField(
        label="Legal first name", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    legal_last_name = forms.CharField(
        label="Legal last name",
        max_length=100,
        help_text="As on your Social Security card or ITIN letter.",
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    address_line1 = forms.CharField(
        label="Street address", max_length=200, widget=forms.TextInput(attrs={"autocomplete": "address-line1"})
    )
    address_line2 = forms.CharField(
        label="Apartment, suite or unit (optional)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        label="City", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    state = forms.ChoiceField(
        label="State",
        choices=[("", "Choose a state or territory")] + US_MAILING_STATES,
        widget=forms.Select(attrs={"autocomplete": "address-level1"}),
    )
    zip_code = forms.CharField(
        label="ZIP code",
        max_length=10,
        help_text="Five digits, or ZIP+4 such as 02139-4307.",
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )

    tin_type = forms.ChoiceField(label="Taxpayer id type", choices=TinType.choices, widget=forms.RadioSelect)
    taxpayer_id = forms.CharField(
        label="Taxpayer id (SSN or ITIN)", required=False, max_length=20, widget=SecretInput()
    )
    itin_issued_year = _year_field(
        "Year your ITIN was issued or last renewed", "Only for an ITIN: on the IRS letter that gave or renewed it."
    )
    itin_last_used_year = _year_field(
        "Last tax year your ITIN was used on a federal tax return",
        "Only for an ITIN. Leave blank if it has never been used on a return.",
    )

    payment_method = forms.ChoiceField(label="How to pay you", choices=PaymentMethod.choices, widget=forms.RadioSelect)
    routing_number = forms.CharField(
        label="Bank routing number",
        required=False,
        max_length=20,
        help_text="Nine digits, at the bottom left of a check or in your bank's app.",
        widget=SecretInput(),
    )
    account_number = forms.CharField(label="Account number", required=False, max_length=30, widget=SecretInput())
    account_type = forms.ChoiceField(
        label="Account type",
        required=False,
        choices=ContractorRecord.AccountType.choices,
        widget=forms.RadioSelect,
    )

    certify_tin = forms.BooleanField(label=CERTIFICATION_STATEMENTS["certify_tin"], error_messages=_MUST_TICK)
    certify_backup = forms.BooleanField(label=CERTIFICATION_STATEMENTS["certify_backup"], error_messages=_MUST_TICK)
    certify_us_person = forms.BooleanField(
        label=CERTIFICATION_STATEMENTS["certify_us_person"], error_messages=_MUST_TICK
    )
    certify_contractor = forms.BooleanField(
        label=CERTIFICATION_STATEMENTS["certify_contractor"], error_messages=_MUST_TICK
    )
    certified_name = forms.CharField(
        label="Type your legal name to sign",
        max_length=201,
        help_text="Your first and last legal name, as above. Signing records the date, time and your IP address.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    current_password = forms.CharField(
        label="Your current password",
        required=False,
        strip=False,
        help_text="Needed only when you change your taxpayer id or how you are paid.",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}, render_value=False),
    )

    def __init__(self, *args, user, record=None, **kwargs):
        self.user = user
        self.record = record
        if record is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "legal_first_name": record.legal_first_name,
                "legal_last_name": record.legal_last_name,
                "address_line1": record.address_line1,
                "address_line2": record.address_line2,
                "city": record.city,
                "state": record.state,
                "zip_code": record.zip_code,
                "tin_type": record.tin_type,
                "itin_issued_year": record.itin_issued_year,
                "itin_last_used_year": record.itin_last_used_year,
                "payment_method": record.payment_method,
                "account_type": record.account_type,
            }
        super().__init__(*args, **kwargs)
        has_tin = record is not None and record.tin_last4
        has_account = record is not None and record.account_last4
        self.fields["taxpayer_id"].help_text = (
            f"On file: ending in {record.tin_last4}. Leave blank to keep it."
            if has_tin
            else "Nine digits; dashes are optional."
        )
        self.fields["account_number"].help_text = (
            f"On file: ending in {record.account_last4}. Leave blank to keep it." if has_account else "4 to 17 digits."
        )
        if record is not None and record.routing_number:
            self.fields[
                "routing_number"
            ].help_text = f"On file: ending in {record.routing_last4}. Leave blank to keep it."
        if record is None:
            # Nothing on file to protect yet; the password guards changes only.
            del self.fields["current_password"]

    def clean_zip_code(self):
        value = self.cleaned_data["zip_code"].strip()
        validate_zip_code(value)
        return value

    def _clean_year(self, name, label):
        year = self.cleaned_data.get(name)
        if year is None:
            return None
        this_year = timezone.localdate().year
        if not ITIN_FIRST_YEAR <= year <= this_year:
            raise forms.ValidationError(f"Enter {label} between {ITIN_FIRST_YEAR} and {this_year}.")
        return year

    def clean_itin_issued_year(self):
        return self._clean_year("itin_issued_year", "the year")

    def clean_itin_last_used_year(self):
        return self._clean_year("itin_last_used_year", "a tax year")

    @sensitive_variables()
    def clean(self):
        data = super().clean()
        record = self.record
        tin_type = data.get("tin_type")
        typed_tin = (data.get("taxpayer_id") or "").strip()
        data["tin_digits"] = None
        if typed_tin:
            try:
                digits = normalize_tin(typed_tin)
                if tin_type == TinType.SSN:
                    validate_ssn(digits)
                elif tin_type == TinType.ITIN:
                    validate_itin(digits)
            except forms.ValidationError as error:
                self.add_error("taxpayer_id", error)
            else:
                if record is None or digits != record.tin or tin_type != record.tin_type:
                    data["tin_digits"] = digits
        elif tin_type and (record is None or not record.tin_last4 or tin_type != record.tin_type):
            self.add_error("taxpayer_id", "Enter your SSN or ITIN (nine digits).")

        if tin_type == TinType.ITIN:
            if data.get("itin_issued_year") is None and "itin_issued_year" not in self.errors:
                self.add_error("itin_issued_year", "For an ITIN, enter the year it was issued or last renewed.")
        else:
            data["itin_issued_year"] = data["itin_last_used_year"] = None

        self._clean_bank(data)

        typed = data.get("certified_name", "")
        expected = f"{data.get('legal_first_name', '')} {data.get('legal_last_name', '')}"
        if typed and data.get("legal_first_name") and data.get("legal_last_name") and _name(typed) != _name(expected):
            self.add_error("certified_name", f"Type your legal name exactly as above: {' '.join(expected.split())}.")

        self._check_password(data)
        self._ask_to_retype_secrets()
        return data

    @sensitive_variables()
    def _clean_bank(self, data):
        record = self.record
        data["bank_change"] = False
        data["account_digits"] = None
        if data.get("payment_method") != PaymentMethod.DIRECT_DEPOSIT:
            data["routing_number"] = ""
            data["account_type"] = ""
            data["bank_change"] = record is not None and bool(record.account_last4)
            return
        on_file = record is not None and bool(record.account_last4)
        routing = re.sub(r"[\s-]", "", data.get("routing_number") or "")
        if routing:
            try:
                validate_routing_number(routing)
            except forms.ValidationError as error:
                self.add_error("routing_number", error)
        elif not on_file:
            self.add_error("routing_number", "Enter your bank's routing number for direct deposit.")
        data["routing_number"] = routing or (record.routing_number if on_file else "")
        typed = data.get("account_number") or ""
        if typed.strip():
            try:
                data["account_digits"] = normalize_account_number(typed)
            except forms.ValidationError as error:
                self.add_error("account_number", error)
        elif not on_file:
            self.add_error("account_number", "Enter your account number for direct deposit.")
        elif routing and routing != record.routing_number:
            self.add_error("account_number", "A new routing number needs its account number: enter it too.")
        if not data.get("account_type"):
            self.add_error("account_type", "Choose checking or savings.")
        if on_file:
            data["bank_change"] = (
                (data["account_digits"] is not None and data["account_digits"] != record.account_number)
                or data["routing_number"] != record.routing_number
                or data.get("account_type") != record.account_type
            )
        else:
            data["bank_change"] = record is not None

    def _check_password(self, data):
        if "current_password" not in self.fields:
            return
        if not (data.get("tin_digits") or data.get("bank_change")):
            return
        password = data.get("current_password") or ""
        if not password:
            self.add_error(
                "current_password",
                "Enter your current password to change your taxpayer id or how you are paid.",
            )
            return
        problem = password_problem(self.user, password, scope="payroll")
        if problem:
            self.add_error("current_password", problem)

    def _ask_to_retype_secrets(self):
        if not self.errors:
            return
        for name in ("taxpayer_id", "routing_number", "account_number"):
            if (self.data.get(name) or "").strip():
                field = self.fields[name]
                if SECRET_NOT_SHOWN not in field.help_text:
                    field.help_text = f"{field.help_text} {SECRET_NOT_SHOWN}".strip()
                # The bound field copied the help text when the form was cleaned.
                self[name].help_text = field.help_text

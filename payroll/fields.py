"""A model field that stores text encrypted with MultiFernet (see ``payroll.crypto``)."""

from django.core import checks
from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Text encrypted at rest; reads decrypt, and a value no key can decrypt raises
    ``crypto.UndecryptableValue`` instead of passing ciphertext off as data.

    Ciphertext is different on every write, so the column cannot be searched or compared in
    SQL: only ``isnull`` lookups are allowed (use a keyed-hash column to find equal values).
    Serialization (dumpdata) writes the ciphertext, never the clear value.
    """

    description = "Text encrypted with MultiFernet"

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if self.db_index or self.unique:
            errors.append(checks.Error("An encrypted field cannot be indexed or unique.", obj=self, id="payroll.E001"))
        return errors

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def to_python(self, value):
        # loaddata hands back what value_to_string wrote: the ciphertext.
        if isinstance(value, str) and value.startswith(crypto.TOKEN_PREFIX):
            return crypto.decrypt(value)
        return super().to_python(value)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return self.get_prep_value(value) if value else value

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

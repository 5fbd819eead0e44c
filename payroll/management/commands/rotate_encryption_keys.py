"""Re-encrypt every encrypted value under the newest key in FIELD_ENCRYPTION_KEYS.

Rotation: put the new key first in FIELD_ENCRYPTION_KEYS (keep the old ones after it), deploy,
run this command, and only then remove the old keys. Keyed-hash columns are recomputed too.
Values are never printed; a value no key can decrypt stops the command with its row's id.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from payroll import crypto
from payroll.fields import EncryptedTextField


def encrypted_models():
    for model in apps.get_models():
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            yield model, fields


class Command(BaseCommand):
    help = "Re-encrypt every encrypted field under the newest FIELD_ENCRYPTION_KEYS key."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        total = 0
        for model, fields in encrypted_models():
            indexes = getattr(model, "BLIND_INDEXES", {})
            pks = list(model._default_manager.order_by("pk").values_list("pk", flat=True))
            done = 0
            for start in range(0, len(pks), batch_size):
                done += self._rotate(model, fields, indexes, pks[start : start + batch_size])
            self.stdout.write(f"{model._meta.label}: {done} row(s) re-encrypted under the newest key.")
            total += done
        self.stdout.write(self.style.SUCCESS(f"Done: {total} row(s)."))

    @transaction.atomic
    def _rotate(self, model, fields, indexes, pks):
        manager = model._default_manager
        rows = manager.select_for_update().filter(pk__in=pks).order_by("pk")
        try:
            values = list(rows.values_list("pk", *fields))
        except crypto.UndecryptableValue as exc:
            raise CommandError(
                f"{model._meta.label}: a row in ids {pks[0]}..{pks[-1]} cannot be decrypted with any key."
            ) from exc
        for pk, *clear in values:
            changes = dict(zip(fields, clear, strict=True))
            for hash_field, source in indexes.items():
                if changes.get(source):
                    changes[hash_field] = crypto.blind_index(changes[source])
            # update() writes through the field, which encrypts under the newest key, and sends
            # no signals: rotation is not a change of the record and makes no history row.
            manager.filter(pk=pk).update(**changes)
        return len(values)

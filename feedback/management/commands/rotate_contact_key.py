"""Re-encrypt every stored contact detail with the first of CONTACT_KEYS.

The rotation (docs/operations.md, Contact keys): put the new key first in CONTACT_KEYS and
keep the old one after it, restart, run this, then drop the old key and restart again.
Safe to run twice or to stop halfway: each batch commits on its own, and a row already under
the new key is simply written again under it.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from feedback.contact_keys import ContactKeyMismatch, rotate
from feedback.models import RecoveryContact

BATCH = 500


def rotate_all(batch: int = BATCH) -> int:
    """Re-encrypt every contact, `batch` rows a transaction; returns how many."""
    done, last_id = 0, 0
    while True:
        with transaction.atomic():
            ids = list(
                RecoveryContact.objects.filter(pk__gt=last_id)
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return done
            # Read and written as the raw column: the field decrypts on reading.
            table = RecoveryContact._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT id, phone, email FROM {table} WHERE id BETWEEN %s AND %s",
                    [ids[0], ids[-1]],
                )
                for pk, phone, email in cursor.fetchall():
                    cursor.execute(
                        f"UPDATE {table} SET phone = %s, email = %s WHERE id = %s",
                        [rotate(phone), rotate(email), pk],
                    )
            done += len(ids)
            last_id = ids[-1]


class Command(BaseCommand):
    help = "Re-encrypt customers' contact details with the first key in CONTACT_KEYS."

    def handle(self, *args, **options):
        try:
            done = rotate_all()
        except ContactKeyMismatch as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Re-encrypted {done} contact(s) with the first key in CONTACT_KEYS.")

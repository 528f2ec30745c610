"""Customers' contact details, encrypted at rest with keys kept outside the database.

`CONTACT_KEYS` (config/settings.py) lists Fernet keys, newest first: the first encrypts,
every one decrypts. Rotating is adding a new key in front, running
`manage.py rotate_contact_key`, then dropping the old one (docs/operations.md). A database
dump alone therefore holds only ciphertext; the keys live in the environment, apart from
SECRET_KEY, so that a leaked session key reveals nothing either.

Nothing here ever falls back to plain text: a value that no listed key opens raises
`ContactKeyMismatch`, and an empty value stays empty (the "phone or email" check needs it).
"""

import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


class ContactKeyMismatch(Exception):
    """Stored contact details that none of CONTACT_KEYS opens: the key is wrong or missing."""


MISMATCH = (
    "None of CONTACT_KEYS can read the customers' stored contact details: the keys are wrong, "
    "or the key they were written with was dropped too early. Put the key they were written "
    "with back in CONTACT_KEYS (see docs/operations.md, Contact keys)."
)


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.CONTACT_KEYS))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode() if text else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ContactKeyMismatch(MISMATCH) from exc


def rotate(token: str) -> str:
    """`token` encrypted again with the first key (MultiFernet.rotate)."""
    if not token:
        return ""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ContactKeyMismatch(MISMATCH) from exc


class EncryptedText(models.TextField):
    """A text column that holds only Fernet tokens; Python sees the plain value.

    Lookups by value cannot work (each encryption differs), so contacts are found by
    decrypting them (feedback/customer_data.py): they are few, and kept only weeks.
    """

    def from_db_value(self, value, expression, connection):
        return value if value is None else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if value is None else encrypt(value)


def stored_contacts_open(app_configs=None, databases=None, **kwargs) -> list:
    """A database system check: the newest stored contact opens with CONTACT_KEYS.

    `migrate` runs it before anything else, so a web container given the wrong key stops
    at start-up with MISMATCH instead of failing on the first recovery card it shows.
    Values from before encryption (no Fernet prefix) are left to the migration that
    encrypts them.
    """
    from django.core.checks import Error
    from django.db import DatabaseError, connections

    errors = []
    for alias in databases or []:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute(
                    "SELECT phone, email FROM feedback_recoverycontact ORDER BY id DESC LIMIT 1"
                )
                row = cursor.fetchone()
        except DatabaseError:  # not migrated yet: nothing stored to open
            continue
        for value in row or []:
            if value and value.startswith(FERNET_PREFIX):
                try:
                    decrypt(value)
                except ContactKeyMismatch:
                    errors.append(Error(MISMATCH, id="feedback.E001"))
                    break
    return errors


FERNET_PREFIX = "gAAAAA"  # every Fernet token starts with its version byte and a timestamp

"""Keys that let another system use the API (dashboards/api/), and what they wrote.

A key is shown once, when it is made; only its SHA-256 is kept. Keys are long random
strings, so a fast hash is enough: nobody can guess their way back from it, and checking a
key costs every call one indexed lookup. A key is scoped to locations and to reading
and/or writing; revoking it refuses it from the next call on. It is kept afterwards, for
the history of what it wrote.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Location, User

PREFIX = "mom_"
# last_used_at is written at most this often per key: a busy integration would otherwise
# write the key's row on every call.
LAST_USED_EVERY = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKey(models.Model):
    name = models.CharField(
        _("name"), max_length=80, unique=True, help_text=_("Who uses it, e.g. “Contact centre”.")
    )
    # The key's first characters, shown so that an admin can tell keys apart.
    prefix = models.CharField(_("starts with"), max_length=16, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    locations = models.ManyToManyField(
        Location,
        related_name="api_keys",
        verbose_name=_("locations"),
        help_text=_("It reads and writes only these locations' data."),
    )
    can_read = models.BooleanField(_("may read"), default=True)
    can_write = models.BooleanField(_("may write"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to revoke: the key is refused at once.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return self.name

    @property
    def scopes(self) -> list[str]:
        allowed = (("read", self.can_read), ("write", self.can_write))
        return [name for name, granted in allowed if granted]

    def note_use(self) -> None:
        now = timezone.now()
        if self.last_used_at is None or now - self.last_used_at > LAST_USED_EVERY:
            ApiKey.objects.filter(pk=self.pk).update(last_used_at=now)
            self.last_used_at = now


class ApiWrite(models.Model):
    """One write through the API: which key (by name, kept if the key is renamed), what."""

    key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="writes")
    key_name = models.CharField(_("key"), max_length=80)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=80)
    count = models.PositiveIntegerField(_("items"), default=0)
    # The UUIDs or ids written: enough to find each row again.
    objects_written = models.JSONField(_("what"), default=list)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("API write")
        verbose_name_plural = _("API writes")

    def __str__(self) -> str:
        return f"{self.key_name}: {self.action} ({self.count})"


def new_key() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def create_key(
    name: str,
    locations: list[Location],
    *,
    read: bool = True,
    write: bool = False,
    by: User | None = None,
) -> tuple[ApiKey, str]:
    """A new key and its one-time plain text (never stored)."""
    plain = new_key()
    key = ApiKey.objects.create(
        name=name,
        prefix=plain[: len(PREFIX) + 6],
        key_hash=hash_key(plain),
        can_read=read,
        can_write=write,
        created_by=by,
    )
    key.locations.set(locations)
    return key, plain


def key_for(plain: str) -> ApiKey | None:
    """The active key `plain` is, with its locations' ids; None for unknown or revoked."""
    if not plain.startswith(PREFIX) or len(plain) > 200:
        return None
    key = ApiKey.objects.filter(key_hash=hash_key(plain), active=True).first()
    if key is not None:
        key.location_ids = frozenset(key.locations.values_list("pk", flat=True))
    return key


def record_write(key: ApiKey, action: str, written: list[str]) -> ApiWrite:
    return ApiWrite.objects.create(
        key=key, key_name=key.name, action=action, count=len(written), objects_written=written
    )

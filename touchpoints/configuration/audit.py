"""The configuration audit trail: who changed what, when, from what to what.

Called explicitly from the places that change configuration (the admin's save and delete
hooks, the people import), never from signals, so that a change made by a roll-up or a
data migration is not mistaken for an admin's decision.
"""

from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import translation
from django.utils.translation import gettext

from ..models import AuditEntry, User

# Never worth recording; a password's or PIN's hash, or a desk's secret, must never leave
# its table.
SKIPPED_FIELDS = {"last_login", "date_joined", "user_permissions"} | {
    "password",
    "pin",
    "pin_fingerprint",
    "secret_hash",
    "key_hash",
    "secret",
    "previous_secret",
}
# Roles are groups; the history should say so.
LABELS = {"groups": "role"}

Snapshot = dict[str, object]
Changes = dict[str, list]


def _readable(value: object) -> object:
    """A JSON-safe value that still reads well in a year's time."""
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):  # a file (a logo): its size, never its bytes
        return f"{len(value)} bytes" if len(value) else ""
    return value


def snapshot(obj: models.Model) -> Snapshot:
    """The object's configuration as readable values, its many-to-many fields included.

    Foreign keys and many-to-many members are kept by name, so the history still says
    'Check-in desk (ARN)' after that team is renamed or archived.
    """
    values: Snapshot = {}
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in SKIPPED_FIELDS or _mirrors_its_field(field):
            continue
        if field.is_relation:
            related = getattr(obj, field.name)
            values[_label(field)] = str(related) if related is not None else None
        else:
            values[_label(field)] = _readable(field.value_from_object(obj))
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            if field.name in SKIPPED_FIELDS:
                continue
            members = getattr(obj, field.name).all()
            values[_label(field)] = sorted(str(member) for member in members)
    return values


def _mirrors_its_field(field: models.Field) -> bool:
    """The English copy of a translated name (touchpoints/translation.py): the name itself
    holds the same, and is recorded as it always was; the other languages are recorded."""
    return getattr(field, "language", None) == settings.MODELTRANSLATION_DEFAULT_LANGUAGE


def _label(field: models.Field) -> str:
    """The field's name as the history keeps it: in English, whatever language the admin
    reads, so that one field has one name across the years."""
    with translation.override(settings.LANGUAGE_CODE):
        return LABELS.get(field.name, str(field.verbose_name))


def diff(before: Snapshot | None, after: Snapshot | None) -> Changes:
    """{field: [before, after]} for every field whose value differs."""
    before, after = before or {}, after or {}
    changes = {}
    for name in [*before, *(key for key in after if key not in before)]:
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = [old, new]
    return changes


def record(
    actor: User | None, obj: models.Model, action: AuditEntry.Action, changes: Changes
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        action=action,
        changes=changes,
    )


def record_change(
    actor: User | None, obj: models.Model, before: Snapshot | None, extra: Changes | None = None
) -> AuditEntry | None:
    """Record a save: created when there was no `before`, archived when it was just archived.

    `extra` holds changes that are not fields of `obj`, such as rows of an inline. Nothing
    is recorded when nothing changed.
    """
    changes = {**diff(before, snapshot(obj)), **(extra or {})}
    if before is None:
        action = AuditEntry.Action.CREATED
    elif not changes:
        return None
    elif _was_archived(changes):
        action = AuditEntry.Action.ARCHIVED
    else:
        action = AuditEntry.Action.CHANGED
    return record(actor, obj, action, changes)


def _was_archived(changes: Changes) -> bool:
    return any(name == "active" and change == [True, False] for name, change in changes.items())


def history(obj: models.Model) -> models.QuerySet[AuditEntry]:
    """Every recorded change of `obj`, newest first."""
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=False),
        object_id=str(obj.pk),
    ).select_related("actor")


def shown(value: object) -> str:
    """A before or after value as the history page shows it."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(value)


def change_rows(entry: AuditEntry) -> list[tuple[str, str, str]]:
    """(field, before, after) for each change in `entry`, ready to show."""
    return [(name, shown(old), shown(new)) for name, (old, new) in entry.changes.items()]

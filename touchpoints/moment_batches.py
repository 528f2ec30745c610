"""Logging many moments at once (the API's batches), with the tablet's rules for each.

A batch is all or nothing: one INSERT for every new moment, in one transaction with the
days it marks dirty. A UUID already stored is judged as the tablet's save judges a repeat
(`moments.is_resend`): the same moment by the same person is answered as stored before,
anything else is a conflict, and then nothing of the batch is kept. Two copies of a batch
racing each other are decided by the UUID's unique index: the second waits for the first
to commit, inserts nothing, and answers the stored moments as repeats.
"""

import functools
import uuid as uuid_module
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import Field
from django.utils import timezone

from .dirty_days import mark_days_dirty
from .models import Moment, User
from .moments import is_resend


@dataclass
class Item:
    """One moment of a batch: who logged it, the moment as the form made it, its UUID."""

    staff: User
    moment: Moment
    uuid: uuid_module.UUID


class Conflicts(Exception):
    """UUIDs already stored for other moments: (index in the batch, why) for each."""

    def __init__(self, conflicts: list[tuple[int, str]]):
        super().__init__(f"{len(conflicts)} conflicting UUIDs")
        self.conflicts = conflicts


@transaction.atomic
def record_batch(items: list[Item]) -> list[tuple[Moment, bool]]:
    """Store the batch's new moments; (moment, created) for each item, in order.

    Raises `Conflicts` (and keeps nothing) when a UUID is stored with other content or for
    someone else. UUIDs must be unique within the batch (the caller checks).
    """
    for item in items:
        _prepare(item)
    inserted = _insert_new([item.moment for item in items])
    results, conflicts = [], []
    repeats = [item for item in items if item.uuid not in inserted]
    stored = _stored(item.uuid for item in repeats)
    for index, item in enumerate(items):
        if item.uuid in inserted:
            results.append((item.moment, True))
            continue
        existing = stored[item.uuid]
        if existing.staff_id != item.staff.pk:
            conflicts.append((index, "This UUID is already used by a moment someone else logged."))
        elif not is_resend(existing, item.moment):
            conflicts.append((index, "This UUID is already used by a different moment."))
        results.append((existing, False))
    if conflicts:
        raise Conflicts(conflicts)
    days = defaultdict(set)
    for item in items:
        if item.uuid in inserted:
            days[item.moment.location_id].add(item.moment.local_date)
    for location_id, local_dates in sorted(days.items()):
        mark_days_dirty(location_id, local_dates)
    return results


def _prepare(item: Item) -> None:
    moment = item.moment
    moment.uuid = item.uuid
    moment.staff = item.staff
    moment.team = item.staff.team
    moment.location = item.staff.team.location
    moment.local_date = moment.location.local_date(moment.occurred_at)


def _insert_new(moments: list[Moment]) -> set[uuid_module.UUID]:
    """INSERT every moment whose UUID is not stored yet; the UUIDs inserted.

    One array per column, unnested into rows: fifteen parameters however long the batch,
    where a VALUES list would bind fifteen thousand (three times slower to send and plan).
    """
    if not moments:
        return set()
    if connection.vendor != "postgresql":
        return _insert_one_by_one(moments)
    fields = _fields()
    columns = [[] for _ in fields]
    now = timezone.now()
    for moment in moments:
        moment.created_at = moment.updated_at = now  # as auto_now(_add) would
        for values, f in zip(columns, fields, strict=True):
            value = getattr(moment, f.attname)
            # Only the JSON needs adapting; the rest psycopg sends as they are.
            values.append(f.get_db_prep_save(value, connection) if f.name == "extra" else value)
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(), columns)
        ids = {_as_uuid(uuid): pk for pk, uuid in cursor.fetchall()}
    for moment in moments:
        if moment.uuid in ids:
            moment.pk = ids[moment.uuid]
            moment._state.adding, moment._state.db = False, connection.alias
    return set(ids)


def _insert_one_by_one(moments: list[Moment]) -> set[uuid_module.UUID]:
    """The embedded mode's SQLite has no arrays: a savepoint per moment instead."""
    inserted = set()
    for moment in moments:
        try:
            with transaction.atomic():
                moment.save(force_insert=True)
        except IntegrityError:
            continue
        inserted.add(moment.uuid)
    return inserted


@functools.cache
def _insert_sql() -> str:
    quote = connection.ops.quote_name
    fields = _fields()
    arrays = ", ".join(f"%s::{_base_type(f)}[]" for f in fields)
    return (
        f"INSERT INTO {quote(Moment._meta.db_table)}"
        f" ({', '.join(quote(f.column) for f in fields)})"
        f" SELECT * FROM unnest({arrays})"
        " ON CONFLICT (uuid) DO NOTHING RETURNING id, uuid"
    )


def _base_type(field: Field) -> str:
    """The column's type without its length: varchar(500)[] casts as text[] does."""
    return field.db_type(connection).split("(")[0]


@functools.cache
def _fields() -> list[Field]:
    meta = Moment._meta
    return [field for field in meta.local_concrete_fields if field is not meta.auto_field]


def _as_uuid(value) -> uuid_module.UUID:
    return value if isinstance(value, uuid_module.UUID) else uuid_module.UUID(str(value))


def _stored(uuids) -> dict[uuid_module.UUID, Moment]:
    uuids = list(uuids)
    if not uuids:
        return {}
    found = Moment.objects.filter(uuid__in=uuids).prefetch_related("corrections")
    return {moment.uuid: moment for moment in found}

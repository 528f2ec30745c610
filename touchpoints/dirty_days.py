"""Marking (location, local day) buckets stale, so the roll-up recomputes them.

Touchpoints and feedback call this where they save; they never import the roll-up itself
(dashboards reads them, not the other way round). The roll-up task is asked for by name.
"""

import functools
import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import date

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Field, Model
from django.utils import timezone

from .models import DirtyDay

log = logging.getLogger(__name__)

ROLL_UP_DAY_TASK = "dashboards.roll_up_day"


def insert_marking_day_dirty(row: Model) -> None:
    """INSERT the new `row` (it has a location and a local_date) and mark its day dirty.

    On PostgreSQL one statement does both (a data-modifying WITH), and in autocommit it is
    its own transaction: one round trip to the database instead of four (BEGIN, two
    INSERTs, COMMIT), on every save. SQLite (the embedded mode) has no INSERT inside WITH,
    so there the two statements share a transaction.
    """
    if connection.vendor != "postgresql":
        with transaction.atomic():
            row.save(force_insert=True)
            mark_day_dirty(row.location_id, row.local_date)
        return
    sql, fields = _insert_marking_sql(type(row))
    # What Django's insert sends for each field: defaults and auto_now filled in, adapted.
    params = [field.get_db_prep_save(field.pre_save(row, True), connection) for field in fields]
    params.append(connection.ops.adapt_datetimefield_value(timezone.now()))
    # Inside a caller's transaction a savepoint, as atomic() gives: an insert refused for
    # its UUID must leave that transaction usable.
    savepoint = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with savepoint, connection.cursor() as cursor:
        cursor.execute(sql, params)
        row.pk = cursor.fetchone()[0]
    row._state.adding, row._state.db = False, connection.alias
    transaction.on_commit(lambda: request_rollup(row.location_id, row.local_date))


@functools.cache
def _insert_marking_sql(model: type[Model]) -> tuple[str, list[Field]]:
    """The statement for `insert_marking_day_dirty`, written once per model and process.

    The marked_at time is its last parameter."""
    meta, quote = model._meta, connection.ops.quote_name
    fields = [field for field in meta.local_concrete_fields if field is not meta.auto_field]
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join(["%s"] * len(fields))
    pk = quote(meta.pk.column)
    sql = (
        f"WITH new_row AS (INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values})"
        f"  RETURNING {pk}, location_id, local_date),"
        f" marked AS (INSERT INTO {DirtyDay._meta.db_table} (location_id, local_date, marked_at)"
        "  SELECT location_id, local_date, %s FROM new_row"
        "  ON CONFLICT (location_id, local_date) DO UPDATE SET marked_at = excluded.marked_at)"
        f" SELECT {pk} FROM new_row"
    )
    return sql, fields


def mark_day_dirty(location_id: int, local_date: date) -> None:
    """Record that a bucket changed; call inside the transaction that changed it."""
    mark_days_dirty(location_id, [local_date])


def mark_days_dirty(location_id: int, local_dates: Iterable[date], whole: bool = False) -> None:
    """Record that some of a location's buckets changed, in one statement that takes their
    rows in day order: the order the roll-up clears them in, so the two never deadlock.
    `whole`: recompute them from the raw rows (changes the roll-up's journal did not see;
    see `DirtyDay.whole`)."""
    days = sorted(set(local_dates))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = []
    for day in days:
        params += [location_id, connection.ops.adapt_datefield_value(day), now]
    # Every save runs this: one plain statement (the same on PostgreSQL and SQLite) costs a
    # fraction of what building the equivalent bulk_create(update_conflicts=True) does.
    table, row = DirtyDay._meta.db_table, "(%s, %s, %s, true)" if whole else "(%s, %s, %s)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (location_id, local_date, marked_at{', whole' * whole})"
            f" VALUES {', '.join([row] * len(days))}"
            " ON CONFLICT (location_id, local_date) DO UPDATE SET marked_at = excluded.marked_at"
            + (f", whole = {table}.whole OR excluded.whole" if whole else ""),
            params,
        )
    for day in days:
        transaction.on_commit(lambda day=day: request_rollup(location_id, day))


@contextmanager
def journal_off() -> Iterator[None]:
    """Changes of raw rows in this block are not journaled for the roll-up's sweep
    (PostgreSQL, in a transaction; dashboards/journal.py): for writers that change many
    moments at once and have their days recomputed whole instead."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('moments.journal', 'off', true)")
        try:
            yield
        finally:
            cursor.execute("SELECT set_config('moments.journal', 'on', true)")


# When this process last asked for each bucket's roll-up: spares the shared cache a round
# trip on most saves of a busy bucket. The shared key still limits the whole fleet.
_asked_here: dict[str, float] = {}


def _asked_recently_here(key: str, throttle: int) -> bool:
    now = time.monotonic()
    if _asked_here.get(key, 0.0) > now:
        return True
    if len(_asked_here) > 10_000:  # old days and locations; a fresh start is harmless
        _asked_here.clear()
    _asked_here[key] = now + throttle
    return False


def request_rollup(location_id: int, local_date: date) -> None:
    """Ask for a prompt roll-up. Best effort: if the broker is down, beat finds the dirty row.

    A busy desk saves many moments a minute into one bucket; one queued roll-up per bucket
    every few seconds covers them all, and whatever lands after it stays marked for beat.
    While Redis is down `cache.add` keeps nothing and answers False, so no request tries
    the broker: the dirty mark waits for beat, which runs again once Redis is back.
    """
    key = f"rollup-requested:{location_id}:{local_date.isoformat()}"
    try:
        throttle = settings.ROLLUP_REQUEST_SECONDS
        if throttle and (_asked_recently_here(key, throttle) or not cache.add(key, 1, throttle)):
            return
        current_app.signature(ROLL_UP_DAY_TASK, args=(location_id, local_date.isoformat())).delay()
    except Exception:
        log.warning(
            "Could not queue roll-up of %s %s; beat will pick it up.",
            location_id,
            local_date,
            exc_info=True,
        )

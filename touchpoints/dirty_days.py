"""Marking (location, local day) buckets stale, so the roll-up recomputes them.

Touchpoints and feedback call this where they save; they never import the roll-up itself
(dashboards reads them, not the other way round). The roll-up task is asked for by name.
"""

import logging
import time
from collections.abc import Iterable
from datetime import date

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from .models import DirtyDay

log = logging.getLogger(__name__)

ROLL_UP_DAY_TASK = "dashboards.roll_up_day"


def mark_day_dirty(location_id: int, local_date: date) -> None:
    """Record that a bucket changed; call inside the transaction that changed it."""
    mark_days_dirty(location_id, [local_date])


def mark_days_dirty(location_id: int, local_dates: Iterable[date]) -> None:
    """Record that some of a location's buckets changed, in one statement that takes their
    rows in day order: the order the roll-up clears them in, so the two never deadlock."""
    days = sorted(set(local_dates))
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = []
    for day in days:
        params += [location_id, connection.ops.adapt_datefield_value(day), now]
    # Every save runs this: one plain statement (the same on PostgreSQL and SQLite) costs a
    # fraction of what building the equivalent bulk_create(update_conflicts=True) does.
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {DirtyDay._meta.db_table} (location_id, local_date, marked_at)"
            f" VALUES {', '.join(['(%s, %s, %s)'] * len(days))}"
            " ON CONFLICT (location_id, local_date) DO UPDATE SET marked_at = excluded.marked_at",
            params,
        )
    for day in days:
        transaction.on_commit(lambda day=day: request_rollup(location_id, day))


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

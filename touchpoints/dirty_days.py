"""Marking (location, local day) buckets stale, so the roll-up recomputes them.

Touchpoints and feedback call this where they save; they never import the roll-up itself
(dashboards reads them, not the other way round). The roll-up task is asked for by name.
"""

import logging
from datetime import date

from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .models import DirtyDay

log = logging.getLogger(__name__)

ROLL_UP_DAY_TASK = "dashboards.roll_up_day"


def mark_day_dirty(location_id: int, local_date: date) -> None:
    """Record that a bucket changed; call inside the transaction that changed it."""
    DirtyDay.objects.bulk_create(
        [DirtyDay(location_id=location_id, local_date=local_date, marked_at=timezone.now())],
        update_conflicts=True,
        unique_fields=["location", "local_date"],
        update_fields=["marked_at"],
    )
    transaction.on_commit(lambda: request_rollup(location_id, local_date))


def request_rollup(location_id: int, local_date: date) -> None:
    """Ask for a prompt roll-up. Best effort: if the broker is down, beat finds the dirty row.

    A busy desk saves many moments a minute into one bucket; one queued roll-up per bucket
    every few seconds covers them all, and whatever lands after it stays marked for beat.
    """
    key = f"rollup-requested:{location_id}:{local_date.isoformat()}"
    try:
        throttle = settings.ROLLUP_REQUEST_SECONDS
        if throttle and not cache.add(key, 1, timeout=throttle):
            return
        current_app.signature(ROLL_UP_DAY_TASK, args=(location_id, local_date.isoformat())).delay()
    except Exception:
        log.warning(
            "Could not queue roll-up of %s %s; beat will pick it up.",
            location_id,
            local_date,
            exc_info=True,
        )

"""Celery entry points; each calls one plain function (roll-ups: `dashboards.rollup`).

Every roll-up is one transaction and leaves its buckets dirty until it commits, so a task
may safely run twice: acknowledged late, redelivered if the worker dies (settings), retried
with growing pauses when the database is unavailable, and stopped by the time limits.
"""

from collections.abc import Iterable
from datetime import date

from celery import Task, shared_task
from django.conf import settings
from django.db import DatabaseError

from touchpoints.models import Location

from . import location_groups, retention, rollup

RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 2,  # 2 s, 4 s, 8 s … with jitter
    "retry_backoff_max": 120,
    "max_retries": 8,
}


@shared_task(name="dashboards.roll_up_day", **RETRY)
def roll_up_day(location_id: int, local_date: str) -> int:
    return rollup.roll_up_day(location_id, date.fromisoformat(local_date))


# Beat's sweep and the nightly reconciliation fan out: one task per group of locations
# (dashboards/location_groups.py), so that as many workers share the work. Embedded, the
# group tasks run in-process, within the same call. A group's task carries its locations,
# not only its number, so a worker rolls up exactly what the sender grouped.
@shared_task(name="dashboards.roll_up_dirty_days", **RETRY)
def roll_up_dirty_days() -> int:
    """Beat's sweep: a task for each group that has marked buckets; returns how many."""
    return fan_out(roll_up_location_group, rollup.dirty_locations(), expires=SWEEP_TASK_EXPIRES)


# A group's sweep task not taken within this many seconds is dropped unrun; its marks stay
# for the next sweep's. So a group whose worker is away does not pile up a tick every few
# seconds meanwhile. Longer than any roll-up (the time limit): a group's task waiting behind
# others' is never dropped while the workers are merely busy.
SWEEP_TASK_EXPIRES = settings.CELERY_TASK_TIME_LIMIT


@shared_task(name="dashboards.roll_up_location_group", **RETRY)
def roll_up_location_group(group: int, location_ids: list[int]) -> int:
    """The group's marked buckets, as they are when the task runs: a task that waited in
    the queue, or a second one for the same group, finds only what is still marked."""
    return rollup.rebuild_dirty(location_ids=location_ids)


@shared_task(name="dashboards.reconcile_recent_days", **RETRY)
def reconcile_recent_days() -> int:
    """Nightly: every location's last days from the raw rows, a task for each group."""
    window = rollup.recent_days()
    if window is None:
        return 0
    since, until = (day.isoformat() for day in window)
    locations = Location.objects.values_list("pk", flat=True)
    return fan_out(reconcile_location_group, locations, since, until)


@shared_task(name="dashboards.reconcile_location_group", **RETRY)
def reconcile_location_group(group: int, location_ids: list[int], since: str, until: str) -> int:
    return rollup.reconcile(date.fromisoformat(since), date.fromisoformat(until), location_ids)


def fan_out(task: Task, location_ids: Iterable[int], *args, **options) -> int:
    """Send `task` once for each group among `location_ids`, with (group, its locations,
    *args), routed by group (settings, CELERY_TASK_ROUTES) unless `options` name a queue;
    returns how many were sent."""
    groups = location_groups.grouped(location_ids)
    for group, members in groups.items():
        task.apply_async((group, members, *args), **options)
    return len(groups)


@shared_task(name="dashboards.send_morning_digests", **RETRY)
def send_morning_digests() -> int:
    """Each manager's 07:00 digest, once a day; beat asks every quarter of an hour."""
    from . import digest

    return digest.send_due_digests()


@shared_task(name="dashboards.send_need_emails", **RETRY)
def send_need_emails() -> int:
    """Hourly emails about new needs to the managers who asked; beat asks every 5 minutes."""
    from . import need_emails

    return need_emails.send_need_emails()


@shared_task(name="dashboards.prune_expired", **RETRY)
def prune_expired() -> dict:
    """Personal data past its retention period (RetentionPolicy); beat asks every night."""
    return retention.prune_expired()


# Acknowledged late like every task: a worker killed halfway leaves the message to be handed
# out again, and the run starts the file from scratch. Longer limits than the roll-ups': a
# hub's year takes minutes (settings, EXPORT_TIME_LIMIT). No automatic retry: a failure is
# shown to the person who asked, and a lost worker is the sweep's to find.
@shared_task(
    name="dashboards.run_export_job",
    time_limit=settings.EXPORT_TIME_LIMIT,
    soft_time_limit=settings.EXPORT_TIME_LIMIT - 60,
)
def run_export_job(job_id: int) -> str:
    from . import export_jobs

    return export_jobs.run(job_id)


@shared_task(name="dashboards.sweep_export_jobs", **RETRY)
def sweep_export_jobs() -> dict:
    """Export jobs whose worker died, and those past their time; beat asks every minute."""
    from . import export_jobs

    return export_jobs.sweep()

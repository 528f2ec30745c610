"""Celery entry points; each calls one plain function (roll-ups: `dashboards.rollup`).

Every roll-up is one transaction and leaves its buckets dirty until it commits, so a task
may safely run twice: acknowledged late, redelivered if the worker dies (settings), retried
with growing pauses when the database is unavailable, and stopped by the time limits.
"""

from datetime import date

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError

from . import retention, rollup

RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 2,  # 2 s, 4 s, 8 s … with jitter
    "retry_backoff_max": 120,
    "max_retries": 8,
}


@shared_task(name="dashboards.roll_up_day", **RETRY)
def roll_up_day(location_id: int, local_date: str) -> int:
    return rollup.rebuild_buckets([(location_id, date.fromisoformat(local_date))])


@shared_task(name="dashboards.roll_up_dirty_days", **RETRY)
def roll_up_dirty_days() -> int:
    return rollup.rebuild_dirty()


@shared_task(name="dashboards.reconcile_recent_days", **RETRY)
def reconcile_recent_days() -> int:
    return rollup.rebuild_recent()


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

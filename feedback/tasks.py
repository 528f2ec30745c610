"""Celery entry points of the feedback app; each calls one plain function."""

from celery import shared_task
from django.db import DatabaseError

from . import erasure, recovery

RETRY = {
    "autoretry_for": (DatabaseError,),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "max_retries": 8,
}


@shared_task(name="feedback.erase_contacts", **RETRY)
def erase_contacts() -> int:
    """Customers' contact details past their time; beat asks every hour."""
    return erasure.erase_contacts()


@shared_task(name="feedback.lapse_untaken_recoveries", **RETRY)
def lapse_untaken_recoveries() -> int:
    """Recoveries nobody took within the window lapse; beat asks every hour."""
    return recovery.lapse_untaken()

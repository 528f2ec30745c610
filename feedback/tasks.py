"""Celery entry points of the feedback app; each calls one plain function."""

from celery import shared_task
from django.db import DatabaseError

from . import erasure


@shared_task(
    name="feedback.erase_contacts",
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=8,
)
def erase_contacts() -> int:
    """Customers' contact details past their time; beat asks every hour."""
    return erasure.erase_contacts()

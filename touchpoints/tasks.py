"""Celery entry points of the touchpoints app; each calls one plain function."""

from celery import shared_task
from django.db import DatabaseError

from .configuration.welcomes import welcome
from .models import User


@shared_task(
    name="touchpoints.send_welcome_email",
    autoretry_for=(OSError, DatabaseError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=10,
)
def send_welcome_email(person_id: int, base_url: str, actor_id: int | None) -> bool:
    """One imported person's welcome email; a person since removed gets none."""
    person = User.objects.filter(pk=person_id).first()
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    return person is not None and welcome(person, base_url, actor)


@shared_task(name="touchpoints.send_webhooks", ignore_result=True)
def send_webhooks() -> int:
    """Everything due in the webhook outbox (after a save, and on beat as a sweep)."""
    from .webhook_sending import send_due

    return send_due()

"""Sending the outbox: signed by Standard Webhooks, retried with backoff, paused when failing.

Each delivery is POSTed with the `webhook-id`, `webhook-timestamp` and `webhook-signature`
headers (HMAC-SHA256 over id.timestamp.body with the endpoint's secret; two signatures while
a rotated secret overlaps). A 2xx answer delivers it. Anything else (an error status, a
redirect, which is never followed, a timeout after settings.WEBHOOK_TIMEOUT_SECONDS) is
tried again later, each wait three times the last, until a day after the event; then it is
given up. An endpoint failing without a success for settings.WEBHOOK_PAUSE_AFTER_HOURS is
paused and the admins are emailed.

Each endpoint is sent to by one thread at a time (a PostgreSQL advisory lock), and the
sweep gives each endpoint a thread of its own: a receiver that hangs holds up only itself.
"""

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta

import requests
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from .models import Role, User
from .webhook_addresses import AddressRefused, check_address
from .webhooks import WebhookDelivery, WebhookEndpoint

log = logging.getLogger(__name__)

GIVE_UP_AFTER = timedelta(hours=24)
FIRST_WAIT = timedelta(seconds=10)
MAX_PARALLEL = 16  # endpoints sent to at once by one sweep
PER_SWEEP = 200  # deliveries per endpoint per sweep; the next sweep takes the rest
LOCK_SPACE = 22_0001  # advisory lock namespace: the endpoint's id is the second key


def wait_after(attempts: int) -> timedelta:
    """10 s, 30 s, 90 s, 4.5 min, ... : three times longer after each failure."""
    return FIRST_WAIT * (3 ** max(attempts - 1, 0))


def due(now: datetime | None = None):
    now = now or timezone.now()
    return WebhookDelivery.objects.filter(
        delivered_at__isnull=True,
        failed_at__isnull=True,
        next_attempt_at__lte=now,
        endpoint__active=True,
        endpoint__paused_at__isnull=True,
    )


def send_due(parallel: bool = True) -> int:
    """Send what is due to every endpoint, a thread each; the number delivered."""
    endpoint_ids = list(due().order_by().values_list("endpoint_id", flat=True).distinct())
    if not parallel or len(endpoint_ids) <= 1:
        return sum(send_to_endpoint(pk) for pk in endpoint_ids)
    with ThreadPoolExecutor(max_workers=min(len(endpoint_ids), MAX_PARALLEL)) as pool:
        return sum(pool.map(_send_in_thread, endpoint_ids))


def _send_in_thread(endpoint_id: int) -> int:
    try:
        return send_to_endpoint(endpoint_id)
    finally:
        connection.close()  # each thread has a connection of its own


def send_to_endpoint(endpoint_id: int) -> int:
    """The endpoint's due deliveries, oldest first, until one fails (the rest then wait for
    its retry, so a receiver hears of events in order)."""
    with _sending_lock(endpoint_id) as got_it:
        if not got_it:
            return 0  # another thread is sending to it
        endpoint = WebhookEndpoint.objects.filter(pk=endpoint_id).first()
        delivered = 0
        for delivery in (
            due().filter(endpoint_id=endpoint_id).order_by("created_at", "pk")[:PER_SWEEP]
        ):
            if not attempt(endpoint, delivery):
                break
            delivered += 1
        return delivered


@contextmanager
def _sending_lock(endpoint_id: int):
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_SPACE, endpoint_id])
        got_it = cursor.fetchone()[0]
    try:
        yield got_it
    finally:
        if got_it:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_SPACE, endpoint_id])


def signed_headers(endpoint: WebhookEndpoint, delivery: WebhookDelivery, body: str) -> dict:
    now = timezone.now()
    signatures = [
        Webhook(s).sign(delivery.message_id, now, body) for s in endpoint.secrets_in_use()
    ]
    return {
        "Content-Type": "application/json",
        "User-Agent": "Moments-Webhooks/1",
        "webhook-id": delivery.message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


def attempt(endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> bool:
    """One POST of `delivery`; True when the receiver took it."""
    body = json.dumps(delivery.payload, separators=(",", ":"))
    status, error = None, ""
    try:
        check_address(endpoint.url)
        response = requests.post(
            endpoint.url,
            data=body.encode(),
            headers=signed_headers(endpoint, delivery, body),
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
        status = response.status_code
        response.close()
    except AddressRefused as refusal:
        error = str(refusal)
    except requests.Timeout:
        error = f"No answer within {settings.WEBHOOK_TIMEOUT_SECONDS} s."
    except requests.RequestException as failure:
        error = f"Could not connect: {type(failure).__name__}."
    ok = status is not None and 200 <= status < 300
    if status is not None and not ok:
        error = f"Answered {status}" + (
            " (redirects are not followed)" if 300 <= status < 400 else ""
        )
    _record(endpoint, delivery, ok, status, error)
    return ok


def _record(endpoint, delivery, ok: bool, status: int | None, error: str) -> None:
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_status, delivery.last_error, delivery.last_attempt_at = status, error[:300], now
    if ok:
        delivery.delivered_at, delivery.next_attempt_at = now, None
    elif now - delivery.created_at >= GIVE_UP_AFTER:
        delivery.failed_at, delivery.next_attempt_at = now, None
    else:
        delivery.next_attempt_at = now + wait_after(delivery.attempts)
    delivery.save(
        update_fields=["attempts", "last_status", "last_error", "last_attempt_at",
                       "delivered_at", "failed_at", "next_attempt_at"]
    )  # fmt: skip
    if ok:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(failing_since=None)
        return
    since = endpoint.failing_since or now
    WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since=None).update(failing_since=since)
    if now - since >= timedelta(hours=settings.WEBHOOK_PAUSE_AFTER_HOURS):
        pause(endpoint, now)


def pause(endpoint: WebhookEndpoint, now: datetime) -> None:
    """Stop sending to an endpoint that keeps failing, and tell the admins (once)."""
    if not WebhookEndpoint.objects.filter(pk=endpoint.pk, paused_at=None).update(paused_at=now):
        return
    admins = User.objects.filter(is_active=True, groups__name=Role.ADMIN).exclude(email="")
    addresses = sorted(set(admins.values_list("email", flat=True)))
    if not addresses:
        return
    hours = settings.WEBHOOK_PAUSE_AFTER_HOURS
    send_mail(
        f"Moments paused the webhook {endpoint}",
        f"Deliveries to {endpoint.url} have failed for {hours} hours without a success, so"
        " Moments stopped sending to it. Its messages are kept: once the receiver works, clear"
        " 'paused at' on the endpoint's page in the configuration and they are sent again.",
        None,
        addresses,
        fail_silently=True,
    )

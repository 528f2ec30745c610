"""Webhooks by the Standard Webhooks specification: endpoints, and the outbox of deliveries.

A change that others should hear about (an answer, a recovery, a need) calls `emit` inside
its own transaction: one delivery row per endpoint that wants the event, committed or
rolled back with the change itself. Nothing is sent there. After the commit a task is asked
to send (best effort: while Redis is down the rows wait, and the beat sweep sends them once
it is back), so a save never waits on a receiver and no event is lost. Sending, retries and
pausing are in `webhook_sending`.
"""

import base64
import logging
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Location

log = logging.getLogger(__name__)


class Event(models.TextChoices):
    ANSWER_RECEIVED = "answer.received", _("A customer answered")
    RECOVERY_OPENED = "recovery.opened", _("A recovery was opened")
    RECOVERY_CLOSED = "recovery.closed", _("A recovery was closed")
    NEED_RAISED = "need.raised", _("A need was raised")
    NEED_ANSWERED = "need.answered", _("A need was answered")


def all_events() -> list[str]:
    return list(Event.values)


def new_secret() -> str:
    """A `whsec_` secret: 24 random bytes in base64, as the specification's libraries read."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class WebhookEndpoint(models.Model):
    url = models.URLField(_("address"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=all_events)
    locations = models.ManyToManyField(
        Location,
        blank=True,
        related_name="webhook_endpoints",
        verbose_name=_("locations"),
        help_text=_("Only events at these locations; none chosen: every location."),
    )
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret)
    # After a rotation, deliveries carry a signature with each secret until this time, so
    # that the receiver can switch to the new one without missing a message.
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    # Set when deliveries began failing without a success since; cleared by a success.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    paused_at = models.DateTimeField(
        _("paused at"),
        null=True,
        blank=True,
        help_text=_("Paused after failing too long; clear it to send again."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["url"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.description or self.url

    def secrets_in_use(self) -> list[str]:
        keep_old = self.previous_secret and self.previous_secret_until
        if keep_old and self.previous_secret_until > timezone.now():
            return [self.secret, self.previous_secret]
        return [self.secret]

    def rotate_secret(self) -> None:
        hours = settings.WEBHOOK_SECRET_OVERLAP_HOURS
        self.previous_secret = self.secret
        self.previous_secret_until = timezone.now() + timedelta(hours=hours)
        self.secret = new_secret()
        self.save(update_fields=["secret", "previous_secret", "previous_secret_until"])


class WebhookDelivery(models.Model):
    """One message to one endpoint: the outbox row, and what became of it."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    # The `webhook-id`: the same on every attempt and every resend, so receivers dedup by it.
    message_id = models.CharField(_("message id"), max_length=40, editable=False)
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    payload = models.JSONField()
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_status = models.PositiveSmallIntegerField(_("last response"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("given up at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(delivered_at__isnull=True, failed_at__isnull=True),
                name="webhook_delivery_due",
            ),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} · {self.created_at:%Y-%m-%d %H:%M:%S}"

    @property
    def state(self) -> str:
        if self.delivered_at:
            return "delivered"
        return "failed" if self.failed_at else "pending"

    def resend(self) -> None:
        """Send again, under the same message id (the receiver may already have it)."""
        self.delivered_at = self.failed_at = None
        self.next_attempt_at = timezone.now()
        self.created_at = timezone.now()  # a fresh day of retries
        self.save(update_fields=["delivered_at", "failed_at", "next_attempt_at", "created_at"])


def emit(event: Event, data: dict, location_id: int | None = None) -> int:
    """Write the event's deliveries in the caller's transaction; sent after it commits."""
    endpoints = WebhookEndpoint.objects.filter(active=True)
    if location_id is not None:
        endpoints = endpoints.filter(Q(locations=None) | Q(locations=location_id))
    # A company has a handful of endpoints: their events are matched here, which SQLite's
    # JSON (the embedded mode) could not do in the query.
    endpoint_ids = sorted(
        {pk for pk, events in endpoints.values_list("pk", "events") if str(event) in events}
    )
    if not endpoint_ids:
        return 0
    now = timezone.now()
    payload = {"type": str(event), "timestamp": now.isoformat(), "data": data}
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint_id=endpoint_id,
            message_id=f"msg_{uuid.uuid4().hex}",
            event=event,
            payload=payload,
            created_at=now,
            next_attempt_at=now,
        )
        for endpoint_id in endpoint_ids
    )
    transaction.on_commit(request_sending)
    return len(endpoint_ids)


def request_sending() -> None:
    """Ask the worker to send what is due; if the broker is down, the beat sweep will.

    At most once a second: one send takes everything due. While Redis is down `cache.add`
    answers False (config/cache.py), so no request waits on a broker that is not there.
    """
    try:
        if not cache.add("webhooks-requested", 1, 1):
            return
        from .tasks import send_webhooks  # the task itself: the embedded mode runs it here

        send_webhooks.delay()
    except Exception:
        log.warning("Could not queue webhook sending; the sweep will send.", exc_info=True)


def need_data(need) -> dict:
    """A need as webhooks carry it (the API's names; GET /api/v1/needs lists the same)."""
    return {
        "id": need.pk,
        "kind": need.kind,
        "note": need.note,
        "status": need.status,
        "raised_at": need.raised_at.isoformat(),
        "location": need.location_id,
        "team": need.team_id,
        "moment": str(need.moment.uuid) if need.moment_id else None,
        "answer": need.answer,
        "answered_at": need.answered_at.isoformat() if need.answered_at else None,
    }


# What a message may carry in the customer's or a colleague's own words: an answer's comment
# (also inside a recovery's answer), a need's note and the manager's reply.
FREE_TEXT = ("comment", "note", "answer")


def without_free_text(payload: dict) -> dict:
    """`payload` with its comments and notes blanked (retention and erasure, docs/privacy.md);
    the scores, ids and times stay, so a message still waiting is still worth sending."""
    data = dict(payload.get("data") or {})
    for name in FREE_TEXT:
        if isinstance(data.get(name), str):
            data[name] = ""
    if isinstance(data.get("answer"), dict):
        data["answer"] = {**data["answer"], "comment": ""}
    return {**payload, "data": data}


def deliveries_about(moment_uuids: list[str]):
    """The messages whose event is about one of these moments (an answer, its recovery, or a
    need raised on it)."""
    return WebhookDelivery.objects.filter(
        Q(payload__data__moment__in=moment_uuids)
        | Q(payload__data__answer__moment__in=moment_uuids)
    )


def blank_free_text(deliveries) -> int:
    """Blank the comments and notes of `deliveries`; returns how many changed."""
    changed = 0
    for pk, payload in deliveries.values_list("pk", "payload"):
        if (blanked := without_free_text(payload)) != payload:
            WebhookDelivery.objects.filter(pk=pk).update(payload=blanked)
            changed += 1
    return changed

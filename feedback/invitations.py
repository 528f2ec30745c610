"""Inviting a customer to rate a moment, and taking their answer."""

import logging
from datetime import datetime
from io import BytesIO

import segno
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from touchpoints.customers import last_invited
from touchpoints.dirty_days import mark_day_dirty
from touchpoints.models import Moment

from . import webhook_events
from .models import Answer, FeedbackSettings, HeldBackInvitation, Invitation
from .recovery import open_recovery

log = logging.getLogger(__name__)


class AlreadyAnswered(Exception):
    pass


class Expired(Exception):
    pass


class AskedRecently(Exception):
    """The customer was invited for another moment within the limit's period."""

    def __init__(self, last_asked_at: datetime):
        super().__init__(f"Asked on {last_asked_at:%Y-%m-%d}")
        self.last_asked_at = last_asked_at


def invitation_for(moment: Moment) -> Invitation:
    """The moment's one invitation, made on first ask.

    Raises AskedRecently, and records the invitation as held back, when the moment's
    customer was invited for another moment within settings.INVITE_SAME_CUSTOMER_DAYS:
    the same limit on the tablet, by link and through the API. Two asks at the same second
    for one customer at two desks may both pass: rare, and one extra question at worst.
    """
    invitation = Invitation.objects.filter(moment=moment).first()
    if invitation is not None:
        return invitation
    if (last := last_invited(moment)) is not None:
        HeldBackInvitation.objects.get_or_create(moment=moment, defaults={"last_asked_at": last})
        raise AskedRecently(last)
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(moment=moment)
            mark_day_dirty(moment.location_id, moment.local_date)
    except IntegrityError:
        invitation = Invitation.objects.get(moment=moment)
    return invitation


def public_url(invitation: Invitation, request: HttpRequest) -> str:
    """The link the customer opens: on PUBLIC_BASE_URL when set, else on this host."""
    path = invitation.get_absolute_url()
    if settings.PUBLIC_BASE_URL:
        return settings.PUBLIC_BASE_URL.rstrip("/") + path
    return request.build_absolute_uri(path)


def qr_svg(url: str) -> SafeString:
    """An inline SVG QR code for `url`, drawn on the server (no network, no JS)."""
    buffer = BytesIO()
    segno.make(url, error="m").save(
        buffer, kind="svg", scale=6, border=2, xmldecl=False, svgns=True, title="QR code"
    )
    return mark_safe(buffer.getvalue().decode())


@transaction.atomic
def record_answer(invitation: Invitation, unsaved: Answer) -> Answer:
    """Store the customer's answer; one per invitation, never after expiry."""
    locked = Invitation.objects.select_for_update().select_related("moment").get(pk=invitation.pk)
    if Answer.objects.filter(invitation=locked).exists():
        raise AlreadyAnswered
    if locked.is_expired:
        raise Expired
    unsaved.invitation = locked
    reason = FeedbackSettings.current().low_reason(unsaved)
    unsaved.is_low = bool(reason)
    # Both the public page and the hand-over record inside the customer's language.
    unsaved.language = unsaved.language or (translation.get_language() or "")[:8]
    unsaved.save()
    mark_day_dirty(locked.moment.location_id, locked.moment.local_date)
    webhook_events.answer_received(unsaved)
    if reason:
        open_recovery(unsaved, reason)
    if unsaved.comment:
        transaction.on_commit(lambda: request_tagging(unsaved.pk))
    return unsaved


def held_back_count(condition: Q) -> int:
    """Invitations not made for the over-survey limit, among moments matching `condition`
    (the dashboard's selection, through `moment__`)."""
    return HeldBackInvitation.objects.filter(condition).count()


def request_tagging(answer_id: int) -> None:
    """Ask the worker for the comment's themes. Best effort, never in the customer's way:
    if the broker is down, the walk beat runs every minute tags it (feedback/themes/retag.py)."""
    from .tasks import tag_answer

    try:
        tag_answer.delay(answer_id)
    except Exception:
        log.warning("Could not queue tagging of answer %s; beat will.", answer_id, exc_info=True)

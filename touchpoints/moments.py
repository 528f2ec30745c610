"""Logging a moment of truth exactly once, undoing it, and listing a person's day."""

import uuid as uuid_module
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .dirty_days import insert_marking_day_dirty, mark_day_dirty
from .models import Moment, UndoRecord, User

# The tablet offers undo for a few seconds. The server allows an undo until a while after
# the moment reached it (`created_at`, the server's own clock): enough for an undo that was
# queued while the link dropped and is sent once the tablet is back, never days later. The
# tablet's clock (its `occurred_at` and the undo's `requested_at`) may narrow that window
# to UNDO_WINDOW between tap and undo, but a wrong or forged clock can never widen it.
UNDO_WINDOW = timedelta(minutes=2)
UNDO_SERVER_WINDOW = timedelta(minutes=10)


class NotYourMoment(Exception):
    """The tablet's UUID is already used by a moment someone else logged."""


class UuidReused(Exception):
    """The tablet's UUID is already used by a different moment of the same person."""


class UndoRefused(Exception):
    """The moment cannot be taken back; the message says why and what to do instead."""


def record_moment(
    staff: User, unsaved: Moment, uuid: uuid_module.UUID, *, timed_by_tablet: bool = True
) -> tuple[Moment, bool]:
    """Store `unsaved` under the tablet's `uuid`, once.

    Returns the stored moment and whether this call created it. A repeat of the same UUID
    with the same content (double tap, resent request, two copies racing) returns the moment
    stored the first time. A repeat with other content is a different moment under a reused
    UUID: it is refused (`UuidReused`), never answered as if it had been stored. The insert
    comes first: the common case is a new moment, and the unique UUID decides a race without
    a lookup beforehand.
    """
    try:
        return _insert(staff, unsaved, uuid), True
    except IntegrityError:
        existing = Moment.objects.filter(uuid=uuid).first()
        if existing is None:
            raise
    if existing.staff_id != staff.pk:
        raise NotYourMoment
    if not is_resend(existing, unsaved, timed_by_tablet):
        raise UuidReused(
            _(
                "It came with the ID of another moment you logged (%(type)s, %(outcome)s at"
                " %(time)s), so it was not stored."
            )
            % {
                "type": existing.touchpoint_type.name,
                "outcome": existing.get_outcome_display().lower(),
                "time": f"{timezone.localtime(existing.occurred_at):%H:%M}",
            }
        )
    return existing, False


def is_resend(stored: Moment, sent: Moment, timed_by_tablet: bool = True) -> bool:
    """Whether `sent` is the moment `stored` as first sent (a later correction does not count).

    The time is compared to the second, and only when the tablet stamped it: a post without
    it got the server's clock, which differs on every repeat.
    """
    fields = Moment.TOLD_FIELDS + (["occurred_at"] if timed_by_tablet else [])

    def content(values: dict) -> dict:
        return {name: _to_the_second(values[name]) for name in fields}

    sent_values = content({name: getattr(sent, name) for name in fields})
    first = stored.corrections.order_by("corrected_at").values_list("before", flat=True).first()
    if first is not None:
        first["occurred_at"] = datetime.fromisoformat(first["occurred_at"])
        return sent_values == content(first)
    return sent_values == content({name: getattr(stored, name) for name in fields})


def _to_the_second(value):
    return value.replace(microsecond=0) if isinstance(value, datetime) else value


def _insert(staff: User, unsaved: Moment, uuid: uuid_module.UUID) -> Moment:
    unsaved.uuid = uuid
    unsaved.staff = staff
    unsaved.team = staff.team
    unsaved.location = staff.team.location
    unsaved.local_date = unsaved.location.local_date(unsaved.occurred_at)  # as save() does
    insert_marking_day_dirty(unsaved)
    return unsaved


@transaction.atomic
def undo_moment(
    staff: User, uuid: uuid_module.UUID, requested_at: datetime | None = None
) -> Moment | None:
    """Delete a moment its author just logged, and record that they did. Undoing twice, or
    an unknown UUID, is a no-op.

    A moment the customer has been asked about stays: their link must keep working.
    """
    moment = Moment.objects.select_for_update().filter(uuid=uuid, staff=staff).first()
    if moment is None:
        return None
    if has_invitation(moment):
        raise UndoRefused(
            _(
                "The customer has already been asked for feedback on this moment, so it stays."
                " You can still correct it in My moments."
            )
        )
    if not within_undo_window(moment, requested_at):
        raise UndoRefused(
            _("It is too late to undo this moment. Correct it in My moments instead.")
        )
    UndoRecord.objects.create(
        moment_uuid=moment.uuid,
        undone_by=staff,
        location_id=moment.location_id,
        local_date=moment.local_date,
        requested_at=requested_at,
        moment=undone_snapshot(moment),
    )
    moment.delete()
    mark_day_dirty(moment.location_id, moment.local_date)
    return moment


def within_undo_window(moment: Moment, requested_at: datetime | None) -> bool:
    """The server's clock decides: the moment must have reached it a short while ago. The
    tablet's own times (`occurred_at`, `requested_at`) can only narrow that, never widen it."""
    now = timezone.now()
    if now - moment.created_at > UNDO_SERVER_WINDOW:
        return False
    asked_at = min(requested_at or now, now)
    return asked_at - moment.occurred_at <= UNDO_WINDOW


def undone_snapshot(moment: Moment) -> dict:
    fields = ["touchpoint_type_id", "team_id", "channel", "outcome", "resolved_on_spot", "note"]
    snapshot = {name: getattr(moment, name) for name in fields}
    snapshot["extra"] = moment.extra
    # So that an erasure on request finds the copy (feedback/customer_data.py).
    snapshot["customer_ref_hash"] = moment.customer_ref_hash
    snapshot["occurred_at"] = moment.occurred_at.isoformat()
    snapshot["created_at"] = moment.created_at.isoformat()
    snapshot["corrections"] = [
        {"at": c.corrected_at.isoformat(), "before": c.before, "after": c.after}
        for c in moment.corrections.all()
    ]
    # The remedies go with the moment (their budget is free again); the record keeps them.
    snapshot["remedies"] = [
        {"kind": str(r.kind), "amount": str(r.amount), "currency": r.currency, "reason": r.reason}
        for r in moment.remedies.select_related("kind")
    ]
    return snapshot


def has_invitation(moment: Moment) -> bool:
    # By the reverse relation's name: touchpoints does not import feedback.
    return Moment.objects.filter(pk=moment.pk, invitation__isnull=False).exists()


def moments_today(staff: User) -> list[Moment]:
    """The person's moments on their location's today, newest first, with feedback so far."""
    if staff.team is None:
        return []
    today = staff.team.location.today()
    return list(
        Moment.objects.filter(staff=staff, local_date=today)
        .select_related("touchpoint_type", "invitation__answer")
        .prefetch_related(
            "touchpoint_type__extra_fields",
            "corrections",
            "needs",
            "remedies__kind",
            "remedies__corrections",
        )
        .order_by("-occurred_at")
    )

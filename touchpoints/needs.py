"""What the front line needed: raising a request to management and following its answer."""

import uuid as uuid_module
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from .dirty_days import mark_day_dirty
from .models import Moment, Need, User
from .webhooks import Event, emit, need_data

MY_NEEDS_LIMIT = 30


@transaction.atomic
def raise_need(
    staff: User, kind: str, note: str = "", moment_uuid: uuid_module.UUID | None = None
) -> Need:
    """Record what was missing, for the staff member's own team and location.

    A moment reference that is not the person's own is ignored rather than refused: the
    need matters more than the link to one moment.
    """
    moment = None
    if moment_uuid is not None:
        moment = Moment.objects.filter(uuid=moment_uuid, staff=staff).first()
    need = Need.objects.create(
        raised_by=staff,
        team=staff.team,
        location=staff.team.location,
        moment=moment,
        kind=kind,
        note=note,
    )
    mark_day_dirty(need.location_id, need.local_date)
    emit(Event.NEED_RAISED, need_data(need), need.location_id)
    return need


def needs_of(staff: User) -> list[Need]:
    """The person's requests, newest first: open ones and answered ones alike."""
    return list(
        Need.objects.filter(raised_by=staff)
        .select_related("moment__touchpoint_type", "answered_by")
        .order_by("-raised_at")[:MY_NEEDS_LIMIT]
    )


def unseen_answers(staff: User) -> QuerySet[Need]:
    """The person's needs answered since they last looked: newest answer first."""
    newer = Q(answer_seen_at__isnull=True) | Q(answer_seen_at__lt=F("answered_at"))
    return (
        Need.objects.filter(raised_by=staff, answered_at__isnull=False)
        .filter(newer)
        .select_related("answered_by")
        .order_by("-answered_at", "-pk")
    )


def mark_answers_seen(staff: User, need_ids: Iterable[int]) -> int:
    """The person saw the answers to these needs of theirs (shown, or dismissed)."""
    unseen = unseen_answers(staff).filter(pk__in=list(need_ids))
    return unseen.order_by().update(answer_seen_at=timezone.now())


def just_raised(staff: User, need_id: str | None) -> Need | None:
    """The need the log screen confirms after raising it: the person's own, else none."""
    if not need_id or not need_id.isdigit():
        return None
    return Need.objects.filter(pk=int(need_id), raised_by=staff).first()

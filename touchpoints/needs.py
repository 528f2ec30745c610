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


def answer_banners(staff: User, shown: int) -> list[Need]:
    """The unseen answers the log screen shows, at most `shown`, newest first, each once.

    The same need raised twice and answered alike (a printer reported by two taps) would
    make two identical banners: they are one, which carries the ids of all it stands for
    (`same_ids`), so that dismissing it marks every one of them seen. A few more than
    `shown` are read, so that duplicates do not leave places empty.
    """
    banners: dict[tuple, Need] = {}
    for need in unseen_answers(staff)[: shown * 4]:
        key = (need.note or need.kind, need.status, need.answer)
        if key in banners:
            banners[key].same_ids.append(need.pk)
        elif len(banners) < shown:
            need.same_ids = []
            banners[key] = need
    return list(banners.values())


DISMISSED_RAISED = "dismissed_raised_needs"  # in the session: a short list of need ids
DISMISSED_KEPT = 20


def dismiss_raised(session, need: Need) -> None:
    """The person put away the log screen's "sent to your managers" banner for `need`: it
    stays away when the page is reloaded (its address still names the need)."""
    kept = [pk for pk in session.get(DISMISSED_RAISED, []) if pk != need.pk]
    session[DISMISSED_RAISED] = [*kept, need.pk][-DISMISSED_KEPT:]


def raised_banner(staff: User, session, need_id: str | None) -> Need | None:
    """The just-raised need the log screen confirms, unless the person dismissed it."""
    need = just_raised(staff, need_id)
    if need is not None and need.pk in session.get(DISMISSED_RAISED, []):
        return None
    return need

"""Closing the loop: a low answer opens a recovery that the moment's team puts right.

Anyone in the team may take a recovery and close it; nothing waits for a manager. Every
change marks the moment's day dirty in the same transaction, so the roll-up counts it.
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from touchpoints.dirty_days import mark_day_dirty
from touchpoints.models import Team, User

from .models import Answer, Recovery


class NotYourTeam(Exception):
    """The recovery belongs to another team."""


class AlreadyClosed(Exception):
    """Someone closed the recovery already (a double tap, or a colleague got there first)."""


def open_recovery(answer: Answer) -> Recovery:
    """Open a recovery on the moment's team; call inside the answer's transaction."""
    moment = answer.invitation.moment
    recovery = Recovery.objects.create(answer=answer, team_id=moment.team_id)
    mark_day_dirty(moment.location_id, moment.local_date)
    return recovery


def open_for_team(team: Team | None) -> QuerySet[Recovery]:
    """The team's recoveries still to put right, oldest first: the longest wait comes first."""
    if team is None:
        return Recovery.objects.none()
    return (
        Recovery.objects.filter(team=team, closed_at__isnull=True)
        .select_related(
            "answer__invitation__moment__touchpoint_type",
            "answer__invitation__moment__staff",
            "taken_by",
        )
        .order_by("opened_at")
    )


def _locked(recovery_id: int, user: User) -> Recovery:
    recovery = (
        Recovery.objects.select_for_update()
        .select_related("answer__invitation__moment")
        .get(pk=recovery_id)
    )
    if user.team_id is None or recovery.team_id != user.team_id:
        raise NotYourTeam
    if recovery.closed_at is not None:
        raise AlreadyClosed
    return recovery


def _mark_dirty(recovery: Recovery) -> None:
    moment = recovery.answer.invitation.moment
    mark_day_dirty(moment.location_id, moment.local_date)


@transaction.atomic
def take(recovery_id: int, user: User) -> Recovery:
    """`user` takes the recovery on; a colleague may take it over, no one has to approve."""
    recovery = _locked(recovery_id, user)
    recovery.taken_by = user
    recovery.taken_at = timezone.now()
    recovery.save(update_fields=["taken_by", "taken_at"])
    _mark_dirty(recovery)
    return recovery


@transaction.atomic
def close(recovery_id: int, user: User, *, action: str, result: str, note: str = "") -> Recovery:
    """Record what was done and how it ended, and keep the time since the customer's answer."""
    recovery = _locked(recovery_id, user)
    now = timezone.now()
    if recovery.taken_by_id != user.pk:
        # Whoever closes it is the one who put it right.
        recovery.taken_by, recovery.taken_at = user, now
    recovery.action, recovery.result, recovery.note = action, result, note
    recovery.closed_at = now
    elapsed = now - recovery.answer.answered_at
    recovery.seconds_to_recover = max(0, round(elapsed.total_seconds()))
    recovery.save()
    _mark_dirty(recovery)
    return recovery

"""Closing the loop: a low answer opens a recovery that the moment's team puts right.

Anyone in the team may take a recovery and close it; nothing waits for a manager. Every
change marks the moment's day dirty in the same transaction, so the roll-up counts it. A
recovery nobody takes within the lapse window lapses: it counts as not recovered, and can
still be closed, late.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Case, F, Q, QuerySet, When
from django.utils import timezone

from touchpoints.dirty_days import mark_day_dirty, mark_days_dirty
from touchpoints.models import Team, User
from touchpoints.webhooks import Event

from . import webhook_events
from .models import Answer, FeedbackSettings, Recovery

LAPSE_BATCH = 1000  # recoveries per transaction of the lapse job
NEARLY_DUE_SHARE = 0.25  # of the time allowed: a day's target is "nearly due" in its last 6 h


class NotYourTeam(Exception):
    """The recovery belongs to another team."""


class AlreadyClosed(Exception):
    """Someone closed the recovery already (a double tap, or a colleague got there first)."""


class AlreadyTaken(Exception):
    """A colleague took the recovery after this person last saw it: they are told who."""

    def __init__(self, recovery: Recovery):
        super().__init__(f"Taken by {recovery.taken_by}")
        self.recovery = recovery


def open_recovery(answer: Answer, reason: str) -> Recovery:
    """Open a recovery on the moment's team; call inside the answer's transaction."""
    moment = answer.invitation.moment
    recovery = Recovery.objects.create(answer=answer, team_id=moment.team_id, reason=reason)
    mark_day_dirty(moment.location_id, moment.local_date)
    webhook_events.recovery_changed(Event.RECOVERY_OPENED, recovery)
    return recovery


def _for_team(team: Team | None) -> QuerySet[Recovery]:
    if team is None:
        return Recovery.objects.none()
    return Recovery.objects.filter(team=team, closed_at__isnull=True)


def open_count(team: Team | None) -> int:
    """How many the team still has to put right: the badge's one COUNT."""
    return _for_team(team).filter(lapsed_at__isnull=True).count()


def queue_for_team(
    team: Team | None, due_hours: int, now: datetime | None = None
) -> QuerySet[Recovery]:
    """The team's open recoveries, most urgent first, while they can still be put right.

    First what is overdue or nearly due (in the last quarter of the `due_hours` allowed),
    soonest due first: sorted by score alone, an overdue card sank behind "show more" under
    fresher, lower scores. Then the rest: the lowest satisfaction, then the lowest
    would-recommend (not asked counts as highest), then the newest.
    """
    now = now or timezone.now()
    # Every recovery is due `due_hours` after it opened, so "due soon" is "opened before".
    nearly_due = now - timedelta(hours=due_hours * (1 - NEARLY_DUE_SHARE))
    return (
        _for_team(team)
        .filter(lapsed_at__isnull=True)
        .select_related(
            "answer__invitation__moment__touchpoint_type",
            "answer__invitation__moment__staff",
            "taken_by",
        )
        .alias(due_soon_since=Case(When(opened_at__lte=nearly_due, then=F("opened_at"))))
        .order_by(
            F("due_soon_since").asc(nulls_last=True),
            "answer__csat",
            F("answer__nps").asc(nulls_last=True),
            "-opened_at",
            "-pk",
        )
    )


def lapsed_for_team(team: Team | None) -> QuerySet[Recovery]:
    """The team's lapsed recoveries not closed late, newest first: they can still be closed."""
    return (
        _for_team(team)
        .filter(lapsed_at__isnull=False)
        .select_related(
            "answer__invitation__moment__touchpoint_type",
            "answer__invitation__moment__staff",
            "taken_by",
        )
        .order_by("-opened_at", "-pk")
    )


def check_team(recovery_id: int, user: User) -> None:
    """Raise NotYourTeam unless the recovery exists and is the user's team's: asked before a
    form is read, so that another team learns nothing from how its form is judged."""
    if user.team_id is None:
        raise NotYourTeam
    if not Recovery.objects.filter(pk=recovery_id, team_id=user.team_id).exists():
        raise NotYourTeam


def _locked(recovery_id: int, user: User) -> Recovery:
    # Not joined with who took it: a row that waited for the lock is re-read, but a joined
    # row is not, so a colleague who took it meanwhile would come back as nobody.
    recovery = (
        Recovery.objects.select_for_update(of=("self",))
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
def take(recovery_id: int, user: User, seen_taker_id: int | None = None) -> Recovery:
    """`user` takes the recovery on. Who had it when they looked is `seen_taker_id` (None: no
    one): taking it over from that colleague is deliberate, but if someone else took it
    meanwhile (two people tapping at once) the later tap loses and is told who has it."""
    recovery = _locked(recovery_id, user)
    if recovery.taken_by_id not in (None, user.pk, seen_taker_id):
        raise AlreadyTaken(recovery)
    recovery.taken_by = user
    recovery.taken_at = timezone.now()
    recovery.save(update_fields=["taken_by", "taken_at"])
    _mark_dirty(recovery)
    return recovery


@transaction.atomic
def close(recovery_id: int, user: User, *, action: str, result: str, note: str = "") -> Recovery:
    """Record what was done and how it ended, and keep the time since the customer's answer.
    A lapsed recovery can still be closed: it is kept as closed late."""
    recovery = _locked(recovery_id, user)
    now = timezone.now()
    if recovery.taken_by_id != user.pk:
        # Whoever closes it is the one who put it right.
        recovery.taken_by, recovery.taken_at = user, now
    recovery.action, recovery.result, recovery.note = action, result, note
    recovery.closed_at = now
    recovery.closed_late = recovery.lapsed_at is not None
    elapsed = now - recovery.answer.answered_at
    recovery.seconds_to_recover = max(0, round(elapsed.total_seconds()))
    recovery.save()
    _mark_dirty(recovery)
    webhook_events.recovery_changed(Event.RECOVERY_CLOSED, recovery)
    return recovery


def lapse_untaken(now: datetime | None = None) -> int:
    """Lapse every open recovery that nobody took within the lapse window, or that someone
    took but left open past `taken_recovery_lapse_days`; returns how many.

    Rows a person is taking right now are skipped (they are locked) and so stay theirs; the
    next run looks again. Each batch marks its moments' days dirty in the same transaction,
    so the roll-up moves them from open to lapsed.
    """
    now = now or timezone.now()
    current = FeedbackSettings.current()
    untaken = Q(
        taken_by__isnull=True, opened_at__lte=now - timedelta(days=current.recovery_lapse_days)
    )
    # Taken and then left open: it lapses too, or its contact would be kept for ever.
    left_open = Q(taken_at__lte=now - timedelta(days=current.taken_recovery_lapse_days))
    lapsed = 0
    while True:
        with transaction.atomic():
            due = list(
                Recovery.objects.select_for_update(of=("self",), skip_locked=True)
                .filter(untaken | left_open, closed_at__isnull=True, lapsed_at__isnull=True)
                .order_by("opened_at", "pk")
                .values_list(
                    "pk",
                    "answer__invitation__moment__location_id",
                    "answer__invitation__moment__local_date",
                )[:LAPSE_BATCH]
            )
            if not due:
                return lapsed
            Recovery.objects.filter(pk__in=[pk for pk, _, _ in due]).update(lapsed_at=now)
            days_by_location: dict[int, set] = {}
            for _, location_id, local_date in due:
                days_by_location.setdefault(location_id, set()).add(local_date)
            for location_id, days in sorted(days_by_location.items()):
                mark_days_dirty(location_id, days)
        lapsed += len(due)

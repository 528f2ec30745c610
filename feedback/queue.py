"""The front line's recovery queue: what to put right now, most urgent first, kept short.

The first few are shown and the rest wait behind "show more"; each card says why it was
opened and when it is due. Lapsed recoveries (nobody took them in time) sit apart, where
they can still be closed late, and the latest closes show that the loop closes.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import prefetch_related_objects
from django.utils import timezone

from touchpoints.models import User

from .contact import contact_of
from .forms import RecoveryCloseForm
from .models import FeedbackSettings, OpenedBy, Recovery
from .recovery import lapsed_for_team, open_count, queue_for_team

SHOWN = 5  # enough for a shift to start on; the rest are one tap away
LAPSED_SHOWN = 20
RECENTLY_CLOSED_DAYS = 7
RECENTLY_CLOSED_SHOWN = 5


@dataclass
class Card:
    """One recovery as its card shows it."""

    recovery: Recovery
    close_form: RecoveryCloseForm
    due_at: datetime
    overdue: bool
    notice: str = ""  # e.g. who took it a moment before this person tapped

    @property
    def why(self) -> list[str]:
        return self.recovery.why()

    @property
    def tone(self) -> str:
        """The card's colour follows what opened it: a low satisfaction is a failed moment
        (red); a low would-recommend alone is a warning (amber), never a failure."""
        return "failed" if self.recovery.reason != OpenedBy.RECOMMEND else "warning"


def recently_closed(user: User) -> list[Recovery]:
    """The team's latest recoveries put right: proof the loop closes."""
    if user.team_id is None:
        return []
    since = timezone.now() - timedelta(days=RECENTLY_CLOSED_DAYS)
    closed = Recovery.objects.filter(team_id=user.team_id, closed_at__gte=since)
    closed = closed.select_related("taken_by", "answer__invitation__moment__touchpoint_type")
    return list(closed.order_by("-closed_at")[:RECENTLY_CLOSED_SHOWN])


def _card(
    recovery: Recovery,
    due_hours: int,
    now: datetime,
    failed_form: tuple[int, RecoveryCloseForm] | None,
    notices: dict[int, str],
) -> Card:
    if failed_form and failed_form[0] == recovery.pk:
        form = failed_form[1]
    else:
        form = RecoveryCloseForm(prefix=f"r{recovery.pk}", contact=contact_of(recovery))
    due_at = recovery.due_at(due_hours)
    return Card(recovery, form, due_at, due_at <= now, notices.get(recovery.pk, ""))


def queue_context(
    user: User,
    show_all: bool = False,
    failed_form: tuple[int, RecoveryCloseForm] | None = None,
    notices: dict[int, str] | None = None,
) -> dict:
    """The queue's cards (the first `SHOWN`, or all), the lapsed ones and the latest closes."""
    rules = FeedbackSettings.current()
    now = timezone.now()
    total = open_count(user.team)
    queue = queue_for_team(user.team, rules.recovery_due_hours, now)
    recoveries = list(queue if show_all else queue[:SHOWN])
    lapsed = list(lapsed_for_team(user.team)[:LAPSED_SHOWN])
    # One query for every card's contact; each card's actions depend on it.
    prefetch_related_objects(recoveries + lapsed, "contact")
    notices = notices or {}

    def card(recovery: Recovery) -> Card:
        return _card(recovery, rules.recovery_due_hours, now, failed_form, notices)

    return {
        "cards": [card(r) for r in recoveries],
        "lapsed": [card(r) for r in lapsed],
        "total": total,
        "more": max(0, total - len(recoveries)),
        "show_all": show_all,
        "due_hours": rules.recovery_due_hours,
        "lapse_days": rules.recovery_lapse_days,
        "recently_closed": recently_closed(user),
    }

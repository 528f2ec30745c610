"""What the team panel on the log screen shows: what to put right, and praise."""

from datetime import timedelta

from django.db.models import prefetch_related_objects
from django.utils import timezone

from touchpoints.models import User

from .contact import contact_of
from .forms import RecoveryCloseForm
from .models import Recovery
from .recognition import praise_for, praise_for_team
from .recovery import open_for_team

RECENTLY_CLOSED_DAYS = 7
RECENTLY_CLOSED_SHOWN = 5


def recently_closed(user: User) -> list[Recovery]:
    """The team's latest recoveries put right: proof the loop closes."""
    if user.team_id is None:
        return []
    since = timezone.now() - timedelta(days=RECENTLY_CLOSED_DAYS)
    closed = Recovery.objects.filter(team_id=user.team_id, closed_at__gte=since)
    closed = closed.select_related("taken_by", "answer__invitation__moment__touchpoint_type")
    return list(closed.order_by("-closed_at")[:RECENTLY_CLOSED_SHOWN])


def panel_context(user: User, failed_form: tuple[int, RecoveryCloseForm] | None = None) -> dict:
    """Each open recovery with its close form; a form that failed keeps what was typed."""
    recoveries = list(open_for_team(user.team))
    # One query for every card's contact; each card's actions depend on it.
    prefetch_related_objects(recoveries, "contact")
    for recovery in recoveries:
        if failed_form and failed_form[0] == recovery.pk:
            recovery.close_form = failed_form[1]
        else:
            contact = contact_of(recovery)
            recovery.close_form = RecoveryCloseForm(prefix=f"r{recovery.pk}", contact=contact)
    return {
        "recoveries": recoveries,
        "my_praise": praise_for(user),
        "team_praise": praise_for_team(user),
        "recently_closed": recently_closed(user),
    }

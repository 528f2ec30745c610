"""Recovery and recognition on the dashboard: what is being put right, and what was praised.

Lists are short and newest first; the people behind praise are named on the moment itself,
while every figure stays per team (ranking people on scores invites gaming the scores).
"""

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from feedback.models import Answer, Recovery

from .filters import Selection

SHOWN = 8
MOMENT = "answer__invitation__moment__"


def _recoveries(selection: Selection) -> QuerySet[Recovery]:
    return Recovery.objects.filter(selection.q(MOMENT)).select_related(
        "team__location",
        "taken_by",
        "answer__invitation__moment__touchpoint_type",
    )


def open_recoveries(selection: Selection) -> tuple[list[Recovery], bool]:
    """Low answers not yet put right, oldest first, whatever the period: they still hurt.
    Also whether more are waiting (one more is read instead of counting them all). Lapsed
    ones are no longer waiting on anyone: the recovery rate counts them."""
    still_open = _recoveries(selection).filter(closed_at__isnull=True, lapsed_at__isnull=True)
    shown = list(still_open.order_by("opened_at")[: SHOWN + 1])
    return shown[:SHOWN], len(shown) > SHOWN


def recent_recoveries(selection: Selection) -> list[Recovery]:
    """Recoveries closed within the period's length, newest first."""
    since = timezone.now() - timedelta(days=selection.window.days)
    closed = _recoveries(selection).filter(closed_at__gte=since)
    return list(closed.order_by("-closed_at", "-pk")[:SHOWN])


def praised(selection: Selection) -> list[Answer]:
    """The period's top answers that came with a comment, and the people behind them."""
    window = selection.window
    if not window.ends:
        return []
    answers = Answer.objects.filter(
        selection.q("invitation__moment__") & window.q(0, prefix="invitation__moment__"),
        csat=5,
    ).exclude(comment="")
    return list(
        answers.select_related(
            "invitation__moment__touchpoint_type",
            "invitation__moment__team__location",
            "invitation__moment__staff",
        ).order_by("-answered_at", "-pk")[:SHOWN]
    )

"""Praise reaching the people who earned it: good answers that came with a comment."""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from touchpoints.models import User

from .models import Answer

# "How we are doing" opens with the last week's praise: a week covers a rota of shifts.
PRAISE_DAYS = 7
PRAISE_SHOWN = 3


def praise() -> QuerySet[Answer]:
    """The last week's satisfied answers (CSAT 4–5, not low, and not a detractor: someone who
    would not recommend us is not praising, whatever opens recoveries) that say something."""
    since = timezone.now() - timedelta(days=PRAISE_DAYS)
    return (
        Answer.objects.filter(csat__gte=4, is_low=False, answered_at__gte=since)
        .filter(Q(nps__isnull=True) | Q(nps__gte=7))
        .exclude(comment="")
        .select_related("invitation__moment__touchpoint_type", "invitation__moment__staff")
        .order_by("-answered_at")
    )


def praise_for(user: User) -> list[Answer]:
    """Praise for the moments `user` served, newest first."""
    return list(praise().filter(invitation__moment__staff=user)[:PRAISE_SHOWN])


def praise_for_team(user: User) -> list[Answer]:
    """Praise for the rest of `user`'s team, so everyone sees what earns it."""
    if user.team_id is None:
        return []
    team_praise = praise().filter(invitation__moment__team_id=user.team_id)
    return list(team_praise.exclude(invitation__moment__staff=user)[:PRAISE_SHOWN])

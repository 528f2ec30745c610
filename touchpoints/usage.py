"""What a team logs most: tile order and the defaults that make the common case 3 taps."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from .models import Channel, Moment, Team, TouchpointType

USAGE_DAYS = 30


@dataclass
class TeamUsage:
    counts: Counter = field(default_factory=Counter)
    channels: dict[int, Counter] = field(default_factory=lambda: defaultdict(Counter))

    @classmethod
    def for_team(cls, team: Team | None) -> "TeamUsage":
        usage = cls()
        if team is None:
            return usage
        since = timezone.now() - timedelta(days=USAGE_DAYS)
        rows = (
            Moment.objects.filter(team=team, occurred_at__gte=since)
            .values("touchpoint_type_id", "channel")
            .annotate(n=Count("*"))  # not a column: the index alone answers
            .order_by()
        )
        for row in rows:
            type_id = row["touchpoint_type_id"]
            usage.counts[type_id] += row["n"]
            usage.channels[type_id][row["channel"]] += row["n"]
        return usage

    def count(self, touchpoint_type: TouchpointType) -> int:
        return self.counts[touchpoint_type.pk]

    def defaults(self, touchpoint_type: TouchpointType) -> dict:
        """The channel this team uses most for the type. Resolved or not has no default: the
        person says it with the save button they tap (docs/metrics.md)."""
        allowed = touchpoint_type.channels or [channel.value for channel in Channel]
        used = self.channels.get(touchpoint_type.pk, Counter())
        ranked = [channel for channel, _ in used.most_common() if channel in allowed]
        return {"channel": ranked[0] if ranked else allowed[0], "channels": allowed}

"""What a team logs most: tile order and the defaults that make the common case 3 taps."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from .models import Channel, Moment, Team, TouchpointType

USAGE_DAYS = 30


@dataclass
class TeamUsage:
    counts: Counter = field(default_factory=Counter)
    channels: dict[int, Counter] = field(default_factory=lambda: defaultdict(Counter))
    resolved: Counter = field(default_factory=Counter)

    @classmethod
    def for_team(cls, team: Team | None) -> "TeamUsage":
        usage = cls()
        if team is None:
            return usage
        since = timezone.now() - timedelta(days=USAGE_DAYS)
        rows = (
            Moment.objects.filter(team=team, occurred_at__gte=since)
            .values("touchpoint_type_id", "channel")
            .annotate(n=Count("id"), resolved=Count("id", filter=Q(resolved_on_spot=True)))
            .order_by()
        )
        for row in rows:
            type_id = row["touchpoint_type_id"]
            usage.counts[type_id] += row["n"]
            usage.channels[type_id][row["channel"]] += row["n"]
            usage.resolved[type_id] += row["resolved"]
        return usage

    def count(self, touchpoint_type: TouchpointType) -> int:
        return self.counts[touchpoint_type.pk]

    def defaults(self, touchpoint_type: TouchpointType) -> dict:
        """The channel this team uses most for the type, and whether it is usually resolved."""
        allowed = touchpoint_type.channels or [channel.value for channel in Channel]
        used = self.channels.get(touchpoint_type.pk, Counter())
        ranked = [channel for channel, _ in used.most_common() if channel in allowed]
        total = self.counts[touchpoint_type.pk]
        # With no history, assume resolved: most moments are, and it spares a tap.
        resolved = total == 0 or self.resolved[touchpoint_type.pk] * 2 >= total
        return {
            "channel": ranked[0] if ranked else allowed[0],
            "channels": allowed,
            "resolved": resolved,
        }

"""What the manager dashboard shows, selected from roll-ups only."""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Q, Sum

from touchpoints.models import Location, TouchpointType

from .metrics import Figures
from .models import DailyRollup
from .rollup import COUNTED_COLUMNS


@dataclass(frozen=True)
class Period:
    label: str
    days: int  # 1 = the location's today; 7 = today and the six days before


PERIODS = [Period("Today", 1), Period("Last 7 days", 7)]


def _in_period(locations: list[Location], days: int) -> Q:
    """Each location's own last `days` local days: 'today' differs across time zones."""
    condition = Q(pk__in=[])
    for location in locations:
        today = location.today()
        first = today - timedelta(days=days - 1)
        condition |= Q(location=location, local_date__range=(first, today))
    return condition


def _sums_by(key: str, condition: Q) -> dict[int, Figures]:
    rows = (
        DailyRollup.objects.filter(condition)
        .values(key)
        .annotate(**{name: Sum(name) for name in COUNTED_COLUMNS})
    )
    return {row.pop(key): Figures(**row) for row in rows}


def headline(locations: list[Location]) -> list[tuple[Period, Figures]]:
    return [
        (period, Figures.of(DailyRollup.objects.filter(_in_period(locations, period.days))))
        for period in PERIODS
    ]


def by_location(locations: list[Location], days: int) -> list[tuple[Location, Figures]]:
    sums = _sums_by("location", _in_period(locations, days))
    return [(location, sums.get(location.pk, Figures())) for location in locations]


def by_touchpoint_type(
    locations: list[Location], days: int
) -> list[tuple[TouchpointType, Figures]]:
    """Types in journey order with their figures."""
    sums = _sums_by("touchpoint_type", _in_period(locations, days))
    types = TouchpointType.objects.filter(pk__in=sums).select_related("stage")
    return [(t, sums[t.pk]) for t in types]

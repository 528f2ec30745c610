"""What a time read off a desk's wall clock means, when the clocks change.

Once a year the clocks go back and an hour happens twice (02:30 on the last Sunday of
October in Stockholm is two moments an hour apart); once a year they go forward and an hour
never happens. A time typed at the desk is read here, never guessed: the person chooses
between the two readings of a repeated hour, and a time in the skipped hour is refused.
"""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _


def readings(wall_time: datetime, tz: ZoneInfo) -> list[datetime]:
    """The instants (UTC) that `wall_time`, naive, can mean at `tz`: one on most days, two
    in a repeated hour (earlier first), none in a skipped one."""
    found: list[datetime] = []
    for fold in (0, 1):
        instant = wall_time.replace(tzinfo=tz, fold=fold).astimezone(UTC)
        shown = instant.astimezone(tz).replace(tzinfo=None)
        if shown == wall_time and instant not in found:
            found.append(instant)
    return sorted(found)


def wall_time_of(instant: datetime, tz: ZoneInfo) -> datetime:
    """The naive time the clock at `tz` showed at `instant`, to the minute as typed."""
    return instant.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0, fold=0)


def describe_reading(instant: datetime, tz: ZoneInfo, which: str) -> str:
    """E.g. "02:30 the first time (summer time, CEST, UTC+02:00)"."""
    local = instant.astimezone(tz)
    offset = local.strftime("%z")
    season = _("summer time") if local.dst() else _("standard time")
    text = _("%(time)s the first time") if which == "first" else _("%(time)s the second time")
    zone = f"{local.tzname()}, UTC{offset[:3]}:{offset[3:]}"
    return f"{text % {'time': f'{local:%H:%M}'}} ({season}, {zone})"

"""The manager's needs, triaged: what is new, what is overdue, and the rest behind a count.

Read from the live Need table, not the roll-up, so that a need raised a minute ago is on the
dashboard; the open ones are few and a partial index holds only them (`need_open_oldest`).

1. New: not acknowledged yet, newest first: what was asked since the manager last looked.
2. Overdue: acknowledged, but neither provided nor declined `NEED_TARGET_DAYS` after it was
   raised, oldest first.
3. On track: the other acknowledged ones, collapsed behind their count.

The same ask from several teams is one item (an `Ask`), answered once for all of them. Two
needs are the same ask when they are of the same kind and their notes are equal once case,
spacing and trailing full stops, exclamation and question marks are set aside (`same_ask`).
Nothing cleverer: a manager must be able to predict what is grouped. Needs without a note
ask for their kind alone, so they group by kind.

Each section reads at most `limit` needs, so an ask near the limit may have more members than
it shows; the counts are always of every need.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, Count, Q, Value, When
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from touchpoints.models import Location, Need, Team

from .filters import CUSTOM, Selection
from .need_answers import STILL_OPEN, needs_in

IN_PERIOD, IN_PREVIOUS = 2, 1  # which period a need was raised in, as `count_needs` groups
SECTION_LIMIT = 60  # the needs page; the dashboard shows fewer
NEEDS_PER_ASK = 4  # the dashboard reads this many needs per ask it shows, to group them


def same_ask(need: Need) -> tuple[str, str]:
    """What makes two needs the same ask: their kind and their normalised note."""
    words = " ".join(need.note.split()).casefold().rstrip(".!?… ")
    return need.kind, words


def due_before(now: datetime | None = None) -> datetime:
    """Needs raised before this are past the target for providing or declining them."""
    return (now or timezone.now()) - timedelta(days=settings.NEED_TARGET_DAYS)


@dataclass(frozen=True)
class Ask:
    """One or more open needs asking for the same thing, in the section's order."""

    needs: list[Need]
    overdue: bool

    @property
    def first(self) -> Need:
        return self.needs[0]

    @property
    def kind_label(self) -> str:
        return self.first.get_kind_display()

    @property
    def teams(self) -> list[Team]:
        return list({need.team_id: need.team for need in self.needs}.values())

    @property
    def who(self) -> str:
        """Who asked, as the item's heading says it: "3 teams", "2 people at Gate (ARN)"."""
        teams = self.teams
        if len(teams) > 1:
            return _("%(n)s teams") % {"n": len(teams)}
        people = {need.raised_by_id for need in self.needs}
        if len(people) > 1:
            return _("%(n)s people at %(team)s") % {"n": len(people), "team": teams[0]}
        return str(teams[0])

    @property
    def ids(self) -> list[int]:
        return [need.pk for need in self.needs]


def group_asks(needs: list[Need], overdue_before: datetime) -> list[Ask]:
    """The needs as asks, each where its first need stands in the list."""
    groups: dict[tuple[str, str], list[Need]] = {}
    for need in needs:
        groups.setdefault(same_ask(need), []).append(need)
    return [
        Ask(items, any(need.raised_at < overdue_before for need in items))
        for items in groups.values()
    ]


@dataclass(frozen=True)
class NeedCounts:
    """Open needs in one scope, by section (all time), and those raised in the period."""

    new: int = 0
    overdue: int = 0
    on_track: int = 0
    # Raised in the selected period and still open; the period before, for the card's change.
    open_in_period: int = 0
    open_in_previous: int = 0
    raised_in_period: int = 0

    @property
    def open(self) -> int:
        return self.new + self.overdue + self.on_track


def count_needs(selection: Selection, now: datetime | None = None) -> NeedCounts:
    """Every count the dashboard card, the needs box and the needs page show: two queries.
    The still-open needs grouped by status, period and lateness (a handful of rows), read
    from an index of their own (`need_open_counted`) and added up here; and how many were
    raised in the period, counted in the needs' index by location and day. (One query over
    both read and grouped every need of the two periods from the table, open or not.)"""
    period, previous = selection.window.q(0), selection.window.q(1)
    part = Case(
        When(period, then=Value(IN_PERIOD)), When(previous, then=Value(IN_PREVIOUS)), default=None
    )
    late = Case(When(raised_at__lt=due_before(now), then=Value(True)), default=Value(False))
    groups = (
        Need.objects.filter(selection.need_q() & Q(status__in=STILL_OPEN))
        .annotate(part=part, late=late)
        .values_list("status", "part", "late")
        .annotate(n=Count("*"))  # not a column: the index alone answers
        .order_by()
    )
    counts: Counter[str] = Counter()
    for status, in_part, is_late, n in groups:
        acknowledged = status == Need.Status.ACKNOWLEDGED
        counts["new"] += n if status == Need.Status.OPEN else 0
        counts["overdue"] += n if acknowledged and is_late else 0
        counts["on_track"] += n if acknowledged and not is_late else 0
        counts["open_in_period"] += n if in_part == IN_PERIOD else 0
        counts["open_in_previous"] += n if in_part == IN_PREVIOUS else 0
    counts["raised_in_period"] = Need.objects.filter(selection.need_q() & period).count()
    return NeedCounts(**counts)


@dataclass(frozen=True)
class Triage:
    new: list[Ask]
    overdue: list[Ask]
    on_track: list[Ask]
    counts: NeedCounts

    @property
    def new_shown(self) -> int:
        return _needs_in(self.new)

    @property
    def overdue_shown(self) -> int:
        return _needs_in(self.overdue)

    @property
    def on_track_shown(self) -> int:
        return _needs_in(self.on_track)

    @property
    def target_days(self) -> int:
        return settings.NEED_TARGET_DAYS


def _needs_in(asks: list[Ask]) -> int:
    return sum(len(ask.needs) for ask in asks)


def triage(selection: Selection, limit: int = SECTION_LIMIT, now=None) -> Triage:
    """The selection's open needs in three sections (location and team filters apply; a
    need has no touchpoint or channel). Five queries, whatever the number of needs."""
    cutoff = due_before(now)
    still_open = needs_in(selection.need_q() & Q(status__in=STILL_OPEN))
    acknowledged = still_open.filter(status=Need.Status.ACKNOWLEDGED)
    new = still_open.filter(status=Need.Status.OPEN).order_by("-raised_at", "-pk")
    overdue = acknowledged.filter(raised_at__lt=cutoff).order_by("raised_at", "pk")
    on_track = acknowledged.filter(raised_at__gte=cutoff).order_by("raised_at", "pk")
    return Triage(
        new=group_asks(list(new[:limit]), cutoff),
        overdue=group_asks(list(overdue[:limit]), cutoff),
        on_track=group_asks(list(on_track[:limit]), cutoff),
        counts=count_needs(selection, now),
    )


@dataclass(frozen=True)
class Summary:
    """The dashboard's few needs: the most pressing asks (overdue first, oldest first, then
    the newest unacknowledged) and every count; the rest are one tap away on the needs page."""

    top: list[Ask]
    counts: NeedCounts

    @property
    def shown(self) -> int:
        return _needs_in(self.top)

    @property
    def target_days(self) -> int:
        return settings.NEED_TARGET_DAYS


def summary(selection: Selection, asks: int, now=None) -> Summary:
    """At most `asks` asks for the dashboard's first screen, and the counts: four queries.
    On-track needs are only counted: they wait on the manager's own promise, not on a reply."""
    cutoff, read = due_before(now), asks * NEEDS_PER_ASK
    still_open = needs_in(selection.need_q() & Q(status__in=STILL_OPEN))
    overdue = still_open.filter(status=Need.Status.ACKNOWLEDGED, raised_at__lt=cutoff)
    top = group_asks(list(overdue.order_by("raised_at", "pk")[:read]), cutoff)[:asks]
    if len(top) < asks:
        new = still_open.filter(status=Need.Status.OPEN).order_by("-raised_at", "-pk")
        top += group_asks(list(new[:read]), cutoff)[: asks - len(top)]
    return Summary(top=top, counts=count_needs(selection, now))


def scope_label(selection: Selection, locations: list[Location]) -> str:
    """Where a count is from, as the heading says it: "at Stockholm Arlanda"."""
    if selection.team:
        return _("at %(place)s") % {"place": selection.team}
    if selection.location:
        return _("at %(place)s") % {"place": selection.location.name}
    if selection.scope.everything:
        return _("at every location")
    names = [location.name for location in locations]
    if len(names) > 3:
        return _("at your %(n)s locations") % {"n": len(names)}
    if not names:
        return ""
    return _("at %(place)s") % {"place": get_text_list(names, _("and"))}


def period_phrase(selection: Selection) -> str:
    """The period a count covers, as the sentence says it: "raised in the last 7 days"."""
    if selection.period == CUSTOM:
        window = selection.window
        first, last = date_format(window.first, "j M Y"), date_format(window.last, "j M Y")
        return _("raised %(first)s – %(last)s") % {"first": first, "last": last}
    if selection.window.days == 1:
        return _("raised today")
    return _("raised in the last %(days)s days") % {"days": selection.window.days}

"""What the dashboards show, read from the roll-ups only (but for open needs, a state that
the dashboard counts from the live needs: see `need_triage`).

Each function is a fixed number of queries whatever the history or the number of rows
shown: sums are grouped in the database, and the few names (types, teams) are fetched in
one query per kind. Rates come from `metrics`, computed from the summed counts.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter

from django.db import connection, transaction
from django.db.models import Case, IntegerField, Q, Sum, Value, When
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from touchpoints.models import Team, TouchpointType

from . import significance
from .filters import Selection
from .metrics import NEED_COLUMNS, Estimate, Figures, NeedFigures
from .models import DailyRollup, LocationDayRollup, LocationNeedRollup, NeedRollup, TypeDayRollup
from .need_triage import NeedCounts

CURRENT, PREVIOUS, EARLIER = 2, 1, 0
# The rates a table colours, each row against the rest (dashboards/significance.py).
TABLE_RATES = ["csat", "nps", "effort", "resolved_pct"]
GAP_ROWS = 12
FOCUS_TEAMS = 12


# Planner settings for the dashboard's aggregates, local to their transaction (see below).
READ_SETTINGS = {
    "jit": "off",
    "enable_sort": "off",
    "work_mem": "32MB",
    "max_parallel_workers_per_gather": "0",
    "plan_cache_mode": "force_custom_plan",
}

# Planner settings for the short lists: the dashboard's (open needs, open and recently
# closed recoveries), the needs page's (its three sections, the latest answers) and a type's
# moments. Each takes a few rows in the order of an index on the listed table and joins six
# to eight tables for what a row shows (select_related). Weighing every order of those joins
# took 3-4 ms of planning per list at ten times SAS, to pick the order the query is written
# in (the listed table first, then what it names); taken as written, 0.7-1.1 ms, and the same
# plans. Custom plans only, as for the figures: after ten runs on a connection PostgreSQL
# chose a generic plan for a type's moments that took 1.1 s where its own took 23 ms
# (docs/performance.md, "The dashboard's short lists").
LIST_SETTINGS = {
    "join_collapse_limit": "1",
    "from_collapse_limit": "1",
    "plan_cache_mode": "force_custom_plan",
}


@contextmanager
def read_settings() -> Iterator[None]:
    """Run the aggregates inside with planner settings of their own, in one transaction.

    The planner misjudges how many roll-up rows a window holds, because the table's dates
    are skewed (recent days are busier, history is long). Guessing high, it JIT-compiles the
    query, which takes longer than the query itself (40-50 ms against a few ms); guessing
    low, it sorts tens of thousands of rows to group them where hashing into a few hundred
    groups takes half the time. These queries always make few groups, so both choices are
    made here, for this transaction only (set_config's third argument). Parallel workers are
    left out too: starting them costs more than they save on the few tens of thousands of
    rows a view reads.

    Custom plans only: the connection prepares a statement it has run five times
    (`prepare_threshold`, config/settings.py), and after five more runs PostgreSQL would
    plan a prepared statement once for any dates, a generic plan that suits a window of
    skewed dates badly (the dense benchmark's needs series: 367 ms generic, 106 ms custom).
    The save's few statements keep their generic plans; these are planned for their own
    dates each time (docs/performance.md, "Prepared statements").

    Used as a decorator or around several reads (the dashboard's figures and tables): an
    inner use inside an outer one adds nothing, so a page pays for one set of settings.
    Other backends have no such knobs.
    """
    if connection.vendor != "postgresql" or getattr(connection, "reading_figures", False):
        yield
        return
    with _transaction_with(READ_SETTINGS):
        connection.reading_figures = True
        try:
            yield
        finally:
            connection.reading_figures = False


@contextmanager
def list_settings() -> Iterator[None]:
    """Read short lists inside, planned in the order they are written, in one transaction
    (LIST_SETTINGS). Only for lists whose table written first is the one to start from: where
    a period filters the rows through another table (praise and remedies over a limit, by
    their moment's day), the planner may do better to start from that period's moments."""
    if connection.vendor != "postgresql":
        yield
        return
    with _transaction_with(LIST_SETTINGS):
        yield


@contextmanager
def _transaction_with(planner: dict[str, str]) -> Iterator[None]:
    """A transaction with `planner`'s settings, which end with it (set_config's `true`)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(planner)),
            [value for pair in planner.items() for value in pair],
        )
        yield


def _sums(columns: list[str]) -> dict[str, Sum]:
    return {name: Sum(name) for name in columns}


def _part(selection: Selection) -> Case:
    window = selection.window
    return Case(
        When(window.q(0), then=Value(CURRENT)),
        When(window.q(1), then=Value(PREVIOUS)),
        default=Value(EARLIER),
        output_field=IntegerField(),
    )


def _by_part_and_day(model, condition: Q, selection: Selection, columns: list[str]) -> list[dict]:
    """One grouped query: sums per (current / previous / earlier, local day)."""
    window = selection.window
    if not window.ends:
        return []
    # The period and the one before it are one run of days per location: one range to read.
    days = window.q(0, days=max(2 * window.days, window.series_days))
    return list(
        model.objects.filter(condition & days)
        .annotate(part=_part(selection))
        .values("part", "local_date")
        .annotate(**_sums(columns))
        .order_by()
    )


@dataclass(frozen=True)
class Headline:
    key: str
    label: str
    current: float | None
    previous: float | None
    series: list[float | None]
    unit: str  # count, pct, signed, score or hours: how the figure is written
    higher_is_better: bool | None = True  # None: neither way is better (volume)
    detail: str = ""
    estimate: Estimate | None = None  # a rate's n and interval; None for counts and times
    # "good", "bad" or "" (grey), from the one rule for colour: dashboards/significance.py.
    tone: str = ""
    tested: bool = False  # whether a test applies: rates and means, never counts or times

    @property
    def change(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def unclear(self) -> bool:
        """A change that the test cannot tell from chance (or that rests on few answers):
        shown as "no clear change", never coloured."""
        return bool(self.change) and self.tested and not self.tone

    @property
    def change_tone(self) -> str:
        """The change's colour: only a significant change of a tested figure has one."""
        return self.tone if self.change else ""


# key, label, the Figures property it shows, unit, higher is better
MOMENT_HEADLINES: list[tuple[str, str, str, str, bool | None]] = [
    ("moments", _("Moments"), "moments", "count", None),
    ("csat", "CSAT", "csat", "pct", True),
    ("nps", "NPS", "nps", "signed", True),
    ("effort", _("Effort (1–7, 7 easy)"), "effort", "score", True),
    ("resolved", _("Resolved on the spot"), "resolved_pct", "pct", True),
    ("recovery", _("Recovery rate"), "recovery_rate", "pct", True),
    ("recover_hours", _("Time to recover"), "hours_to_recover", "hours", False),
]


# What the dashboard's first screen shows beside the needs: the customer's own verdicts.
KEY_HEADLINES = ("csat", "nps", "effort", "resolved", "recovery")


@dataclass(frozen=True)
class Overview:
    current: Figures
    previous: Figures
    needs: NeedFigures
    previous_needs: NeedFigures
    days: list[date]
    daily: list[Figures]
    daily_needs: list[NeedFigures]

    def headlines(self, open_needs: NeedCounts | None = None) -> list[Headline]:
        """The cards. `open_needs`, counted from the live needs (`need_triage`), makes the
        open needs card agree with the needs box; without it the roll-up counts them."""
        estimates = self.current.estimates
        rows = [
            Headline(key, label, getattr(self.current, name), getattr(self.previous, name),
                     [getattr(f, name) for f in self.daily], unit, better,
                     estimate=estimates.get(name),
                     tone=significance.tone(self.current, self.previous, name),
                     tested=name in significance.TESTED)
            for key, label, name, unit, better in MOMENT_HEADLINES
        ]  # fmt: skip
        rows[4] = _with_detail(rows[4], resolution_coverage(self.current))
        rows[6] = _with_detail(rows[6], recovered_detail(self.current))
        still_open, before, raised = (
            self.needs.still_open,
            self.previous_needs.still_open,
            self.needs.raised,
        )
        if open_needs is not None:
            still_open, before = open_needs.open_in_period, open_needs.open_in_previous
            raised = open_needs.raised_in_period
        return rows + [
            Headline("needs", _("Open needs"), still_open, before,
                     [n.raised for n in self.daily_needs], "count", False,
                     gettext("still open of %(n)s raised in the period") % {"n": raised}),
            Headline("provide_hours", _("Time to provide"), self.needs.hours_to_provide,
                     self.previous_needs.hours_to_provide,
                     [n.hours_to_provide for n in self.daily_needs], "hours", False,
                     gettext("%(n)s provided") % {"n": self.needs.provided}),
        ]  # fmt: skip


def recovered_detail(figures: Figures) -> str:
    """Beside the time to recover: how many were recovered, and how many lapsed untaken."""
    detail = gettext("%(n)s recovered") % {"n": figures.recoveries_closed}
    if figures.recoveries_lapsed:
        detail += ", " + gettext("%(n)s lapsed") % {"n": figures.recoveries_lapsed}
    return detail


def resolution_coverage(figures: Figures) -> str:
    """Beside the resolved rate: how many moments it is out of, since some are not recorded."""
    if not figures.moments:
        return ""
    coverage = round(figures.resolution_coverage)
    return gettext("of %(recorded)s recorded (%(share)s%% of moments)") % {
        "recorded": figures.resolution_recorded,
        "share": coverage,
    }


def _with_detail(headline: Headline, detail: str) -> Headline:
    return Headline(**{**headline.__dict__, "detail": detail})


# What the headline figures, their changes and sparklines read.
HEADLINE_COLUMNS = [
    "moments", "resolved_on_spot", "resolution_recorded", "csat_answers", "satisfied",
    "nps_answers", "promoters", "detractors", "effort_answers", "effort_sum", "effort_squares",
    "low_answers",
    "recoveries_closed", "recovery_seconds", "recoveries_lapsed", "comments", "notes",
]  # fmt: skip


def _bucket_rollup(selection: Selection, coarse: bool = True) -> type:
    """The finest moment roll-up the selection needs: per channel only when it filters by
    one, otherwise the same sums summed over channels, a quarter of the rows at SAS volume."""
    return DailyRollup if selection.channel or not coarse else TypeDayRollup


def _moment_rollup(selection: Selection, coarse: bool) -> tuple[type, Q]:
    """The roll-up to sum the selection's moments from, and the condition on it: one row per
    location and day when the selection names nothing finer than locations (the same sums,
    read from a fraction of the rows), the buckets it needs otherwise."""
    by_location = selection.location_q() if coarse else None
    if by_location is None:
        return _bucket_rollup(selection, coarse), selection.q()
    return LocationDayRollup, by_location


def _need_rollup(selection: Selection, coarse: bool) -> tuple[type, Q]:
    """As `_moment_rollup`, for needs: per location and day, or per team and kind."""
    by_location = selection.location_q() if coarse else None
    if by_location is None:
        return NeedRollup, selection.need_q()
    return LocationNeedRollup, by_location


@read_settings()
def overview(
    selection: Selection, columns: list[str] = HEADLINE_COLUMNS, coarse: bool = True
) -> Overview:
    """Headline figures for the period and the one before, and the daily series: two queries.
    Only `columns` are summed (the export asks for all of them). `coarse=False` reads every
    bucket even where a coarser roll-up would do: the tests compare the two."""
    moment_rollup, condition = _moment_rollup(selection, coarse)
    moment_rows = _by_part_and_day(moment_rollup, condition, selection, columns)
    need_rollup, need_condition = _need_rollup(selection, coarse)
    need_rows = _by_part_and_day(need_rollup, need_condition, selection, NEED_COLUMNS)
    days = selection.window.dates(selection.window.series_days)
    by_part = _summed(moment_rows, _part_of, columns)
    by_day = _summed(moment_rows, _day_of, columns)
    needs_by_part = _summed(need_rows, _part_of, NEED_COLUMNS, NeedFigures)
    needs_by_day = _summed(need_rows, _day_of, NEED_COLUMNS, NeedFigures)
    return Overview(
        current=by_part.get(CURRENT, Figures()),
        previous=by_part.get(PREVIOUS, Figures()),
        needs=needs_by_part.get(CURRENT, NeedFigures()),
        previous_needs=needs_by_part.get(PREVIOUS, NeedFigures()),
        days=days,
        daily=[by_day.get(day, Figures()) for day in days],
        daily_needs=[needs_by_day.get(day, NeedFigures()) for day in days],
    )


def _part_of(row: dict) -> int:
    return row["part"]


def _day_of(row: dict) -> date:
    return row["local_date"]


# What the tables read: the journey, the teams, the perception gap and recovery per team.
BREAKDOWN_COLUMNS = [
    "moments", "resolved_on_spot", "resolution_recorded", "answers", "csat_answers",
    "satisfied", "nps_answers", "promoters", "detractors", "effort_answers", "effort_sum",
    "effort_squares", "low_answers",
    "recoveries_closed", "recovery_seconds", "gap_staff_good_customer_low",
    "gap_staff_bad_customer_high",
]  # fmt: skip


def _summed(rows: list[dict], key: Callable[[dict], object], columns: list[str],
            kind: type = Figures) -> dict:  # fmt: skip
    """Add up rows of sums by `key`: {key: Figures} (or `kind`). A day's rows (or a type's,
    or a team's) are gathered as tuples of the columns, then summed a column at a time by
    transposing them: a company's page adds up thousands of rows of seventeen columns."""
    values = itemgetter(*columns)
    groups: defaultdict[object, list[tuple]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(values(row))
    return {
        k: kind.from_row(dict(zip(columns, _column_sums(group), strict=True)))
        for k, group in groups.items()
    }


def _column_sums(group: list[tuple]) -> list[int]:
    """Each column of equal-length tuples summed; NULL (nothing to sum) adds nothing."""
    return [sum(filter(None, column)) for column in zip(*group, strict=True)]


@dataclass(frozen=True)
class Row:
    """One line of a figures table: what it is about, its figures and how each one looks."""

    subject: object
    figures: Figures
    worst: bool = False
    tones: dict = field(default_factory=dict)


def _ranked_rows(pairs: list[tuple[object, Figures]]) -> list[Row]:
    """Rows with each rate coloured only where it differs significantly from the rest of the
    table, and the lowest CSAT among the significantly low ones flagged as the worst."""
    tones = significance.table_tones([f for _subject, f in pairs], TABLE_RATES)
    low = [
        (f.csat, index) for index, (_s, f) in enumerate(pairs) if tones[index].get("csat") == "bad"
    ]
    worst = min(low)[1] if low else None
    return [
        Row(subject, f, worst=index == worst, tones=tones[index])
        for index, (subject, f) in enumerate(pairs)
    ]


@dataclass(frozen=True)
class GapRow:
    touchpoint_type: TouchpointType
    team: Team
    figures: Figures


@dataclass(frozen=True)
class Breakdown:
    """The period's sums per (touchpoint type, team), read by every table on the page.

    One grouped query and one query each for the types' and teams' names: however many
    types and teams, the page costs the same number of queries.
    """

    rows: list[dict]
    types: dict[int, TouchpointType]
    teams: dict[int, Team]

    def journey(self) -> list[Row]:
        """Touchpoint types in journey order, each with its figures; the worst one flagged."""
        sums = _summed(self.rows, lambda r: r["touchpoint_type"], BREAKDOWN_COLUMNS)
        order = sorted(sums, key=lambda pk: _journey_order(self.types[pk]))
        return _ranked_rows([(self.types[pk], sums[pk]) for pk in order])

    def by_team(self) -> list[Row]:
        sums = _summed(self.rows, lambda r: r["team"], BREAKDOWN_COLUMNS)
        order = sorted(sums, key=lambda pk: (self.teams[pk].location.name, self.teams[pk].name))
        return _ranked_rows([(self.teams[pk], sums[pk]) for pk in order])

    def recovery_focus(self, limit: int = FOCUS_TEAMS) -> tuple[list[Row], int]:
        """The teams with the most unhappy customers not yet put right, and how many teams
        there are: a whole company has too many teams for one table."""
        sums = _summed(self.rows, lambda r: r["team"], BREAKDOWN_COLUMNS)

        def focus(pk: int) -> tuple:
            f, team = sums[pk], self.teams[pk]
            return (f.recoveries_closed - f.low_answers, -f.low_answers,
                    team.location.name, team.name)  # fmt: skip

        # Only the teams shown are made into rows; the table marks no worst and no tones.
        return [Row(self.teams[pk], sums[pk]) for pk in sorted(sums, key=focus)[:limit]], len(sums)

    def gap(self) -> list[GapRow]:
        """Where staff and customers read the same moments differently, biggest gaps first."""

        def disagreements(row: dict) -> int:
            return row["gap_staff_good_customer_low"] + row["gap_staff_bad_customer_high"]

        # Each row is one (type, team) already; rank the plain rows, build figures for the top.
        ranked = sorted(
            (row for row in self.rows if disagreements(row)),
            key=lambda row: (-disagreements(row), -disagreements(row) / max(1, row["answers"])),
        )[:GAP_ROWS]
        return [
            GapRow(self.types[r["touchpoint_type"]], self.teams[r["team"]], Figures.from_row(r))
            for r in ranked
        ]


def _journey_order(t: TouchpointType) -> tuple:
    return (t.stage.order, t.stage.name, t.order, t.name)


@read_settings()
def breakdown(selection: Selection, coarse: bool = True) -> Breakdown:
    """`coarse=False` reads every bucket even where the sums over channels would do."""
    return named_breakdown(breakdown_sums(selection, coarse))


def breakdown_sums(selection: Selection, coarse: bool = True) -> list[dict]:
    """The period's sums per (touchpoint type, team): numbers only, so they may be cached."""
    if not selection.window.ends:
        return []
    return list(
        _bucket_rollup(selection, coarse)
        .objects.filter(selection.q() & selection.window.q(0))
        .values("touchpoint_type", "team")
        .annotate(**_sums(BREAKDOWN_COLUMNS))
        .order_by()
    )


def named_breakdown(rows: list[dict]) -> Breakdown:
    """`rows` with their types and teams as they are named now (a rename shows at once)."""
    if not rows:
        return Breakdown([], {}, {})
    types = TouchpointType.objects.select_related("stage").in_bulk(
        {r["touchpoint_type"] for r in rows}
    )
    teams = Team.objects.select_related("location").in_bulk({r["team"] for r in rows})
    return Breakdown(rows, types, teams)


def journey(selection: Selection) -> list[Row]:
    return breakdown(selection).journey()


def teams_for(selection: Selection) -> list[Row]:
    """The teams behind the selected figures (a drill-down from a touchpoint type)."""
    return breakdown(selection).by_team()


def perception_gap(selection: Selection) -> list[GapRow]:
    return breakdown(selection).gap()


@read_settings()
def moment_count(selection: Selection) -> int:
    """How many moments the selection holds in its window, from the roll-up (current to
    the last roll-up run, a minute at most)."""
    if not selection.window.ends:
        return 0
    rows = _bucket_rollup(selection).objects.filter(selection.q() & selection.window.q(0))
    return rows.aggregate(n=Sum("moments"))["n"] or 0

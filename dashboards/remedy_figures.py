"""What remedies cost and what they buy, from the customer's side, read from the remedy
roll-ups (definitions and a worked example: docs/metrics.md, "Remedies").

Money is kept per currency throughout: a company whose stations pay in SEK, DKK and NOK
sees each currency apart, never a sum of them.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    BooleanField,
    DateField,
    DecimalField,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.utils.translation import gettext_lazy as _

from touchpoints.models import Remedy, RemedyBudget, Team

from .confidence import (
    Interval,
    mean_interval,
    means_differ,
    nps_sample,
    proportions_differ,
    wilson_interval,
)
from .filters import Selection
from .models import LowMomentRollup, RemedyRollup
from .remedy_rollup import LOW_MOMENT_COLUMNS

Money = dict[str, Decimal]  # {currency: amount}
OVER_LIMIT_SHOWN = 10


@dataclass(frozen=True)
class LowSide:
    """Low moments on one side of the comparison (with a remedy, or without) and their
    customers' answers."""

    low_moments: int = 0
    csat_answers: int = 0
    satisfied: int = 0
    nps_answers: int = 0
    promoters: int = 0
    detractors: int = 0

    @property
    def won_back(self) -> int:
        """Low moments whose customer still rated 4 or 5."""
        return self.satisfied

    @property
    def csat(self) -> float | None:
        return 100 * self.satisfied / self.csat_answers if self.csat_answers else None

    @property
    def csat_interval(self) -> Interval | None:
        interval = wilson_interval(self.satisfied, self.csat_answers)
        return None if interval is None else (100 * interval[0], 100 * interval[1])

    @property
    def nps(self) -> float | None:
        if not self.nps_answers:
            return None
        return 100 * (self.promoters - self.detractors) / self.nps_answers

    @property
    def nps_interval(self) -> Interval | None:
        interval = mean_interval(nps_sample(self.promoters, self.detractors, self.nps_answers))
        return None if interval is None else (100 * interval[0], 100 * interval[1])


@dataclass(frozen=True)
class RemedyFigures:
    remedies: int = 0
    over_limit: int = 0
    cost: Money = field(default_factory=dict)
    cost_on_low: Money = field(default_factory=dict)
    with_remedy: LowSide = LowSide()
    without: LowSide = LowSide()
    won_back_by_currency: dict[str, int] = field(default_factory=dict)

    @property
    def low_moments(self) -> int:
        return self.with_remedy.low_moments + self.without.low_moments

    @property
    def per_100_low(self) -> float | None:
        """Remedies given per 100 low moments."""
        return 100 * self.remedies / self.low_moments if self.low_moments else None

    @property
    def csat_differs(self) -> bool:
        a, b = self.with_remedy, self.without
        return proportions_differ(a.satisfied, a.csat_answers, b.satisfied, b.csat_answers)

    @property
    def nps_differs(self) -> bool:
        a, b = self.with_remedy, self.without
        return means_differ(
            nps_sample(a.promoters, a.detractors, a.nps_answers),
            nps_sample(b.promoters, b.detractors, b.nps_answers),
        )

    @property
    def cost_per_won_back(self) -> Money:
        """Per currency: the cost of remedies on low moments ÷ low moments with a remedy
        whose customer still rated 4–5; a currency with nobody won back is left out."""
        return {
            currency: (cost / self.won_back_by_currency[currency]).quantize(Decimal("0.01"))
            for currency, cost in sorted(self.cost_on_low.items())
            if self.won_back_by_currency.get(currency)
        }


# The remedy section's sums come in one statement (UNION ALL): each source below names
# itself, groups its rows by side (remedied or not; null where there is none) and currency,
# fills its own columns of one shared shape and zeros the others', so the dashboard pays one
# round trip for what it once read in five.
GIVEN_COLUMNS = ["remedies", "over_limit", "remedy_cost", "cost_on_low_moments"]
BUDGET_COLUMNS = ["budget", "spent"]
MONEY_COLUMNS = {"remedy_cost", "cost_on_low_moments", *BUDGET_COLUMNS}
SHAPE = [*GIVEN_COLUMNS, *LOW_MOMENT_COLUMNS, *BUDGET_COLUMNS]
NO_SIDE = Value(None, output_field=BooleanField())


def _zero(column: str) -> Value:
    if column in MONEY_COLUMNS:
        return Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=2))
    return Value(0, output_field=IntegerField())


def _shaped(source: str, rows: QuerySet, side, currency: str, sums: dict) -> QuerySet:
    """`rows` grouped by side and currency, with `sums` in their columns, zero elsewhere."""
    return (
        rows.annotate(source=Value(source), side=side, in_currency=F(currency))
        .values("source", "side", "in_currency")
        .annotate(**{column: sums.get(column, _zero(column)) for column in SHAPE})
        .order_by()
    )


def _given(selection: Selection, periods_back: int) -> list[QuerySet]:
    """The remedy and low-moment roll-ups over the period (1: the period before)."""
    condition = selection.q() & selection.window.q(periods_back)
    given = RemedyRollup.objects.filter(condition)
    low = LowMomentRollup.objects.filter(condition)
    return [
        _shaped("given", given, NO_SIDE, "currency", {c: Sum(c) for c in GIVEN_COLUMNS}),
        _shaped(
            "low", low, F("remedied"), "location__currency", {c: Sum(c) for c in LOW_MOMENT_COLUMNS}
        ),
    ]


def _budgets(selection: Selection) -> list[QuerySet]:
    """The teams' budgets, and what they gave this month, each team in its location's month."""
    teams = teams_in(selection)
    # Each location's own month, and the earliest any location's month can start: a bound
    # the (team, given_on) index can use, where the first depends on each row's location
    # (without it every remedy ever given was read, on every dashboard: 90 ms at ten times
    # SAS with three days of remedies; docs/performance.md).
    this_month = Q(given_on__gte=LocalMonthStart("location__timezone")) & Q(
        given_on__gte=EarliestMonthStart()
    )
    budgets = RemedyBudget.objects.filter(team__in=teams)
    spent = Remedy.objects.filter(this_month, team__in=teams)
    return [
        _shaped("budget", budgets, NO_SIDE, "team__location__currency", {"budget": Sum("monthly")}),
        _shaped("spent", spent, NO_SIDE, "currency", {"spent": Sum("amount")}),
    ]


class LocalMonthStart(Func):
    """The first day of this month at a location's clock, from its time zone."""

    template = "(date_trunc('month', timezone(%(expressions)s, now())))::date"
    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra):
        # The embedded default: Django's own SQLite function converts to the zone in Python.
        template = "django_date_trunc('month', datetime('now'), %(expressions)s, 'UTC')"
        return self.as_sql(compiler, connection, template=template, **extra)


class EarliestMonthStart(Func):
    """The first day of the month at the clock furthest behind UTC (twelve hours; a day,
    to be safe): no location's month starts before it. Stable within a statement, so an
    index scan can start there."""

    template = "(date_trunc('month', timezone('UTC', now()) - interval '1 day'))::date"
    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra):
        template = "date('now', '-1 day', 'start of month')"
        return self.as_sql(compiler, connection, template=template, **extra)


@dataclass
class _Sums:
    """The rows of one statement, summed per currency and per side."""

    by_currency: defaultdict = field(default_factory=lambda: defaultdict(Counter))
    sides: defaultdict = field(default_factory=lambda: defaultdict(Counter))
    won_back: Counter = field(default_factory=Counter)  # remedied low moments rated 4–5
    budgeted: set = field(default_factory=set)  # currencies with a budget or spending

    @classmethod
    def of(cls, sources: list[QuerySet]) -> "_Sums":
        sums = cls()
        first, *rest = sources
        for row in first.union(*rest, all=True):
            currency = row["in_currency"]
            for column in SHAPE:
                sums.by_currency[currency][column] += row[column] or 0
            if row["source"] == "low":
                for column in LOW_MOMENT_COLUMNS:
                    sums.sides[row["side"]][column] += row[column] or 0
                if row["side"]:
                    sums.won_back[currency] += row["satisfied"] or 0
            if row["source"] in ("budget", "spent"):
                sums.budgeted.add(currency)
        return sums

    def total(self, column: str) -> int:
        return sum(sums[column] for sums in self.by_currency.values())

    def money(self, column: str) -> Money:
        return {c: sums[column] for c, sums in self.by_currency.items() if sums[column]}

    def side(self, remedied: bool) -> LowSide:
        found = self.sides.get(remedied)
        return LowSide(**{c: found[c] for c in LOW_MOMENT_COLUMNS}) if found else LowSide()

    def figures(self) -> RemedyFigures:
        return RemedyFigures(
            remedies=self.total("remedies"),
            over_limit=self.total("over_limit"),
            cost=self.money("remedy_cost"),
            cost_on_low=self.money("cost_on_low_moments"),
            with_remedy=self.side(True),
            without=self.side(False),
            won_back_by_currency=dict(self.won_back),
        )

    def budget_lines(self) -> list["BudgetLine"]:
        return [
            BudgetLine(c, Decimal(sums["budget"]), Decimal(sums["spent"]))
            for c, sums in sorted(self.by_currency.items())
            if c in self.budgeted
        ]


def remedy_figures(selection: Selection, periods_back: int = 0) -> RemedyFigures:
    """The selection's remedy figures over its period (1: the period before). One query."""
    return _Sums.of(_given(selection, periods_back)).figures()


def context(selection: Selection, with_over_limit: bool = True) -> dict:
    """What `dashboards/_remedies.html` shows for the selection: one query for the figures
    and the budgets, and one for the latest given over a limit."""
    sums = _Sums.of(_given(selection, 0) + _budgets(selection))
    figures = sums.figures()
    return {
        "remedies": figures,
        "remedy_sides": [
            (_("With a remedy"), figures.with_remedy),
            (_("Without"), figures.without),
        ],
        "budget_lines": sums.budget_lines(),
        "over_limit": over_limit_remedies(selection) if with_over_limit else [],
    }


# -- spend against budget ---------------------------------------------------------------


@dataclass(frozen=True)
class BudgetLine:
    """One currency's remedy money this month, over the teams in view."""

    currency: str
    budget: Decimal
    spent: Decimal

    @property
    def left(self) -> Decimal:
        return self.budget - self.spent

    @property
    def spent_pct(self) -> int | None:
        return round(self.spent / self.budget * 100) if self.budget else None


def teams_in(selection: Selection) -> QuerySet[Team]:
    """The active teams in view, as a subquery of the query that uses them."""
    teams = selection.scope.teams().filter(active=True)
    if selection.location:
        teams = teams.filter(location=selection.location)
    if selection.team:
        teams = teams.filter(pk=selection.team.pk)
    return teams.values("pk")


def spend_against_budget(selection: Selection) -> list[BudgetLine]:
    """This month's budgets and spending per currency, each team in its location's month."""
    return _Sums.of(_budgets(selection)).budget_lines()


def over_limit_remedies(selection: Selection, limit: int = OVER_LIMIT_SHOWN) -> list[Remedy]:
    """The latest remedies given over a limit in the period, with the agent's reason: the
    manager sees them afterwards (they were never held up)."""
    return list(
        Remedy.objects.filter(selection.q("moment__") & selection.window.q(0), over_limit=True)
        .select_related("kind", "team__location", "moment__touchpoint_type")
        .order_by("-given_at")[:limit]
    )


# -- the figures export -----------------------------------------------------------------


@dataclass(frozen=True)
class Cells:
    """A figures row's remedy cells: the count, and the cost when it is in one currency."""

    remedies: int = 0
    cost: Money = field(default_factory=dict)

    def row(self) -> list:
        if len(self.cost) > 1:  # never summed across currencies: each named apart
            spelled = "; ".join(f"{c} {amount}" for c, amount in sorted(self.cost.items()))
            return [self.remedies, "", spelled]
        currency, amount = next(iter(self.cost.items()), ("", Decimal(0)))
        return [self.remedies, amount, currency]


def export_cells(selection: Selection, group: str | None, window: Q) -> dict:
    """{value of `group`: Cells} within `window`, e.g. group="touchpoint_type" or
    "local_date"; group None: the whole as {None: Cells}."""
    keys = [group] if group else []
    rows = (
        RemedyRollup.objects.filter(selection.q() & window)
        .values(*keys, "currency")
        .annotate(remedies=Sum("remedies"), remedy_cost=Sum("remedy_cost"))
        .order_by()
    )
    counts: defaultdict[object, int] = defaultdict(int)
    costs: defaultdict[object, Money] = defaultdict(dict)
    for row in rows:
        key = row[group] if group else None
        counts[key] += row["remedies"]
        if row["remedy_cost"]:
            costs[key][row["currency"]] = row["remedy_cost"]
    return {key: Cells(counts[key], costs[key]) for key in counts}

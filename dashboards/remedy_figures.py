"""What remedies cost and what they buy, from the customer's side, read from the remedy
roll-ups (definitions and a worked example: docs/metrics.md, "Remedies").

Money is kept per currency throughout: a company whose stations pay in SEK, DKK and NOK
sees each currency apart, never a sum of them.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from touchpoints.models import Remedy, RemedyBudget, Team
from touchpoints.remedies import month_of

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


def _sums_by_currency(rows, column: str) -> Money:
    return {row["currency"]: row[column] for row in rows if row[column]}


def remedy_figures(selection: Selection, periods_back: int = 0) -> RemedyFigures:
    """The selection's remedy figures over its period (1: the period before). Two queries."""
    condition = selection.q() & selection.window.q(periods_back)
    by_currency = list(
        RemedyRollup.objects.filter(condition)
        .values("currency")
        .annotate(
            remedies=Sum("remedies"),
            over_limit=Sum("over_limit"),
            remedy_cost=Sum("remedy_cost"),
            cost_on_low_moments=Sum("cost_on_low_moments"),
        )
        .order_by()
    )
    low = (
        LowMomentRollup.objects.filter(condition)
        .values("remedied", "location__currency")
        .annotate(**{c: Sum(c) for c in LOW_MOMENT_COLUMNS})
        .order_by()
    )
    summed: dict[bool, dict[str, int]] = {}
    won_back: defaultdict[str, int] = defaultdict(int)
    for row in low:
        side = summed.setdefault(row["remedied"], dict.fromkeys(LOW_MOMENT_COLUMNS, 0))
        for column in LOW_MOMENT_COLUMNS:
            side[column] += row[column] or 0
        if row["remedied"]:
            won_back[row["location__currency"]] += row["satisfied"] or 0
    sides = {remedied: LowSide(**sums) for remedied, sums in summed.items()}
    return RemedyFigures(
        remedies=sum(row["remedies"] for row in by_currency),
        over_limit=sum(row["over_limit"] for row in by_currency),
        cost=_sums_by_currency(by_currency, "remedy_cost"),
        cost_on_low=_sums_by_currency(by_currency, "cost_on_low_moments"),
        with_remedy=sides.get(True, LowSide()),
        without=sides.get(False, LowSide()),
        won_back_by_currency=dict(won_back),
    )


def context(selection: Selection, with_over_limit: bool = True) -> dict:
    """What `dashboards/_remedies.html` shows for the selection."""
    figures = remedy_figures(selection)
    return {
        "remedies": figures,
        "remedy_sides": [
            (_("With a remedy"), figures.with_remedy),
            (_("Without"), figures.without),
        ],
        "budget_lines": spend_against_budget(selection),
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


def teams_in(selection: Selection) -> list[Team]:
    teams = selection.scope.teams().filter(active=True)
    if selection.location:
        teams = teams.filter(location=selection.location)
    if selection.team:
        teams = teams.filter(pk=selection.team.pk)
    return list(teams)


def spend_against_budget(selection: Selection) -> list[BudgetLine]:
    """This month's budgets and spending per currency, each team in its location's month."""
    teams = teams_in(selection)
    if not teams:
        return []
    budgets: defaultdict[str, Decimal] = defaultdict(Decimal)
    for budget in RemedyBudget.objects.filter(team__in=teams).select_related("team__location"):
        budgets[budget.team.location.currency] += budget.monthly
    months: dict[int, date] = {}
    for team in teams:
        if team.location_id not in months:
            months[team.location_id] = month_of(team.location.today())[0]
    this_month = Q(pk__in=[])
    for location_id, first in months.items():
        this_month |= Q(location_id=location_id, given_on__gte=first)
    spent = (
        Remedy.objects.filter(this_month, team__in=teams)
        .values("currency")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    spending = {row["currency"]: row["total"] for row in spent}
    currencies = sorted(set(budgets) | set(spending))
    return [
        BudgetLine(c, budgets.get(c, Decimal(0)), spending.get(c, Decimal(0))) for c in currencies
    ]


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

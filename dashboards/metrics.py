"""Customer-perspective figures, computed only from roll-up sums.

Every rate is a ratio of sums over whatever rows are selected, so a week, a team or the
whole company is exact: averages are never averaged. Definitions: docs/metrics.md.
"""

import functools
from collections.abc import Iterable
from dataclasses import dataclass, fields

from django.conf import settings
from django.db.models import QuerySet, Sum

from .confidence import (
    Z95,
    Interval,
    Sample,
    mean_interval,
    means_differ,
    nps_sample,
    proportions_differ,
    wilson_interval,
)
from .rollup import COUNTED_COLUMNS


def _ratio(part: int, whole: int, scale: float = 100.0) -> float | None:
    return None if not whole else scale * part / whole


@dataclass(frozen=True)
class Estimate:
    """A rate with what it rests on: how many answers (or moments), and its 95 % interval in
    the figure's own unit (None while there is too little to say)."""

    value: float | None
    n: int
    interval: Interval | None
    counted: str = "answers"  # what n counts, as a person would say it

    @property
    def lower(self) -> float | None:
        return self.interval[0] if self.interval else None

    @property
    def upper(self) -> float | None:
        return self.interval[1] if self.interval else None

    @property
    def few(self) -> bool:
        """Too few to go by (settings.FEW_ANSWERS): drawn muted, marked "few answers"."""
        return self.n < settings.FEW_ANSWERS


def _share(successes: int, n: int, counted: str = "answers") -> Estimate:
    interval = wilson_interval(successes, n)
    scaled = (100 * interval[0], 100 * interval[1]) if interval else None
    return Estimate(_ratio(successes, n), n, scaled, counted)


def share(successes: int, n: int, counted: str = "answers") -> Estimate:
    """A share in % with its Wilson interval, for figures outside `Figures` (themes)."""
    return _share(successes, n, counted)


def _mean(sample: Sample, value: float | None, scale: float, bounds: Interval) -> Estimate:
    """A mean's estimate; its interval is kept within the scale's own ends."""
    interval = mean_interval(sample)
    if interval is not None:
        low, high = bounds
        interval = (max(low, scale * interval[0]), min(high, scale * interval[1]))
    return Estimate(value, sample.n, interval)


@dataclass(frozen=True)
class Figures:
    moments: int = 0
    resolved_on_spot: int = 0
    resolution_recorded: int = 0
    outcome_1: int = 0
    outcome_2: int = 0
    outcome_3: int = 0
    outcome_4: int = 0
    outcome_5: int = 0
    invitations: int = 0
    answers: int = 0
    csat_answers: int = 0
    satisfied: int = 0
    nps_answers: int = 0
    promoters: int = 0
    detractors: int = 0
    effort_answers: int = 0
    effort_sum: int = 0
    effort_squares: int = 0
    low_answers: int = 0
    recoveries_opened: int = 0
    recoveries_closed: int = 0
    recovery_seconds: int = 0
    recoveries_lapsed: int = 0
    gap_staff_good_customer_low: int = 0
    gap_staff_bad_customer_high: int = 0
    comments: int = 0
    notes: int = 0

    @classmethod
    def of(cls, rollups: QuerySet) -> "Figures":
        totals = rollups.aggregate(**{name: Sum(name) for name in COUNTED_COLUMNS})
        return cls(**{name: totals[name] or 0 for name in COUNTED_COLUMNS})

    @classmethod
    def from_row(cls, row: dict) -> "Figures":
        """Figures from one row of sums; columns the row lacks count as zero."""
        return cls(**{name: row.get(name) or 0 for name in COUNTED_COLUMNS})

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(
            **{name: getattr(self, name) + getattr(other, name) for name in COUNTED_COLUMNS}
        )

    def __sub__(self, other: "Figures") -> "Figures":
        """These sums less `other`'s: the rest of a table when `other` is one of its rows."""
        return Figures(
            **{name: getattr(self, name) - getattr(other, name) for name in COUNTED_COLUMNS}
        )

    @classmethod
    def total(cls, many: Iterable["Figures"]) -> "Figures":
        return sum(many, cls())

    @property
    def csat(self) -> float | None:
        """Share of 4–5 answers among all 1–5 answers, in %."""
        return _ratio(self.satisfied, self.csat_answers)

    @property
    def nps(self) -> float | None:
        """% promoters (9–10) minus % detractors (0–6)."""
        return _ratio(self.promoters - self.detractors, self.nps_answers)

    @property
    def resolved_pct(self) -> float | None:
        """Resolved among the moments whose resolution was recorded, in %."""
        return _ratio(self.resolved_on_spot, self.resolution_recorded)

    @property
    def resolution_coverage(self) -> float | None:
        """Moments whose resolution was recorded, among all moments, in %."""
        return _ratio(self.resolution_recorded, self.moments)

    @property
    def effort(self) -> float | None:
        """Mean customer effort, 1 (very hard) to 7 (very easy)."""
        return _ratio(self.effort_sum, self.effort_answers, scale=1.0)

    @property
    def staff_good(self) -> int:
        return self.outcome_4 + self.outcome_5

    @property
    def staff_bad(self) -> int:
        return self.outcome_1 + self.outcome_2

    @property
    def recovery_rate(self) -> float | None:
        """Recoveries closed before they lapsed, among low answers, in %."""
        return _ratio(self.recoveries_closed, self.low_answers)

    @property
    def hours_to_recover(self) -> float | None:
        """Mean time from the customer's low answer to the close, over those recovered."""
        return _ratio(self.recovery_seconds, self.recoveries_closed, scale=1 / 3600)

    @property
    def response_rate(self) -> float | None:
        return _ratio(self.answers, self.invitations)

    @property
    def nps_scores(self) -> Sample:
        return nps_sample(self.promoters, self.detractors, self.nps_answers)

    @property
    def effort_scores(self) -> Sample:
        return Sample.from_sums(self.effort_answers, self.effort_sum, self.effort_squares)

    @functools.cached_property
    def estimates(self) -> dict[str, Estimate]:
        """Each rate with its n and 95 % interval, by the name of the rate's property."""
        return {
            "csat": _share(self.satisfied, self.csat_answers),
            "nps": _mean(self.nps_scores, self.nps, 100.0, (-100.0, 100.0)),
            "effort": _mean(self.effort_scores, self.effort, 1.0, (1.0, 7.0)),
            "resolved_pct": _share(
                self.resolved_on_spot, self.resolution_recorded, "recorded moments"
            ),
            "recovery_rate": _share(self.recoveries_closed, self.low_answers, "low answers"),
            "response_rate": _share(self.answers, self.invitations, "invitations"),
        }

    def differs_from(self, other: "Figures", rate: str, z: float = Z95) -> bool | None:
        """Whether `rate` differs from `other`'s at 95 % (or the level `z` stands for); None
        for a figure without a test. What a colour makes of it: `dashboards.significance`."""
        if rate == "nps":
            return means_differ(self.nps_scores, other.nps_scores, z)
        if rate == "effort":
            return means_differ(self.effort_scores, other.effort_scores, z)
        parts = SHARES.get(rate)
        if parts is None:
            return None
        successes, n = parts
        return proportions_differ(
            getattr(self, successes),
            getattr(self, n),
            getattr(other, successes),
            getattr(other, n),
            z,
        )

    @property
    def gap_moments(self) -> int:
        """Answered moments where the staff member's read and the customer's verdict disagree."""
        return self.gap_staff_good_customer_low + self.gap_staff_bad_customer_high

    @property
    def gap_pct(self) -> float | None:
        """Share of answered moments where staff and customer disagree, in %."""
        return _ratio(self.gap_moments, self.answers)


# The shares a change is tested on: (successes, out of).
SHARES = {
    "csat": ("satisfied", "csat_answers"),
    "resolved_pct": ("resolved_on_spot", "resolution_recorded"),
    "recovery_rate": ("recoveries_closed", "low_answers"),
    "response_rate": ("answers", "invitations"),
}

assert [f.name for f in fields(Figures)] == COUNTED_COLUMNS, "Figures must mirror the roll-up"


NEED_COLUMNS = ["raised", "acknowledged", "provided", "declined", "provide_seconds"]


@dataclass(frozen=True)
class NeedFigures:
    """What the front line asked for, from `NeedRollup` sums (by the day each need was raised)."""

    raised: int = 0
    acknowledged: int = 0
    provided: int = 0
    declined: int = 0
    provide_seconds: int = 0

    @classmethod
    def from_row(cls, row: dict) -> "NeedFigures":
        return cls(**{name: row.get(name) or 0 for name in NEED_COLUMNS})

    def __add__(self, other: "NeedFigures") -> "NeedFigures":
        return NeedFigures(*(getattr(self, n) + getattr(other, n) for n in NEED_COLUMNS))

    @classmethod
    def total(cls, many: Iterable["NeedFigures"]) -> "NeedFigures":
        return sum(many, cls())

    @property
    def still_open(self) -> int:
        """Raised and neither provided nor declined yet (acknowledged ones are still open)."""
        return self.raised - self.provided - self.declined

    @property
    def hours_to_provide(self) -> float | None:
        """Mean time from raising a need to the manager providing it."""
        return _ratio(self.provide_seconds, self.provided, scale=1 / 3600)

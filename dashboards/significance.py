"""What a colour means on a dashboard: the one rule every coloured figure goes through.

A figure, a change or a rank is coloured only when it is significantly different, by the
tests of docs/metrics.md ("What a colour means"): green when better, red when worse. Anything
else is grey, whatever its size:

- a rate (CSAT, resolved on the spot, recovery, response) or a mean (NPS, effort) is tested
  against the figure it is compared with (`Figures.differs_from`): the period before, or the
  rest of a table's rows;
- a side that rests on few answers (`Estimate.few`, below settings.FEW_ANSWERS) is never
  coloured: the tests' normal approximations do not hold there, and the figure is pale;
- a table compares each row with the rest of its rows, once per row, so the level is made
  stricter for the number of rows judged (Bonferroni): of twenty touchpoints a few would
  otherwise be "significant" by chance alone;
- counts (moments, open needs) and times (to recover, to provide) have no test here, so
  they are never coloured.
"""

from statistics import NormalDist

from .confidence import Z95
from .metrics import SHARES, Figures

GOOD, BAD, GREY = "good", "bad", ""
# The rates a colour can mark; for each of them a higher value is better.
TESTED = frozenset([*SHARES, "nps", "effort"])


def z_for(comparisons: int) -> float:
    """The two-sided z a difference must pass, at 95 % over `comparisons` tests at once."""
    if comparisons <= 1:
        return Z95
    return NormalDist().inv_cdf(1 - 0.025 / comparisons)


def tone(figures: Figures, other: Figures, rate: str, comparisons: int = 1) -> str:
    """GOOD or BAD when `rate` differs significantly from `other`'s; GREY otherwise."""
    if rate not in TESTED:
        return GREY
    mine, theirs = figures.estimates[rate], other.estimates[rate]
    if mine.value is None or theirs.value is None or mine.few or theirs.few:
        return GREY
    if not figures.differs_from(other, rate, z_for(comparisons)):
        return GREY
    return GOOD if mine.value > theirs.value else BAD


def table_tones(rows: list[Figures], rates: list[str]) -> list[dict[str, str]]:
    """Per row, the tone of each rate against the rest of the rows (the total less the row),
    stricter for the number of rows that have enough answers to be judged on that rate."""
    judged = {
        rate: sum(
            1
            for row in rows
            if row.estimates[rate].value is not None and not row.estimates[rate].few
        )
        for rate in rates
    }
    total = Figures.total(rows)
    tones: list[dict[str, str]] = []
    for row in rows:
        rest = total - row  # one per row, whatever the number of rates
        marks = {rate: tone(row, rest, rate, comparisons=judged[rate]) for rate in rates}
        tones.append({rate: mark for rate, mark in marks.items() if mark})
    return tones

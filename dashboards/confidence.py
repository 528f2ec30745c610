"""How sure a figure is: 95 % intervals and "has it really changed?", from counts and sums.

Pure functions of the roll-up's additive numbers, so any selection's interval is exact for
its sums. Formulas and worked examples: docs/metrics.md, "How sure is a figure?".

- A rate (CSAT, resolved on the spot, response, recovery) is `successes` out of `n`:
  Wilson's score interval, and a two-proportion z-test for a change.
- A mean of scores (effort 1–7; NPS as the mean of +1 promoter, 0 passive, −1 detractor) is
  a `Sample` built from n, the sum and the sum of squares: the normal approximation
  mean ± z·s/√n, and a z-test on the difference of two means (Welch's standard error).
"""

import math
from dataclasses import dataclass

# The standard normal's 97.5th percentile: two-sided 95 %. Exactly scipy's norm.ppf(0.975).
Z95 = 1.959963984540054

Interval = tuple[float, float]


def wilson_interval(successes: int, n: int, z: float = Z95) -> Interval | None:
    """Wilson's score interval for the share successes/n, as fractions 0–1; None without n.

    Unlike "p ± z·√(p(1−p)/n)" it never leaves 0–1 and is not zero-width at 0 or n of n:
    4 satisfied of 4 gives 51 %–100 %, not 100 %–100 %.
    """
    if n <= 0:
        return None
    p = successes / n
    z2 = z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    # At 0 or n of n the bound is exactly 0 or 1; rounding would leave a hair beside it.
    lower = 0.0 if successes <= 0 else max(0.0, centre - half)
    upper = 1.0 if successes >= n else min(1.0, centre + half)
    return lower, upper


def proportions_differ(
    successes_a: int, n_a: int, successes_b: int, n_b: int, z: float = Z95
) -> bool:
    """Whether two shares differ at 95 % (two-sided, pooled two-proportion z-test).

    False when either side has no answers, or when both are all-or-nothing alike (the
    pooled share is 0 or 1: nothing to tell apart).
    """
    if n_a <= 0 or n_b <= 0:
        return False
    pooled = (successes_a + successes_b) / (n_a + n_b)
    variance = pooled * (1 - pooled) * (1 / n_a + 1 / n_b)
    if variance <= 0:
        return False
    return abs(successes_a / n_a - successes_b / n_b) / math.sqrt(variance) > z


@dataclass(frozen=True)
class Sample:
    """n scores summarised by their mean and sample variance (n − 1 in the denominator)."""

    n: int
    mean: float
    variance: float

    @classmethod
    def from_sums(cls, n: int, total: float, squares: float) -> "Sample":
        """From n, Σx and Σx²; the variance is 0 below two scores (there is no spread yet)."""
        if n <= 0:
            return cls(0, 0.0, 0.0)
        mean = total / n
        spread = squares - total * total / n
        # Rounding can leave a hair below zero when every score is the same.
        variance = max(0.0, spread / (n - 1)) if n > 1 else 0.0
        return cls(n, mean, variance)

    @property
    def standard_error(self) -> float:
        return math.sqrt(self.variance / self.n) if self.n else math.inf


def nps_sample(promoters: int, detractors: int, n: int) -> Sample:
    """NPS answers as scores +1 (promoter), 0 (passive), −1 (detractor): the mean × 100 is
    the NPS, and Σx² is the promoters and detractors together."""
    return Sample.from_sums(n, promoters - detractors, promoters + detractors)


def mean_interval(sample: Sample, z: float = Z95) -> Interval | None:
    """mean ± z·s/√n; None below two scores, where there is no spread to measure."""
    if sample.n < 2:
        return None
    half = z * sample.standard_error
    return sample.mean - half, sample.mean + half


def means_differ(a: Sample, b: Sample, z: float = Z95) -> bool:
    """Whether two means differ at 95 % (z-test with Welch's standard error √(s²a/na + s²b/nb)).

    False below two scores on either side. When neither side has any spread, the means
    differ exactly when they are not equal.
    """
    if a.n < 2 or b.n < 2:
        return False
    error = math.sqrt(a.variance / a.n + b.variance / b.n)
    if error == 0:
        return a.mean != b.mean
    return abs(a.mean - b.mean) / error > z

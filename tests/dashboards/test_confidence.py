"""The interval and significance functions against independent implementations: scipy's
Wilson interval and chi-square test, and the normal approximation computed with numpy
from the raw scores, on many random inputs including 0 and n of n."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy import stats

from dashboards.confidence import (
    Z95,
    Sample,
    mean_interval,
    means_differ,
    nps_sample,
    proportions_differ,
    wilson_interval,
)


@st.composite
def counts(draw, max_n: int = 5000) -> tuple[int, int]:
    n = draw(st.integers(min_value=1, max_value=max_n))
    successes = draw(st.one_of(st.just(0), st.just(n), st.integers(min_value=0, max_value=n)))
    return successes, n


def test_z95_is_the_normal_97_5th_percentile():
    assert abs(Z95 - stats.norm.ppf(0.975)) < 1e-15


@given(counts())
def test_wilson_interval_matches_scipy(sample):
    successes, n = sample
    expected = stats.binomtest(successes, n).proportion_ci(method="wilson")
    lower, upper = wilson_interval(successes, n)
    assert lower == pytest.approx(expected.low, abs=1e-9)
    assert upper == pytest.approx(expected.high, abs=1e-9)
    assert 0 <= lower <= successes / n <= upper <= 1


def test_wilson_interval_at_none_and_all_of_a_few_answers():
    assert wilson_interval(0, 0) is None
    lower, upper = wilson_interval(4, 4)
    assert (round(lower, 3), upper) == (0.510, 1.0)
    lower, upper = wilson_interval(0, 4)
    assert (lower, round(upper, 3)) == (0.0, 0.490)


def _chi_square_differs(a: tuple[int, int], b: tuple[int, int]) -> bool:
    table = [[a[0], a[1] - a[0]], [b[0], b[1] - b[0]]]
    return stats.chi2_contingency(table, correction=False).pvalue < 0.05


@given(counts(), counts())
def test_proportions_differ_as_scipy_chi_square_says(a, b):
    pooled = (a[0] + b[0]) / (a[1] + b[1])
    if pooled in (0, 1):  # scipy cannot test a table with an empty column: nothing differs
        assert not proportions_differ(*a, *b)
        return
    z = abs(a[0] / a[1] - b[0] / b[1]) / math.sqrt(pooled * (1 - pooled) * (1 / a[1] + 1 / b[1]))
    assume(abs(z - Z95) > 1e-6)  # on the very edge, rounding decides
    assert proportions_differ(*a, *b) == _chi_square_differs(a, b)


def test_proportions_with_no_answers_never_differ():
    assert not proportions_differ(0, 0, 5, 10)
    assert not proportions_differ(5, 10, 0, 0)


@st.composite
def nps_scores(draw) -> np.ndarray:
    n = draw(st.integers(min_value=0, max_value=3000))
    kind = draw(st.sampled_from(["mixed", "all promoters", "all detractors", "all passives"]))
    if kind == "mixed":
        shares = draw(st.lists(st.integers(0, 100), min_size=3, max_size=3).filter(any))
        seed = draw(st.integers(0, 2**32 - 1))
        p = np.array(shares) / sum(shares)
        return np.random.default_rng(seed).choice([1, 0, -1], size=n, p=p)
    return np.full(n, {"all promoters": 1, "all detractors": -1, "all passives": 0}[kind])


def _normal_interval(scores: np.ndarray) -> tuple[float, float]:
    half = stats.norm.ppf(0.975) * scores.std(ddof=1) / np.sqrt(len(scores))
    return scores.mean() - half, scores.mean() + half


@given(nps_scores())
def test_nps_interval_is_the_normal_approximation_of_the_scores(scores):
    sample = nps_sample(int((scores == 1).sum()), int((scores == -1).sum()), len(scores))
    if len(scores) < 2:
        assert mean_interval(sample) is None
        return
    assert sample.mean == pytest.approx(scores.mean(), abs=1e-12)
    lower, upper = mean_interval(sample)
    expected = _normal_interval(scores)
    assert lower == pytest.approx(expected[0], abs=1e-9)
    assert upper == pytest.approx(expected[1], abs=1e-9)


@st.composite
def effort_scores(draw) -> np.ndarray:
    n = draw(st.integers(min_value=0, max_value=3000))
    seed = draw(st.integers(0, 2**32 - 1))
    if draw(st.booleans()):
        return np.full(n, draw(st.integers(1, 7)))
    return np.random.default_rng(seed).integers(1, 8, size=n)


def _effort_sample(scores: np.ndarray) -> Sample:
    return Sample.from_sums(len(scores), int(scores.sum()), int((scores * scores).sum()))


@given(effort_scores())
def test_effort_interval_is_the_normal_approximation_of_the_scores(scores):
    sample = _effort_sample(scores)
    if len(scores) < 2:
        assert mean_interval(sample) is None
        return
    lower, upper = mean_interval(sample)
    expected = _normal_interval(scores.astype(float))
    assert lower == pytest.approx(expected[0], abs=1e-9)
    assert upper == pytest.approx(expected[1], abs=1e-9)


@given(effort_scores(), effort_scores())
def test_means_differ_as_the_normal_test_on_the_scores_says(a, b):
    if len(a) < 2 or len(b) < 2:
        assert not means_differ(_effort_sample(a), _effort_sample(b))
        return
    error = np.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    assume(error > 0)
    z = abs(a.mean() - b.mean()) / error
    assume(abs(z - Z95) > 1e-6)
    p_value = 2 * stats.norm.sf(z)
    assert means_differ(_effort_sample(a), _effort_sample(b)) == (p_value < 0.05)


def test_means_without_spread_differ_only_when_unequal():
    all_easy, all_hard = Sample.from_sums(5, 35, 245), Sample.from_sums(5, 5, 5)
    assert means_differ(all_easy, all_hard)
    assert not means_differ(all_easy, all_easy)

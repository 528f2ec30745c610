"""The trend charts' date labels: the latest day is always named, and labels never crowd."""

import re
from datetime import date, timedelta

import pytest

from dashboards.charts import bar_chart, line_chart


def date_labels(svg: str) -> list[str]:
    return re.findall(r'class="tick x"[^>]*>([^<]*)<', svg)


@pytest.mark.parametrize("count", [1, 2, 7, 14, 30, 31, 60, 90, 91, 366])
def test_the_first_and_the_latest_day_are_always_labelled(count):
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(count)]

    labels = date_labels(bar_chart(days, [3] * count, "Moments per day"))

    assert labels[0] == f"{days[0]:%-d %b}" and labels[-1] == f"{days[-1]:%-d %b}"
    assert 1 <= len(labels) <= 9


def test_a_line_starts_half_a_day_in_from_the_axis():
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(10)]

    svg = line_chart(days, [50.0] * 10, "CSAT per day, %", "pct", 0, 100)

    first_x = float(re.search(r'<polyline points="([\d.]+),', svg).group(1))
    axis_x = float(re.search(r'<line class="grid" x1="([\d.]+)"', svg).group(1))
    assert first_x > axis_x + 20


def test_negative_ticks_have_a_real_minus_sign():
    svg = line_chart([date(2026, 1, 1)], [-20.0], "NPS per day", "signed", -100, 100)

    assert ">\u2212100</text>" in svg and ">-100<" not in svg

"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, readable on a tablet.

Each chart is decoration for sighted readers (aria-hidden); the same numbers are always on
the page as text or in a table next to it.
"""

import math
from datetime import date

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

SPARK_WIDTH, SPARK_HEIGHT = 120, 32
WIDTH, HEIGHT = 960, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 36


def _points(values: list[float | None], low: float, high: float, width: float, height: float,
            left: float = 0, top: float = 0) -> list[tuple[float, float] | None]:  # fmt: skip
    span = (high - low) or 1
    step = width / max(1, len(values) - 1)
    return [
        None
        if v is None
        else (round(left + i * step, 1), round(top + height - (v - low) / span * height, 1))
        for i, v in enumerate(values)
    ]


def _runs(points: list[tuple[float, float] | None]) -> list[list[tuple[float, float]]]:
    """Unbroken stretches of points: a day without data is a gap, not a fall to zero."""
    runs, run = [], []
    for point in points:
        if point is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(point)
    if run:
        runs.append(run)
    return runs


def _path(points: list[tuple[float, float] | None]) -> str:
    return "".join(
        f'<polyline points="{" ".join(f"{x},{y}" for x, y in run)}" />'
        if len(run) > 1
        else f'<circle cx="{run[0][0]}" cy="{run[0][1]}" r="2.5" />'
        for run in _runs(points)
    )


def sparkline(values: list[float | None]) -> SafeString:
    known = [v for v in values if v is not None]
    if not known:
        return mark_safe("")
    low, high = min(known), max(known)
    if low == high:
        low, high = low - 1, high + 1
    points = _points(values, low, high, SPARK_WIDTH - 4, SPARK_HEIGHT - 4, 2, 2)
    return mark_safe(
        f'<svg class="spark" viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" aria-hidden="true" '
        f'focusable="false" preserveAspectRatio="none">{_path(points)}</svg>'
    )


def _nice_step(span: float) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about four intervals."""
    rough = max(span / 4, 1e-9)
    power = 10 ** math.floor(math.log10(rough))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= rough)


def _nice_range(values: list[float], floor: float | None, ceiling: float | None):
    """(low, high, step) of an axis: given limits where the figure has them, else round
    numbers, with whole steps for counts (a volume axis never reads half a moment)."""
    low = floor if floor is not None else min(values, default=0)
    high = ceiling if ceiling is not None else max(values, default=0)
    step = _nice_step(high - low) if high > low else 1.0
    if ceiling is None:
        step = max(1.0, step)
        high = low + step * max(1, math.ceil((high - low) / step))
    return low, high, step


def _axes(days: list[date], low: float, high: float, step: float, unit: str) -> str:
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = []
    for i in range(int(round((high - low) / step)) + 1):
        value = low + i * step
        y = round(TOP + inner_h - inner_h * (value - low) / (high - low), 1)
        label = f"{value:+.0f}" if unit == "signed" and value else f"{value:,.0f}"
        label = label.replace(",", "\u202f")  # a thin space between thousands
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" />'
            f'<text class="tick" x="{LEFT - 8}" y="{y + 5}" text-anchor="end">{label}</text>'
        )
    every = max(1, len(days) // 7)
    step = inner_w / max(1, len(days) - 1)
    for i, day in enumerate(days):
        # Every `every`-th day, and the last one unless a label would crowd it.
        last = i == len(days) - 1 and i % every >= every / 2
        if i % every == 0 or last:
            x = round(LEFT + i * step, 1)
            parts.append(
                f'<text class="tick" x="{x}" y="{HEIGHT - 10}" text-anchor="middle">'
                f"{day:%-d %b}</text>"
            )
    return "".join(parts)


def line_chart(days: list[date], values: list[float | None], label: str, unit: str = "",
               floor: float | None = None, ceiling: float | None = None) -> SafeString:  # fmt: skip
    """A daily line with a labelled axis; each point has a title for pointer users."""
    known = [v for v in values if v is not None]
    low, high, step = _nice_range(known, floor, ceiling)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    points = _points(values, low, high, inner_w, inner_h, LEFT, TOP)
    dots = "".join(
        format_html(
            '<circle cx="{}" cy="{}" r="4"><title>{}: {}</title></circle>',
            p[0],
            p[1],
            f"{day:%-d %b}",
            f"{v:.0f}",
        )  # fmt: skip
        for p, day, v in zip(points, days, values, strict=True)
        if p is not None
    )
    return mark_safe(
        f'<svg class="chart line" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}"><g class="axes">{_axes(days, low, high, step, unit)}</g>'
        f'<g class="series">{_path(points)}</g><g class="dots">{dots}</g></svg>'
    )


def bar_chart(days: list[date], values: list[int], label: str) -> SafeString:
    """Daily volume as bars; zero days show as no bar."""
    low, high, tick = _nice_range([float(v) for v in values], 0, None)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(1, len(days) - 1)
    bar = max(2.0, min(28.0, step * 0.7))
    bars = "".join(
        format_html(
            '<rect x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
            round(LEFT + i * step - bar / 2, 1),
            round(TOP + inner_h - v / high * inner_h, 1),
            round(bar, 1),
            round(v / high * inner_h, 1),
            f"{day:%-d %b}",
            v,
        )  # fmt: skip
        for i, (day, v) in enumerate(zip(days, values, strict=True))
        if v
    )
    return mark_safe(
        f'<svg class="chart bars" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}"><g class="axes">{_axes(days, low, high, tick, "")}</g>'
        f'<g class="series">{bars}</g></svg>'
    )

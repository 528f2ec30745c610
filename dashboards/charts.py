"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, readable on a tablet.

Each chart is decoration for sighted readers (aria-hidden); the same numbers are always on
the page as text or in a table next to it.
"""

import math
from datetime import date

from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

SPARK_WIDTH, SPARK_HEIGHT = 120, 32
WIDTH, HEIGHT = 960, 260
# Room for the y labels ("+100", "150 000") left of the axis, and for the date labels below
# it, clear of the lowest y label.
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 40
TICK_GAP = 8  # between a y label and the axis
# Date labels are 15 px (moments.css); their characters ("30 Nov") average narrower than
# this, so a label's estimated width is more than what the browser draws.
CHAR_WIDTH = 9.5
LABEL_GAP = 16  # the least room between two date labels


def _points(values: list[float | None], low: float, high: float, width: float, height: float,
            left: float = 0, top: float = 0) -> list[tuple[float, float] | None]:  # fmt: skip
    """A sparkline's points, the first and last on its edges."""
    span = (high - low) or 1
    step = width / max(1, len(values) - 1)
    return [
        None
        if v is None
        else (round(left + i * step, 1), round(top + height - (v - low) / span * height, 1))
        for i, v in enumerate(values)
    ]


def _day_x(count: int) -> list[float]:
    """The middle of each day's slot: a day's bar or point never sits on the y axis."""
    slot = (WIDTH - LEFT - RIGHT) / max(1, count)
    return [LEFT + slot * (i + 0.5) for i in range(count)]


def _y(value: float, low: float, high: float) -> float:
    inner_h = HEIGHT - TOP - BOTTOM
    return round(TOP + inner_h - (value - low) / ((high - low) or 1) * inner_h, 1)


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
    inset = 4  # a dot (r 2.5) and the line's stroke stay whole at the top and bottom
    points = _points(
        values, low, high, SPARK_WIDTH - 2 * inset, SPARK_HEIGHT - 2 * inset, inset, inset
    )
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


def _date_labels(days: list[date]) -> list[tuple[float, str, str]]:
    """(x, text-anchor, text) of the date labels: the first and the last day always, and
    about seven in all, each whole inside the chart and none crowding another."""
    xs = _day_x(len(days))
    every = max(1, len(days) // 7)
    wanted = [0, len(days) - 1, *range(every, len(days) - 1, every)] if days else []
    placed: list[tuple[float, float]] = []
    labels = []
    for i in dict.fromkeys(wanted):  # first and last, then the rest in order
        text = date_format(days[i], "j M")
        width = len(text) * CHAR_WIDTH
        if xs[i] - width / 2 < LEFT:
            x, anchor, span = LEFT, "start", (LEFT, LEFT + width)
        elif xs[i] + width / 2 > WIDTH - RIGHT:
            x, anchor, span = WIDTH - RIGHT, "end", (WIDTH - RIGHT - width, WIDTH - RIGHT)
        else:
            x, anchor, span = xs[i], "middle", (xs[i] - width / 2, xs[i] + width / 2)
        if all(span[1] + LABEL_GAP <= a or b + LABEL_GAP <= span[0] for a, b in placed):
            placed.append(span)
            labels.append((round(x, 1), anchor, text))
    return sorted(labels)


def _axes(days: list[date], low: float, high: float, step: float, unit: str) -> str:
    parts = []
    for i in range(int(round((high - low) / step)) + 1):
        value = low + i * step
        y = _y(value, low, high)
        label = f"{value:+.0f}" if unit == "signed" and value else f"{value:,.0f}"
        # A thin space between thousands; a real minus sign, as in the figures.
        label = label.replace(",", "\u202f").replace("-", "\u2212")
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" />'
            f'<text class="tick y" x="{LEFT - TICK_GAP}" y="{y + 5}" text-anchor="end">'
            f"{label}</text>"
        )
    for x, anchor, text in _date_labels(days):
        parts.append(
            f'<text class="tick x" x="{x}" y="{HEIGHT - 10}" text-anchor="{anchor}">{text}</text>'
        )
    return "".join(parts)


def line_chart(days: list[date], values: list[float | None], label: str, unit: str = "",
               floor: float | None = None, ceiling: float | None = None) -> SafeString:  # fmt: skip
    """A daily line with a labelled axis; each point has a title for pointer users."""
    known = [v for v in values if v is not None]
    low, high, step = _nice_range(known, floor, ceiling)
    points = [
        None if v is None else (round(x, 1), _y(v, low, high))
        for x, v in zip(_day_x(len(days)), values, strict=True)
    ]
    dots = "".join(
        format_html(
            '<circle cx="{}" cy="{}" r="4"><title>{}: {}</title></circle>',
            p[0],
            p[1],
            date_format(day, "j M"),
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
    bottom = _y(low, low, high)
    bar = max(2.0, min(28.0, (WIDTH - LEFT - RIGHT) / max(1, len(days)) * 0.7))
    bars = "".join(
        format_html(
            '<rect x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
            round(x - bar / 2, 1),
            _y(v, low, high),
            round(bar, 1),
            round(bottom - _y(v, low, high), 1),
            date_format(day, "j M"),
            v,
        )  # fmt: skip
        for x, day, v in zip(_day_x(len(days)), days, values, strict=True)
        if v
    )
    return mark_safe(
        f'<svg class="chart bars" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}"><g class="axes">{_axes(days, low, high, tick, "")}</g>'
        f'<g class="series">{bars}</g></svg>'
    )

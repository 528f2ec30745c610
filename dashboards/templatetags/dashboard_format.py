"""Formatting of figures for display; the figures themselves come from `dashboards.metrics`."""

from django import template

from dashboards.need_answers import age

register = template.Library()

NO_DATA = "–"
MINUS = "−"  # a real minus sign reads better than a hyphen in large figures


@register.filter
def pct(value: float | None) -> str:
    return NO_DATA if value is None else f"{value:.0f}%"


@register.filter
def signed(value: float | None) -> str:
    if value is None:
        return NO_DATA
    text = f"{value:+.0f}"
    return "0" if text in ("+0", "-0") else text.replace("-", MINUS)


@register.filter
def score(value: float | None) -> str:
    return NO_DATA if value is None else f"{value:.1f}"


@register.filter
def hours(value: float | None) -> str:
    """A duration given in hours, in the unit that reads best."""
    if value is None:
        return NO_DATA
    if value < 1:
        return f"{value * 60:.0f} min"
    if value < 48:
        return f"{value:.1f} h"
    return f"{value / 24:.1f} days"


@register.filter
def count(value: int | None) -> str:
    return NO_DATA if value is None else f"{value:,}".replace(",", "\u202f")


FORMATS = {"pct": pct, "signed": signed, "score": score, "hours": hours, "count": count}


@register.filter
def figure(value: float | None, unit: str) -> str:
    """A headline figure written in its unit (count, pct, signed, score or hours)."""
    return FORMATS[unit](value)


@register.filter
def change(value: float | None, unit: str) -> str:
    """The change against the previous period: percentage points, hours, or plain numbers."""
    if value is None:
        return "no comparison"
    if not value:
        return "no change"
    sign = "+" if value > 0 else MINUS
    magnitude = abs(value)
    if unit == "pct":
        return f"{sign}{magnitude:.0f} pts"
    if unit == "hours":
        return f"{sign}{hours(magnitude)}"
    if unit == "score":
        return f"{sign}{magnitude:.1f}"
    return f"{sign}{magnitude:,.0f}".replace(",", "\u202f")


@register.filter
def waited(raised_at) -> str:
    """How long something has waited: "3 h", "2 days"."""
    return age(raised_at)

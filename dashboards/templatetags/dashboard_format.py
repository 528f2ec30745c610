"""Formatting of figures for display; the figures themselves come from `dashboards.metrics`."""

from django import template

register = template.Library()

NO_DATA = "–"


@register.filter
def pct(value: float | None) -> str:
    return NO_DATA if value is None else f"{value:.0f}%"


@register.filter
def signed(value: float | None) -> str:
    return NO_DATA if value is None else f"{value:+.0f}"

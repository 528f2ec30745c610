"""Times as the clock on the wall read them where they happened.

A need raised at 22:15 in Stockholm reads 22:15 to the agent at the desk and to the manager
in London alike; a screen that shows several zones says which one each time is in.
"""

from datetime import datetime

from django import template
from django.utils import dateformat
from django.utils.html import format_html

from touchpoints.models import Location

register = template.Library()


@register.simple_tag
def local_time(
    moment_in_time: datetime | None, location: Location, form: str = "j M H:i", zone: bool = False
) -> str:
    """`moment_in_time` in `location`'s zone as a <time> element, in 24-hour form; with the
    zone's abbreviation ("CET") when `zone`, and its full name on hover."""
    if moment_in_time is None:
        return ""
    local = moment_in_time.astimezone(location.tz)
    text = dateformat.format(local, f"{form} T" if zone else form)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>', local.isoformat(), location.timezone, text
    )

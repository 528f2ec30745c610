"""Times as the clock on the wall read them where they happened.

A need raised at 22:15 in Stockholm reads 22:15 to the agent at the desk and to the manager
in London alike; a screen that shows several zones says which one each time is in.
"""

import zoneinfo
from datetime import datetime

from django import template
from django.utils import dateformat
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def local_time(
    moment_in_time: datetime | None, zone_name: str, form: str = "j M H:i", zone: bool = False
) -> str:
    """`moment_in_time` on the clock of the zone `zone_name` (a location's `timezone`), as a
    <time> element in 24-hour form; with the zone's abbreviation ("CET") when `zone`, and
    its full name on hover."""
    if moment_in_time is None:
        return ""
    local = moment_in_time.astimezone(zoneinfo.ZoneInfo(zone_name))
    text = dateformat.format(local, f"{form} T" if zone else form)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>', local.isoformat(), zone_name, text
    )

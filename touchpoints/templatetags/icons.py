"""`{% icon name %}`: one drawing from the icon sprite (touchpoints/icons.py)."""

from django import template
from django.utils.safestring import SafeString

from ..icons import icon_html

register = template.Library()


@register.simple_tag
def icon(name: str, css_class: str = "icon") -> SafeString:
    return icon_html(name, css_class)

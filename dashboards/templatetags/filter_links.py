"""Links that keep the dashboard's filters: `{% query_with selection team=row.subject.pk %}`."""

from django import template

register = template.Library()


@register.simple_tag
def query_with(selection, **changes) -> str:
    return selection.query_with(**changes)

from django import template

from ..sealed_moments import author_label, person_key

register = template.Library()


@register.simple_tag(takes_context=True)
def sealed_queue(context) -> dict[str, str]:
    """What the signed-in person's page seals their waiting moments with, and labels them by."""
    user = context["request"].user
    return {"author": author_label(user), "key": person_key(user)}

"""The counts on the front line's navigation, on every frontline screen and in its poll."""

from django import template

from touchpoints.models import User
from touchpoints.needs import unseen_answers

from ..recovery import open_count

register = template.Library()


def frontline_badges(user: User) -> dict[str, int]:
    """Recoveries the person's team has open, and answers to their needs not yet seen: one
    COUNT each."""
    team = getattr(user, "team", None)
    return {"queue": open_count(team), "needs": unseen_answers(user).order_by().count()}


@register.simple_tag(takes_context=True, name="frontline_badges")
def frontline_badges_tag(context) -> dict[str, int]:
    return frontline_badges(context["request"].user)

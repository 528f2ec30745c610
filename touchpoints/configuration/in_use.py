"""What still refers to a piece of configuration, so that deleting it would lose history.

Found by looking at the protected foreign keys that point at the object, whichever app
they live in: touchpoints need not know about roll-ups to refuse to orphan them.
"""

from collections.abc import Callable

from django.apps import apps
from django.db import models
from django.utils.formats import number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext_lazy, ngettext

# Coarser sums of roll-up rows that are counted already (the daily and need roll-ups):
# naming them too would list the same history three times over.
NOT_NAMED = {
    "dashboards.LocationDayRollup",
    "dashboards.TypeDayRollup",
    "dashboards.LocationNeedRollup",
    "dashboards.LowMomentRollup",
    "dashboards.RemedyRollup",
}
AND = gettext_lazy("and")
# What each kind of row is called when counted, in the reader's language: "1 moment",
# "2 moments", "1 möte", "2 möten". A kind not named here is named by its model.
COUNTED: dict[str, Callable[[int], str]] = {
    "touchpoints.User": lambda n: ngettext("%(count)s person", "%(count)s people", n),
    "touchpoints.Team": lambda n: ngettext("%(count)s team", "%(count)s teams", n),
    "touchpoints.TouchpointType": lambda n: ngettext(
        "%(count)s touchpoint type", "%(count)s touchpoint types", n
    ),
    "touchpoints.Moment": lambda n: ngettext("%(count)s moment", "%(count)s moments", n),
    "touchpoints.MomentCorrection": lambda n: ngettext(
        "%(count)s correction", "%(count)s corrections", n
    ),
    "touchpoints.UndoRecord": lambda n: ngettext(
        "%(count)s undone moment", "%(count)s undone moments", n
    ),
    "touchpoints.Need": lambda n: ngettext("%(count)s need", "%(count)s needs", n),
    "touchpoints.Desk": lambda n: ngettext("%(count)s desk", "%(count)s desks", n),
    "dashboards.DailyRollup": lambda n: ngettext(
        "%(count)s daily rollup", "%(count)s daily rollups", n
    ),
    "dashboards.NeedRollup": lambda n: ngettext(
        "%(count)s daily need rollup", "%(count)s daily need rollups", n
    ),
}


def references(obj: models.Model) -> list[tuple[str, int]]:
    """(model label, how many) for each kind of row that protects `obj`, e.g.
    ("touchpoints.Moment", 1234)."""
    found: dict[str, int] = {}
    # include_hidden: a foreign key with related_name="+" protects just the same.
    for relation in obj._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or relation.many_to_many:
            continue
        if relation.on_delete is not models.PROTECT:
            continue
        related = relation.related_model
        label = related._meta.label
        if label in NOT_NAMED:
            continue
        count = related._base_manager.filter(**{relation.field.name: obj.pk}).count()
        if count:
            found[label] = found.get(label, 0) + count
    return list(found.items())


def counted(label: str, count: int) -> str:
    """'1,234 moments' in the active language ('1 234 möten' in Swedish)."""
    shown = number_format(count, force_grouping=True)
    if label in COUNTED:
        return COUNTED[label](count) % {"count": shown}
    meta = apps.get_model(label)._meta
    return f"{shown} {meta.verbose_name if count == 1 else meta.verbose_name_plural}"


def describe(found: list[tuple[str, int]]) -> str:
    """'1,234 moments and 56 daily rollups', with the language's own "and"."""
    return str(get_text_list([counted(label, count) for label, count in found], AND))

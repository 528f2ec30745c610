"""What still refers to a piece of configuration, so that deleting it would lose history.

Found by looking at the protected foreign keys that point at the object, whichever app
they live in: touchpoints need not know about roll-ups to refuse to orphan them.
"""

from django.db import models

NAMES = {"touchpoints.User": "people"}
# Coarser sums of roll-up rows that are counted already (the daily and need roll-ups):
# naming them too would list the same history three times over.
NOT_NAMED = {
    "dashboards.LocationDayRollup",
    "dashboards.TypeDayRollup",
    "dashboards.LocationNeedRollup",
    "dashboards.LowMomentRollup",
    "dashboards.RemedyRollup",
}


def references(obj: models.Model) -> list[tuple[str, int]]:
    """(what, how many) for each kind of row that protects `obj`, e.g. ("moments", 1234)."""
    found: dict[str, int] = {}
    # include_hidden: a foreign key with related_name="+" protects just the same.
    for relation in obj._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or relation.many_to_many:
            continue
        if relation.on_delete is not models.PROTECT:
            continue
        related = relation.related_model
        if related._meta.label in NOT_NAMED:
            continue
        count = related._base_manager.filter(**{relation.field.name: obj.pk}).count()
        if count:
            name = NAMES.get(related._meta.label, related._meta.verbose_name_plural)
            found[str(name)] = found.get(str(name), 0) + count
    return list(found.items())


def describe(found: list[tuple[str, int]]) -> str:
    """'1,234 moments and 56 daily rollups'."""
    parts = [f"{count:,} {what if count != 1 else _singular(what)}" for what, count in found]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _singular(plural: str) -> str:
    if plural == "people":
        return "person"
    if plural.endswith("ies"):
        return plural[:-3] + "y"
    return plural[:-1] if plural.endswith("s") else plural

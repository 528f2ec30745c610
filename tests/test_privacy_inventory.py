"""docs/privacy.md lists every field of every model, as personal data (in the inventory) or
as not personal: a new field, or one the page names but the code no longer has, fails here."""

import re
from pathlib import Path

from django.apps import apps

DOC = Path(__file__).resolve().parent.parent / "docs" / "privacy.md"
NOT_PERSONAL_HEADING = "## Fields holding no personal data"
FIELD = re.compile(r"`(\w+\.\w+\.\w+)`")
MODELS_LINE = re.compile(r"^- ((?:`\w+\.\w+`(?:, )?)+): (.*)$")


def fields_in_code() -> set[str]:
    found = set()
    for model in apps.get_models():
        opts = model._meta
        for field in [*opts.concrete_fields, *opts.many_to_many]:
            found.add(f"{opts.app_label}.{model.__name__}.{field.name}")
    return found


def listed() -> tuple[set[str], set[str]]:
    """(personal, not personal) as docs/privacy.md lists them."""
    text = DOC.read_text()
    inventory, _, rest = text.partition(NOT_PERSONAL_HEADING)
    personal = set(FIELD.findall(inventory.partition("## Inventory")[2].partition("\n## ")[0]))
    not_personal = set()
    for line in rest.splitlines():
        if not (match := MODELS_LINE.match(line.strip())):
            continue
        models = re.findall(r"`(\w+\.\w+)`", match.group(1))
        for name in models:
            model = apps.get_model(name)
            if match.group(2).startswith("every field"):
                every = [*model._meta.concrete_fields, *model._meta.many_to_many]
                not_personal |= {f"{name}.{field.name}" for field in every}
            else:
                not_personal |= {f"{name}.{field.strip()}" for field in match.group(2).split(",")}
    return personal, not_personal


def test_every_field_of_every_model_is_listed_as_personal_or_not():
    personal, not_personal = listed()
    missing = sorted(fields_in_code() - personal - not_personal)
    assert not missing, (
        "docs/privacy.md does not say whether these fields hold personal data; add each to the"
        f" inventory (with why, how long, who sees it) or to the fields holding none: {missing}"
    )


def test_the_inventory_names_only_fields_the_code_has():
    personal, not_personal = listed()
    assert not (personal | not_personal) - fields_in_code()


def test_no_field_is_listed_both_as_personal_and_not():
    personal, not_personal = listed()
    assert not personal & not_personal

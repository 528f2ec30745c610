"""What the configuration pages post, built from an object as it stands, for tests to vary."""

from touchpoints.models import Location, TouchpointType


def management_form(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def ticked(**flags: bool) -> dict:
    """A checkbox is posted as "on" when ticked and not at all when not."""
    return {name: "on" for name, value in flags.items() if value}


def type_form(touchpoint_type: TouchpointType, extra_fields: list[dict] = (), **overrides) -> dict:
    """The touchpoint type's change form, with `extra_fields` as the inline's rows."""
    existing = list(touchpoint_type.extra_fields.all()) if touchpoint_type.pk else []
    data = {
        # The English name; the other languages' are optional (touchpoints/translation.py).
        "name_en": touchpoint_type.name_en,
        "stage": touchpoint_type.stage_id,
        "order": touchpoint_type.order,
        "icon": touchpoint_type.icon,
        "colour": touchpoint_type.colour,
        "channels": touchpoint_type.channels,
        **ticked(
            asks_nps=touchpoint_type.asks_nps,
            asks_effort=touchpoint_type.asks_effort,
            active=touchpoint_type.active,
        ),
        **management_form("extra_fields", total=len(extra_fields), initial=len(existing)),
    }
    for index, row in enumerate(extra_fields):
        for name, value in row.items():
            if value is True:
                data[f"extra_fields-{index}-{name}"] = "on"
            elif value is not False:
                data[f"extra_fields-{index}-{name}"] = value
    data.update(overrides)
    if "name" in overrides:  # as a person reads it: the English name
        data["name_en"] = data.pop("name")
    return {name: value for name, value in data.items() if value is not None}


def extra_field_row(field=None, **values) -> dict:
    """One row of the extra-field inline: an existing field as it stands, or a new one."""
    row = {"kind": "text", "max_length": 100, "order": 0, "active": True, "required": False}
    if field is not None:
        row.update(
            id=field.pk,
            touchpoint_type=field.touchpoint_type_id,
            label_en=field.label_en,
            key=field.key,
            kind=field.kind,
            choices_en=field.choices_en,
            required=field.required,
            max_length=field.max_length,
            order=field.order,
            active=field.active,
        )
    row.update(values)
    for name in ("label", "choices"):  # as a person reads them: the English ones
        if name in row:
            row[f"{name}_en"] = row.pop(name)
    return row


def location_form(location: Location, **overrides) -> dict:
    data = {
        "name": location.name,
        "code": location.code,
        "timezone": location.timezone,
        "currency": location.currency,
        **ticked(active=location.active),
        **management_form("teams", total=0, initial=0),
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value is not None}

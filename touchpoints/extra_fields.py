"""Extra fields an admin gives a touchpoint type: form fields, validation and display.

Each active ExtraField becomes an optional form field named `extra_<type id>_<key>`; only
the fields of the chosen type are checked (and required) when a moment is saved. Values
are stored in Moment.extra under ExtraField.key.
"""

from decimal import Decimal

from django import forms

from .models import ExtraField, Moment, TouchpointType


def field_name(extra: ExtraField) -> str:
    return f"extra_{extra.touchpoint_type_id}_{extra.key}"


def active_extra_fields() -> list[ExtraField]:
    return list(
        ExtraField.objects.filter(active=True, touchpoint_type__active=True).order_by(
            "touchpoint_type_id", "order", "pk"
        )
    )


def form_field(extra: ExtraField) -> forms.Field:
    """An optional field: whether it is required depends on the type chosen, see `clean_extra`."""
    label = extra.label
    # Required only for its own type; the log screen's script sets `required` from this.
    attrs = {"data-required": "1"} if extra.required else {}
    common = {"label": label, "required": False}
    if extra.kind == ExtraField.Kind.NUMBER:
        return forms.DecimalField(
            **common,
            max_digits=12,
            decimal_places=3,
            error_messages={"invalid": f"{label}: enter a number, e.g. 23 or 23.5."},
            widget=forms.NumberInput(attrs={**attrs, "inputmode": "decimal", "step": "any"}),
        )
    if extra.kind == ExtraField.Kind.CHOICE:
        choices = [("", "—"), *((option, option) for option in extra.choice_list())]
        return forms.ChoiceField(
            **common,
            choices=choices,
            widget=forms.Select(attrs=attrs),
            error_messages={"invalid_choice": f"{label}: choose one of the listed options."},
        )
    return forms.CharField(
        **common,
        max_length=extra.max_length,
        widget=forms.TextInput(attrs=attrs),
        error_messages={"max_length": f"{label}: at most {extra.max_length} characters."},
    )


def json_value(value):
    """Decimals are stored as JSON numbers: whole ones as integers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def clean_extra(
    form: forms.Form, touchpoint_type: TouchpointType, fields: list[ExtraField]
) -> dict:
    """The chosen type's values from `form.cleaned_data`; adds an error per missing value."""
    values = {}
    for extra in fields:
        if extra.touchpoint_type_id != touchpoint_type.pk:
            continue
        name = field_name(extra)
        if name in form.errors:
            continue
        value = form.cleaned_data.get(name)
        if value in (None, ""):
            if extra.required:
                form.add_error(name, f"{extra.label} is required for {touchpoint_type.name}.")
            continue
        values[extra.key] = json_value(value)
    return values


def labelled_values(moment: Moment) -> list[tuple[str, object]]:
    """A moment's extra values with their labels, archived fields included."""
    if not moment.extra:
        return []
    labels = {extra.key: extra.label for extra in moment.touchpoint_type.extra_fields.all()}
    return [(labels.get(key, key), value) for key, value in moment.extra.items()]

"""Extra fields an admin gives a touchpoint type: form fields, validation and display.

Each active ExtraField becomes an optional form field named `extra_<type id>_<key>`; only
the fields of the chosen type are checked (and required) when a moment is saved, and only
when the type has any, so the common save costs no query for them. Values
are stored in Moment.extra under ExtraField.key.
"""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext

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
            error_messages={
                "invalid": gettext("%(label)s: enter a number, e.g. 23 or 23.5.") % {"label": label}
            },
            widget=forms.NumberInput(attrs={**attrs, "inputmode": "decimal", "step": "any"}),
        )
    if extra.kind == ExtraField.Kind.CHOICE:
        # Stored as the default language's option, shown in the reader's.
        choices = [("", "—"), *extra.shown_choices().items()]
        return forms.ChoiceField(
            **common,
            choices=choices,
            widget=forms.Select(attrs=attrs),
            error_messages={
                "invalid_choice": gettext("%(label)s: choose one of the listed options.")
                % {"label": label}
            },
        )
    return forms.CharField(
        **common,
        max_length=extra.max_length,
        widget=forms.TextInput(attrs=attrs),
        error_messages={
            "max_length": gettext("%(label)s: at most %(most)s characters.")
            % {"label": label, "most": extra.max_length}
        },
    )


def json_value(value):
    """Decimals are stored as JSON numbers: whole ones as integers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def has_active_fields() -> Exists:
    """Annotation for a TouchpointType queryset: does the type ask anything extra?"""
    return Exists(ExtraField.objects.filter(touchpoint_type=OuterRef("pk"), active=True))


def clean_extra(form: forms.Form, touchpoint_type: TouchpointType) -> dict:
    """The chosen type's extra values from the form's data, each error under its field."""
    values = {}
    for extra in touchpoint_type.extra_fields.filter(active=True):
        name = field_name(extra)
        field = form.fields.setdefault(name, form_field(extra))
        raw = field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        try:
            value = field.clean(raw)
        except ValidationError as error:
            form.add_error(name, error)
            continue
        if value in (None, ""):
            if extra.required:
                form.add_error(
                    name,
                    gettext("%(label)s is required for %(type)s.")
                    % {"label": extra.label, "type": touchpoint_type.name},
                )
            continue
        values[extra.key] = json_value(value)
    return values


def labelled_values(moment: Moment) -> list[tuple[str, object]]:
    """A moment's extra values with their labels, archived fields included."""
    if not moment.extra:
        return []
    fields = {extra.key: extra for extra in moment.touchpoint_type.extra_fields.all()}
    shown = []
    for key, value in moment.extra.items():
        extra = fields.get(key)
        if extra is None:
            shown.append((key, value))
            continue
        if extra.kind == ExtraField.Kind.CHOICE:
            value = extra.shown_choices().get(value, value)
        shown.append((extra.label, value))
    return shown

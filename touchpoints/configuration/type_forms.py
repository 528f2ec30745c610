"""The forms of the touchpoint type pages: where a type goes in its stage, its icon and
colour, and the extra fields it asks for on the log screen."""

from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import get_language_info, gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.utils import build_localized_fieldname

from .. import icons
from ..models import Channel, ExtraField, Moment, TouchpointType, all_channels
from .long_choices import LongRadioSelect


def choices_field(code: str) -> str:
    """A choice field's options in one language (touchpoints/translation.py)."""
    return build_localized_fieldname("choices", code)


HEX_COLOUR = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Use a colour written as #rrggbb, e.g. #0b4f8a.")
)


class PlacedInStage(forms.ModelForm):
    """A type whose order is left empty goes last in its stage: the model's 0 put it first."""

    order = forms.IntegerField(
        label=_("order"),  # a field declared here takes no label from the model's
        required=False,
        min_value=0,
        max_value=32767,
        help_text=_("Order within the stage. Left empty, the type goes last in its stage."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.pop("order", None)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("order") is None:
            # On a stage's page the stage is not a field: the inline set it on the instance.
            stage = cleaned.get("stage")
            cleaned["order"] = TouchpointType.next_order(
                stage.pk if stage else self.instance.stage_id
            )
            self.instance.order = cleaned["order"]
        return cleaned


class TouchpointTypeForm(PlacedInStage):
    # Declared fields do not inherit the model's defaults, so a new type starts from them here.
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        choices=Channel.choices,
        initial=all_channels,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one channel this type can happen on.")},
    )
    colour = forms.CharField(
        label=_("Colour"),
        max_length=7,
        initial=TouchpointType._meta.get_field("colour").default,
        validators=[HEX_COLOUR],
        widget=forms.TextInput(attrs={"type": "color"}),
        help_text=_("Tile colour on the log screen."),
    )
    icon = forms.ChoiceField(
        label=_("Icon"),
        choices=icons.picker_choices,
        initial=icons.DEFAULT_ICON,
        widget=LongRadioSelect(attrs={"class": "icon-picker"}),
        help_text=_("The drawing on the tile."),
    )

    class Meta:
        model = TouchpointType
        fields = [
            "name", "stage", "order", "icon", "colour", "channels", "asks_nps", "asks_effort",
            "active",
        ]  # fmt: skip


class ExtraFieldForm(forms.ModelForm):
    class Meta:
        model = ExtraField
        fields = ["label", "key", "kind", "choices", "required", "max_length", "order", "active"]
        widgets = {
            **{
                choices_field(code): forms.Textarea(attrs={"rows": 3, "cols": 22})
                for code, _name in settings.LANGUAGES
            },
            "label": forms.TextInput(attrs={"size": 18}),
            "key": forms.TextInput(attrs={"size": 14}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].required = False
        self.fields["key"].help_text = _("Filled in from the label if left empty.")
        if self.instance.pk:
            # Old moments store their values under this key: changing it would hide them.
            self.fields["key"].disabled = True

    def clean(self):
        cleaned = super().clean()
        label = cleaned.get("label_en")  # the English label (touchpoints/translation.py)
        if not cleaned.get("key") and label:
            cleaned["key"] = slugify(label).replace("-", "_")[:40]
            self.instance.key = cleaned["key"]
        if cleaned.get("kind") == ExtraField.Kind.CHOICE:
            self._check_choices(cleaned)
        return cleaned

    def _check_choices(self, cleaned: dict) -> None:
        """The default language lists the options; a translation gives each of them, in the
        same order (ExtraField.shown_choices), or is left empty."""
        default = choices_field(settings.MODELTRANSLATION_DEFAULT_LANGUAGE)
        options = _count_lines(cleaned.get(default))
        if not options:
            self.add_error(default, _("List the options, one per line."))
            return
        for code, _name in settings.LANGUAGES:
            translated = _count_lines(cleaned.get(choices_field(code)))
            if translated and translated != options:
                self.add_error(
                    choices_field(code),
                    gettext(
                        "Give all %(count)s options in %(language)s, one per line in the same"
                        " order as in %(default)s, or leave it empty."
                    )
                    % {
                        "count": options,
                        "language": language_name(code),
                        "default": language_name(settings.MODELTRANSLATION_DEFAULT_LANGUAGE),
                    },
                )


def language_name(code: str) -> str:
    return get_language_info(code)["name_translated"]


def _count_lines(text: str | None) -> int:
    return sum(1 for line in (text or "").splitlines() if line.strip())


class ExtraFieldFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            field = form.instance
            if not field.pk:
                continue
            used = Moment.objects.filter(
                touchpoint_type=self.instance, extra__has_key=field.key
            ).count()
            if used:
                raise forms.ValidationError(
                    ngettext(
                        "“%(label)s” holds a value in %(count)s moment, so it cannot be removed."
                        " Untick Active to stop asking for it; old values stay readable.",
                        "“%(label)s” holds values in %(count)s moments, so it cannot be removed."
                        " Untick Active to stop asking for it; old values stay readable.",
                        used,
                    )
                    % {"label": field.label, "count": number_format(used, force_grouping=True)}
                )

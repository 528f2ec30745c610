"""Names an admin enters, per language (django-modeltranslation).

Each field listed here gets a column per language (name_en, name_sv, ...). Reading `name`
gives the active language's, or the English one when that is empty: a type an admin has
not translated yet still shows, in English. The columns come with the row, so the log
screen's one query and the types each process keeps in memory (loggable_types) stay as
they were; the language is chosen when the name is read, not when the row is loaded.
Why this library and not django-parler: docs/configuration.md.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import ExtraField, JourneyStage, RemedyKind, TouchpointType


@register(JourneyStage)
class JourneyStageNames(TranslationOptions):
    fields = ("name",)


@register(TouchpointType)
class TouchpointTypeNames(TranslationOptions):
    fields = ("name",)


@register(ExtraField)
class ExtraFieldLabels(TranslationOptions):
    # A choice field's options too, line for line: the option is stored as its default-
    # language line, so figures group by it whatever language it was picked in
    # (ExtraField.shown_choices).
    fields = ("label", "choices")


@register(RemedyKind)
class RemedyKindNames(TranslationOptions):
    fields = ("name",)

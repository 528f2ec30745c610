"""Theme names per language (django-modeltranslation, as touchpoints/translation.py).

The English name is the one outside scripts read; a manager reading Danish sees the Danish
name, or the English one when the admin has not given one."""

from modeltranslation.translator import TranslationOptions, register

from .themes.models import Theme


@register(Theme)
class ThemeNames(TranslationOptions):
    fields = ("name",)

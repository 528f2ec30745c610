"""Names customers and managers read per language (django-modeltranslation, as the touchpoint
names in touchpoints/translation.py); an empty language falls back to English.

The airline's name on the customer's page, and the theme names. A theme's English name is
the one outside scripts read (`manage.py tag_comment`); a manager reading Danish sees the
Danish name, or the English one when the admin has not given one."""

from modeltranslation.translator import TranslationOptions, register

from .models import FeedbackSettings
from .themes.models import Theme


@register(FeedbackSettings)
class AirlineName(TranslationOptions):
    fields = ("airline_name",)


@register(Theme)
class ThemeNames(TranslationOptions):
    fields = ("name",)

"""The airline's name as customers read it, per language (django-modeltranslation, as the
touchpoint names in touchpoints/translation.py): an empty language falls back to English."""

from modeltranslation.translator import TranslationOptions, register

from .models import FeedbackSettings


@register(FeedbackSettings)
class AirlineName(TranslationOptions):
    fields = ("airline_name",)

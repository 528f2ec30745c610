"""Configuration page of the remedies the front line may give: a name per language, an icon
from the same picker as touchpoint types, and a cost per currency (fixed or a range).
A kind in use is archived, never deleted (`ConfigAdmin`)."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from .. import icons
from ..models import RemedyKind, RemedyPrice
from .field_names import NamedFieldsInline
from .long_choices import LongRadioSelect
from .site import ConfigAdmin, site


class RemedyKindForm(forms.ModelForm):
    icon = forms.ChoiceField(
        label=_("Icon"),
        choices=icons.picker_choices,
        initial="gift",
        widget=LongRadioSelect(attrs={"class": "icon-picker"}),
        help_text=_("The drawing on the button."),
    )

    class Meta:
        model = RemedyKind
        fields = ["name", "icon", "order", "active"]


class RemedyPriceInline(NamedFieldsInline):
    model = RemedyPrice
    fields = ["currency", "lowest", "highest"]
    extra = 1
    verbose_name = _("cost in a currency")
    verbose_name_plural = _(
        "costs: one row per currency, the same lowest and highest for a fixed cost;"
        " no row at all for a remedy that costs nothing"
    )


@admin.register(RemedyKind, site=site)
class RemedyKindAdmin(TranslationAdmin, ConfigAdmin):
    form = RemedyKindForm
    inlines = [RemedyPriceInline]
    list_display = ["button", "costs", "order", "remedy_count", "active"]
    list_display_links = ["button"]
    list_editable = ["order"]
    list_filter = ["active"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(remedy_count=Count("remedies"))
            .prefetch_related("prices")
        )

    @admin.display(description=_("Remedy"), ordering="name")
    def button(self, kind):
        return format_html("{} {}", icons.icon_html(kind.icon), kind.name)

    @admin.display(description=_("Cost"))
    def costs(self, kind):
        return ", ".join(str(price) for price in kind.prices.all()) or _("Nothing")

    @admin.display(description=_("Given"), ordering="remedy_count")
    def remedy_count(self, kind):
        return f"{kind.remedy_count:,}"

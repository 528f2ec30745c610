"""Themes on the configuration site: add, rename, merge and archive them like touchpoint
types, every change audited; and the rising words suggested as new themes."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from touchpoints.configuration import audit
from touchpoints.configuration.site import ConfigAdmin, ReadOnly, admin_url, site

from . import catalogue, rising
from .models import THEME_LANGUAGES, WORD_FIELDS, Theme, ThemeSuggestion


@admin.register(Theme, site=site)
class ThemeAdmin(TranslationAdmin, ConfigAdmin):
    list_display = ["name", "word_count", "active", "merged_into"]
    list_filter = ["active"]
    search_fields = ["name", *(f"words_{code}" for code in THEME_LANGUAGES)]
    fields = ["name", "words_en", "words_sv", "words_da", "words_nb", "active"]
    actions = ["archive_selected", "restore_selected", "merge_selected"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in WORD_FIELDS:
            # The words are in their own language, whatever language the admin reads.
            field.widget.attrs.update(lang=db_field.name.removeprefix("words_"), rows=6)
        return field

    @admin.display(description=_("Words and phrases"))
    def word_count(self, theme):
        return sum(len(theme.words(code)) for code in THEME_LANGUAGES)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            catalogue.changed()

    def delete_model(self, request, obj):
        with transaction.atomic():
            super().delete_model(request, obj)
            catalogue.changed()

    def _set_archived(self, request, obj, archived: bool) -> bool:
        done = super()._set_archived(request, obj, archived)
        if done:
            catalogue.changed()
        return done

    def changelist_view(self, request, extra_context=None):
        context = {"catalogue": catalogue.state(), **(extra_context or {})}
        return super().changelist_view(request, context)

    @admin.action(description=_("Merge selected themes into one"))
    def merge_selected(self, request, queryset):
        themes = list(queryset.order_by("name"))
        if len(themes) < 2:
            refusal = gettext("Select two themes or more to merge.")
            self.message_user(request, refusal, messages.ERROR)
            return None
        kept_id = request.POST.get("keep")
        kept = next((theme for theme in themes if str(theme.pk) == kept_id), None)
        if "apply" in request.POST and kept is not None:
            self._merge(request, kept, [theme for theme in themes if theme != kept])
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Merge themes"),
            "opts": self.opts,
            "themes": themes,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/feedback/theme/merge.html", context)

    def _merge(self, request, kept: Theme, others: list[Theme]) -> None:
        with transaction.atomic():
            befores = {theme.pk: audit.snapshot(theme) for theme in [kept, *others]}
            catalogue.merge(kept, others)
            for theme in [kept, *others]:
                theme.refresh_from_db()
                audit.record_change(request.user, theme, befores[theme.pk])
        names = ", ".join(f"“{theme}”" for theme in others)
        self.message_user(
            request,
            gettext("%(names)s merged into “%(kept)s”. Their comments now count there, once each.")
            % {"names": names, "kept": kept},
        )


@admin.register(ThemeSuggestion, site=site)
class ThemeSuggestionAdmin(ReadOnly, ConfigAdmin):
    """Words no theme covers that rose significantly; one click makes one a theme."""

    archive_field = None
    actions = []
    list_display = ["term", "language", "period_end", "count", "previous_count", "g2", "status"]
    list_filter = ["status", "language"]
    fields = ["term", "language", "period_start", "period_end", "count", "previous_count", "g2"]
    readonly_fields = ["examples_shown", "make_theme"]

    def get_fields(self, request, obj=None):
        return [*self.fields, "examples_shown", "make_theme"]

    @admin.display(description=_("Example comments"))
    def examples_shown(self, suggestion):
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((c,) for c in suggestion.examples))
        )

    @admin.display(description=_("Make it a theme"))
    def make_theme(self, suggestion):
        if suggestion.theme_id:
            return format_html(
                '<a href="{}">{}</a>',
                admin_url(Theme._meta, "change", suggestion.theme_id),
                suggestion.theme,
            )
        return format_html(
            '<button type="submit" form="make-theme" class="default">{}</button>',
            gettext("Make “%(term)s” a theme") % {"term": suggestion.term},
        )

    def get_urls(self):
        make = self.admin_site.admin_view(self.make_theme_view)
        name = f"{self.opts.app_label}_{self.opts.model_name}_make_theme"
        return [path("<path:object_id>/make-theme/", make, name=name), *super().get_urls()]

    def make_theme_view(self, request, object_id: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        suggestion = self.get_object(request, unquote(object_id))
        if suggestion is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        with transaction.atomic():
            theme = rising.make_theme(suggestion)
            audit.record_change(request.user, theme, None)
        self.message_user(
            request,
            gettext("“%(theme)s” is a theme now; comments are being tagged with it.")
            % {"theme": theme},
        )
        return redirect(admin_url(Theme._meta, "change", theme.pk))

"""Configuration pages: journey stages, touchpoint types, places and the audit trail.

People live in `people`; the site and the rules every page shares in `site`; the forms of
the touchpoint type pages in `type_forms`.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from .. import icons
from ..models import (
    AuditEntry,
    Channel,
    ExtraField,
    JourneyStage,
    Location,
    Team,
    TouchpointType,
    known_timezones,
)
from ..time_zones import redate_location
from . import audit
from .field_names import NamedFieldsInline
from .long_choices import LongSelect
from .site import (
    AdminRoleOnly,
    ConfigAdmin,
    ReadOnly,
    RefusesMalformedLookups,
    admin_url,
    site,
)
from .type_forms import ExtraFieldForm, ExtraFieldFormSet, PlacedInStage, TouchpointTypeForm

# -- journey stages ---------------------------------------------------------------------


class TouchpointTypeInline(NamedFieldsInline, TranslationTabularInline):
    """Order a stage's types where the order is seen: side by side."""

    model = TouchpointType
    form = PlacedInStage
    fields = ["name", "drawing", "order", "active"]
    readonly_fields = ["drawing"]  # picked on the type's own page, where the picker has room
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ["order", "name"]

    @admin.display(description=_("Icon"))
    def drawing(self, touchpoint_type):
        return icons.icon_html(touchpoint_type.icon)


@admin.register(JourneyStage, site=site)
class JourneyStageAdmin(TranslationAdmin, ConfigAdmin):
    list_display = ["name", "order", "type_count"]
    list_editable = ["order"]
    search_fields = ["name"]
    inlines = [TouchpointTypeInline]
    archive_field = None  # a stage is emptied by moving or archiving its types
    actions = []
    fields = ["name", "order"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(type_count=Count("types"))

    @admin.display(description=_("Touchpoint types"), ordering="type_count")
    def type_count(self, stage):
        return stage.type_count


# -- touchpoint types -------------------------------------------------------------------


class ExtraFieldInline(NamedFieldsInline, TranslationTabularInline):
    model = ExtraField
    form = ExtraFieldForm
    formset = ExtraFieldFormSet
    extra = 0
    classes = ["extra-fields"]
    verbose_name = _("extra field on the log screen")
    verbose_name_plural = _("extra fields on the log screen")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("touchpoint_type")


@admin.register(TouchpointType, site=site)
class TouchpointTypeAdmin(TranslationAdmin, ConfigAdmin):
    form = TouchpointTypeForm
    inlines = [ExtraFieldInline]
    list_display = ["tile", "stage", "order", "channel_list", "questions", "moment_count", "active"]
    list_display_links = ["tile"]
    list_editable = ["order"]
    list_filter = ["active", "stage"]
    list_select_related = ["stage"]
    search_fields = ["name", "stage__name"]
    ordering = ["stage__order", "order", "name"]
    fieldsets = [
        (None, {"fields": ["name", "stage", "order", "icon", "colour", "channels", "active"]}),
        (
            _("What the customer is asked"),
            {
                "description": _("Customers are always asked how satisfied they were (CSAT)."),
                "fields": ["asks_nps", "asks_effort"],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(moment_count=Count("moments"))

    @admin.display(description=_("Touchpoint type"), ordering="name")
    def tile(self, touchpoint_type):
        return format_html(
            '<span class="swatch" style="background:{}"></span> {} {}',
            touchpoint_type.colour,
            icons.icon_html(touchpoint_type.icon),
            touchpoint_type.name,
        )

    @admin.display(description=_("Channels"))
    def channel_list(self, touchpoint_type):
        labels = dict(Channel.choices)
        if set(touchpoint_type.channels) == set(labels):
            return _("All")
        return ", ".join(str(labels.get(channel, channel)) for channel in touchpoint_type.channels)

    @admin.display(description=_("Customer is asked"))
    def questions(self, touchpoint_type):
        asked = ["CSAT"]
        asked += ["NPS"] if touchpoint_type.asks_nps else []
        asked += [str(_("effort"))] if touchpoint_type.asks_effort else []
        return ", ".join(asked)

    @admin.display(description=_("Moments logged"), ordering="moment_count")
    def moment_count(self, touchpoint_type):
        return number_format(touchpoint_type.moment_count, force_grouping=True)


# -- places -----------------------------------------------------------------------------


def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(known_timezones() - {"Factory", "localtime"})
    blank = ("", gettext("Choose a time zone"))  # read per form: in the admin's language
    return [blank, *((name, name.replace("_", " ")) for name in names)]


class LocationForm(forms.ModelForm):
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=timezone_choices,
        widget=LongSelect,
        help_text=_(
            "Moments count on the local day here, and dashboards show that day. Changing it"
            " moves every moment here to its local day in the new zone and re-rolls those days."
        ),
    )

    class Meta:
        model = Location
        fields = ["name", "code", "timezone", "currency", "active"]

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class TeamFormSet(forms.BaseInlineFormSet):
    """Team names are unique per location; the database says so only with a crash."""

    def clean(self):
        super().clean()
        taken = {}
        if self.instance.pk:
            taken = {t.name.lower(): t.pk for t in Team.objects.filter(location=self.instance)}
        seen = set()
        for form in self.forms:
            name = getattr(form, "cleaned_data", {}).get("name", "").strip()
            if not name or form.cleaned_data.get("DELETE"):
                continue
            owner = taken.get(name.lower())
            if name.lower() in seen or (owner is not None and owner != form.instance.pk):
                form.add_error(
                    "name",
                    gettext("There is already a team called “%(name)s” here.") % {"name": name},
                )
            seen.add(name.lower())


class TeamInline(NamedFieldsInline):
    """A new airport's teams are added on the airport's own page."""

    model = Team
    formset = TeamFormSet
    fields = ["name", "active"]
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("location")

    def get_extra(self, request, obj=None, **kwargs):
        # A new airport starts with room for its first teams; an existing one adds on demand.
        return 3 if obj is None else 0


@admin.register(Location, site=site)
class LocationAdmin(ConfigAdmin):
    form = LocationForm
    inlines = [TeamInline]
    list_display = ["name", "code", "timezone", "currency", "team_count", "active"]
    list_filter = ["active", "timezone"]
    search_fields = ["name", "code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(team_count=Count("teams"))

    @admin.display(description=_("Teams"), ordering="team_count")
    def team_count(self, location):
        return location.team_count

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "timezone" in form.changed_data:
            moved = redate_location(obj)
            if moved:
                self.message_user(
                    request,
                    ngettext(
                        "%(count)s moment or need moved to its local day in %(zone)s; the"
                        " figures of the days it left and joined are being rolled up again.",
                        "%(count)s moments and needs moved to their local day in %(zone)s; the"
                        " figures of the days they left and joined are being rolled up again.",
                        moved,
                    )
                    % {"count": number_format(moved, force_grouping=True), "zone": obj.timezone},
                )

    def archive_warning(self, location) -> str:
        open_teams = location.teams.filter(active=True).count()
        if not open_teams:
            return ""
        return ngettext(
            "%(count)s team is still active at %(location)s: archive it too if it closed.",
            "%(count)s teams are still active at %(location)s: archive them too if they closed.",
            open_teams,
        ) % {"count": open_teams, "location": location}


@admin.register(Team, site=site)
class TeamAdmin(ConfigAdmin):
    list_display = ["name", "location", "member_count", "manager_list", "active"]
    list_filter = ["active", "location"]
    list_select_related = ["location"]
    search_fields = ["name", "location__name", "location__code"]
    ordering = ["location__name", "name"]
    fields = ["name", "location", "active"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(member_count=Count("members", distinct=True))
            .prefetch_related("managers")
        )

    @admin.display(description=_("People"), ordering="member_count")
    def member_count(self, team):
        return team.member_count

    @admin.display(description=_("Managed by"))
    def manager_list(self, team):
        return ", ".join(m.get_full_name() or m.username for m in team.managers.all())

    def archive_warning(self, team) -> str:
        staying = team.members.filter(is_active=True).count()
        if not staying:
            return ""
        return ngettext(
            "%(count)s person is still in %(team)s: move them to an active team so they can"
            " keep logging.",
            "%(count)s people are still in %(team)s: move them to an active team so they can"
            " keep logging.",
            staying,
        ) % {"count": staying, "team": team}


# -- audit trail ------------------------------------------------------------------------


@admin.register(AuditEntry, site=site)
class AuditEntryAdmin(ReadOnly, AdminRoleOnly, RefusesMalformedLookups, admin.ModelAdmin):
    """Every configuration change, read-only: the trail cannot be edited or pruned here."""

    list_display = ["at", "actor", "action", "what", "object_link", "summary"]
    list_filter = ["action", ("content_type", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["actor", "content_type"]
    search_fields = ["object_repr", "actor__username", "actor__first_name", "actor__last_name"]
    date_hierarchy = "at"
    fields = ["at", "actor", "action", "content_type", "object_id", "object_repr", "change_table"]
    readonly_fields = fields

    @admin.display(description=_("What"))
    def what(self, entry):
        return entry.content_type.name

    @admin.display(description=_("Object"), ordering="object_repr")
    def object_link(self, entry):
        model = entry.content_type.model_class()
        gone = entry.action == AuditEntry.Action.DELETED
        if gone or model is None or model not in self.admin_site._registry:
            return entry.object_repr
        url = admin_url(model._meta, "history", entry.object_id)
        return format_html('<a href="{}">{}</a>', url, entry.object_repr)

    @admin.display(description=_("Changes"))
    def summary(self, entry):
        names = list(entry.changes)
        shown = ", ".join(names[:4])
        if len(names) <= 4:
            return shown
        return gettext("%(shown)s and %(more)s more") % {"shown": shown, "more": len(names) - 4}

    @admin.display(description=_("Changes"))
    def change_table(self, entry):
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td><td>{}</td></tr>",
            audit.change_rows(entry),
        )
        return format_html(
            '<table class="audit-changes"><thead><tr><th>{}</th><th>{}</th>'
            "<th>{}</th></tr></thead><tbody>{}</tbody></table>",
            gettext("What"),
            gettext("Before"),
            gettext("After"),
            rows,
        )

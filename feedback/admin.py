"""Feedback settings in the configuration site: one page, one row, audited like the rest."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from touchpoints.configuration.site import ConfigAdmin, site

from . import branding
from .models import FeedbackSettings, OpenedBy


class FeedbackSettingsForm(forms.ModelForm):
    recovery_opened_by = forms.ChoiceField(
        label=_("A recovery is opened by a low"),
        choices=OpenedBy.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Satisfaction rates the moment itself, which the team can put right; would"
            " recommend also rates prices, delays and the airline, so it opens many more."
        ),
    )
    low_csat_at_most = forms.TypedChoiceField(
        label=_("A satisfaction answer is low at or below"),
        coerce=int,
        choices=[(n, format_lazy(_("{n} of 5"), n=n)) for n in range(1, 5)],
        help_text=_("A low answer opens a recovery for the team that served the customer."),
    )
    low_nps_at_most = forms.TypedChoiceField(
        label=_("A recommend answer is low at or below"),
        coerce=int,
        choices=[(n, format_lazy(_("{n} of 10"), n=n)) for n in range(0, 10)],
        help_text=_("NPS counts 0–6 as detractors; a lower threshold opens fewer recoveries."),
    )
    recovery_due_hours = forms.IntegerField(
        label=_("A recovery is due within (hours)"),
        min_value=1,
        max_value=720,
        help_text=_("From the customer's answer; after that its card is marked overdue."),
    )
    recovery_lapse_days = forms.IntegerField(
        label=_("A recovery nobody took lapses after (days)"),
        min_value=1,
        max_value=365,
        help_text=_("A lapsed recovery counts as not recovered; it can still be closed, late."),
    )
    taken_recovery_lapse_days = forms.IntegerField(
        label=_("A recovery taken but left open lapses after (days)"),
        min_value=1,
        max_value=365,
        help_text=_("Counted from when it was taken; its contact details are then erased on time."),
    )
    invitation_expiry_days = forms.IntegerField(
        label=_("Customers can answer for"),
        min_value=1,
        max_value=90,
        help_text=_("Days from the moment; after that the link says it has expired."),
    )
    contact_kept_days = forms.IntegerField(
        label=_("Customers' contact details are kept for"),
        min_value=1,
        max_value=365,
        help_text=_(
            "Days after the recovery closes; then they are erased, within the hour. "
            "Customers are told this period when they give their details: a shorter one "
            "applies to every contact kept, a longer one only to details given from now on."
        ),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages offered to customers"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Offer customers at least one language.")},
    )

    logo_upload = forms.FileField(
        label=_("Logo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/webp,image/svg+xml"}),
        help_text=format_lazy(
            _("PNG, WebP or SVG, at most {limit} KB; shown at the top of the customer's page."),
            limit=branding.MAX_LOGO_BYTES // 1024,
        ),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def clean_logo_upload(self):
        upload = self.cleaned_data.get("logo_upload")
        if not upload:
            return None
        if upload.size > branding.MAX_LOGO_BYTES:  # refused before it is read
            raise branding.too_big(upload.size)
        data = upload.read()
        branding.logo_type(data)
        return data

    def save(self, commit=True):
        settings_row = super().save(commit=False)
        if self.cleaned_data.get("logo_upload"):
            branding.set_logo(settings_row, self.cleaned_data["logo_upload"])
        elif self.cleaned_data.get("remove_logo"):
            branding.set_logo(settings_row, None)
        if commit:
            settings_row.save()
        return settings_row

    class Meta:
        model = FeedbackSettings
        fields = [
            "airline_name",
            "recovery_opened_by",
            "low_csat_at_most",
            "low_nps_at_most",
            "recovery_due_hours",
            "recovery_lapse_days",
            "taken_recovery_lapse_days",
            "contact_kept_days",
            "invitation_expiry_days",
            "languages",
        ]


@admin.register(FeedbackSettings, site=site)
class FeedbackSettingsAdmin(TranslationAdmin, ConfigAdmin):
    """There is exactly one row: the list goes straight to it, and it cannot be removed."""

    form = FeedbackSettingsForm
    archive_field = None
    actions = []
    readonly_fields = ["logo_shown"]
    fieldsets = [
        (
            _("The customer's page"),
            {"fields": ["airline_name", "logo_shown", "logo_upload", "remove_logo"]},
        ),
        (
            _("Recovery"),
            {
                "fields": [
                    "recovery_opened_by",
                    "low_csat_at_most",
                    "low_nps_at_most",
                    "recovery_due_hours",
                    "recovery_lapse_days",
                    "taken_recovery_lapse_days",
                    "contact_kept_days",
                ]
            },
        ),
        (_("Invitations"), {"fields": ["invitation_expiry_days", "languages"]}),
    ]

    @admin.display(description=_("Logo now"))
    def logo_shown(self, settings_row):
        url = branding.airline().logo_url
        if not url:
            return _("No logo yet: the page shows the airline's name alone.")
        return format_html('<img src="{}" alt="" class="logo-preview">', url)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        current = FeedbackSettings.current()
        return redirect(reverse("admin:feedback_feedbacksettings_change", args=[current.pk]))


# The data-protection screens register themselves on the same site.
from . import customer_requests_admin  # noqa: E402, F401
from .themes import admin as theme_admin  # noqa: E402, F401  (registers the theme pages)

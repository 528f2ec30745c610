"""The retention policy on the configuration site: one page, one row, audited like the rest."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from touchpoints.configuration.site import ConfigAdmin, site

from .models import RetentionPolicy


@admin.register(RetentionPolicy, site=site)
class RetentionPolicyAdmin(ConfigAdmin):
    """There is exactly one row: the list goes straight to it, and it cannot be removed."""

    archive_field = None
    actions = []
    fieldsets = [
        (
            _("How long personal data is kept"),
            {
                "description": _(
                    "Every night what is older is deleted or anonymised, in small batches."
                    " The figures on the dashboards and in exports are kept for every year:"
                    " they live in the roll-ups, not in the raw rows. Customers' contact"
                    " details have their own period, in the feedback settings. Sessions end"
                    " with the sign-in they belong to. See docs/privacy.md."
                ),
                "fields": [
                    "comments_days",
                    "customer_refs_days",
                    "raw_days",
                    "audit_days",
                    "access_days",
                    "sign_in_days",
                    "leavers_days",
                ],
            },
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        current = RetentionPolicy.current()
        return redirect(reverse("admin:dashboards_retentionpolicy_change", args=[current.pk]))

"""API keys on the configuration site: made here, shown once, revoked here.

The key's plain text exists only in the page that answers its creation; afterwards only its
first characters are shown, to tell keys apart. Revoking is archiving: the key stays for the
history of what it wrote (API writes, listed below it).
"""

from django import forms
from django.contrib import admin
from django.db import models
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..api_keys import PREFIX, ApiKey, ApiWrite, hash_key, new_key
from .site import ConfigAdmin, ReadOnly, site


@admin.register(ApiKey, site=site)
class ApiKeyAdmin(ConfigAdmin):
    archive_field = "active"
    archive_words = (_("Revoke"), _("revoked: the key is refused from now on"), _("Reinstate"))
    list_display = ["name", "starts_with", "scope_list", "location_list", "last_used_at", "active"]
    list_filter = ["active", "locations"]
    search_fields = ["name", "prefix"]
    # Ticked locations, as on a person's page: large targets, no scripted two-box picker.
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    fields = ["name", "locations", "can_read", "can_write", "active", "starts_with", "last_used_at"]
    readonly_fields = ["starts_with", "last_used_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("locations")

    @admin.display(description=_("starts with"))
    def starts_with(self, key: ApiKey) -> str:
        return format_html("<code>{}…</code>", key.prefix) if key.prefix else "—"

    @admin.display(description=_("may"))
    def scope_list(self, key: ApiKey) -> str:
        words = {"read": gettext("read"), "write": gettext("write")}
        return ", ".join(words[scope] for scope in key.scopes) or "—"

    @admin.display(description=_("locations"))
    def location_list(self, key: ApiKey) -> str:
        return ", ".join(location.code for location in key.locations.all())

    def save_model(self, request, obj, form, change):
        if not change:
            plain = new_key()
            obj.prefix = plain[: len(PREFIX) + 6]
            obj.key_hash = hash_key(plain)
            obj.created_by = request.user
            request._new_api_key = plain
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        """The key, once: this page is the only place its plain text is ever shown."""
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("The key for “%(name)s”") % {"name": obj},
            "opts": self.opts,
            "key": obj,
            "plain": request._new_api_key,
        }
        return TemplateResponse(request, "admin/touchpoints/apikey/created.html", context)


@admin.register(ApiWrite, site=site)
class ApiWriteAdmin(ReadOnly, ConfigAdmin):
    archive_field = None
    actions = []
    list_display = ["at", "key_name", "action", "count"]
    list_filter = ["key_name", "action"]
    fields = ["at", "key_name", "action", "count", "objects_written"]
    readonly_fields = fields

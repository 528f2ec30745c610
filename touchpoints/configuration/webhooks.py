"""Webhook endpoints on the configuration site: where events go, their secret and its
rotation, their recent deliveries with the receiver's answers, and resending one."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.db import models
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ..webhook_addresses import AddressRefused, check_address
from ..webhooks import Event, WebhookDelivery, WebhookEndpoint
from . import audit
from .site import ConfigAdmin, ReadOnly, admin_url, site

RECENT = 20


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("Address"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "events", "locations", "active", "paused_at"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_address(url)
        except AddressRefused:
            raise forms.ValidationError(
                _("Use an https address on the internet: private and local addresses are refused.")
            ) from None
        return url


@admin.register(WebhookEndpoint, site=site)
class WebhookEndpointAdmin(ConfigAdmin):
    form = EndpointForm
    archive_field = "active"
    archive_words = (_("Switch off"), _("switched off: nothing more is sent"), _("Switch on"))
    list_display = ["__str__", "url", "active", "paused_at", "failing_since"]
    list_filter = ["active"]
    # Ticked locations, as on a person's page: large targets, no scripted two-box picker.
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    readonly_fields = ["secret_shown", "failing_since", "recent_deliveries"]
    change_form_template = "admin/touchpoints/webhookendpoint/change_form.html"

    def get_fields(self, request, obj=None):
        fields = ["url", "description", "events", "locations", "active"]
        if obj is None:
            return fields
        return [*fields, "paused_at", "failing_since", "secret_shown", "recent_deliveries"]

    @admin.display(description=_("signing secret"))
    def secret_shown(self, endpoint: WebhookEndpoint) -> str:
        return format_html("<code>{}</code>", endpoint.secret)

    @admin.display(description=_("recent deliveries"))
    def recent_deliveries(self, endpoint: WebhookEndpoint) -> str:
        deliveries = endpoint.deliveries.order_by("-created_at", "-pk")[:RECENT]
        url = admin_url(WebhookDelivery._meta, "changelist") + f"?endpoint__id__exact={endpoint.pk}"
        return render_to_string(
            "admin/touchpoints/webhookendpoint/_deliveries.html",
            {"deliveries": deliveries, "all_url": url},
        )

    def get_urls(self):
        rotate = self.admin_site.admin_view(require_POST(self.rotate_view))
        return [
            path("<path:object_id>/rotate/", rotate, name="touchpoints_webhookendpoint_rotate"),
            *super().get_urls(),
        ]

    def rotate_view(self, request, object_id: str):
        """A new secret; the old one keeps signing for the overlap, then stops."""
        endpoint = self.get_object(request, unquote(object_id))
        if endpoint is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        endpoint.rotate_secret()
        audit.record_change(request.user, endpoint, None, {"signing secret": ["…", "rotated"]})
        self.message_user(
            request,
            gettext(
                "A new secret is in use. Deliveries carry a signature with the old one as well"
                " until %(until)s: give the receiver the new one before then."
            )
            % {"until": endpoint.previous_secret_until.strftime("%Y-%m-%d %H:%M UTC")},
        )
        return redirect(admin_url(self.opts, "change", endpoint.pk))


@admin.register(WebhookDelivery, site=site)
class WebhookDeliveryAdmin(ReadOnly, ConfigAdmin):
    archive_field = None
    actions = ["resend_selected"]
    list_display = ["created_at", "endpoint", "event", "state", "attempts", "last_status",
                    "last_error"]  # fmt: skip
    list_filter = ["event", "endpoint"]
    list_select_related = ["endpoint"]
    fields = ["endpoint", "event", "message_id", "created_at", "attempts", "last_status",
              "last_error", "last_attempt_at", "next_attempt_at", "delivered_at", "failed_at",
              "payload"]  # fmt: skip
    readonly_fields = fields

    @admin.display(description=_("state"))
    def state(self, delivery: WebhookDelivery) -> str:
        words = {"delivered": gettext("delivered"), "failed": gettext("given up"),
                 "pending": gettext("waiting")}  # fmt: skip
        return words[delivery.state]

    def has_change_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        # ReadOnly refuses every change; resending is the one thing an admin may do here.
        actions = admin.ModelAdmin.get_actions(self, request)
        return {name: action for name, action in actions.items() if name == "resend_selected"}

    @admin.action(description=_("Resend selected deliveries (same message id)"))
    def resend_selected(self, request, queryset):
        for delivery in queryset:
            delivery.resend()
        count = queryset.count()
        from ..webhooks import request_sending

        request_sending()
        self.message_user(
            request,
            ngettext(
                "%(n)s delivery will be sent again.", "%(n)s deliveries will be sent again.", count
            )
            % {"n": count},
        )

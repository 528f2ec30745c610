"""Desks on the configuration site: registering this tablet, and renaming or revoking desks.

A tablet becomes a desk from itself: an admin signs in on it and picks the location here.
The admin is then signed out, so the shared tablet is left on its desk screen and not in
the configuration site. Registering, renaming and revoking are audited like any change.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import Desk, Location
from ..people import desks
from . import audit
from .site import ConfigAdmin, site


class RegisterDeskForm(forms.Form):
    location = forms.ModelChoiceField(Location.objects.filter(active=True), label=_("Location"))
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("How people will know this tablet, e.g. “Check-in 3”."),
    )


@admin.register(Desk, site=site)
class DeskAdmin(ConfigAdmin):
    archive_field = "active"
    archive_words = (_("Revoke"), _("revoked: that tablet is no longer a desk"), _("Reinstate"))
    change_list_template = "admin/touchpoints/desk/change_list.html"
    list_display = ["name", "location", "registered_at", "registered_by", "active"]
    list_filter = ["location", "active"]
    list_select_related = ["location", "registered_by"]
    search_fields = ["name", "location__code", "location__name"]
    fields = ["name", "location", "registered_at", "registered_by", "active"]
    readonly_fields = ["location", "registered_at", "registered_by"]

    def has_add_permission(self, request):
        return False  # a desk is registered from the tablet itself (register_view)

    def get_urls(self):
        register = self.admin_site.admin_view(self.register_view)
        return [
            path("register/", register, name="touchpoints_desk_register"),
            *super().get_urls(),
        ]

    def register_view(self, request):
        """Make the browser this request comes from a desk at the chosen location."""
        form = RegisterDeskForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            location, name = form.cleaned_data["location"], form.cleaned_data["name"]
            if (old := desks.desk_for(request)) is not None:  # one tablet, one desk
                before = audit.snapshot(old)
                old.active = False
                old.save(update_fields=["active"])
                audit.record_change(request.user, old, before)
            desk, secret = desks.register(location, name, by=request.user)
            audit.record_change(request.user, desk, None)
            logout(request)
            done = gettext("This tablet is now the desk “%(desk)s”.") % {"desk": desk}
            messages.success(request, done)
            response = redirect("desk:screen")
            desks.remember(response, desk, secret)
            return response
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Register this tablet as a desk"),
            "opts": self.opts,
            "form": form,
        }
        status = 422 if form.errors else 200
        return TemplateResponse(
            request, "admin/touchpoints/desk/register.html", context, status=status
        )

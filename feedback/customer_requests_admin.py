"""The data-protection screens on the configuration site: a customer's data on request.

Only people with the data-protection duty see them (touchpoints/people/roles.py); being an
admin is not enough. The list is the register of requests served; "Find a customer's data"
finds, shows, exports (JSON or CSV) and erases, each through feedback/customer_requests.py.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from touchpoints.access_records import AccessRecord
from touchpoints.configuration.site import ReadOnly, RefusesMalformedLookups, site
from touchpoints.people.roles import is_data_protection

from .customer_requests import as_csv, as_json, serve
from .models import CustomerRequest

KIND_LABELS = {
    "moments": _("moments"),
    "answers": _("answers"),
    "comments": _("comments"),
    "recoveries": _("recoveries"),
    "contacts": _("contact details"),
    "corrections": _("corrections"),
    "undone_moments": _("undone moments"),
    "needs": _("needs with a note"),
}


class DataProtectionOnly:
    serves_data_protection = True  # the site lets the duty reach this page's views

    def has_module_permission(self, request):
        return is_data_protection(request.user)

    def has_view_permission(self, request, obj=None):
        return is_data_protection(request.user)


class FindForm(forms.Form):
    customer = forms.CharField(
        label=_("Booking code, loyalty number, phone number or email address"),
        max_length=254,
        help_text=_("As the customer gave it; spaces, dashes and case do not matter."),
    )
    confirm = forms.BooleanField(
        required=False,
        label=_("I have checked the request: erase this customer's personal data."),
    )


def counted(counts: dict) -> list[tuple[str, int]]:
    return [(KIND_LABELS[name], count) for name, count in counts.items() if count]


@admin.register(CustomerRequest, site=site)
class CustomerRequestAdmin(ReadOnly, DataProtectionOnly, RefusesMalformedLookups, admin.ModelAdmin):
    list_display = ["at", "kind", "named_by", "by", "through_command", "summary", "finished_at"]
    list_filter = ["kind", "named_by", "through_command"]
    list_select_related = ["by"]
    date_hierarchy = "at"
    change_list_template = "admin/feedback/customerrequest/change_list.html"
    fields = ["at", "kind", "named_by", "by", "through_command", "summary", "finished_at"]
    readonly_fields = fields

    @admin.display(description=_("Found"))
    def summary(self, request_row):
        found = counted(request_row.found)
        return ", ".join(f"{count} {label}" for label, count in found) or gettext("nothing")

    def get_urls(self):
        find = self.admin_site.admin_view(self.find_view)
        return [path("find/", find, name="feedback_customerrequest_find"), *super().get_urls()]

    def find_view(self, request):
        if not is_data_protection(request.user):
            raise PermissionDenied(gettext("Only the data protection officer serves these."))
        form = FindForm(request.POST or None)
        served = None
        if request.method == "POST" and form.is_valid():
            typed = form.cleaned_data["customer"]
            if "export_json" in request.POST or "export_csv" in request.POST:
                return self._export(request, typed)
            if "erase" in request.POST and not form.cleaned_data["confirm"]:
                form.add_error("confirm", gettext("Tick the box to confirm the erasure."))
            else:
                kind = CustomerRequest.Kind.ERASURE if "erase" in request.POST else None
                served = serve(typed, kind or CustomerRequest.Kind.SEARCH, request.user)
                self._tell(request, served)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Find a customer's data"),
            "opts": self.opts,
            "form": form,
            "served": served,
            "found_counts": counted(served.counts) if served else [],
        }
        status = 422 if form.errors else 200
        return TemplateResponse(
            request, "admin/feedback/customerrequest/find.html", context, status=status
        )

    def _tell(self, request, served) -> None:
        if served.nothing_found:
            self.message_user(
                request,
                gettext("Nothing is held about this customer. The search is recorded."),
                messages.INFO,
            )
        elif served.request.kind == CustomerRequest.Kind.ERASURE:
            total = sum(served.counts.values())
            self.message_user(
                request,
                ngettext(
                    "Erased %(n)d item of personal data. Every figure is kept.",
                    "Erased %(n)d items of personal data. Every figure is kept.",
                    total,
                )
                % {"n": total},
                messages.SUCCESS,
            )

    def _export(self, request, typed: str) -> HttpResponse:
        served = serve(typed, CustomerRequest.Kind.EXPORT, request.user)
        as_csv_file = "export_csv" in request.POST
        body = as_csv(served.found) if as_csv_file else as_json(served.found)
        kind = "text/csv" if as_csv_file else "application/json"
        response = HttpResponse(body, content_type=f"{kind}; charset=utf-8")
        name = f"customer-data-{served.request.pk}.{'csv' if as_csv_file else 'json'}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


@admin.register(AccessRecord, site=site)
class AccessRecordAdmin(ReadOnly, DataProtectionOnly, RefusesMalformedLookups, admin.ModelAdmin):
    """Who saw customers' data: each view or export, read-only, for the data protection
    officer only; kept for the retention policy's access period."""

    list_display = ["at", "person", "what", "which"]
    list_filter = ["what"]
    list_select_related = ["person"]
    search_fields = ["person__username", "person__first_name", "person__last_name"]
    date_hierarchy = "at"
    fields = ["at", "person", "what", "which"]
    readonly_fields = fields

    @admin.display(description=_("which selection"))
    def which(self, record):
        """The filters as the screen's address had them: names a program reads."""
        return format_html("<code>{}</code>", urlencode(record.selection, doseq=True))

"""Undone moments, read-only on the configuration site: when a day's figures drop, this
says who took which moment back, and when."""

from django.contrib import admin

from ..models import UndoRecord
from .site import AdminRoleOnly, ReadOnly, RefusesMalformedLookups, site


@admin.register(UndoRecord, site=site)
class UndoRecordAdmin(ReadOnly, AdminRoleOnly, RefusesMalformedLookups, admin.ModelAdmin):
    list_display = ["undone_at", "undone_by", "location", "local_date", "moment_uuid"]
    list_filter = ["location", "local_date"]
    list_select_related = ["undone_by", "location"]
    search_fields = ["moment_uuid", "undone_by__username"]
    date_hierarchy = "undone_at"
    fields = [
        "undone_at",
        "undone_by",
        "location",
        "local_date",
        "moment_uuid",
        "requested_at",
        "moment",
    ]
    readonly_fields = fields

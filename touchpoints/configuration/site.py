"""The configuration site: Django's admin, open to people with the admin role and no one else.

Django's admin lets in anyone with `is_staff`; here the role is the rule, so a manager who
somehow has `is_staff` is still refused, and an admin-role user gets in whatever the flag.
Every model page is a `ConfigAdmin`, which records each change in the audit trail, refuses
to delete what history refers to, and offers archiving instead.
"""

from functools import wraps

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpRequest, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..models import AuditEntry, Role
from ..people.roles import is_data_protection
from ..redirects import next_on_this_site
from . import audit
from .field_names import name_fields
from .in_use import describe, references

APP_ORDER = ["touchpoints", "feedback", "dashboards", "axes"]
SETUP_ORDER = [
    "JourneyStage",
    "TouchpointType",
    "RemedyKind",
    "Location",
    "Team",
    "User",
    "Desk",
    "ApiKey",
    "ApiWrite",
    "WebhookEndpoint",
    "WebhookDelivery",
    "AuditEntry",
]
NOT_ADMIN = _("Only admins configure Moments. Ask an admin if something needs changing.")


def admin_url(opts, view: str, *args) -> str:
    """The URL of one of the site's pages for a model, e.g. admin_url(opts, "change", pk)."""
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def is_config_admin(user) -> bool:
    if not hasattr(user, "_is_config_admin"):
        # Asked by every page and menu of a request: one query for the groups, not ten.
        user._is_config_admin = (
            user.is_authenticated and user.is_active and user.has_role(Role.ADMIN)
        )
    return user._is_config_admin


class MomentsAdminSite(admin.AdminSite):
    site_header = _("Moments configuration")
    site_title = _("Moments configuration")
    index_title = _("Configure the organisation")
    site_url = "/dashboard/"  # "View site" takes an admin to the figures their changes shape
    # The filters and the wide lists need the room more than a second menu does.
    enable_nav_sidebar = False

    def each_context(self, request):
        """Django's, with one change: the app list, which Django builds on every page for
        the navigation sidebar alone, is built only if a page reads it. This site has no
        sidebar, and building the list was a fifth of a plain page's time."""
        script_name = request.META["SCRIPT_NAME"]
        site_url = script_name if self.site_url == "/" and script_name else self.site_url
        return {
            "site_title": self.site_title,
            "site_header": self.site_header,
            "site_url": site_url,
            "has_permission": self.has_permission(request),
            "available_apps": SimpleLazyObject(lambda: self.get_app_list(request)),
            "is_popup": False,
            "is_nav_sidebar_enabled": self.enable_nav_sidebar,
            "log_entries": self.get_log_entries(request),
        }

    def get_app_list(self, request, app_label=None):
        """Apps and models in the order an admin sets up an airport, not alphabetical."""
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["models"].sort(key=lambda model: _rank(SETUP_ORDER, model["object_name"]))
            if app["app_label"] == "axes":  # django-axes' names say nothing to an admin
                app["name"] = _("Sign-in")
                for model in app["models"]:
                    model["name"] = _("Failed sign-ins (unlock here)")
        return sorted(apps, key=lambda app: _rank(APP_ORDER, app["app_label"]))

    def has_permission(self, request: HttpRequest) -> bool:
        # The data-protection duty opens the site too, but only its own screens: every
        # configuration page still asks for the admin role (`AdminRoleOnly`).
        return is_config_admin(request.user) or is_data_protection(request.user)

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @wraps(view)
        def guarded(request, *args, **kwargs):
            # A signed-in non-admin gets a plain refusal, not Django's second login form.
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request) or not self._opens(request, view):
                raise PermissionDenied(NOT_ADMIN)
            return inner(request, *args, **kwargs)

        return guarded

    def _opens(self, request, view) -> bool:
        """Admins reach every view; the data-protection duty only the site's own pages (the
        index) and the views of pages marked `serves_data_protection`."""
        if is_config_admin(request.user):
            return True
        owner = getattr(view, "__self__", None)
        return owner is self or getattr(owner, "serves_data_protection", False)

    def login(self, request, extra_context=None):
        """Everyone signs in on the one Moments login page."""
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied(NOT_ADMIN)
        back = next_on_this_site(request, request.GET.get("next"))
        return redirect_to_login(back or reverse("admin:index"))


def _rank(order: list[str], name: str) -> int:
    return order.index(name) if name in order else len(order)


site = MomentsAdminSite(name="admin")


class ReadOnly:
    """A record to read, never to add, change or delete (the audit trail, undone moments).
    First among the bases: it overrides what the role would otherwise allow."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AdminRoleOnly:
    """The role decides, not Django's model permissions: giving someone the admin role is
    all it takes to let them configure, and taking it away is all it takes to stop them."""

    def has_module_permission(self, request):
        return is_config_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return is_config_admin(request.user)

    def has_add_permission(self, request):
        return is_config_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return is_config_admin(request.user)

    def has_delete_permission(self, request, obj=None):
        return is_config_admin(request.user)


class RefusesMalformedLookups:
    """Two inputs Django's admin would answer with a 500: a NUL byte in a list's filters
    (PostgreSQL cannot compare text with one, and nothing stored holds one) and an empty
    `_to_field`. The first is an invalid filter, the second means no field: the object's own
    primary key, as when it is left out."""

    def get_changelist(self, request, **kwargs):
        return NulRefusingChangeList

    def get_object(self, request, object_id, from_field=None):
        return super().get_object(request, object_id, from_field or None)


class NulRefusingChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        for name, values in self.filter_params.items():
            if any("\x00" in value for value in [name, *values]):
                raise IncorrectLookupParameters(f"{name!r} holds a NUL byte")
        return super().get_queryset(request, exclude_parameters)


class ConfigAdmin(AdminRoleOnly, RefusesMalformedLookups, admin.ModelAdmin):
    """A configuration page: admin role only, audited, and never deletes history.

    `archive_field` is the boolean that archives an object (False = archived); None for
    things that are not archived, such as journey stages.
    """

    archive_field = "active"
    archive_words = (_("Archive"), _("archived"), _("Restore"))  # people are deactivated instead
    actions = ["archive_selected", "restore_selected"]
    history_template = "admin/audit_history.html"

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        for field in form.base_fields.values():
            # Deleting a stage or a team from a little cross beside a menu is too easy to do
            # by mistake; it is done from that object's own page, where it can be refused.
            if hasattr(field.widget, "can_delete_related"):
                field.widget.can_delete_related = False
        return form

    def get_changelist_formset(self, request, **kwargs):
        formset = super().get_changelist_formset(request, **kwargs)
        name_fields(formset.form)
        return formset

    # -- audit ---------------------------------------------------------------------------

    def _pending(self, request) -> dict:
        if not hasattr(request, "_config_audit"):
            request._config_audit = {}
        return request._config_audit

    def save_model(self, request, obj, form, change):
        before = None
        if change:
            before = audit.snapshot(type(obj)._base_manager.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        self._pending(request)[obj.pk] = {"before": before, "inline": {}}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        pending = self._pending(request).pop(obj.pk, {"before": None, "inline": {}})
        audit.record_change(request.user, obj, pending["before"], pending["inline"])

    def save_formset(self, request, form, formset, change):
        model = formset.model
        befores = {
            inline.instance.pk: audit.snapshot(model._base_manager.get(pk=inline.instance.pk))
            for inline in formset.initial_forms
            if inline.instance.pk and inline.has_changed()
        }
        super().save_formset(request, form, formset, change)
        inline_changes = self._pending(request)[form.instance.pk]["inline"]
        inline_changes.update(self._formset_changes(request, formset, befores))

    def _formset_changes(self, request, formset, befores) -> audit.Changes:
        """Inline rows as changes of the parent; registered models also get their own entry."""
        label = formset.model._meta.verbose_name
        own_history = formset.model in self.admin_site._registry
        changes: audit.Changes = {}
        for obj in formset.new_objects:
            changes[f"{label} “{obj}”"] = [None, "added"]
            if own_history:
                audit.record_change(request.user, obj, None)
        for obj, _fields in formset.changed_objects:
            for field, change in audit.diff(befores.get(obj.pk), audit.snapshot(obj)).items():
                changes[f"{label} “{obj}”: {field}"] = change
            if own_history:
                audit.record_change(request.user, obj, befores.get(obj.pk))
        for obj in formset.deleted_objects:
            changes[f"{label} “{obj}”"] = ["present", "removed"]
        return changes

    def delete_model(self, request, obj):
        audit.record(
            request.user, obj, AuditEntry.Action.DELETED, audit.diff(audit.snapshot(obj), None)
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Configuration history: %(object)s") % {"object": obj},
            "subtitle": None,
            "opts": self.opts,
            "object": obj,
            "entries": [(entry, audit.change_rows(entry)) for entry in audit.history(obj)[:500]],
            "audit_list_url": reverse("admin:touchpoints_auditentry_changelist"),
        }
        return TemplateResponse(request, self.history_template, context)

    # -- archiving instead of deleting ---------------------------------------------------

    def get_urls(self):
        if self.archive_field is None:
            return super().get_urls()
        name = f"{self.opts.app_label}_{self.opts.model_name}_archive"
        archive = self.admin_site.admin_view(self.archive_view)
        return [
            path("<path:object_id>/archive/", archive, name=name),
            *super().get_urls(),
        ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "delete_selected" in actions:
            description = actions["delete_selected"][2]
            actions["delete_selected"] = (delete_unused, "delete_selected", description)
        for name in ("archive_selected", "restore_selected"):
            if name in actions:
                actions[name] = (actions[name][0], name, self.action_description(name))
        return actions

    def action_description(self, name: str) -> str:
        """The archive and restore actions in the menu, named with this page's words."""
        archive, _, restore = self.archive_words
        things = self.opts.verbose_name_plural
        if name == "archive_selected":
            return gettext("%(archive)s selected %(things)s (history is kept)") % {
                "archive": archive,
                "things": things,
            }
        return gettext("%(restore)s selected %(things)s") % {"restore": restore, "things": things}

    def archive_warning(self, obj) -> str:
        """What still depends on `obj` now that it is archived; empty when nothing does."""
        return ""

    def _tell_archived(self, request, archived: list) -> None:
        names = ", ".join(f"“{obj}”" for obj in archived) or gettext("Nothing")
        self.message_user(
            request,
            gettext("%(names)s: %(state)s. History and figures are kept.")
            % {"names": names, "state": self.archive_words[1]},
        )
        for obj in archived:
            if warning := self.archive_warning(obj):
                self.message_user(request, warning, messages.WARNING)

    def _set_archived(self, request, obj, archived: bool) -> bool:
        if getattr(obj, self.archive_field) is not archived:
            return False
        before = audit.snapshot(obj)
        setattr(obj, self.archive_field, not archived)
        obj.save(update_fields=[self.archive_field])
        audit.record_change(request.user, obj, before)
        return True

    @admin.action(description=_("Archive selected"))
    def archive_selected(self, request, queryset):
        with transaction.atomic():
            archived = [obj for obj in queryset if self._set_archived(request, obj, True)]
        self._tell_archived(request, archived)

    @admin.action(description=_("Restore selected"))
    def restore_selected(self, request, queryset):
        with transaction.atomic():
            done = sum(self._set_archived(request, obj, False) for obj in queryset)
        self.message_user(
            request, ngettext("%(n)s restored.", "%(n)s restored.", done) % {"n": done}
        )

    def archive_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        with transaction.atomic():
            self._set_archived(request, obj, True)
        self._tell_archived(request, [obj])
        return redirect(admin_url(self.opts, "change", obj.pk))

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and self.has_delete_permission(request, obj):
            found = references(obj)
            if found:
                return self._refuse_delete(request, obj, found)
        try:
            return super().delete_view(request, object_id, extra_context)
        except ProtectedError:
            # Someone logged a moment between the check and the delete: still refuse.
            return self._refuse_delete(request, obj, references(obj))

    def _refuse_delete(self, request, obj, found):
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("“%(object)s” cannot be deleted") % {"object": obj},
            "opts": self.opts,
            "object": obj,
            "used_by": describe(found),
        }
        if self.archive_field is not None:
            context["archive_words"] = self.archive_words
            context["archived"] = not getattr(obj, self.archive_field)
            context["archive_url"] = admin_url(self.opts, "archive", obj.pk)
        return TemplateResponse(request, "admin/refuse_delete.html", context, status=409)


def refusal(modeladmin: ConfigAdmin, in_use: list) -> str:
    listed = "; ".join(
        gettext("“%(object)s” is used by %(used_by)s") % {"object": obj, "used_by": describe(found)}
        for obj, found in in_use
    )
    if modeladmin.archive_field:
        archive = modeladmin.archive_words[0]
        instead = gettext("%(archive)s them instead with “%(action)s”.") % {
            "archive": archive,
            "action": modeladmin.action_description("archive_selected"),
        }
    else:
        instead = gettext("Move or archive what uses them first.")
    return gettext(
        "Nothing was deleted: %(listed)s. Deleting would lose that history. %(instead)s"
    ) % {"listed": listed, "instead": instead}


def delete_unused(modeladmin: ConfigAdmin, request, queryset):
    """Django's bulk delete, refused as a whole when any selected object is in use."""
    in_use = [(obj, found) for obj in queryset if (found := references(obj))]
    if in_use:
        modeladmin.message_user(request, refusal(modeladmin, in_use), messages.ERROR)
        return None
    try:
        return delete_selected(modeladmin, request, queryset)
    except ProtectedError:
        modeladmin.message_user(
            request, gettext("Nothing was deleted: it is in use."), messages.ERROR
        )
        return None

"""People in the configuration site: role, team, what they manage, and the CSV import."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ..models import AuditEntry, Role, Team, User
from ..people.pins import clear_pin
from ..people.roles import assign_role, is_data_protection, set_data_protection
from ..people.welcome import has_something_to_set, site_url
from . import audit
from .people_import import COLUMNS, Status, apply_import, plan_import, template_csv
from .sign_ins import unlock_people
from .site import ConfigAdmin, site
from .welcomes import queue_welcomes, welcome

ROLE_CHOICES = [("", _("No role (cannot sign in to anything)")), *Role.choices]
ROLE_HELP = _(
    "Frontline logs moments; a manager sees the dashboards of what they manage; "
    "an admin configures Moments."
)
MAX_IMPORT_BYTES = 1_000_000
PIN_CLEARED = {"desk PIN": ["set", "cleared"]}


class RoleField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ROLE_CHOICES, required=False, help_text=ROLE_HELP, **kwargs)


class PersonChangeForm(UserChangeForm):
    role = RoleField()
    data_protection = forms.BooleanField(
        required=False,
        label=_("Data protection"),
        help_text=_(
            "Finds, exports and erases a customer's data on request, and sees who looked at"
            " customers' data. For the data protection officer, not for every admin."
        ),
    )
    editor: User | None = None  # set per request by PersonAdmin.get_form

    class Meta(UserChangeForm.Meta):
        model = User

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["role"].initial = self.instance.role
            self.fields["data_protection"].initial = is_data_protection(self.instance)

    def clean(self):
        cleaned = super().clean()
        # An admin who locks themselves out needs another admin to undo it: refuse it here.
        if self.editor is not None and self.instance.pk == self.editor.pk:
            if cleaned.get("role") != Role.ADMIN and not self.instance.is_superuser:
                self.add_error("role", _("You cannot take the admin role from yourself."))
            if "is_active" in cleaned and not cleaned["is_active"]:
                self.add_error("is_active", _("You cannot deactivate yourself."))
        return cleaned


class PersonCreationForm(AdminUserCreationForm):
    role = RoleField()

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ["username", "first_name", "last_name", "email", "language", "team"]


class RoleFilter(admin.SimpleListFilter):
    title = "role"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [*Role.choices, ("none", _("No role"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(groups=None, is_superuser=False)
        if self.value() == Role.ADMIN:
            return queryset.filter(Q(groups__name=Role.ADMIN) | Q(is_superuser=True)).distinct()
        if self.value() in Role.values:
            return queryset.filter(groups__name=self.value())
        return queryset


class EmailFilter(admin.SimpleListFilter):
    """People without an email address get no welcome email: an admin lets them in."""

    title = _("email address")
    parameter_name = "email"

    def lookups(self, request, model_admin):
        return [("yes", _("Has one")), ("no", _("None (no welcome email)"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(email="")
        if self.value() == "yes":
            return queryset.exclude(email="")
        return queryset


class TeamFilter(admin.RelatedFieldListFilter):
    """Teams are named with their location's code: fetch the locations with them."""

    def field_choices(self, field, request, model_admin):
        teams = Team.objects.select_related("location")
        return [(team.pk, str(team)) for team in teams]


@admin.register(User, site=site)
class PersonAdmin(ConfigAdmin, UserAdmin):
    archive_field = "is_active"
    archive_words = (_("Deactivate"), _("deactivated: they can no longer sign in"), _("Reactivate"))
    actions = [*ConfigAdmin.actions, unlock_people, "clear_pins"]
    form = PersonChangeForm
    add_form = PersonCreationForm
    change_list_template = "admin/touchpoints/user/change_list.html"
    list_display = ["username", "full_name", "role_name", "team", "manages", "is_active"]
    list_filter = [RoleFilter, "team__location", ("team", TeamFilter), EmailFilter, "is_active"]
    change_form_template = "admin/touchpoints/user/change_form.html"
    list_select_related = ["team__location"]
    search_fields = ["username", "first_name", "last_name", "email", "team__name"]
    ordering = ["username"]
    # Tick boxes, not Django's two-list picker: a few places to tap on a tablet, and the
    # picker's script puts an aria-label on a bare span (axe: aria-prohibited-attr).
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    readonly_fields = ["need_emails", "desk_pin"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "email", "language"]}),
        (_("Role and team"), {"fields": ["role", "data_protection", "team", "is_active"]}),
        (_("Desk sign-in"), {"fields": ["badge", "desk_pin"]}),
        (
            _("What a manager manages"),
            {
                "description": _(
                    "A manager sees the dashboards of these locations and teams. Hourly emails"
                    " about new needs are the manager's own choice, on the needs page."
                ),
                "fields": ["managed_locations", "managed_teams", "need_emails"],
            },
        ),
    ]
    add_fieldsets = [
        (None, {"fields": ["username", "usable_password", "password1", "password2"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "email", "language", "role", "team"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("groups", "managed_locations", "managed_teams__location")
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            fieldsets = [*fieldsets, ("Superuser", {"fields": ["is_superuser"]})]
        return fieldsets

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.editor = request.user
        return form

    def _set_archived(self, request, obj, archived):
        if archived and obj.pk == request.user.pk:
            return False  # never lock yourself out from a list action
        return super()._set_archived(request, obj, archived)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "team":
            kwargs["queryset"] = db_field.related_model.objects.select_related("location")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "managed_teams":
            kwargs["queryset"] = db_field.related_model.objects.select_related("location")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("Name"), ordering="last_name")
    def full_name(self, user):
        return user.get_full_name()

    @admin.display(description=_("Role"))
    def role_name(self, user):
        return user.role.label if user.role else "—"

    @admin.display(description=_("Desk PIN"))
    def desk_pin(self, user):
        return _("Set (only they know it)") if user.has_pin else _("Not set: password only")

    @admin.action(description=_("Clear the desk PIN of selected people"))
    def clear_pins(self, request, queryset):
        """A forgotten or shared PIN: they sign in with their password and set a new one."""
        cleared = []
        for person in queryset.filter(pin__gt=""):
            clear_pin(person)
            audit.record(request.user, person, AuditEntry.Action.CHANGED, PIN_CLEARED)
            cleared.append(person.username)
        who = ", ".join(cleared) or gettext("nobody")
        self.message_user(request, gettext("Cleared the desk PIN of %(who)s.") % {"who": who})

    @admin.display(description=_("Hourly emails about new needs"))
    def need_emails(self, user):
        since = user.need_emails_since
        if not since:
            return _("Off")
        return gettext("On since %(when)s") % {
            "when": date_format(timezone.localtime(since), "SHORT_DATETIME_FORMAT")
        }

    @admin.display(description=_("Manages"))
    def manages(self, user):
        places = [loc.code for loc in user.managed_locations.all()]
        places += [str(team) for team in user.managed_teams.all()]
        return ", ".join(places)

    def save_model(self, request, obj, form, change):
        role = form.cleaned_data.get("role") or None
        obj.is_staff = role == Role.ADMIN or obj.is_superuser
        super().save_model(request, obj, form, change)
        assign_role(obj, role)
        if "data_protection" in form.cleaned_data:
            set_data_protection(obj, form.cleaned_data["data_protection"])
        if not change:
            self._welcome_new(request, obj)

    def _welcome_new(self, request, person: User) -> None:
        if self._welcome(request, person):
            self.message_user(
                request,
                gettext("A welcome email is on its way to %(email)s.") % {"email": person.email},
            )
        elif not person.email:
            self.message_user(
                request,
                gettext(
                    "%(person)s has no email address, so no welcome email was sent: add one and"
                    " send it from their page, or set a password for them."
                )
                % {"person": person},
                messages.WARNING,
            )
        elif not has_something_to_set(person):
            self.message_user(
                request,
                gettext("%(person)s signs in through the airline's provider.") % {"person": person},
            )

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = self.get_object(request, unquote(id))
            done = "disabled" if "unset-password" in request.POST else "set by an admin"
            changes = {"password": ["(not shown)", done]}
            audit.record(request.user, user, AuditEntry.Action.CHANGED, changes)
        return response

    # -- CSV import ----------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="touchpoints_user_import"),
            path(
                "<path:object_id>/welcome/",
                view(require_POST(self.resend_welcome_view)),
                name="touchpoints_user_welcome",
            ),
            path(
                "import/template.csv",
                view(self.import_template_view),
                name="touchpoints_user_import_template",
            ),
            *super().get_urls(),
        ]

    def resend_welcome_view(self, request, object_id):
        person = self.get_object(request, unquote(object_id))  # None for a key of no one
        if person is None:
            raise Http404("No such person.")
        if not self.has_change_permission(request, person):
            raise PermissionDenied
        if self._welcome(request, person):
            self.message_user(
                request,
                gettext("A new welcome email is on its way to %(email)s.")
                % {"email": person.email},
            )
        elif not person.email:
            self.message_user(
                request,
                gettext("%(person)s has no email address: add one first.") % {"person": person},
                messages.ERROR,
            )
        elif not has_something_to_set(person):
            self.message_user(
                request,
                gettext(
                    "%(person)s signs in through the airline's provider and has no desk PIN to"
                    " choose: there is no welcome email to send."
                )
                % {"person": person},
                messages.WARNING,
            )
        return redirect(reverse("admin:touchpoints_user_change", args=[person.pk]))

    def _welcome(self, request, person: User) -> bool:
        """Welcome one person now; a mail server that fails is said, not a 500."""
        try:
            return welcome(person, site_url(request), request.user)
        except OSError as exc:
            self.message_user(
                request,
                gettext(
                    "The welcome email to %(email)s could not be sent (%(problem)s). Try again"
                    " with “Send a welcome email” on their page."
                )
                % {"email": person.email, "problem": exc},
                messages.ERROR,
            )
            return False

    def import_template_view(self, request):
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="people-import-template.csv"'
        return response

    def import_view(self, request):
        form = ImportForm(request.POST or None, request.FILES or None)
        plan = None
        if request.method == "POST" and form.is_valid():
            text = form.cleaned_data["text"]
            if "apply" in request.POST:
                plan = apply_import(text, request.user)
                if not plan.has_errors:
                    self.message_user(request, _imported_message(plan), messages.SUCCESS)
                    self._welcome_imported(request, plan)
                    return redirect(reverse("admin:touchpoints_user_changelist"))
            else:
                plan = plan_import(text)
            form = ImportForm(initial={"csv_text": text})
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import people and teams"),
            "opts": self.opts,
            "form": form,
            "plan": plan,
            "columns": COLUMNS,
            "Status": Status,
        }
        status = 422 if form.errors else 200
        return TemplateResponse(
            request, "admin/touchpoints/user/import.html", context, status=status
        )

    def _welcome_imported(self, request, plan) -> None:
        """A welcome email for each new person; the ones without an address are named."""
        created = [row.username for row in plan.rows if row.status == Status.CREATE]
        people = list(User.objects.filter(username__in=created).order_by("username"))
        sent, without = queue_welcomes(people, site_url(request), request.user)
        if sent:
            self.message_user(
                request,
                ngettext(
                    "A welcome email is on its way to %(count)s new person.",
                    "Welcome emails are on their way to %(count)s new people.",
                    sent,
                )
                % {"count": sent},
            )
        if without:
            names = ", ".join(person.username for person in without)
            self.message_user(
                request,
                gettext(
                    "No email address, so no welcome email: %(names)s. Add an address and send it"
                    " from their page, or set a password for them."
                )
                % {"names": names},
                messages.WARNING,
            )


def _imported_message(plan) -> str:
    made, changed = plan.count(Status.CREATE), plan.count(Status.UPDATE)
    same = plan.count(Status.UNCHANGED)
    return gettext(
        "Imported: %(made)s people created, %(changed)s updated, %(same)s unchanged,"
        " %(teams)s new teams. New people have no password yet: set one on their page."
    ) % {"made": made, "changed": changed, "same": same, "teams": len(plan.new_teams)}


class ImportForm(forms.Form):
    file = forms.FileField(
        required=False,
        label=_("CSV file"),
        help_text=_("UTF-8, comma separated, with the column names on the first line."),
    )
    csv_text = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None:
            if upload.size > MAX_IMPORT_BYTES:
                raise forms.ValidationError(_("The file is larger than 1 MB; split it in two."))
            try:
                cleaned["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(
                    _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
                ) from exc
        elif cleaned.get("csv_text"):
            cleaned["text"] = cleaned["csv_text"]
        else:
            raise forms.ValidationError(_("Choose a CSV file to check."))
        return cleaned

"""Failed sign-ins on the configuration site: who is locked out, and unlocking them.

The rows are axes' own (one per account, address and browser that got a password wrong);
each shows the lock it meets now (docs/security.md), and an admin unlocks by forgetting
them. People can also be unlocked from the people list, and from a shell with
`manage.py unlock_sign_in` (docs/operations.md).
"""

from axes.models import AccessAttempt
from django.contrib import admin
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import AuditEntry, User
from ..people.sign_in_locks import Kind, current_lock
from ..people.throttle import unlock
from . import audit
from .site import AdminRoleOnly, RefusesMalformedLookups, site

LOCK_NAMES = {
    Kind.PAIR: _("account from this address, until {until}"),
    Kind.ACCOUNT: _("account slowed down from new places, until {until}"),
    Kind.ADDRESS: _("address, for names not usual there, until {until}"),
}


@admin.register(AccessAttempt, site=site)
class FailedSignInAdmin(AdminRoleOnly, RefusesMalformedLookups, admin.ModelAdmin):
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time", "locked"]
    list_display_links = None
    search_fields = ["username", "ip_address"]
    ordering = ["-attempt_time"]
    actions = ["unlock_accounts", "unlock_addresses"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # unlocking is the one thing to do here, by the actions below

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "title": _("Failed sign-ins"),
            "subtitle": _("Select rows and unlock their accounts or addresses to let them in now."),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description=_("Locked"))
    def locked(self, attempt: AccessAttempt) -> str:
        lock = current_lock(attempt.username, attempt.ip_address)
        if lock is None:
            return gettext("no")
        until = time_format(timezone.localtime(lock.until), "H:i:s T")
        return LOCK_NAMES[lock.kind].format(until=until)

    @admin.action(description=_("Unlock the accounts of the selected rows"))
    def unlock_accounts(self, request, queryset):
        names = sorted({attempt.username for attempt in queryset if attempt.username})
        unlock_accounts(request, names)
        who = ", ".join(names) or gettext("nobody")
        self.message_user(
            request, gettext("Unlocked %(who)s: they can sign in now.") % {"who": who}
        )

    @admin.action(description=_("Unlock the addresses of the selected rows (every account there)"))
    def unlock_addresses(self, request, queryset):
        addresses = sorted({attempt.ip_address for attempt in queryset if attempt.ip_address})
        for address in addresses:
            unlock(address=address)
        unlocked = ", ".join(addresses) or gettext("no address")
        self.message_user(request, gettext("Unlocked %(what)s.") % {"what": unlocked})


def unlock_accounts(request, usernames: list[str]) -> None:
    """Unlock each account; a person's history says who unlocked them, and when."""
    for username in usernames:
        unlock(username=username)
    unlocked = {"sign-in": ["locked", "unlocked"]}
    for person in User.objects.filter(username__in=usernames):
        audit.record(request.user, person, AuditEntry.Action.CHANGED, unlocked)


@admin.action(description=_("Unlock sign-in of selected people (after too many wrong passwords)"))
def unlock_people(modeladmin, request, queryset) -> None:
    """The people list's action: forget their wrong passwords, so they can sign in now."""
    names = sorted(queryset.values_list("username", flat=True))
    unlock_accounts(request, names)
    modeladmin.message_user(
        request, gettext("Unlocked sign-in of %(names)s.") % {"names": ", ".join(names)}
    )

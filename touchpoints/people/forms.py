"""The forms a person fills in to get in: asking for a reset link, and the welcome page."""

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..models import Role, User
from .pins import set_pin, validate_new_pin


def _over_email_limit(person: User) -> bool:
    """Whether `person` has had as many reset emails this hour as they may.

    Counted per account in the cache, so that the form cannot be used to bury one person's
    inbox; asking for more answers exactly as asking once does (no way to tell who has an
    account). Without Redis the cache forgets, and the limit is off until it is back.
    """
    limit = settings.PASSWORD_RESET_EMAILS_PER_HOUR
    key = f"password-reset-emails:{person.pk}"
    cache.add(key, 0, timeout=3600)
    try:
        sent = cache.incr(key)
    except ValueError:  # the key vanished (Redis restarted, or down): count afresh
        cache.set(key, 1, timeout=3600)
        sent = 1
    return sent > limit


class ResetRequestForm(PasswordResetForm):
    """Django's "forgot your password" form, at most a few emails an hour per person."""

    def get_users(self, email):
        return [person for person in super().get_users(email) if not _over_email_limit(person)]


class WelcomeForm(SetPasswordForm):
    """A new person's password and, for the front line, their desk PIN, on one page; only
    the PIN while password sign-in is off (PASSWORD_SIGN_IN).

    The PIN's reasons for refusal are `validate_new_pin`'s. Secrets are never sent back to
    the browser: a refused form comes back with every field empty and the reasons beside them.
    """

    pin = forms.CharField(
        label=_("Desk PIN"),
        help_text=_("4 to 6 digits, for signing in at a shared desk tablet."),
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        strip=True,
    )
    pin_again = forms.CharField(
        label=_("Desk PIN again"),
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        strip=True,
    )

    def __init__(self, user: User | None, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        if user is None or not user.has_role(Role.FRONTLINE):  # None: a dead link's page
            del self.fields["pin"], self.fields["pin_again"]
        if not settings.PASSWORD_SIGN_IN:  # everyone signs in through the airline's provider
            del self.fields["new_password1"], self.fields["new_password2"]

    @property
    def asks_for_pin(self) -> bool:
        return "pin" in self.fields

    @property
    def asks_for_password(self) -> bool:
        return "new_password1" in self.fields

    def clean_pin(self) -> str:
        pin = self.cleaned_data["pin"]
        validate_new_pin(self.user, pin)
        return pin

    def clean(self):
        cleaned = super().clean()
        pin, again = cleaned.get("pin"), cleaned.get("pin_again")
        if self.asks_for_pin and pin and again is not None and pin != again:
            self.add_error("pin_again", ValidationError(_("The two PINs differ.")))
        return cleaned

    def save(self, commit: bool = True) -> User:
        with transaction.atomic():
            if self.asks_for_password:
                super().save(commit=commit)
            if self.asks_for_pin:
                set_pin(self.user, self.cleaned_data["pin"])
        return self.user

"""One-time links sent by email: "forgot your password" and the welcome to a new person.

Django's token generator, with two changes. The desk PIN is part of what a link is signed
over, so setting a PIN (on the welcome page, at a desk, by an admin) kills every link sent
before, as a new password does. And a dead link can say why: used (or overtaken by a newer
password, PIN, email or sign-in) or expired, so that the page tells the person what to do.
"""

from enum import StrEnum

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

from ..models import User


class LinkProblem(StrEnum):
    INVALID = "invalid"
    USED = "used"
    EXPIRED = "expired"


class PersonLinkTokens(PasswordResetTokenGenerator):
    """A token per person; `timeout_setting` names the setting of its lifetime in seconds."""

    timeout_setting = "PASSWORD_RESET_TIMEOUT"

    @property
    def timeout(self) -> int:
        return getattr(settings, self.timeout_setting)

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        return super()._make_hash_value(user, timestamp) + user.pin

    def problem(self, user: User | None, token: str | None) -> LinkProblem | None:
        """Why `token` does not open a page for `user`; None when it does."""
        if user is None or not token:
            return LinkProblem.INVALID
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return LinkProblem.INVALID
        signed = any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )
        if not signed:
            # A token we made once but whose person has changed since (password, PIN, email,
            # a sign-in) cannot be told from a forged one: the page says "used", which is
            # what happened to nearly everyone who sees it.
            return LinkProblem.USED
        if self._num_seconds(self._now()) - timestamp > self.timeout:
            return LinkProblem.EXPIRED
        return None

    def check_token(self, user: User | None, token: str | None) -> bool:
        return self.problem(user, token) is None


class WelcomeTokens(PersonLinkTokens):
    key_salt = "moments.people.welcome"
    timeout_setting = "WELCOME_LINK_TIMEOUT"


reset_tokens = PersonLinkTokens()
welcome_tokens = WelcomeTokens()

"""Throttling sign-in with django-axes: the locks of `sign_in_locks`, refused before hashing.

django-axes counts the failures in the database (never in Redis: sign-in must work while
Redis is down), one row per (username, address, browser). Its backend, first in
AUTHENTICATION_BACKENDS, refuses a locked attempt before any password is hashed, so a
guessing flood costs at most a query per guess, not a hash.

axes itself locks by account and address together (AXES_LOCKOUT_PARAMETERS =
[["username", "ip_address"]]), and a sign-in forgives only that pair's failures. This
handler asks `sign_in_locks` instead, which adds the account's growing delay and the
address's limit, and lets a person through from their usual addresses; a successful
sign-in records its address as usual. Why: docs/security.md.
"""

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from . import sign_in_addresses
from .sign_in_locks import RECENT_LOCKS, Kind, Lock, counting_window, lock_for_sign_in

LOCKED = 429


class ThrottleBackend(AxesStandaloneBackend):
    """Axes' check. Only sign-ins over the web are counted: without a request (the shell,
    the test client's login()) there is no address to count by and nobody guessing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def cool_off(request=None):
    """AXES_COOLOFF_TIME: axes deletes a failure row this long after its latest failure."""
    return counting_window()


class SignInThrottle(AxesDatabaseHandler):
    """Axes' database handler, asking `sign_in_locks` whether an attempt is locked."""

    def is_locked(self, request, credentials=None) -> bool:
        lock = lock_for_sign_in(get_client_username(request, credentials), request.axes_ip_address)
        request.sign_in_lock = lock  # for the page that says until when
        return lock is not None

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is not None and request.axes_locked_out:
            # Refused while locked: nothing to record (the promised time stands, and a
            # refused try never lengthens a delay), and in a flood every query saved here
            # is one per guess.
            request.axes_credentials = credentials
            return
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out:
            return
        # This failure may have been the one that started a delay or reached a limit.
        if self.is_locked(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials

    def user_logged_in(self, sender, request, user, **kwargs):
        super().user_logged_in(sender, request, user, **kwargs)
        sign_in_addresses.remember_sign_in(user.get_username(), request.axes_ip_address)


REASONS = {
    Kind.PAIR: "Too many wrong passwords for this account from here.",
    Kind.ACCOUNT: (
        "Too many wrong passwords for this account from many places: sign-ins to it from "
        "new places are slowed down."
    ),
    Kind.ADDRESS: "Too many wrong passwords from this network.",
}


def locked_out_page(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """The sign-in form again, saying why and until when (AXES_LOCKOUT_CALLABLE).

    A page of its own, not the sign-in page's template: in a guessing flood it is the answer
    to every guess, and rendering base.html's layout cost more than checking the lock. Not
    logged either: a warning per refused guess would flood the log.
    """
    username = get_client_username(request, credentials)
    lock = getattr(request, "sign_in_lock", None) or lock_for_sign_in(
        username, request.axes_ip_address
    )
    lock = lock or Lock(timezone.now() + counting_window(), Kind.PAIR)
    next_page = request.POST.get("next") or request.GET.get("next", "")
    context = {"username": username or "", "lock": lock, "next": next_page}
    response = render(request, "registration/locked.html", context, status=LOCKED)
    response["Retry-After"] = str(lock.seconds_left)
    response._has_been_logged = True  # what django.request checks before its warning
    return response


def unlock(*, username: str | None = None, address: str | None = None) -> int:
    """Forget the failures of an account or an address: it may sign in again at once."""
    if username is None and address is None:
        return 0
    RECENT_LOCKS.clear()  # rare: simpler than finding every lock either one is part of
    return AxesProxyHandler.reset_attempts(username=username, ip_address=address)

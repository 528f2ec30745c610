"""Throttling sign-in: too many wrong passwords lock an account, or an address, for a while.

django-axes counts the failures in the database (never in Redis: sign-in must work while
Redis is down). Its backend, first in AUTHENTICATION_BACKENDS, refuses a locked attempt
before any password is hashed, so a guessing flood costs a query per guess, not a hash.

Axes compares every count it keeps with one limit; an address needs its own, far higher
one, because a whole airport's tablets sign in from behind one NAT. So axes counts per
account (AXES_LOCKOUT_PARAMETERS = ["username"]) and `SignInThrottle` adds the address.
Why the figures are what they are: docs/security.md.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

LOCKED = 429


class ThrottleBackend(AxesStandaloneBackend):
    """Axes' check. Only sign-ins over the web are counted: without a request (the shell,
    the test client's login()) there is no address to count by and nobody guessing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


@dataclass(frozen=True)
class Lock:
    until: datetime
    account: bool  # False: the address is locked, not this account

    @property
    def minutes_left(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds() / 60))

    @property
    def seconds_left(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))


def _cool_off() -> timedelta:
    return get_cool_off()


def _unlocks_at(attempts: QuerySet, limit: int) -> datetime | None:
    """When the newest failures that reach `limit` fall out of the window; None if under it.

    Each row is one (username, address, browser) with its failure count and its latest
    failure, and a row counts while that latest failure is within the cool-off.
    """
    window = _cool_off()
    counted = 0
    recent = attempts.filter(attempt_time__gte=timezone.now() - window)
    for at, failures in recent.order_by("-attempt_time").values_list(
        "attempt_time", "failures_since_start"
    ):
        counted += failures
        if counted >= limit:
            return at + window
    return None


def current_lock(username: str | None, address: str | None) -> Lock | None:
    """The lock on this account or address, whichever lasts longer; None when neither is."""
    locks = []
    if username is not None:
        until = _unlocks_at(AccessAttempt.objects.filter(username=username), _account_limit())
        if until:
            locks.append(Lock(until, account=True))
    if address is not None:
        per_address = settings.SIGN_IN_FAILURES_PER_ADDRESS
        until = _unlocks_at(AccessAttempt.objects.filter(ip_address=address), per_address)
        if until:
            locks.append(Lock(until, account=False))
    return max(locks, key=lambda lock: lock.until, default=None)


def _account_limit() -> int:
    return settings.AXES_FAILURE_LIMIT


class SignInThrottle(AxesDatabaseHandler):
    """Axes' database handler, with the address counted beside the account."""

    def is_locked(self, request, credentials=None) -> bool:
        username = get_client_username(request, credentials)
        return current_lock(username, request.axes_ip_address) is not None

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # This failure may have been the one that reached the address's limit.
        if request is None or request.axes_locked_out:
            return
        if self.is_locked(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def locked_out_page(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """The sign-in page again, saying until when (AXES_LOCKOUT_CALLABLE)."""
    username = get_client_username(request, credentials)
    lock = current_lock(username, request.axes_ip_address) or Lock(
        timezone.now() + _cool_off(), account=True
    )
    form = AuthenticationForm(request, initial={"username": username or ""})
    context = {"form": form, "lock": lock, "next": request.POST.get("next", "")}
    response = render(request, "registration/login.html", context, status=LOCKED)
    response["Retry-After"] = str(lock.seconds_left)
    return response


def unlock(*, username: str | None = None, address: str | None = None) -> int:
    """Forget the failures of an account or an address: it may sign in again at once."""
    if username is None and address is None:
        return 0
    return AxesProxyHandler.reset_attempts(username=username, ip_address=address)

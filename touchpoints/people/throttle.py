"""Throttling sign-in: too many wrong passwords lock an account, or an address, for a while.

django-axes counts the failures in the database (never in Redis: sign-in must work while
Redis is down). Its backend, first in AUTHENTICATION_BACKENDS, refuses a locked attempt
before any password is hashed, so a guessing flood costs a query per guess, not a hash.

Axes compares every count it keeps with one limit; an address needs its own, far higher
one, because a whole airport's tablets sign in from behind one NAT. So axes counts per
account (AXES_LOCKOUT_PARAMETERS = ["username"]) and `SignInThrottle` adds the address.
Why the figures are what they are: docs/security.md.

A guessing flood keeps hitting an account that is already locked. Each web process keeps
the account locks it found for a few seconds (`RecentLocks`), so that those guesses are
refused without a query; an admin's unlock reaches every process within those seconds.
"""

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
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


def _unlocks_at(failures: list[tuple[datetime, int]], limit: int) -> datetime | None:
    """When the newest failures that reach `limit` fall out of the window; None if under it.

    `failures` are axes' rows, newest first: one per (username, address, browser) with its
    count and its latest failure; a row counts while that latest failure is in the window.
    """
    counted = 0
    for at, count in failures:
        counted += count
        if counted >= limit:
            return at + _cool_off()
    return None


def current_lock(username: str | None, address: str | None) -> Lock | None:
    """The lock on this account or address, whichever lasts longer; None when neither is.

    One plain statement, the same text every time (PostgreSQL prepares it): it runs before
    every sign-in and for every refused guess of a flood, where building the ORM's version
    of it cost more than running it. A missing name or address (NULL) matches no row.
    """
    if username is None and address is None:
        return None
    since = connection.ops.adapt_datetimefield_value(timezone.now() - _cool_off())
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT username, ip_address, attempt_time, failures_since_start"
            f" FROM {AccessAttempt._meta.db_table}"
            " WHERE (username = %s OR ip_address = %s) AND attempt_time >= %s"
            " ORDER BY attempt_time DESC",
            [username, address, since],
        )
        rows = [(name, ip, _aware(at), n) for name, ip, at, n in cursor.fetchall()]
    account = [(at, n) for name, _, at, n in rows if username is not None and name == username]
    network = [(at, n) for _, ip, at, n in rows if address is not None and ip == address]
    locks = []
    if until := _unlocks_at(account, settings.AXES_FAILURE_LIMIT):
        locks.append(Lock(until, account=True))
    if until := _unlocks_at(network, settings.SIGN_IN_FAILURES_PER_ADDRESS):
        locks.append(Lock(until, account=False))
    return max(locks, key=lambda lock: lock.until, default=None)


class RecentLocks:
    """Account locks this process found lately, by username, each kept for at most
    `settings.SIGN_IN_LOCK_MEMORY_SECONDS` (and never past the lock's end). Bounded: a flood
    of made-up names forgets the oldest first."""

    LIMIT = 10_000

    def __init__(self) -> None:
        self._locks: dict[str, tuple[float, Lock]] = {}

    def get(self, username: str | None) -> Lock | None:
        found = self._locks.get(username) if username is not None else None
        if found is None:
            return None
        seen_at, lock = found
        fresh = time.monotonic() - seen_at < settings.SIGN_IN_LOCK_MEMORY_SECONDS
        if fresh and lock.until > timezone.now():
            return lock
        self._locks.pop(username, None)
        return None

    def remember(self, username: str, lock: Lock) -> None:
        self._locks.pop(username, None)  # re-inserted last: the newest is forgotten last
        self._locks[username] = (time.monotonic(), lock)
        while len(self._locks) > self.LIMIT:
            self._locks.pop(next(iter(self._locks)))

    def forget(self, username: str) -> None:
        self._locks.pop(username, None)

    def clear(self) -> None:
        self._locks.clear()


RECENT_LOCKS = RecentLocks()


def lock_for_sign_in(username: str | None, address: str | None) -> Lock | None:
    """`current_lock`, answered from this process's memory while the account's lock is
    fresh in it: the check before every sign-in, and what refuses each guess of a flood."""
    if lock := RECENT_LOCKS.get(username):
        return lock
    lock = current_lock(username, address)
    if lock is not None and lock.account and username is not None:
        RECENT_LOCKS.remember(username, lock)
    return lock


def _aware(value) -> datetime:
    """PostgreSQL gives an aware time; SQLite a naive (UTC) one, or its text."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)


class SignInThrottle(AxesDatabaseHandler):
    """Axes' database handler, with the address counted beside the account."""

    def is_locked(self, request, credentials=None) -> bool:
        lock = lock_for_sign_in(get_client_username(request, credentials), request.axes_ip_address)
        request.sign_in_lock = lock  # for the page that says until when
        return lock is not None

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        if request is not None and request.axes_locked_out:
            # Refused while locked: nothing to record (the promised time stands), and in a
            # flood every query saved here is one per guess.
            request.axes_credentials = credentials
            return
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out:
            return
        # This failure may have been the one that reached the address's limit.
        if self.is_locked(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials


def locked_out_page(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """The sign-in form again, saying until when (AXES_LOCKOUT_CALLABLE).

    A page of its own, not the sign-in page's template: in a guessing flood it is the answer
    to every guess, and rendering base.html's layout cost more than checking the lock. Not
    logged either: the lock was logged once when it began, and a warning per refused guess
    would flood the log as well.
    """
    username = get_client_username(request, credentials)
    lock = getattr(request, "sign_in_lock", None) or lock_for_sign_in(
        username, request.axes_ip_address
    )
    lock = lock or Lock(timezone.now() + _cool_off(), account=True)
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
    if username is not None:
        RECENT_LOCKS.forget(username)
    else:
        # Forgetting an address's failures may unlock accounts that they locked.
        RECENT_LOCKS.clear()
    return AxesProxyHandler.reset_attempts(username=username, ip_address=address)

"""Which sign-ins are refused, and until when: three locks that cannot be turned on people.

axes keeps one row per (username, address, browser) that got a password wrong, with its
count and latest failure. From those rows (NIST SP 800-63B, 5.2.2 "Rate limiting"):

- **pair**: SIGN_IN_FAILURES_PER_PAIR wrong passwords for one account from one address
  refuse that account *from that address* for SIGN_IN_LOCKOUT_MINUTES. The same person
  elsewhere is not touched.
- **account**: past SIGN_IN_FAILURES_PER_ACCOUNT wrong passwords from anywhere within
  SIGN_IN_ACCOUNT_WINDOW_HOURS, each further try waits a delay that doubles with every
  further failure, up to SIGN_IN_BACKOFF_MAX_SECONDS: a guessing botnet slows to a crawl,
  and the delay always ends.
- **address**: SIGN_IN_FAILURES_PER_ADDRESS wrong passwords from one address within
  SIGN_IN_ADDRESS_MINUTES refuse that address, for unknown names.

A person signing in from one of their usual addresses (`sign_in_addresses`) passes the
account and address locks: only their own pair's failures can stop them. Figures and why:
docs/security.md.
"""

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.utils import timezone

from . import sign_in_addresses


class Kind(StrEnum):
    PAIR = "pair"  # this account from this address
    ACCOUNT = "account"  # this account from an unusual address, slowed down
    ADDRESS = "address"  # this address, for names not usual here


@dataclass(frozen=True)
class Lock:
    until: datetime
    kind: Kind

    @property
    def seconds_left(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds()))

    @property
    def minutes_left(self) -> int:
        return max(1, math.ceil(self.seconds_left / 60))


@dataclass(frozen=True)
class Failure:
    username: str | None
    address: str | None
    at: datetime
    count: int


def counting_window() -> timedelta:
    """How long axes keeps a failure row after its latest failure: the longest rule's."""
    return max(
        timedelta(hours=settings.SIGN_IN_ACCOUNT_WINDOW_HOURS),
        timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES),
        timedelta(minutes=settings.SIGN_IN_ADDRESS_MINUTES),
    )


def pair_lock(failures: list[Failure]) -> Lock | None:
    """`failures` are one account's from one address."""
    if sum(f.count for f in failures) < settings.SIGN_IN_FAILURES_PER_PAIR:
        return None
    latest = max(f.at for f in failures)
    until = latest + timedelta(minutes=settings.SIGN_IN_LOCKOUT_MINUTES)
    return Lock(until, Kind.PAIR) if until > timezone.now() else None


def backoff_seconds(failures: int) -> int:
    """The wait after an account's latest failure: 0 under the limit, then 1, 2, 4, ... s."""
    over = failures - settings.SIGN_IN_FAILURES_PER_ACCOUNT
    if over < 0:
        return 0
    return min(2 ** min(over, 30), settings.SIGN_IN_BACKOFF_MAX_SECONDS)


def account_lock(failures: list[Failure]) -> Lock | None:
    """`failures` are one account's, from every address."""
    wait = backoff_seconds(sum(f.count for f in failures))
    if not wait:
        return None
    until = max(f.at for f in failures) + timedelta(seconds=wait)
    return Lock(until, Kind.ACCOUNT) if until > timezone.now() else None


def address_lock(failures: list[Failure]) -> Lock | None:
    """`failures` are one address's, for every name, newest first; the lock lasts until the
    newest failures that reach the limit leave the window."""
    window = timedelta(minutes=settings.SIGN_IN_ADDRESS_MINUTES)
    counted = 0
    for failure in failures:
        if failure.at < timezone.now() - window:
            break
        counted += failure.count
        if counted >= settings.SIGN_IN_FAILURES_PER_ADDRESS:
            return Lock(failure.at + window, Kind.ADDRESS)
    return None


def _failures(username: str | None, address: str | None) -> list[Failure]:
    """The account's rows in its window and the address's in its own, newest first.

    One plain statement, the same text every time (PostgreSQL prepares it): it runs before
    every sign-in, where building the ORM's version cost more than running it. A missing
    name or address (NULL) matches no row.
    """
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    account_since = adapt(now - counting_window())
    address_since = adapt(now - timedelta(minutes=settings.SIGN_IN_ADDRESS_MINUTES))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT username, ip_address, attempt_time, failures_since_start"
            f" FROM {AccessAttempt._meta.db_table}"
            " WHERE (username = %s AND attempt_time >= %s)"
            " OR (ip_address = %s AND attempt_time >= %s)"
            " ORDER BY attempt_time DESC",
            [username, account_since, address, address_since],
        )
        return [Failure(name, ip, _aware(at), n) for name, ip, at, n in cursor.fetchall()]


def current_lock(username: str | None, address: str | None) -> Lock | None:
    """The lock that stops this account signing in from this address, the longest if more
    than one; None when it may try."""
    if username is None and address is None:
        return None
    rows = _failures(username, address)
    if not rows:
        return None
    mine = [f for f in rows if username is not None and f.username == username]
    pair = [f for f in mine if address is not None and f.address == address]
    here = [f for f in rows if address is not None and f.address == address]
    locks = [pair_lock(pair)] if pair else []
    others = [account_lock(mine) if mine else None, address_lock(here) if here else None]
    if any(others) and not sign_in_addresses.is_usual(username, address):
        locks += others
    return max((lock for lock in locks if lock), key=lambda lock: lock.until, default=None)


class RecentLocks:
    """Locks this process found lately, each kept for at most SIGN_IN_LOCK_MEMORY_SECONDS
    (and never past its end), so that a flood's guesses are refused without a query. An
    account lock keeps the account's usual addresses, an address lock the names usual
    there: those still ask the database. Bounded: the oldest are forgotten first."""

    LIMIT = 10_000

    def __init__(self) -> None:
        self._locks: dict[tuple, tuple[float, Lock, frozenset[str]]] = {}

    @staticmethod
    def _keys(username: str | None, address: str | None) -> list[tuple[tuple, str | None]]:
        """Each key a lock may be under, with what would exempt this attempt from it."""
        return [
            (("pair", username, address), None),
            (("account", username), address),
            (("address", address), username),
        ]

    def get(self, username: str | None, address: str | None) -> Lock | None:
        for key, caller in self._keys(username, address):
            found = self._locks.get(key)
            if found is None:
                continue
            seen_at, lock, usual = found
            fresh = time.monotonic() - seen_at < settings.SIGN_IN_LOCK_MEMORY_SECONDS
            if not fresh or lock.until <= timezone.now():
                self._locks.pop(key, None)
            elif caller is None or caller not in usual:
                return lock
        return None

    def remember(self, username: str | None, address: str | None, lock: Lock) -> None:
        if lock.kind == Kind.PAIR:
            key, usual = ("pair", username, address), frozenset()
        elif lock.kind == Kind.ACCOUNT:
            key, usual = ("account", username), sign_in_addresses.usual_addresses(username)
        else:
            key, usual = ("address", address), sign_in_addresses.usual_people(address)
        self._locks.pop(key, None)  # re-inserted last: the newest is forgotten last
        self._locks[key] = (time.monotonic(), lock, usual)
        while len(self._locks) > self.LIMIT:
            self._locks.pop(next(iter(self._locks)))

    def clear(self) -> None:
        self._locks.clear()


RECENT_LOCKS = RecentLocks()


def lock_for_sign_in(username: str | None, address: str | None) -> Lock | None:
    """`current_lock`, answered from this process's memory while a lock is fresh in it: the
    check before every sign-in, and what refuses each guess of a flood."""
    if lock := RECENT_LOCKS.get(username, address):
        return lock
    lock = current_lock(username, address)
    if lock is not None and (username is not None or lock.kind == Kind.ADDRESS):
        RECENT_LOCKS.remember(username, address, lock)
    return lock


def _aware(value) -> datetime:
    """PostgreSQL gives an aware time; SQLite a naive (UTC) one, or its text."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, UTC)

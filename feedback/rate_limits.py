"""Counting requests to the public pages, so that guessing tokens or flooding one is slow.

Counters live in Django's cache (Redis in production, shared by every web process;
local memory when embedded) in fixed windows: simple, and exact enough for abuse.

While Redis is down the cache keeps nothing (config/cache.py), so every request counts as
the first of its window: the limits fail open, and the cache logs a warning once per
outage. Answering customers matters more than slowing a guesser for a few minutes.
"""

import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    scope: str
    requests: int
    seconds: int

    def retry_after(self) -> int:
        """Seconds until the current window ends."""
        return self.seconds - int(time.time()) % self.seconds


def limit(scope: str) -> Limit:
    requests, seconds = settings.FEEDBACK_RATE_LIMITS[scope]
    return Limit(scope, requests, seconds)


def _key(rule: Limit, who: str) -> str:
    return f"ratelimit:{rule.scope}:{who}:{int(time.time()) // rule.seconds}"


def hit(rule: Limit, who: str) -> bool:
    """Count one request by `who`; True while `who` is within the limit."""
    key = _key(rule, who)
    # add() is a no-op when the key exists, so concurrent first hits do not reset the count.
    cache.add(key, 0, timeout=rule.seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=rule.seconds + 1)
        count = 1
    return count <= rule.requests


def exceeded(rule: Limit, who: str) -> bool:
    """True if `who` already used up the window, without counting this request."""
    return (cache.get(_key(rule, who)) or 0) >= rule.requests


def client_address(request: HttpRequest) -> str:
    """The caller's address; IPv6 callers by their /64, which one household or phone owns.

    Behind proxies, FEEDBACK_TRUSTED_PROXIES says how many X-Forwarded-For entries, counted
    from the right, were added by our own proxies: only the one before those is believed.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.FEEDBACK_TRUSTED_PROXIES
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)

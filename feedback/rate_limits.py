"""Counting unknown links tried on the public pages, so that guessing tokens is slow.

Only misses are counted, never a real token: a real link is answered for whoever holds it,
however many bogus links came from the same address (an airport's Wi-Fi) and however often
someone else opened it (a QR code seen over a shoulder). See docs/security.md.

Counters live in Django's cache (Redis in production, shared by every web process;
local memory when embedded) in fixed windows: simple, and exact enough for abuse.

While Redis is down the cache keeps nothing (config/cache.py), so every request counts as
the first of its window: the limits fail open, and the cache logs a warning once per
outage. Answering customers matters more than slowing a guesser for a few minutes.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from touchpoints.people.client_address import client_address

__all__ = ["Limit", "client_address", "hit", "limit"]


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

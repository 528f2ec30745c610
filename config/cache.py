"""Django's Redis cache, acting as an empty cache that keeps nothing while Redis is down.

Every use of the cache in Moments already copes with a key that is not there (a cache may
drop any key at any time), so that is what an unreachable Redis looks like to them: a get
misses, an add or set keeps nothing, an incr finds no key. What each use then does is in
docs/faults.md. A request pays for a dead Redis at most once per BREAK_SECONDS in each
process (a short socket timeout, settings.CACHES); in between, no request waits on it.
"""

import logging
import time
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError, TimeoutError

log = logging.getLogger(__name__)

BREAK_SECONDS = 5.0
UNAVAILABLE = (ConnectionError, TimeoutError)  # BusyLoadingError is a ConnectionError

# When each Redis server may be tried again, per process: Django gives every thread a
# cache object of its own, so the breaker cannot live on the object.
_down_until: dict[str, float] = {}
_MISSING = object()


class ResilientRedisCache(RedisCache):
    def get(self, key, default=None, version=None):
        return self._unless_down(default, super().get, key, default, version)

    def add(self, key, value, timeout=None, version=None):
        return self._unless_down(False, super().add, key, value, timeout, version)

    def set(self, key, value, timeout=None, version=None):
        self._unless_down(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._unless_down(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._unless_down(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._unless_down({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._unless_down(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        value = self._unless_down(_MISSING, super().incr, key, delta, version)
        if value is _MISSING:
            raise ValueError(f"Key '{key}' not found: Redis is unavailable.")
        return value

    def set_many(self, data, timeout=None, version=None):
        return self._unless_down(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        self._unless_down(None, super().delete_many, keys, version)

    def clear(self):
        return self._unless_down(False, super().clear)

    def is_down(self) -> bool:
        """Whether Redis failed lately (within BREAK_SECONDS): then every call acts empty,
        and a use that must keep something (dashboards/figure_cache.py) keeps it elsewhere."""
        down_until = _down_until.get(self._servers[0])
        return down_until is not None and time.monotonic() < down_until

    def _unless_down(self, fallback: Any, operation, *args) -> Any:
        server = self._servers[0]
        down_until = _down_until.get(server)
        if down_until is not None and time.monotonic() < down_until:
            return fallback
        try:
            result = operation(*args)
        except UNAVAILABLE as exc:
            if down_until is None:
                log.warning(
                    "Redis cache unavailable (%s): rate limits fail open, roll-ups wait for"
                    " beat. Retrying every %s s.",
                    exc,
                    BREAK_SECONDS,
                )
            _down_until[server] = time.monotonic() + BREAK_SECONDS
            return fallback
        if down_until is not None:
            log.warning("Redis cache available again.")
            _down_until.pop(server, None)
        return result

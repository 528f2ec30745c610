"""Each use of the cache, in this process, with the cache pointed at a Redis that is not
there: what docs/faults.md promises for each."""

import logging
import secrets
import time

from django.core.cache import caches
from django.urls import reverse

from tests.conftest import PASSWORD, moment_post
from touchpoints.models import Moment

JSON = {"Accept": "application/json"}


def test_rate_limits_fail_open_with_one_warning_while_redis_is_down(
    client, db, redis_down, settings, caplog
):
    settings.FEEDBACK_RATE_LIMITS = {**settings.FEEDBACK_RATE_LIMITS, "miss": (2, 600)}
    with caplog.at_level(logging.WARNING, logger="config.cache"):
        statuses = [client.get(f"/r/{secrets.token_urlsafe(18)}/").status_code for _ in range(5)]
    assert statuses == [404] * 5
    warnings = [r.getMessage() for r in caplog.records if r.name == "config.cache"]
    assert len(warnings) == 1
    assert "rate limits fail open" in warnings[0]


def test_a_type_archived_while_redis_is_down_is_refused_at_the_next_save(
    client, agent, org, redis_down
):
    client.login(username=agent.username, password=PASSWORD)
    assert client.post(reverse("touchpoints:log"), moment_post(org["bag_drop"]), headers=JSON)
    org["bag_drop"].active = False
    org["bag_drop"].save()  # its new version cannot reach Redis

    response = client.post(reverse("touchpoints:log"), moment_post(org["bag_drop"]), headers=JSON)

    assert response.status_code == 422
    assert Moment.objects.count() == 1


def test_a_hung_redis_is_waited_for_once_per_break_not_at_every_call(redis_server, settings):
    """Redis still accepts connections but never answers (a hung server, a cut cable): the
    first call waits out the socket timeout, and the breaker (config/cache.py) answers the
    calls after it at once, as empty, until BREAK_SECONDS have passed. Reads of different
    keys, so that no throttle of the callers' own hides a missing breaker."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    cache = caches["default"]
    cache.set("before", "kept")
    assert cache.get("before") == "kept"  # connected while it answered
    redis_server.freeze()
    started = time.monotonic()
    reads = [cache.get(f"key-{n}", "missed") for n in range(20)]
    waited = time.monotonic() - started
    assert reads == ["missed"] * 20
    assert cache.is_down()
    # One socket timeout, 0.5 s; were every read to wait it out, 10 s.
    assert waited < 2.5, f"20 reads took {waited:.1f} s"

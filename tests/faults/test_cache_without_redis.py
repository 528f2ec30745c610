"""Each use of the cache, in this process, with the cache pointed at a Redis that is not
there: what docs/faults.md promises for each."""

import logging
import secrets

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

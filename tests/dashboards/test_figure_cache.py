"""A selection's figures are computed once per state of the roll-ups and shared by the
dashboard and the figures API (dashboards/figure_cache.py); a roll-up makes them current."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.rollup import rebuild_buckets
from tests.api.conftest import ApiClient
from tests.conftest import PASSWORD, add_moment, roll_up_everything
from tests.faults.conftest import redis_down  # noqa: F401 (a fixture)
from touchpoints.api_keys import create_key

# The roll-ups the cached sums are read from (remedies are read on every request; the
# themes' cached sums: tests/dashboards/test_themes_dashboard.py).
SUM_TABLES = [
    '"dashboards_dailyrollup"',
    '"dashboards_locationdayrollup"',
    '"dashboards_typedayrollup"',
    '"dashboards_needrollup"',
    '"dashboards_locationneedrollup"',
]
WEEK = {"period": "7"}


@pytest.fixture
def manager(client, arn_manager, postgres, redis_url):
    client.login(username=arn_manager.username, password=PASSWORD)
    return client


def moments_shown(client) -> int:
    page = client.get(reverse("dashboards:dashboard"), WEEK)
    cards = page.context["key_headlines"] + page.context["more_headlines"]
    return next(headline.current for headline, _spark in cards if headline.key == "moments")


def sums_read(request) -> int:
    """How many of a request's statements read the roll-ups that the cache keeps sums of."""
    with CaptureQueriesContext(connection) as captured:
        assert request().status_code == 200
    return sum(any(table in q["sql"] for table in SUM_TABLES) for q in captured)


@pytest.mark.parametrize("redis", ["up", "down"])
def test_a_moment_rolled_up_after_a_load_shows_at_the_next_load(
    manager, agent, org, redis, request
):
    if redis == "down":
        request.getfixturevalue("redis_down")
    add_moment(agent, org["desk"])
    roll_up_everything()
    assert moments_shown(manager) == 1
    add_moment(agent, org["bag_drop"])

    roll_up_everything()

    assert moments_shown(manager) == 2


def test_the_figures_api_reads_the_sums_the_dashboard_computed(manager, agent, org):
    add_moment(agent, org["desk"], answer={"csat": 5})
    roll_up_everything()
    shown = moments_shown(manager)
    api = ApiClient(create_key("BI tool", [org["arn"]], read=True, write=False)[1])

    read = sums_read(lambda: api.get("/api/v1/figures", WEEK))

    assert read == 0
    figures = api.get("/api/v1/figures", WEEK).json()["figures"]
    assert figures[0]["moments"] == shown == 1
    assert figures[0]["csat_pct"] == 100.0


def test_a_sweep_at_another_location_keeps_a_locations_figures(manager, agent, jfk_agent, org):
    add_moment(agent, org["desk"])
    roll_up_everything()
    moments_shown(manager)
    jfk = add_moment(jfk_agent, org["desk"])

    rebuild_buckets([(jfk.location_id, jfk.local_date)])

    assert sums_read(lambda: manager.get(reverse("dashboards:dashboard"), WEEK)) == 0


def test_figures_are_kept_in_the_process_while_redis_is_down(manager, agent, org, redis_down):
    add_moment(agent, org["desk"])
    roll_up_everything()
    moments_shown(manager)

    read = sums_read(lambda: manager.get(reverse("dashboards:dashboard"), WEEK))

    assert read == 0

"""The per-location roll-up gives the dashboard the same figures as the buckets it sums.

Views that filter by nothing finer than location read LocationDayRollup; the others read
DailyRollup. Here the same figures are asked for both ways and must be equal, down to the
daily series; how the two tables stay in step is in test_rollup_properties.
"""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboards.figures import overview
from dashboards.filters import Scope, Selection, Window
from dashboards.models import DailyRollup, LocationDayRollup
from dashboards.rollup import COUNTED_COLUMNS
from tests.conftest import PASSWORD, add_moment, roll_up_everything
from touchpoints.models import Channel, Location

DASHBOARD_URL = reverse("dashboards:dashboard")


@pytest.fixture
def weeks(org, agent, jfk_agent):
    """Forty days of answered and unanswered moments at both airports, around midnight too,
    so that each location's local days differ from UTC's."""
    rng = random.Random(8)
    now = timezone.now()
    types = [org["bag_drop"], org["desk"], org["boarding"]]
    for staff in (agent, jfk_agent):
        for _ in range(60):
            answer = None
            if rng.random() < 0.7:
                answer = {"csat": rng.randint(1, 5), "nps": rng.randint(0, 10), "effort": None}
            add_moment(
                staff,
                rng.choice(types),
                outcome=rng.randint(1, 5),
                resolved=rng.random() < 0.6,
                channel=rng.choice([Channel.IN_PERSON, Channel.PHONE, Channel.CHAT]),
                occurred_at=now - timedelta(days=rng.randint(0, 40), minutes=rng.randint(0, 1439)),
                answer=answer,
            )
    roll_up_everything()


def read_tables(run) -> tuple[object, set[str]]:
    """What `run` returns, and which moment roll-ups its queries read."""
    with CaptureQueriesContext(connection) as queries:
        result = run()
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    tables = {name for name in ("locationdayrollup", "dailyrollup") if f"dashboards_{name}" in sql}
    return result, tables


@pytest.mark.parametrize("period", [1, 7, 30, 90])
def test_whole_company_figures_from_location_days_equal_those_from_buckets(org, weeks, period):
    selection = Selection(Scope(everything=True), Window.last_days(period, Location.objects.all()))
    coarse, coarse_tables = read_tables(lambda: overview(selection, COUNTED_COLUMNS))
    fine, fine_tables = read_tables(lambda: overview(selection, COUNTED_COLUMNS, coarse=False))
    assert coarse_tables == {"locationdayrollup"} and fine_tables == {"dailyrollup"}
    assert sum(day.moments for day in coarse.daily) > 0
    assert coarse == fine


def test_manager_sees_the_same_figures_with_a_team_filter_that_selects_all(
    client, arn_manager, org, weeks
):
    client.login(username=arn_manager.username, password=PASSWORD)
    everything, everything_tables = read_tables(lambda: client.get(DASHBOARD_URL, {"period": 30}))
    # Arlanda has one team, so filtering by it selects every moment, but through the buckets.
    one_team, one_team_tables = read_tables(
        lambda: client.get(DASHBOARD_URL, {"period": 30, "team": org["arn_desk"].pk})
    )
    assert "locationdayrollup" in everything_tables
    assert "locationdayrollup" not in one_team_tables
    assert everything.context["headlines"] == one_team.context["headlines"]
    assert everything.context["trend"]["rows"] == one_team.context["trend"]["rows"]
    assert everything.context["headlines"][0][0].current > 0


def test_a_manager_of_single_teams_is_summed_from_buckets(org):
    """A team outside the manager's locations is not a whole location: only buckets say
    which of a location's moments are that team's."""
    window = Window.last_days(7, [org["jfk"]])
    whole = Selection(Scope(location_ids=frozenset({org["arn"].pk})), window)
    with_team = Selection(
        Scope(location_ids=frozenset({org["arn"].pk}), team_ids=frozenset({org["jfk_desk"].pk})),
        window,
    )
    assert whole.location_q() is not None
    assert with_team.location_q() is None
    assert Selection(Scope(everything=True), window, channel=Channel.PHONE).location_q() is None


def migrate_dashboards_to(name: str) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("dashboards", name)])


@pytest.mark.django_db(transaction=True)
def test_upgrading_fills_location_days_from_the_existing_roll_ups(org, weeks):
    """A site upgraded with roll-ups in place shows the same whole-company figures from the
    first request, before any roll-up runs again."""
    buckets = sorted(DailyRollup.objects.values_list("location", "local_date", "moments"))
    migrate_dashboards_to("0004_index_recently_closed_recoveries")
    try:
        migrate_dashboards_to("0005_location_day_rollup")
    finally:
        migrate_dashboards_to(
            MigrationExecutor(connection).loader.graph.leaf_nodes("dashboards")[0][1]
        )
    per_day: dict[tuple, int] = {}
    for location, day, moments in buckets:
        per_day[location, day] = per_day.get((location, day), 0) + moments
    filled = LocationDayRollup.objects.values_list("location", "local_date", "moments")
    assert {(loc, day): n for loc, day, n in filled} == per_day
    assert len(per_day) > 10

"""The coarser roll-ups give the dashboard the same figures as the buckets they sum.

Views that filter by nothing finer than location read LocationDayRollup and
LocationNeedRollup; the tables by type and team read TypeDayRollup unless a channel is
chosen; the rest read DailyRollup and NeedRollup. Here the same figures are asked for both
ways and must be equal, down to the daily series; how the tables stay in step is in
test_rollup_properties.
"""

import random
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboards.figures import breakdown, overview
from dashboards.filters import Scope, Selection, Window
from dashboards.rollup import COUNTED_COLUMNS
from tests.conftest import PASSWORD, add_moment, roll_up_everything
from tests.shared_world import agent, arn_manager, jfk_agent, org  # noqa: F401
from touchpoints.models import Channel, Location, Need

DASHBOARD_URL = reverse("dashboards:dashboard")
# The weeks are built once for the module; each test reads them and rolls back what it writes.
# The upgrade that fills these tables migrates: tests/operations/test_upgrade_round_trip.py.
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def weeks(org, agent, jfk_agent):
    build_weeks(org, agent, jfk_agent)


def build_weeks(org, agent, jfk_agent) -> None:
    """Forty days of answered and unanswered moments, and needs, at both airports, around
    midnight too, so that each location's local days differ from UTC's."""
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
        for _ in range(12):
            Need.objects.create(
                raised_by=staff,
                team=staff.team,
                location=staff.team.location,
                kind=rng.choice(Need.Kind.values),
                raised_at=now - timedelta(days=rng.randint(0, 40), minutes=rng.randint(0, 1439)),
            )
    roll_up_everything()


ROLL_UPS = ["locationdayrollup", "typedayrollup", "dailyrollup", "locationneedrollup", "needrollup"]


def read_tables(run) -> tuple[object, set[str]]:
    """What `run` returns, and which roll-ups its queries read."""
    with CaptureQueriesContext(connection) as queries:
        result = run()
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    tables = {name for name in ROLL_UPS if f'"dashboards_{name}"' in sql}
    return result, tables


@pytest.mark.parametrize("period", [1, 7, 30, 90])
def test_whole_company_figures_from_location_days_equal_those_from_buckets(org, weeks, period):
    selection = Selection(Scope(everything=True), Window.last_days(period, Location.objects.all()))
    coarse, coarse_tables = read_tables(lambda: overview(selection, COUNTED_COLUMNS))
    fine, fine_tables = read_tables(lambda: overview(selection, COUNTED_COLUMNS, coarse=False))
    assert coarse_tables == {"locationdayrollup", "locationneedrollup"}
    assert fine_tables == {"dailyrollup", "needrollup"}
    assert sum(day.moments for day in coarse.daily) > 0
    assert sum(day.raised for day in coarse.daily_needs) > 0
    assert coarse == fine


@pytest.mark.parametrize("narrowing", ["nothing", "team", "type", "stage", "channel"])
def test_journey_team_and_gap_tables_from_type_days_equal_those_from_buckets(org, weeks, narrowing):
    """The tables by type and team sum channels away; with a channel chosen they cannot."""
    chosen = {
        "nothing": {},
        "team": {"team": org["arn_desk"]},
        "type": {"touchpoint_type": org["desk"]},
        "stage": {"stage": org["desk"].stage},
        "channel": {"channel": Channel.PHONE},
    }[narrowing]
    window = Window.last_days(30, Location.objects.all())
    selection = Selection(Scope(everything=True), window, **chosen)
    coarse, coarse_tables = read_tables(lambda: breakdown(selection))
    fine, fine_tables = read_tables(lambda: breakdown(selection, coarse=False))
    assert fine_tables == {"dailyrollup"}
    assert coarse_tables == ({"dailyrollup"} if narrowing == "channel" else {"typedayrollup"})
    assert sum(row.figures.moments for row in coarse.journey()) > 0
    assert coarse.journey() == fine.journey()
    assert coarse.by_team() == fine.by_team()
    assert coarse.gap() == fine.gap()


def test_manager_sees_the_same_figures_with_a_team_filter_that_selects_all(
    client, arn_manager, org, weeks
):
    client.login(username=arn_manager.username, password=PASSWORD)
    everything, everything_tables = read_tables(lambda: client.get(DASHBOARD_URL, {"period": 30}))
    # Arlanda has one team, so filtering by it selects every moment, but through the buckets.
    one_team, one_team_tables = read_tables(
        lambda: client.get(DASHBOARD_URL, {"period": 30, "team": org["arn_desk"].pk})
    )
    assert {"locationdayrollup", "locationneedrollup", "typedayrollup"} <= everything_tables
    assert not {"locationdayrollup", "locationneedrollup"} & one_team_tables
    for cards in ("key_headlines", "more_headlines"):
        assert everything.context[cards] == one_team.context[cards]
    assert everything.context["trend"]["rows"] == one_team.context["trend"]["rows"]
    assert everything.context["more_headlines"][0][0].current > 0  # moments


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

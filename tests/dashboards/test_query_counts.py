"""No dashboard request makes more queries because it shows more rows (no N+1), and the
dashboard's own request does a fixed, counted amount of work at each scope: a change that
adds a query or a Redis round trip to it fails here, not in a benchmark weeks later
(docs/performance.md, Dashboard)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboards.models import RollupGeneration
from tests.conftest import PASSWORD, add_moment, make_user, roll_up_everything
from tests.redis_round_trips import counting_redis_round_trips
from touchpoints.models import JourneyStage, Location, Need, Role, Team, TouchpointType
from touchpoints.needs import raise_need

# Session, user, roles and scope take a handful; every section of the page a fixed few; on
# PostgreSQL each roll-up read adds three (a savepoint, its settings, its release).
DASHBOARD_MAX = 33  # the location scope's count below, with or without finer filters
PAGE_MAX = 25
# The dashboard's request, counted exactly on PostgreSQL inside the test's transaction (where a
# savepoint and its release stand for BEGIN and COMMIT): the session and the user, who
# comes with their roles for the access check and the scope (2); a manager's locations and
# teams (2);
# the locations in view and the team options (2); the figures and tables in one read with
# one set of planner settings (savepoint, settings, the roll-ups' generations, moments by
# part and day, needs by part and day, the breakdown, its types and its teams, release: 9;
# the generations and the three sums are what dashboards/figure_cache.py keys and keeps, so
# a warm request skips the sums, and the two theme sums below: WARM_SAVES fewer); the
# short lists in a transaction of their own with their planner settings (savepoint, settings,
# release: 3; docs/performance.md, "The dashboard's short lists"): the needs summary (its
# overdue and new asks, and their counts: the still-open needs grouped, and those raised in
# the period counted: 4), open recoveries (1) and recent recoveries (1);
# the stage and touchpoint options (2), praise (1), the invitations held back by
# the over-survey limit (1, issue 22); the top themes, in the same read, what customers and
# what staff said (2; and the themes' names when there are any, 1); the record of who saw
# the page (1 insert, docs/privacy.md). An admin's scope is everything, so it skips the
# manager's two. (Before the needs triage, the needs box took 2: its queue and count; the
# whole triage on the dashboard took 4.) Remedies add two, whatever the scope: their roll-ups,
# budgets and this month's spending in one statement (in the figures' read, planned as they
# are), and the latest given over a limit.
# (They took six before that statement: two roll-up reads, three for budgets and spending.)
# The roll-ups' generations add one (dashboards/figure_cache.py). (The roles took two
# queries of their own before the user came with them, touchpoints/people/sign_in.py.)
DASHBOARD_QUERIES = {"company": 31, "location": 33, "team": 33}
WARM_SAVES = 5
# Sessions, lists and the roll-ups' generations live in PostgreSQL; only the figures' cache
# is in Redis: a cold request looks for its entry and stores it, a warm one finds it.
DASHBOARD_REDIS_ROUND_TRIPS = {"cold": 2, "warm": 1}


def fill(org, agent, teams: int, types: int, days: int, tag: str = "") -> None:
    """Moments over `teams` teams, `types` touchpoint types and `days` days, each answered
    (low, so each opens a recovery, and with praise), and a need from each team."""
    stage = JourneyStage.objects.create(name=f"More {tag}", order=9)
    all_types = [org["desk"]] + [
        TouchpointType.objects.create(name=f"Type {tag}{n}", stage=stage) for n in range(types - 1)
    ]
    people = [agent] + [
        make_user(
            f"p{tag}{n}",
            Role.FRONTLINE,
            team=Team.objects.create(name=f"T{tag}{n}", location=org["arn"]),
        )
        for n in range(teams - 1)
    ]
    now = timezone.now()
    for day in range(days):
        for person in people:
            for kind in all_types:
                answer = {"csat": 5 if day % 2 else 1, "comment": "Said something"}
                when = now - timedelta(days=day, minutes=5)
                add_moment(person, kind, occurred_at=when, answer=answer)
    for person in people:
        raise_need(person, Need.Kind.TOOL, "Something")
    roll_up_everything()


def queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.fixture
def manager(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    return client


# Each selection is counted on the same two worlds, few rows and then many: filling them
# is most of the test's cost.
SELECTIONS = [{"period": "30"}, {"period": "1", "channel": "phone"}]


def test_dashboard_queries_do_not_grow_with_teams_types_or_days(
    manager, org, agent, django_assert_max_num_queries
):
    url = reverse("dashboards:dashboard")
    fill(org, agent, teams=1, types=1, days=1)
    few = [queries(manager, url, params) for params in SELECTIONS]
    fill(org, agent, teams=4, types=5, days=6, tag="b")
    for params, before in zip(SELECTIONS, few, strict=True):
        with django_assert_max_num_queries(DASHBOARD_MAX):
            assert queries(manager, url, params) == before, params


def test_drill_down_queries_do_not_grow_with_teams_or_moments(
    manager, org, agent, django_assert_max_num_queries
):
    teams_url = reverse("dashboards:journey_type", args=[org["desk"].pk])
    moments_url = reverse("dashboards:journey_moments", args=[org["desk"].pk])
    fill(org, agent, teams=1, types=1, days=1)
    few = queries(manager, teams_url, {}), queries(manager, moments_url, {})
    fill(org, agent, teams=5, types=1, days=6, tag="b")
    with django_assert_max_num_queries(PAGE_MAX):
        many_teams = queries(manager, teams_url, {})
    with django_assert_max_num_queries(PAGE_MAX):
        many_moments = queries(manager, moments_url, {})
    assert (many_teams, many_moments) == few


def test_needs_page_queries_do_not_grow_with_needs(
    manager, org, agent, django_assert_max_num_queries
):
    url = reverse("dashboards:needs")
    raise_need(agent, Need.Kind.TOOL, "One")
    few = queries(manager, url, {})
    for n in range(15):
        raise_need(agent, Need.Kind.TRAINING if n % 2 else Need.Kind.OTHER, f"Need {n}")
    with django_assert_max_num_queries(PAGE_MAX):
        assert queries(manager, url, {}) == few


@pytest.fixture
def team_manager(org) -> object:
    """A manager of one team (the agent's), not of its whole location."""
    manager = make_user("tess", Role.MANAGER)
    manager.managed_teams.add(org["arn_desk"])
    return manager


def sweep_happened() -> None:
    """Every location's roll-ups in a new state, as after a sweep: no figures cached for it."""
    RollupGeneration.renew(Location.objects.values_list("pk", flat=True))


def counted(client, url: str, warm: bool = False) -> tuple[int, int]:
    """(SQL statements, Redis round trips) of one request for the 30-day view: cold, as the
    first after a sweep, or `warm`, as the next one."""
    client.get(url, {"period": "30"})  # the connection is open and the session is read once
    if not warm:
        sweep_happened()
    with CaptureQueriesContext(connection) as captured, counting_redis_round_trips() as sent:
        assert client.get(url, {"period": "30"}).status_code == 200
    return len(captured), len(sent)


def counted_as(client, viewer, url: str) -> tuple[int, int]:
    """`counted` for a cold request of `viewer`, signed in afresh."""
    client.logout()
    client.login(username=viewer.username, password=PASSWORD)
    return counted(client, url)


def test_a_dashboard_request_does_a_counted_fixed_amount_of_work_at_every_scope(
    client, org, agent, admin_user, arn_manager, team_manager, postgres, redis_url
):
    """Each scope's viewer on the same two worlds, few rows and then many."""
    viewers = {"company": admin_user, "location": arn_manager, "team": team_manager}
    url = reverse("dashboards:dashboard")
    fill(org, agent, teams=1, types=1, days=1)
    few = {scope: counted_as(client, viewer, url) for scope, viewer in viewers.items()}
    fill(org, agent, teams=4, types=5, days=6, tag="b")
    for scope, viewer in viewers.items():
        many = counted_as(client, viewer, url)
        assert many == few[scope], f"the dashboard's work grew with the rows it shows ({scope})"
        queries, round_trips = many
        assert queries <= DASHBOARD_QUERIES[scope], (
            f"{queries} queries at {scope} scope, more than {DASHBOARD_QUERIES[scope]}: a change"
            " made the dashboard do more work (lower the number here if you made it do less)"
        )
        assert round_trips <= DASHBOARD_REDIS_ROUND_TRIPS["cold"]


def test_a_second_dashboard_request_for_the_same_selection_skips_the_sums(
    client, org, agent, arn_manager, postgres, redis_url
):
    client.login(username=arn_manager.username, password=PASSWORD)
    url = reverse("dashboards:dashboard")
    fill(org, agent, teams=2, types=2, days=2)
    cold = counted(client, url)

    warm = counted(client, url, warm=True)

    assert warm == (cold[0] - WARM_SAVES, DASHBOARD_REDIS_ROUND_TRIPS["warm"])

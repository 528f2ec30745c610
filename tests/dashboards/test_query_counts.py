"""No dashboard request makes more queries because it shows more rows (no N+1)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, add_moment, make_user, roll_up_everything
from touchpoints.models import JourneyStage, Need, Role, Team, TouchpointType
from touchpoints.needs import raise_need

# Session, user, roles and scope take a handful; every section of the page a fixed few; on
# PostgreSQL each roll-up read adds three (a savepoint, its settings, its release).
DASHBOARD_MAX = 36
PAGE_MAX = 26


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


@pytest.mark.parametrize("params", [{"period": "30"}, {"period": "1", "channel": "phone"}])
def test_dashboard_queries_do_not_grow_with_teams_types_or_days(
    manager, org, agent, params, django_assert_max_num_queries
):
    url = reverse("dashboards:dashboard")
    fill(org, agent, teams=1, types=1, days=1)
    few = queries(manager, url, params)
    fill(org, agent, teams=4, types=5, days=6, tag="b")
    with django_assert_max_num_queries(DASHBOARD_MAX):
        many = queries(manager, url, params)
    assert many == few


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

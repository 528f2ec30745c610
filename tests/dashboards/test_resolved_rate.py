"""The resolved rate counts only moments whose resolution was recorded, and says how many."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from dashboards.metrics import Figures
from dashboards.models import DailyRollup, LocationDayRollup
from tests.conftest import PASSWORD, add_moment, moment_post, roll_up_everything
from tests.touchpoints.conftest import JSON
from touchpoints.models import Moment

DASHBOARD_URL = reverse("dashboards:dashboard")
LOG_URL = reverse("touchpoints:log")


def shown(response, attribute: str, key: str) -> str:
    return re.findall(rf'data-{attribute}="{key}">([^<]*)<', response.text)[0]


def test_rate_is_resolved_among_recorded_and_coverage_is_recorded_among_all(
    client, agent, arn_manager, org
):
    # 3 resolved, 1 not yet, 2 saved without a choice (one by an old page's tick box).
    client.login(username=agent.username, password=PASSWORD)
    for resolution in ["yes", "yes", "yes", "no", None, "on"]:
        client.post(LOG_URL, moment_post(org["desk"], resolved_on_spot=resolution), headers=JSON)
    roll_up_everything()

    sums = Figures.of(DailyRollup.objects.all())
    assert (sums.moments, sums.resolved_on_spot, sums.resolution_recorded) == (6, 3, 4)
    assert Figures.of(LocationDayRollup.objects.all()) == sums
    assert (sums.resolved_pct, sums.resolution_coverage) == (75.0, 100 * 4 / 6)

    client.login(username=arn_manager.username, password=PASSWORD)
    response = client.get(DASHBOARD_URL, {"period": "1"})
    assert shown(response, "figure", "resolved") == "75%"  # 3 of 4 recorded, not 3 of 6
    assert shown(response, "detail", "resolved") == "of 4 recorded (67% of moments)"


def test_type_page_shows_the_coverage_beside_the_rate(client, agent, arn_manager, org):
    add_moment(agent, org["desk"], resolved=True)
    add_moment(agent, org["desk"], resolved=None)
    roll_up_everything()
    client.login(username=arn_manager.username, password=PASSWORD)
    url = reverse("dashboards:journey_type", args=[org["desk"].pk])
    response = client.get(url, {"period": "1"})
    assert shown(response, "figure", "resolved") == "100%"
    assert shown(response, "detail", "resolved") == "of 1 recorded (50% of moments)"


def test_no_recorded_resolution_shows_no_rate_rather_than_zero(client, agent, arn_manager, org):
    add_moment(agent, org["desk"], resolved=None)
    roll_up_everything()
    client.login(username=arn_manager.username, password=PASSWORD)
    response = client.get(DASHBOARD_URL, {"period": "1"})
    assert shown(response, "figure", "resolved") == "–"
    assert shown(response, "detail", "resolved") == "of 0 recorded (0% of moments)"


def migrate(*targets: tuple[str, str]) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets))


def latest(app: str) -> tuple[str, str]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes(app)[0]


@pytest.mark.django_db(transaction=True)
def test_a_round_trip_through_the_upgrade_keeps_every_moment_and_its_figures(agent, org):
    """Going back stores "not recorded" as "not resolved" (the old column had no null);
    coming forward counts every existing moment and roll-up as recorded. One round trip for
    both: each migration run renders the whole project's history, seconds apiece."""
    add_moment(agent, org["desk"], resolved=True)
    add_moment(agent, org["desk"], resolved=False)
    add_moment(agent, org["bag_drop"], resolved=True)
    add_moment(agent, org["bag_drop"], resolved=None)
    roll_up_everything()
    migrate(("touchpoints", "0003_indexes_owned_here"), ("dashboards", "0008_effort_squares"))
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT resolved_on_spot FROM touchpoints_moment ORDER BY id")
            assert cursor.fetchall() == [(True,), (False,), (True,), (False,)]
            # roll-ups as the old code wrote them
            cursor.execute("UPDATE dashboards_dailyrollup SET timed_moments = 0, duration_sum = 0")
        migrate(latest("touchpoints"), latest("dashboards"))
    finally:
        migrate(latest("touchpoints"), latest("dashboards"), latest("feedback"))

    resolved = sorted(Moment.objects.values_list("resolved_on_spot", flat=True))
    assert resolved == [False, False, True, True]
    upgraded = Figures.of(DailyRollup.objects.all())
    assert (upgraded.moments, upgraded.resolved_on_spot, upgraded.resolution_recorded) == (4, 2, 4)
    assert Figures.of(LocationDayRollup.objects.all()) == upgraded
    roll_up_everything()  # what `manage.py rollup` rebuilds from the raw rows agrees
    assert Figures.of(DailyRollup.objects.all()) == upgraded

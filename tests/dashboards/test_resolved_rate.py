"""The resolved rate counts only moments whose resolution was recorded, and says how many.

What an upgrade does to the moments and roll-ups saved before: tests/operations/
test_upgrade_round_trip.py."""

import re

from django.urls import reverse

from dashboards.metrics import Figures
from dashboards.models import DailyRollup, LocationDayRollup
from tests.conftest import PASSWORD, add_moment, moment_post, roll_up_everything
from tests.touchpoints.conftest import JSON

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

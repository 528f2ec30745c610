"""A day outside what Moments can show (year 1, year 9999) is a 400 that says which days
are possible, on every page that takes days; never a 500 (it was an OverflowError)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from dashboards.filters import DAYS_AHEAD, FIRST_DAY

EXTREME = ["0001-01-01", "0001-01-02", "1999-12-31", "9999-12-31", "9999-12-30", "3000-01-01"]
NORMAL = "2026-11-01"


def pages(org) -> dict[str, str]:
    type_id = org["desk"].pk
    return {
        "dashboard": reverse("dashboards:dashboard"),
        "needs": reverse("dashboards:needs"),
        "journey": reverse("dashboards:journey_type", args=[type_id]),
        "journey moments": reverse("dashboards:journey_moments", args=[type_id]),
        "figures CSV": reverse("dashboards:export_figures"),
        "moments CSV": reverse("dashboards:export_moments"),
        "figures XLSX": reverse("dashboards:export_figures_xlsx"),
        "moments XLSX": reverse("dashboards:export_moments_xlsx"),
    }


def queries() -> list[dict[str, str]]:
    sweep = []
    for day in EXTREME:
        sweep += [
            {"period": "custom", "start": day, "end": day},
            {"period": "custom", "start": day, "end": NORMAL},
            {"period": "custom", "start": NORMAL, "end": day},
            {"period": "7", "start": day},  # a day given with another period is checked too
        ]
    return sweep


def test_every_page_that_takes_days_answers_400_with_a_message(client, org, arn_manager):
    client.force_login(arn_manager)
    refused = []
    for name, url in pages(org).items():
        for query in queries():
            response = client.get(url, query)
            refused.append((name, query["start"], response.status_code))
            assert response.status_code == 400, (name, query)
            assert "Choose days between 1 Jan 2000 and" in response.content.decode(), (name, query)
    assert len(refused) == 8 * len(queries())


def test_the_htmx_fragment_of_a_page_is_refused_the_same_way(client, org, arn_manager):
    client.force_login(arn_manager)
    query = {"period": "custom", "start": "0001-01-01", "end": "0001-01-05"}
    response = client.get(reverse("dashboards:dashboard"), query, HTTP_HX_REQUEST="true")
    assert response.status_code == 400


@pytest.mark.parametrize("name", ["dashboard", "needs", "journey", "figures CSV", "moments XLSX"])
def test_the_first_and_last_possible_days_are_shown(client, org, arn_manager, name):
    client.force_login(arn_manager)
    last = date.today() + timedelta(days=DAYS_AHEAD)
    for start, end in [
        (FIRST_DAY, FIRST_DAY + timedelta(days=365)),
        (last - timedelta(days=365), last),
    ]:
        query = {"period": "custom", "start": start.isoformat(), "end": end.isoformat()}
        assert client.get(pages(org)[name], query).status_code == 200


def test_a_malformed_day_is_still_a_form_to_correct(client, org, arn_manager):
    client.force_login(arn_manager)
    query = {"period": "custom", "start": "10000-01-01", "end": NORMAL}
    assert client.get(reverse("dashboards:dashboard"), query).status_code == 422


@pytest.mark.parametrize("day", EXTREME)
def test_the_team_page_ignores_days_it_never_takes(client, agent, day):
    client.force_login(agent)
    query = {"period": "custom", "start": day, "end": day}
    assert client.get(reverse("dashboards:team"), query).status_code == 200

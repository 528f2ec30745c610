"""Refusals on the frontline screens give their reason as JSON to the tablet's queue, which
shows it beside the moment; a browser without script still gets the page."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, make_user, moment_post
from tests.touchpoints.conftest import JSON
from touchpoints.models import Moment, Role

LOG_URL = reverse("touchpoints:log")


def refusal(response) -> str:
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    return response.json()["error"]


def test_a_person_removed_from_their_team_is_told_why_in_json(agent_client, agent, org):
    agent.team = None
    agent.save()
    response = agent_client.post(LOG_URL, moment_post(org["bag_drop"]), headers=JSON)
    assert "not in a team" in refusal(response)
    assert Moment.objects.count() == 0


def test_a_person_who_lost_the_frontline_role_is_told_why_in_json(agent_client, agent, org):
    agent.groups.clear()
    response = agent_client.post(LOG_URL, moment_post(org["bag_drop"]), headers=JSON)
    assert "Only frontline staff log moments" in refusal(response)
    assert Moment.objects.count() == 0


def test_someone_elses_moment_uuid_is_refused_in_json(client, agent, jfk_agent, org):
    data = moment_post(org["bag_drop"])
    client.login(username=agent.username, password=PASSWORD)
    client.post(LOG_URL, data, headers=JSON)
    client.login(username=jfk_agent.username, password=PASSWORD)
    response = client.post(LOG_URL, {**data, "note": "Mine"}, headers=JSON)
    assert "someone else logged" in refusal(response)
    assert response.json()["code"] == "id_in_use"
    assert Moment.objects.get().staff == agent


def test_an_undo_from_a_person_without_a_team_is_refused_in_json(agent_client, agent, org):
    data = moment_post(org["bag_drop"])
    agent_client.post(LOG_URL, data, headers=JSON)
    agent.team = None
    agent.save()
    response = agent_client.post(reverse("touchpoints:undo", args=[data["uuid"]]), headers=JSON)
    assert "not in a team" in refusal(response)
    assert Moment.objects.count() == 1


def test_a_browser_without_script_still_gets_the_page_with_the_reason(client, org):
    make_user("loner", Role.FRONTLINE)
    client.login(username="loner", password=PASSWORD)
    response = client.get(LOG_URL)
    assert response.status_code == 403
    assert "not in a team yet" in response.text


@pytest.fixture
def strict_client(agent) -> Client:
    """A client that, like a browser, must pass the CSRF check."""
    client = Client(enforce_csrf_checks=True)
    client.login(username=agent.username, password=PASSWORD)
    return client


def test_a_failed_csrf_check_is_explained_in_json_to_the_tablet(strict_client, org):
    response = strict_client.post(LOG_URL, moment_post(org["bag_drop"]), headers=JSON)
    assert "security check" in refusal(response)
    assert Moment.objects.count() == 0


def test_a_failed_csrf_check_is_djangos_page_for_a_browser(strict_client, org):
    response = strict_client.post(LOG_URL, moment_post(org["bag_drop"]))
    assert response.status_code == 403
    assert "CSRF verification failed" in response.text

"""A frontline team's own "how we are doing": figures shared widely, moments never."""

import re

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, add_moment, roll_up_everything

TEAM_URL = reverse("dashboards:team")


@pytest.fixture
def anna(client, agent):
    client.login(username=agent.username, password=PASSWORD)
    return client


@pytest.fixture
def moments(agent, jfk_agent, org):
    add_moment(agent, org["desk"], answer={"csat": 5, "nps": 10, "comment": "Anna was lovely"})
    add_moment(agent, org["desk"], answer={"csat": 2, "nps": 2})
    add_moment(jfk_agent, org["desk"], answer={"csat": 1, "comment": "JFK was a mess"})
    roll_up_everything()


def test_team_sees_its_own_figures_beside_its_location(anna, moments):
    page = anna.get(TEAM_URL).text
    assert re.search(r'data-figure="moments"><strong>2<', page)
    assert re.search(r'data-figure="csat"><strong>50%<', page)
    assert 'data-location-figure="moments">2<' in page


def test_team_page_never_shows_single_moments_or_other_teams(anna, moments):
    page = anna.get(TEAM_URL).text
    assert "JFK was a mess" not in page
    assert "Anna was lovely" not in page
    assert "New York" not in page


def test_period_switch_by_htmx_returns_only_the_team_view(anna, moments):
    response = anna.get(TEAM_URL, {"period": "30"}, HTTP_HX_REQUEST="true")
    assert response.text.lstrip().startswith('<div id="view"')
    assert "Last 30 days" in response.text


def test_someone_without_a_team_is_told_why(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    response = client.get(TEAM_URL)
    assert response.status_code == 403


def test_log_screen_links_to_how_we_are_doing(anna):
    page = anna.get(reverse("touchpoints:log")).text
    assert f'href="{reverse("dashboards:team")}"' in page

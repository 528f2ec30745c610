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


def test_team_page_never_shows_other_teams_or_low_answers(anna, moments):
    page = anna.get(TEAM_URL).text
    assert "JFK was a mess" not in page
    assert "New York" not in page
    assert "Anna was lovely" in page  # praise is the one exception: see below


def test_the_page_opens_with_the_weeks_praise_for_the_person_then_the_team_then_figures(
    client, agent, org, moments
):
    from tests.conftest import make_user
    from touchpoints.models import Role

    bo = make_user("bo", Role.FRONTLINE, team=org["arn_desk"], first_name="Bo")
    add_moment(bo, org["desk"], answer={"csat": 4, "comment": "Bo found my bag"})
    roll_up_everything()
    client.login(username=agent.username, password=PASSWORD)
    page = client.get(TEAM_URL).text
    order = ["How we are doing", "Praise for you this week", "Anna was lovely",
             "Praise for the team this week", "Bo found my bag", "for Bo", "Our figures",
             'data-figure="moments"']  # fmt: skip
    positions = [page.find(text) for text in order]
    assert -1 not in positions and positions == sorted(positions)


def test_praise_older_than_a_week_or_without_words_is_not_shown(anna, agent, org):
    from datetime import timedelta

    from django.utils import timezone

    from feedback.models import Answer

    add_moment(agent, org["desk"], answer={"csat": 5, "comment": "Last month was great"})
    add_moment(agent, org["desk"], answer={"csat": 5})
    Answer.objects.filter(comment__startswith="Last month").update(
        answered_at=timezone.now() - timedelta(days=8)
    )
    page = anna.get(TEAM_URL).text
    assert "Last month was great" not in page
    assert "No words of praise for you this week yet." in page


def test_a_detractor_is_not_praise_even_with_high_satisfaction(anna, agent, org):
    add_moment(agent, org["desk"], answer={"csat": 5, "nps": 3, "comment": "Fine, but pricey"})
    assert "Fine, but pricey" not in anna.get(TEAM_URL).text


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

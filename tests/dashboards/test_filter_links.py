"""Every link the dashboard screens generate carries each query parameter once."""

import html
import re
from collections import Counter
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse

from dashboards.views import MOMENTS_PER_PAGE
from tests.conftest import PASSWORD, add_moment, roll_up_everything

LINK = re.compile(r'(?:href|hx-get|action)="([^"]*)"')


def repeated_parameters(page: str) -> list[str]:
    repeated = []
    for link in LINK.findall(page):
        names = Counter(name for name, _ in parse_qsl(urlsplit(html.unescape(link)).query))
        repeated += [f"{link}: {name}" for name, count in names.items() if count > 1]
    return repeated


@pytest.fixture
def manager(client, arn_manager, agent, org):
    for _ in range(MOMENTS_PER_PAGE + 1):
        add_moment(agent, org["desk"], answer={"csat": 4})
    roll_up_everything()
    client.login(username=arn_manager.username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    "screen", ["dashboards:dashboard", "dashboards:journey_type", "dashboards:journey_moments"]
)
def test_links_carry_each_filter_once(manager, org, screen):
    args = [] if screen == "dashboards:dashboard" else [org["desk"].pk]
    filters = {"period": "30", "team": org["arn_desk"].pk, "channel": "in_person", "page": "1"}
    page = manager.get(reverse(screen, args=args), filters).text
    assert LINK.search(page)
    assert repeated_parameters(page) == []


def test_a_teams_moments_link_replaces_the_team_filter(manager, org):
    url = reverse("dashboards:journey_type", args=[org["desk"].pk])
    page = manager.get(url, {"period": "30", "team": org["arn_desk"].pk}).text
    moments = reverse("dashboards:journey_moments", args=[org["desk"].pk])
    assert f'{moments}?period=30&amp;team={org["arn_desk"].pk}">Moments</a>' in page


def test_next_page_link_keeps_the_filters_and_names_the_page_once(manager, org):
    url = reverse("dashboards:journey_moments", args=[org["desk"].pk])
    page = manager.get(url, {"period": "30", "page": "1"}).text
    assert 'href="?period=30&amp;page=2" rel="next"' in page

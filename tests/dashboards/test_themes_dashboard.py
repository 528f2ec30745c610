"""Themes on the dashboard: the top themes with n, share, CSAT and change, and the
drill-down to their comments with the matched words highlighted, safely."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from feedback.models import Answer, Moment, Theme
from feedback.themes import retag
from tests.conftest import add_moment, roll_up_everything

DASHBOARD_URL = reverse("dashboards:dashboard")


def theme(name: str) -> Theme:
    return Theme.objects.get(name_en=name)


def comment(agent, org, text: str, csat: int, days_ago: int = 0, language: str = "en") -> None:
    occurred = timezone.now() - timedelta(days=days_ago)
    add_moment(
        agent,
        org["bag_drop"],
        answer={"csat": csat, "comment": text, "language": language},
        occurred_at=occurred,
    )


def tag_and_roll_up() -> None:
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Answer.objects.update(answered_at=an_hour_ago)
    Moment.objects.update(created_at=an_hour_ago)
    retag.run(seconds=10)
    roll_up_everything()


def theme_row(response, name: str) -> str:
    rows = re.findall(r'<tr data-theme="\d+">(?:(?!</tr>).)*</tr>', response.text, re.DOTALL)
    found = [row for row in rows if f">{name}</a>" in row]
    assert found, f"{name} is not among the top themes"
    return found[0]


def cells(row: str) -> list[str]:
    return [re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]


@pytest.fixture
def themed(agent, org):
    for _ in range(6):
        comment(agent, org, "My bag was lost", csat=1)
    for _ in range(2):
        comment(agent, org, "Friendly staff, thank you", csat=5)
    comment(agent, org, "Great flight", csat=5)
    comment(agent, org, "The bag was late", csat=4, days_ago=8)
    tag_and_roll_up()


def test_the_top_themes_show_n_share_and_the_csat_of_their_answers(client, arn_manager, themed):
    client.force_login(arn_manager)
    response = client.get(DASHBOARD_URL)
    assert "9 comments in the period" in response.text
    baggage = cells(theme_row(response, "Baggage"))
    assert baggage[0] == "6"  # n
    assert baggage[1] == "67%"  # 6 of 9 comments
    assert baggage[3].startswith("0%")  # none of the six satisfied
    attitude = cells(theme_row(response, "Staff attitude"))
    assert attitude[:2] == ["2", "22%"] and attitude[3].startswith("100%")


def test_a_rise_beyond_chance_is_coloured_and_one_within_it_is_not(client, arn_manager, themed):
    client.force_login(arn_manager)
    response = client.get(DASHBOARD_URL + "?period=7d")
    baggage = theme_row(response, "Baggage")
    # 6 of 9 comments against 1 of 1 the week before: within chance.
    assert "no clear change" in baggage and 'class="num change "' in baggage


def test_the_drill_down_highlights_the_matched_words_and_escapes_the_rest(
    client, arn_manager, agent, org
):
    comment(agent, org, "<script>alert(1)</script> my luggage & bags never came", csat=1)
    tag_and_roll_up()
    client.force_login(arn_manager)
    url = reverse("dashboards:theme_comments", args=[theme("Baggage").pk])
    response = client.get(url)
    assert response.status_code == 200
    assert (
        "&lt;script&gt;alert(1)&lt;/script&gt; my <mark>luggage</mark> &amp; <mark>bags</mark>"
        in (response.text)
    )
    assert "<script>alert(1)" not in response.text


def test_the_drill_down_shows_what_staff_noted(client, arn_manager, agent, org):
    add_moment(agent, org["desk"], note="Customer's suitcase missing, sent to lost & found")
    tag_and_roll_up()
    client.force_login(arn_manager)
    response = client.get(reverse("dashboards:theme_comments", args=[theme("Baggage").pk]))
    assert "What staff noted about it" in response.text
    assert "<mark>suitcase</mark>" in response.text


def test_a_frontline_agent_cannot_read_a_theme_s_comments(client, agent):
    client.force_login(agent)
    response = client.get(reverse("dashboards:theme_comments", args=[theme("Baggage").pk]))
    assert response.status_code == 403


def test_the_themes_come_from_the_cache_until_a_sweep_changes_them(
    client, arn_manager, agent, org, themed, redis_url
):
    client.force_login(arn_manager)
    client.get(DASHBOARD_URL)  # computes and keeps the sums
    with CaptureQueriesContext(connection) as read:
        again = client.get(DASHBOARD_URL)
    assert not [q for q in read if "themelocationdayrollup" in q["sql"]]
    assert cells(theme_row(again, "Baggage"))[0] == "6"

    comment(agent, org, "Where is my bag?", csat=2)
    tag_and_roll_up()

    assert cells(theme_row(client.get(DASHBOARD_URL), "Baggage"))[0] == "7"

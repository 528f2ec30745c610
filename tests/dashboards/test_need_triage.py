"""The manager's needs, triaged: new first, overdue marked, the rest behind a count; the same
ask from several teams answered once; every count says its scope and period, and the card,
the box and the needs page agree."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dashboards.need_answers import answer_need
from tests.conftest import PASSWORD, make_user
from touchpoints.models import Need, Role, Team
from touchpoints.needs import raise_need


@pytest.fixture
def manager(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    return client


@pytest.fixture
def teams(org):
    """Three frontline people, each in their own team at Arlanda."""
    names = ["Check-in", "Gate", "Lounge"]
    return [
        make_user(f"p{n}", Role.FRONTLINE, team=Team.objects.create(name=name, location=org["arn"]))
        for n, name in enumerate(names)
    ]


def raised(person, kind, note, days_ago=0.0, status=None, by=None) -> Need:
    need = raise_need(person, kind, note)
    need.raised_at = timezone.now() - timedelta(days=days_ago)
    need.save()
    if status:
        need = answer_need(need, by, status, "On it")
    return need


def section(page: str, start: str, end: str | None = None) -> str:
    begin = page.index(start)
    return page[begin : page.index(end, begin) if end else None]


def test_a_need_raised_a_minute_ago_is_on_the_dashboard_before_any_roll_up(manager, agent):
    for n in range(20):
        raised(agent, Need.Kind.OTHER, f"Old thing {n}", days_ago=30 + n)
    raise_need(agent, Need.Kind.TOOL, "Scanner at gate 12 is dead")
    page = manager.get(reverse("dashboards:dashboard")).text
    assert "Scanner at gate 12 is dead" in page
    assert page.index("Scanner at gate 12 is dead") < page.index("Old thing 0")
    assert re.search(r'data-figure="needs">1<', page)


def test_unacknowledged_come_first_newest_first_then_overdue_then_the_rest_behind_a_count(
    manager, agent, arn_manager
):
    raised(agent, Need.Kind.TOOL, "Old printer", days_ago=20)
    raised(agent, Need.Kind.TOOL, "New printer", days_ago=0.1)
    ack = Need.Status.ACKNOWLEDGED
    raised(agent, Need.Kind.TRAINING, "Late training", 9, ack, arn_manager)
    for n in range(3):
        raised(agent, Need.Kind.STAFFING, f"Fresh staffing {n}", 2, ack, arn_manager)
    page = manager.get(reverse("dashboards:needs")).text
    new = section(page, 'id="new-needs"', 'id="overdue-needs"')
    assert new.index("New printer") < new.index("Old printer")
    overdue = section(page, 'id="overdue-needs"', 'id="on-track-needs"')
    assert "Late training" in overdue and "overdue" in overdue
    assert "more than 7 days ago" in overdue
    on_track = section(page, 'id="on-track-needs"')
    assert "3 more acknowledged, on track" in on_track
    assert '<details class="on-track" id="on-track-needs" open>' in page
    assert "Fresh staffing 0" in on_track


def test_the_dashboard_shows_three_asks_overdue_first_then_the_newest_and_counts_the_rest(
    manager, agent, arn_manager
):
    ack = Need.Status.ACKNOWLEDGED
    for n in range(5):
        raised(agent, Need.Kind.TOOL, f"New printer {n}", days_ago=n / 10)
        raised(agent, Need.Kind.STAFFING, f"Fresh staffing {n}", 2, ack, arn_manager)
    raised(agent, Need.Kind.TRAINING, "Late training", 9, ack, arn_manager)
    page = manager.get(reverse("dashboards:dashboard")).text
    top = section(page, 'class="needs top-needs"', "</ul>\n")
    shown = re.findall(r'<p class="need-note">([^<]*)</p>', top)
    assert shown == ["Late training", "New printer 0", "New printer 1"]
    counts = {k: int(v) for k, v in re.findall(r'data-count="([a-z-]+)">(\d+)', page)}
    assert (counts["new"], counts["overdue"], counts["on-track"]) == (5, 1, 5)
    assert f'href="{reverse("dashboards:needs")}?' in page and "See all 11 open needs" in page


def test_the_overdue_target_is_a_setting(manager, agent, arn_manager, settings):
    settings.NEED_TARGET_DAYS = 3
    raised(agent, Need.Kind.TRAINING, "Four days waiting", 4, Need.Status.ACKNOWLEDGED, arn_manager)
    page = manager.get(reverse("dashboards:needs")).text
    assert "Four days waiting" in section(page, 'id="overdue-needs"')
    assert "more than 3 days ago" in page


def test_the_same_ask_from_three_teams_is_one_item(manager, teams):
    for person, note in zip(
        teams,
        ["Spare bag-tag printer", "spare  bag-tag PRINTER.", "Spare bag-tag printer!"],
        strict=True,
    ):
        raise_need(person, Need.Kind.TOOL, note)
    raise_need(teams[0], Need.Kind.TRAINING, "Spare bag-tag printer")  # another kind
    page = manager.get(reverse("dashboards:dashboard")).text
    assert page.count("3 teams asked: Tool or equipment") == 1
    assert "Send to all 3" in page
    assert "asked: Training" not in page  # a need alone is shown as itself


def test_answering_an_ask_answers_every_team_and_each_agent_sees_it(client, manager, teams):
    needs = [raise_need(person, Need.Kind.TOOL, "Spare bag-tag printer") for person in teams]
    response = manager.post(
        reverse("dashboards:answer_ask"),
        {"needs": [n.pk for n in needs], "status": "provided", "answer": "Three printers ordered"},
    )
    assert response.status_code == 302
    for need in needs:
        need.refresh_from_db()
        assert (need.status, need.answer) == ("provided", "Three printers ordered")
    client.logout()
    for person in teams:
        client.login(username=person.username, password=PASSWORD)
        assert "Three printers ordered" in client.get(reverse("touchpoints:needs")).text


def test_answering_an_ask_by_htmx_swaps_the_item_with_the_answer(manager, teams):
    needs = [raise_need(person, Need.Kind.TOOL, "Spare bag-tag printer") for person in teams]
    response = manager.post(
        reverse("dashboards:answer_ask"),
        {"needs": [n.pk for n in needs], "status": "acknowledged", "answer": "Asking IT"},
        HTTP_HX_REQUEST="true",
    )
    assert response.text.strip().startswith(
        f'<li class="need ask card status-acknowledged" id="ask-{needs[0].pk}"'
    )
    assert "Asking IT" in response.text


def test_an_ask_with_a_need_from_another_location_is_refused_whole(manager, agent, jfk_agent):
    mine = raise_need(agent, Need.Kind.TOOL, "Printer")
    theirs = raise_need(jfk_agent, Need.Kind.TOOL, "Printer")
    response = manager.post(
        reverse("dashboards:answer_ask"),
        {"needs": [mine.pk, theirs.pk], "status": "provided", "answer": "Done"},
    )
    assert response.status_code == 422
    assert "Reload the page" in response.text
    assert set(Need.objects.values_list("status", flat=True)) == {"open"}


def test_declining_an_ask_without_a_reason_keeps_every_need_open(manager, teams):
    needs = [raise_need(person, Need.Kind.TOOL, "Printer") for person in teams]
    response = manager.post(
        reverse("dashboards:answer_ask"),
        {"needs": [n.pk for n in needs], "status": "declined", "answer": ""},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422
    assert "Say why" in response.text
    assert set(Need.objects.values_list("status", flat=True)) == {"open"}


def figures(page: str) -> dict[str, int]:
    found = {k: int(v) for k, v in re.findall(r'data-count="([a-z-]+)">(\d+)', page)}
    card = re.search(r'data-figure="needs">(\d+)<', page)
    if card:
        found["card"] = int(card.group(1))
    return found


@pytest.mark.parametrize(
    "filters", [{}, {"period": "30"}, {"period": "1"}, {"period": "7", "team": "team"}]
)
def test_the_card_the_box_and_the_needs_page_count_the_same_for_the_same_filters(
    manager, agent, teams, arn_manager, jfk_agent, org, filters
):
    ack, provided = Need.Status.ACKNOWLEDGED, Need.Status.PROVIDED
    for days_ago in [0, 0.5, 3, 10, 40, 100]:
        raised(agent, Need.Kind.TOOL, f"Open {days_ago}", days_ago)
        raised(teams[1], Need.Kind.TRAINING, f"Acknowledged {days_ago}", days_ago, ack, arn_manager)
        raised(teams[2], Need.Kind.OTHER, f"Provided {days_ago}", days_ago, provided, arn_manager)
    raise_need(jfk_agent, Need.Kind.TOOL, "Another location's")
    one_team = bool(filters.get("team"))
    if one_team:
        filters = {**filters, "team": agent.team_id}
    dashboard = figures(manager.get(reverse("dashboards:dashboard"), filters).text)
    needs_page = figures(manager.get(reverse("dashboards:needs"), filters).text)
    assert dashboard["card"] == dashboard["open-in-period"] == needs_page["open-in-period"]
    assert dashboard["open"] == needs_page["open"] == (6 if one_team else 12)
    per_team = {"7": 3, "30": 4}.get(filters.get("period", "7"))  # 0, 0.5, 3 (and 10) days ago
    if per_team:
        assert dashboard["open-in-period"] == per_team * (1 if one_team else 2)


def test_counts_name_their_scope_and_period(manager, agent, org):
    raise_need(agent, Need.Kind.TOOL, "Printer")
    page = manager.get(
        reverse("dashboards:dashboard"), {"period": "30", "location": org["arn"].pk}
    ).text
    assert "Open needs at Stockholm Arlanda:" in page
    assert "raised in the last 30 days" in page
    needs_page = manager.get(reverse("dashboards:needs"), {"period": "1"}).text
    assert "Open needs at Stockholm Arlanda:" in needs_page
    assert "raised today" in needs_page

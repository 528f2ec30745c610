"""Every rate says what it rests on: its n, "few answers" below the minimum, a 95 % range,
and a change coloured only when it is more than chance."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from dashboards.digest import compose
from tests.conftest import PASSWORD, add_moment, calendar_days_ago, roll_up_everything

DASHBOARD_URL = reverse("dashboards:dashboard")


@pytest.fixture
def manager(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    return client


def answered(agent, touchpoint_type, csats: list[int], days_ago: int = 0) -> list:
    when = calendar_days_ago(agent.team.location, days_ago, minutes=5)
    return [
        add_moment(agent, touchpoint_type, occurred_at=when, answer={"csat": csat, "nps": 9})
        for csat in csats
    ]


def card(page: str, key: str) -> str:
    """The headline card of figure `key`, as HTML."""
    return re.search(rf'<div class="figure[^"]*">\s*<dt>[^<]*</dt>\s*<dd data-figure="{key}">'
                     r".*?</div>", page, re.S)[0]  # fmt: skip


def test_a_figure_on_few_answers_is_shown_muted_and_marked(manager, agent, org):
    answered(agent, org["desk"], [5, 5, 4, 5])
    roll_up_everything()
    page = manager.get(DASHBOARD_URL, {"period": "7"}).text
    csat = card(page, "csat")
    assert csat.startswith('<div class="figure few">')
    assert 'data-figure="csat">100%<' in csat
    assert "4 answers" in csat and "few answers" in csat
    row = re.search(rf'data-type="{org["desk"].pk}">(.*?)</tr>', page, re.S)[1]
    assert '<td class="num few">4 <small class="few-mark">few answers</small></td>' in row
    assert re.search(r'<td class="num tone-[a-z]* few" title="4 answers · few answers', row)


def test_a_figure_on_enough_answers_is_not_marked(manager, agent, org, settings):
    settings.FEW_ANSWERS = 4
    answered(agent, org["desk"], [5, 5, 4, 5])
    roll_up_everything()
    csat = card(manager.get(DASHBOARD_URL, {"period": "7"}).text, "csat")
    assert csat.startswith('<div class="figure">')
    assert "4 answers" in csat and "few answers" not in csat


def test_each_rate_has_its_95_percent_range_on_demand(manager, agent, org):
    answered(agent, org["desk"], [5, 5, 4, 5])
    roll_up_everything()
    page = manager.get(DASHBOARD_URL, {"period": "7"}).text
    assert 'name="ranges"' in page
    assert '<dd class="detail ci">95 %: 51–100%</dd>' in card(page, "csat")


def test_a_change_within_the_noise_says_no_clear_change_and_is_not_coloured(manager, agent, org):
    answered(agent, org["desk"], [5] * 5 + [1] * 5, days_ago=10)  # before: 50 %
    answered(agent, org["desk"], [5] * 4 + [1] * 6)  # now: 40 %, "−10 pts" on 10 answers
    roll_up_everything()
    page = manager.get(DASHBOARD_URL, {"period": "7"}).text
    change = re.search(r'<dd class="change ([a-z]*)" data-change="csat"[^>]*>([^<]*)<', page)
    assert change.groups() == ("", "no clear change")


def test_a_clear_change_is_coloured(manager, agent, org, settings):
    settings.FEW_ANSWERS = 10  # ten answers a side are enough here; below it, never coloured
    answered(agent, org["desk"], [5] * 10, days_ago=10)  # before: 100 %
    answered(agent, org["desk"], [1] * 8 + [5] * 2)  # now: 20 %
    roll_up_everything()
    page = manager.get(DASHBOARD_URL, {"period": "7"}).text
    change = re.search(r'<dd class="change ([a-z]*)" data-change="csat"[^>]*>([^<]*)<', page)
    assert change.groups() == ("bad", "−80 pts")


def test_a_clear_change_on_few_answers_is_not_coloured(manager, agent, org):
    answered(agent, org["desk"], [5] * 10, days_ago=10)  # before: 100 %
    answered(agent, org["desk"], [1] * 8 + [5] * 2)  # now: 20 %, significant but on 10 answers
    roll_up_everything()
    page = manager.get(DASHBOARD_URL, {"period": "7"}).text
    change = re.search(r'<dd class="change ([a-z]*)" data-change="csat"[^>]*>([^<]*)<', page)
    assert change.groups() == ("", "no clear change")


def test_team_page_shows_n_and_marks_few_answers(client, agent, org):
    answered(agent, org["desk"], [5, 2])
    roll_up_everything()
    client.login(username=agent.username, password=PASSWORD)
    page = client.get(reverse("dashboards:team")).text
    cell = re.search(r'<td class="num few" data-figure="csat">.*?</td>', page, re.S)[0]
    assert "<strong>50%</strong>" in cell and "2 answers" in cell and "few answers" in cell


def test_drill_down_shows_n_and_marks_few_answers(manager, agent, org):
    answered(agent, org["desk"], [5, 2, 4])
    roll_up_everything()
    url = reverse("dashboards:journey_type", args=[org["desk"].pk])
    page = manager.get(url, {"period": "7"}).text
    csat = card(page, "csat")
    assert csat.startswith('<div class="figure few">') and "3 answers" in csat


def test_digest_gives_n_and_no_clear_change(arn_manager, agent, org):
    yesterday = answered(agent, org["desk"], [5, 4, 1], days_ago=1)[0].local_date
    answered(agent, org["desk"], [5, 1, 1], days_ago=2)
    roll_up_everything()
    body = compose(arn_manager, yesterday + timedelta(days=1)).body
    assert "CSAT: 67% (no clear change), 3 answers - few answers, read with care" in body


def test_figures_export_has_n_lower_and_upper_for_each_rate(manager, agent, org):
    answered(agent, org["desk"], [5, 5, 4, 1])
    roll_up_everything()
    response = manager.get(reverse("dashboards:export_figures"), {"period": "7"})
    text = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    exported = list(csv.reader(io.StringIO(text)))
    period = dict(zip(exported[0], exported[1], strict=True))
    assert (period["csat_pct"], period["csat_answers"]) == ("75.0", "4")
    assert (period["csat_pct_lower"], period["csat_pct_upper"]) == ("30.1", "95.4")
    assert (period["nps"], period["nps_answers"]) == ("100.0", "4")
    assert {"effort_lower", "resolved_on_spot_pct_upper", "recovery_rate_pct_lower"} <= set(
        exported[0]
    )

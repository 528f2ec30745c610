"""Every colour on a figure, a change or a rank means "significantly different" by the test in
docs/metrics.md ("What a colour means"), or the figure is grey: the rendered pages are read
for every coloured element, and each one must be one that the data makes significant."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from dashboards.metrics import Figures
from dashboards.significance import BAD, GOOD, GREY, tone, z_for
from tests.conftest import PASSWORD, roll_up_everything
from tests.dashboards.test_honest_figures import answered
from touchpoints.models import Need
from touchpoints.needs import raise_need

# The classes that colour a figure, a change or a rank (static/css/moments.css). A need's
# "overdue" (.late) and an answer's status are states of one item, not figures.
FIGURE_COLOURS = {"good", "bad", "tone-good", "tone-bad", "tone-warn", "worst"}


class Coloured(HTMLParser):
    """Each element with a figure's colour: (what it marks, its colour classes)."""

    def __init__(self):
        super().__init__()
        self.found: set[tuple[str, str]] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        colours = FIGURE_COLOURS & set((attrs.get("class") or "").split())
        if colours:
            what = attrs.get("data-change") or attrs.get("data-type") or attrs.get("title") or tag
            self.found.add((what, " ".join(sorted(colours))))


def coloured(html: str) -> set[tuple[str, str]]:
    parser = Coloured()
    parser.feed(html)
    return parser.found


def pages(client, org, agent) -> dict[str, str]:
    period = {"period": "7"}
    manager_pages = {
        "dashboard": client.get(reverse("dashboards:dashboard"), period).text,
        "journey": client.get(
            reverse("dashboards:journey_type", args=[org["desk"].pk]), period
        ).text,
    }
    client.logout()
    client.login(username=agent.username, password=PASSWORD)
    return {**manager_pages, "team": client.get(reverse("dashboards:team")).text}


@pytest.fixture
def enough_at_twelve(settings):
    settings.FEW_ANSWERS = 10  # twelve answers a side are enough to be judged: a fast test


def test_large_differences_within_chance_are_grey_everywhere(
    client, arn_manager, agent, org, enough_at_twelve
):
    answered(agent, org["desk"], [5] * 8 + [1] * 4, days_ago=10)  # before: 67 %
    answered(agent, org["desk"], [5] * 5 + [1] * 7)  # now: 42 %, "−25 pts"
    answered(agent, org["bag_drop"], [5] * 8 + [1] * 4)  # 67 % beside the desk's 42 %
    for n in range(11):  # "Open needs +11", a count without a test
        raise_need(agent, Need.Kind.TOOL, f"Printer {n}")
    roll_up_everything()
    client.login(username=arn_manager.username, password=PASSWORD)
    rendered = pages(client, org, agent)
    assert "−25 pts" in rendered["dashboard"] or "no clear change" in rendered["dashboard"]
    assert '<dd class="change " data-change="needs">+11</dd>' in rendered["dashboard"]
    assert {name: coloured(html) for name, html in rendered.items()} == {
        "dashboard": set(),
        "journey": set(),
        "team": set(),
    }


def test_significant_differences_are_coloured_and_nothing_else_is(
    client, arn_manager, agent, org, enough_at_twelve
):
    answered(agent, org["desk"], [5] * 12, days_ago=10)  # before: 100 %
    answered(agent, org["desk"], [1] * 12)  # now: 0 %
    answered(agent, org["bag_drop"], [5] * 12)  # 100 % beside the desk's 0 %
    roll_up_everything()
    client.login(username=arn_manager.username, password=PASSWORD)
    rendered = pages(client, org, agent)
    desk, bag_drop = str(org["desk"].pk), str(org["bag_drop"].pk)
    assert coloured(rendered["dashboard"]) == {
        ("csat", "bad"),  # the CSAT card's change: 50 % from 100 %
        (desk, "worst"),  # the journey's row, marked lowest CSAT
        ("span", "bad"),  # its "lowest CSAT" tag
        ("12 answers · 0–24%", "tone-bad"),  # the desk's CSAT cell
        ("12 answers · 76–100%", "tone-good"),  # the bag drop's
    }
    assert bag_drop in rendered["dashboard"]
    assert coloured(rendered["journey"]) == set()  # one team: nothing to compare with
    assert coloured(rendered["team"]) == {
        ("td", "bad"),  # the team's CSAT change
        ("tr", "worst"),
        ("12 answers · 0–24%", "tone-bad"),
        ("12 answers · 76–100%", "tone-good"),
    }


@pytest.mark.parametrize(
    "now, before, expected",
    [
        # A recovery rate down 33 points on 15 low answers: few, so grey (the case).
        ((10, 15), (15, 15), GREY),
        # The same fall on ten times the answers is a clear one.
        ((100, 150), (150, 150), BAD),
        ((150, 150), (100, 150), GOOD),
        # Enough answers but within chance: grey.
        ((20, 40), (24, 40), GREY),
    ],
)
def test_the_recovery_rate_is_coloured_only_when_significant_on_enough_answers(
    now, before, expected
):
    current = Figures(low_answers=now[1], recoveries_closed=now[0])
    previous = Figures(low_answers=before[1], recoveries_closed=before[0])
    assert tone(current, previous, "recovery_rate") == expected


def test_counts_and_times_are_never_coloured():
    assert tone(Figures(moments=500), Figures(moments=10), "moments") == GREY
    slow, quick = (Figures(recovery_seconds=s, recoveries_closed=50) for s in (9000, 10))
    assert tone(slow, quick, "hours_to_recover") == GREY


def test_a_table_of_many_rows_needs_a_larger_difference():
    assert z_for(1) == pytest.approx(1.95996, abs=1e-5)
    assert z_for(10) == pytest.approx(2.80703, abs=1e-5)  # scipy: norm.ppf(1 - 0.025 / 10)

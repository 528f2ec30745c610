"""Figures on the page equal the figures computed straight from the raw rows.

The expected values below never touch the roll-ups: they count Moment and Answer rows for
the same filters and each location's own local days, and are compared with the page.
"""

import random
import re
from datetime import timedelta

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from feedback.models import Answer
from tests.conftest import PASSWORD, add_moment, make_user, roll_up_everything
from tests.shared_world import admin_user, agent, arn_manager, jfk_agent, org  # noqa: F401
from touchpoints.models import Channel, Location, Moment, Role, Team

# The history is built once for the module; each test reads it and rolls back what it writes.
pytestmark = pytest.mark.django_db

DASHBOARD_URL = reverse("dashboards:dashboard")
MINUS = "−"


def figure(response, name: str) -> str:
    return re.findall(rf'data-figure="{name}">([^<]*)<', response.text)[0]


def pct(value):
    return "–" if value is None else f"{value:.0f}%"


def signed(value):
    return "–" if value is None else f"{value:+.0f}".replace("-", MINUS)


@pytest.fixture(scope="module")
def history(org, agent, jfk_agent):
    """Three ARN teams of very different size (5, 25 and 120 moments) and a JFK team, over
    twelve days, with customers who answer most moments and mostly disagree across teams."""
    rng = random.Random(6)
    arn = org["arn"]
    small, big = (Team.objects.create(name=n, location=arn) for n in ("Lounge", "Gate"))
    people = {
        small: make_user("sam", Role.FRONTLINE, team=small),
        big: make_user("bo", Role.FRONTLINE, team=big),
        org["arn_desk"]: agent,
        org["jfk_desk"]: jfk_agent,
    }
    volumes = {small: 5, org["arn_desk"]: 25, big: 120, org["jfk_desk"]: 30}
    # The small team's customers are delighted, the big team's mostly not: a mean of team
    # NPS figures would be far from the company's NPS.
    moods = {small: 10, org["arn_desk"]: 8, big: 4, org["jfk_desk"]: 7}
    now = timezone.now()
    types = [org["bag_drop"], org["desk"], org["boarding"]]
    for team, volume in volumes.items():
        for _ in range(volume):
            answer = None
            if rng.random() < 0.8:
                nps = max(0, min(10, round(rng.gauss(moods[team], 2))))
                answer = {
                    "csat": max(1, min(5, round(nps / 2))),
                    "nps": nps if rng.random() < 0.9 else None,
                    "effort": rng.randint(1, 7) if rng.random() < 0.5 else None,
                }
            add_moment(
                people[team],
                rng.choice(types),
                outcome=rng.randint(1, 5),
                resolved=rng.random() < 0.7,
                channel=rng.choice([Channel.IN_PERSON, Channel.PHONE]),
                occurred_at=now - timedelta(days=rng.randint(0, 11), minutes=rng.randint(1, 600)),
                answer=answer,
            )
    roll_up_everything()
    return {"small": small, "big": big}


def raw_moments(days: int, **filters) -> Q:
    """Moments on each location's own last `days` local days, computed without roll-ups."""
    in_window = Q(pk__in=[])
    for location in Location.objects.all():
        today = location.today()
        in_window |= Q(location=location, local_date__gt=today - timedelta(days=days))
    return Moment.objects.filter(in_window, **filters)


def expected(moments) -> dict[str, str]:
    answers = Answer.objects.filter(invitation__moment__in=moments)
    csat_n = answers.count()
    nps = answers.exclude(nps=None)
    promoters, detractors = nps.filter(nps__gte=9).count(), nps.filter(nps__lte=6).count()
    return {
        "moments": str(moments.count()),
        "csat": pct(100 * answers.filter(csat__gte=4).count() / csat_n if csat_n else None),
        "nps": signed(100 * (promoters - detractors) / nps.count() if nps.count() else None),
        "resolved": pct(
            100 * moments.filter(resolved_on_spot=True).count() / moments.count()
            if moments.count()
            else None
        ),
    }


def shown(response) -> dict[str, str]:
    return {name: figure(response, name) for name in ("moments", "csat", "nps", "resolved")}


def nps_of(moments) -> float:
    nps = Answer.objects.filter(invitation__moment__in=moments).exclude(nps=None)
    promoters, detractors = nps.filter(nps__gte=9).count(), nps.filter(nps__lte=6).count()
    return 100 * (promoters - detractors) / nps.count()


def test_company_nps_pools_answers_over_teams_of_very_different_size(client, admin_user, history):
    client.login(username=admin_user.username, password=PASSWORD)
    response = client.get(DASHBOARD_URL, {"period": "30"})
    moments = raw_moments(30)
    team_nps = [nps_of(moments.filter(team=team)) for team in Team.objects.all()]
    mean_of_teams = signed(sum(team_nps) / len(team_nps))
    assert figure(response, "nps") == expected(moments)["nps"]
    assert figure(response, "nps") != mean_of_teams  # the figure is pooled, not averaged


@pytest.mark.parametrize(
    "params, raw_filters",
    [
        ({"period": "1"}, {}),
        ({"period": "7"}, {}),
        ({"period": "30"}, {}),
        ({"period": "7", "channel": "phone"}, {"channel": "phone"}),
        ({"period": "30", "touchpoint_type": "desk"}, {"touchpoint_type": "desk"}),
        ({"period": "30", "team": "big"}, {"team": "big"}),
        ({"period": "30", "location": "jfk"}, {"location": "jfk"}),
        ({"period": "90", "stage": "gate"}, {"touchpoint_type__stage": "gate"}),
    ],
)
def test_headline_equals_raw_rows_for_the_same_filters(
    client, admin_user, org, history, params, raw_filters
):
    named = {**org, **history, "gate": org["boarding"].stage}
    params = {k: named[v].pk if v in named else v for k, v in params.items()}
    raw_filters = {k: named.get(v, v) for k, v in raw_filters.items()}
    client.login(username=admin_user.username, password=PASSWORD)
    response = client.get(DASHBOARD_URL, params)
    assert shown(response) == expected(raw_moments(int(params["period"]), **raw_filters))


def test_manager_figures_equal_raw_rows_of_their_location_only(client, arn_manager, org, history):
    client.login(username=arn_manager.username, password=PASSWORD)
    response = client.get(DASHBOARD_URL, {"period": "30"})
    assert shown(response) == expected(raw_moments(30, location=org["arn"]))


def test_custom_period_equals_raw_rows_of_those_days(client, admin_user, history):
    first, last = Moment.objects.order_by("local_date").first().local_date, timezone.localdate()
    first += timedelta(days=2)
    last -= timedelta(days=3)
    client.login(username=admin_user.username, password=PASSWORD)
    response = client.get(DASHBOARD_URL, {"period": "custom", "start": first, "end": last})
    moments = Moment.objects.filter(local_date__range=(first, last))
    assert shown(response) == expected(moments)


def test_journey_row_equals_raw_rows_of_that_type(client, admin_user, org, history):
    client.login(username=admin_user.username, password=PASSWORD)
    response = client.get(DASHBOARD_URL, {"period": "30"})
    row = re.search(rf'data-type="{org["boarding"].pk}">(.*?)</tr>', response.text, re.S)[1]
    cells = re.findall(r'<td class="num[^"]*"[^>]*>([^<]*)<', row)  # moments, answers, …
    want = expected(raw_moments(30, touchpoint_type=org["boarding"]))
    assert [cells[0], *cells[2:4]] == [want["moments"], want["csat"], want["nps"]]


def test_team_drill_down_equals_raw_rows_of_that_team(client, admin_user, org, history):
    client.login(username=admin_user.username, password=PASSWORD)
    url = reverse("dashboards:journey_type", args=[org["desk"].pk])
    response = client.get(url, {"period": "30"})
    row = re.search(rf'data-team="{history["big"].pk}">(.*?)</tr>', response.text, re.S)[1]
    cells = re.findall(r'<td class="num[^"]*"[^>]*>([^<]*)<', row)  # moments, answers, …
    want = expected(raw_moments(30, touchpoint_type=org["desk"], team=history["big"]))
    assert [cells[0], *cells[2:4]] == [want["moments"], want["csat"], want["nps"]]

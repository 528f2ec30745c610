"""What remedies buy, from the customer's side: low moments with a remedy against low moments
without, checked against figures worked out by hand (docs/metrics.md, "Remedies"); spend
against budget with each currency apart; remedies in the exports."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from dashboards import remedy_figures
from dashboards.filters import Scope, Selection, Window
from tests.conftest import PASSWORD, add_moment, make_user, roll_up_everything
from tests.touchpoints.remedy_steps import give_budget, remedy_kinds
from touchpoints.models import Location, Remedy, Role, Team

# (CSAT, NPS) of the customers of four low moments each way.
WITH_REMEDY = [(5, 10), (4, 9), (4, 7), (2, 3)]
WITHOUT = [(1, 2), (2, 5), (4, 9), (3, 8)]


def give(moment, kind, amount, currency="SEK"):
    """A remedy given on the spot, before the customer answered."""
    return Remedy.objects.create(
        moment=moment, kind=kind, given_by=moment.staff, team=moment.team,
        location=moment.location, amount=Decimal(amount), currency=currency,
        given_at=moment.occurred_at, given_on=moment.local_date, local_date=moment.local_date,
    )  # fmt: skip


def low_moments(agent, org, kinds, answers, remedied: bool, times: int = 1) -> None:
    for _ in range(times):
        for csat, nps in answers:
            moment = add_moment(agent, org["desk"], outcome=1, answer={"csat": csat, "nps": nps})
            if remedied:
                give(moment, kinds["meal"], 150)


@pytest.fixture
def world(org, agent):
    org["arn"].currency = "SEK"
    org["arn"].save()
    return remedy_kinds()


def arn_selection(org) -> Selection:
    window = Window.last_days(30, [org["arn"]])
    return Selection(scope=Scope(location_ids=frozenset([org["arn"].pk])), window=window)


def test_with_and_without_a_remedy_against_hand_computed_figures(org, agent, world):
    low_moments(agent, org, world, WITH_REMEDY, remedied=True)
    low_moments(agent, org, world, WITHOUT, remedied=False)
    add_moment(agent, org["desk"], outcome=5, answer={"csat": 5})  # not low: not compared
    roll_up_everything()
    f = remedy_figures.remedy_figures(arn_selection(org))
    # CSAT 3 of 4 satisfied against 1 of 4; NPS (2 − 1)/4 = +25 against (1 − 2)/4 = −25.
    assert (f.with_remedy.csat, f.without.csat) == (75.0, 25.0)
    assert (f.with_remedy.nps, f.without.nps) == (25.0, -25.0)
    # Wilson, 3 of 4: centre 0.6275, half-width 0.3269 → 30.1 %–95.4 %.
    low, high = f.with_remedy.csat_interval
    assert (round(low, 1), round(high, 1)) == (30.1, 95.4)
    # NPS scores +1 +1 0 −1: mean 0.25, s² = (3 − 1²/4)/3 = 0.9167, ± 1.96·√(0.9167/4) = 0.9383.
    low, high = f.with_remedy.nps_interval
    assert (round(low, 1), round(high, 1)) == (-68.8, 118.8)
    # Pooled 2 of 8: z = 0.5 / √(0.5·0.5·(1/4 + 1/4)) = 1.41 < 1.96: not shown as a difference.
    assert not f.csat_differs
    # 4 remedies per 8 low moments; 600 SEK spent on low moments, 3 customers won back.
    assert f.per_100_low == 50.0
    assert f.cost_per_won_back == {"SEK": Decimal("200.00")}


def test_four_times_as_many_answers_make_the_same_gap_significant(org, agent, world):
    low_moments(agent, org, world, WITH_REMEDY, remedied=True, times=4)
    low_moments(agent, org, world, WITHOUT, remedied=False, times=4)
    roll_up_everything()
    f = remedy_figures.remedy_figures(arn_selection(org))
    # 12 of 16 against 4 of 16: z = 0.5 / √(0.25·(1/16 + 1/16)) = 2.83 > 1.96.
    assert f.csat_differs
    assert (f.with_remedy.won_back, f.without.won_back) == (12, 4)


def test_a_remedy_given_after_the_low_answer_does_not_count_as_its_cause(org, agent, world):
    moment = add_moment(agent, org["desk"], outcome=1, answer={"csat": 5, "nps": 10})
    late = give(moment, world["meal"], 150)
    late.given_at = moment.invitation.answer.answered_at + timedelta(hours=1)
    late.save()
    roll_up_everything()
    f = remedy_figures.remedy_figures(arn_selection(org))
    assert (f.with_remedy.low_moments, f.without.low_moments) == (0, 1)
    assert f.remedies == 1


@pytest.fixture
def two_currencies(org, agent, world):
    cph = Location.objects.create(
        name="Copenhagen", code="CPH", timezone="Europe/Copenhagen", currency="DKK"
    )
    cph_team = Team.objects.create(name="Transfer desk", location=cph)
    dane = make_user("dina", Role.FRONTLINE, team=cph_team)
    give_budget(agent.team, 10000, 500)
    give_budget(cph_team, 8000, 400)
    give(add_moment(agent, org["desk"], outcome=1), world["meal"], 150)
    give(add_moment(dane, org["desk"], outcome=2), world["meal"], 100, currency="DKK")
    roll_up_everything()
    return cph


def test_spend_against_budget_keeps_each_currency_apart(org, two_currencies):
    window = Window.last_days(30, [org["arn"], two_currencies])
    company = Selection(scope=Scope(everything=True), window=window)
    lines = remedy_figures.spend_against_budget(company)
    assert [(b.currency, b.budget, b.spent) for b in lines] == [
        ("DKK", Decimal(8000), Decimal(100)),
        ("SEK", Decimal(10000), Decimal(150)),
    ]
    assert remedy_figures.remedy_figures(company).cost == {"DKK": 100, "SEK": 150}


def test_the_figures_csv_has_remedies_and_their_cost(client, org, two_currencies):
    admin = make_user("root", Role.ADMIN, is_superuser=True)
    client.login(username=admin.username, password=PASSWORD)
    response = client.get(reverse("dashboards:export_figures"), {"period": "7"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    period = table[0]
    assert period["remedies"] == "2"
    assert period["remedy_cost"] == "" and period["remedy_currency"] == "DKK 100.00; SEK 150.00"
    arn_team = next(row for row in table if row["section"] == "team" and "ARN" in row["name"])
    assert (arn_team["remedies"], arn_team["remedy_cost"], arn_team["remedy_currency"]) == (
        "1", "150.00", "SEK",
    )  # fmt: skip


def test_the_moments_export_carries_each_moments_remedies(client, arn_manager, org, two_currencies):
    client.login(username=arn_manager.username, password=PASSWORD)
    response = client.get(reverse("dashboards:export_moments"))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert (row["remedies"], row["remedy_cost"], row["remedy_currency"]) == ("1", "150.00", "SEK")


def test_the_dashboard_shows_spend_against_budget_and_the_comparison(client, org, agent, world):
    give_budget(agent.team, 10000, 500)
    low_moments(agent, org, world, WITH_REMEDY, remedied=True)
    low_moments(agent, org, world, WITHOUT, remedied=False)
    roll_up_everything()
    manager = make_user("maja", Role.MANAGER)
    manager.managed_locations.add(org["arn"])
    client.login(username=manager.username, password=PASSWORD)
    page = client.get(reverse("dashboards:dashboard")).text
    assert "This month: 600 of 10,000 SEK spent" in page
    assert "50 per 100 low moments" in page
    assert "Cost per customer won back:" in page and "200 SEK" in page


def test_a_remedy_over_the_limit_is_shown_to_the_manager_with_its_reason(client, org, agent, world):
    moment = add_moment(agent, org["desk"], outcome=1)
    over = give(moment, world["travel"], 1800)
    Remedy.objects.filter(pk=over.pk).update(over_limit=True, reason="Missed the last ferry")
    roll_up_everything()
    manager = make_user("maja", Role.MANAGER)
    manager.managed_locations.add(org["arn"])
    client.login(username=manager.username, password=PASSWORD)
    page = client.get(reverse("dashboards:dashboard")).text
    assert "1 over a limit, with a reason" in page
    assert "Travel voucher</strong>, 1,800 SEK" in page and "Missed the last ferry" in page


def test_the_team_page_shows_the_teams_own_remedies_and_no_person(client, org, agent, world):
    low_moments(agent, org, world, WITH_REMEDY, remedied=True)
    roll_up_everything()
    client.login(username=agent.username, password=PASSWORD)
    page = client.get(reverse("dashboards:team")).text
    assert "4 remedies given in the period" in page
    section = page[page.index('id="remedies-title"') :]
    assert "Anna" not in section and agent.username not in section

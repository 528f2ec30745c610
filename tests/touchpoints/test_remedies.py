"""Giving a remedy on the spot: no approval, within the team's budget or over it with a
reason, refused with a reason when it cannot be, exactly once, gone with an undone moment."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import add_moment, moment_post
from tests.touchpoints.conftest import JSON
from tests.touchpoints.remedy_steps import give_budget, remedy_kinds, remedy_post
from touchpoints import remedies
from touchpoints.models import Moment, Remedy, RemedyCorrection, UndoRecord

GIVE_URL = reverse("touchpoints:give_remedy")
LOG_URL = reverse("touchpoints:log")


@pytest.fixture
def kinds(org):
    org["arn"].currency = "SEK"
    org["arn"].save()
    return remedy_kinds()


@pytest.fixture
def moment(agent, org):
    return add_moment(agent, org["desk"], outcome=2)


def test_a_remedy_within_the_budget_is_recorded_at_once(agent_client, agent, moment, kinds):
    give_budget(agent.team, 10000, 500)
    response = agent_client.post(GIVE_URL, remedy_post(moment, kinds["meal"]), headers=JSON)
    assert response.status_code == 201
    remedy = Remedy.objects.get()
    assert (remedy.amount, remedy.currency, remedy.over_limit) == (Decimal(150), "SEK", False)
    assert response.json()["budget_left"] == "9850.00"


def test_a_resent_remedy_is_stored_once(agent_client, agent, moment, kinds):
    give_budget(agent.team, 10000, 500)
    post = remedy_post(moment, kinds["meal"])
    first = agent_client.post(GIVE_URL, post, headers=JSON)
    again = agent_client.post(GIVE_URL, post, headers=JSON)
    assert (first.status_code, again.status_code) == (201, 200)
    assert Remedy.objects.count() == 1
    assert again.json()["created"] is False


def test_over_the_per_moment_limit_asks_for_a_reason_and_keeps_nothing(
    agent_client, agent, moment, kinds
):
    give_budget(agent.team, 10000, 300)
    post = remedy_post(moment, kinds["travel"], amount="800")
    response = agent_client.post(GIVE_URL, post, headers=JSON)
    assert response.status_code == 422
    assert response.json()["code"] == "reason_needed"
    assert "say why" in response.json()["error"]
    assert not Remedy.objects.exists()


def test_over_the_limit_with_a_reason_is_given_and_flagged_for_the_manager(
    agent_client, agent, moment, kinds
):
    give_budget(agent.team, 10000, 300)
    post = remedy_post(moment, kinds["travel"], amount="800", reason="Family of five, 6 h late")
    assert agent_client.post(GIVE_URL, post, headers=JSON).status_code == 201
    remedy = Remedy.objects.get()
    assert remedy.over_limit and remedy.reason == "Family of five, 6 h late"
    assert remedy.amount == Decimal(800)


def test_over_the_months_budget_is_also_allowed_with_a_reason(agent_client, agent, moment, kinds):
    give_budget(agent.team, 100, 1000)
    refused = agent_client.post(GIVE_URL, remedy_post(moment, kinds["meal"]), headers=JSON)
    given = agent_client.post(
        GIVE_URL, remedy_post(moment, kinds["meal"], reason="Stranded overnight"), headers=JSON
    )
    assert (refused.status_code, given.status_code) == (422, 201)
    assert given.json()["budget_left"] == "-50.00"


def test_a_free_apology_needs_no_budget(agent_client, moment, kinds):
    response = agent_client.post(GIVE_URL, remedy_post(moment, kinds["apology"]), headers=JSON)
    assert response.status_code == 201
    assert Remedy.objects.get().amount == 0


@pytest.mark.parametrize(
    ("amount", "words"),
    [("-5", "negative"), ("lots", "not an amount"), ("", "Type the amount"), ("5000", "between")],
)
def test_a_bad_amount_is_refused_with_a_reason(agent_client, agent, moment, kinds, amount, words):
    give_budget(agent.team, 10000, 5000)
    post = remedy_post(moment, kinds["travel"], amount=amount)
    response = agent_client.post(GIVE_URL, post, headers=JSON)
    assert response.status_code == 422
    assert words in response.json()["error"]
    assert not Remedy.objects.exists()


def test_an_archived_kind_is_refused(agent_client, moment, kinds):
    kinds["meal"].active = False
    kinds["meal"].save()
    response = agent_client.post(GIVE_URL, remedy_post(moment, kinds["meal"]), headers=JSON)
    assert response.status_code == 422
    assert "no longer offered" in response.json()["error"]


def test_a_kind_without_a_cost_in_the_locations_currency_is_not_offered(agent, org, kinds):
    org["arn"].currency = "DKK"
    org["arn"].save()
    offered = {kind.name for kind in remedies.kinds_for(agent.team)}
    assert offered == {"Meal voucher", "Spoken apology"}


def test_a_remedy_on_another_teams_moment_is_refused(agent_client, jfk_agent, org, kinds):
    theirs = add_moment(jfk_agent, org["desk"], outcome=1)
    response = agent_client.post(GIVE_URL, remedy_post(theirs, kinds["apology"]), headers=JSON)
    assert response.status_code == 403
    assert "another team" in response.json()["error"]
    assert not Remedy.objects.exists()


def test_a_plain_form_refusal_shows_the_reason_and_keeps_what_was_typed(
    agent_client, agent, moment, kinds
):
    give_budget(agent.team, 10000, 300)
    post = remedy_post(moment, kinds["travel"], amount="800")
    response = agent_client.post(GIVE_URL, post)
    assert response.status_code == 422
    assert "say why" in response.text
    assert 'value="800"' in response.text and f'value="{post["uuid"]}"' in response.text


def test_the_remedy_page_gives_it_and_goes_back(agent_client, agent, moment, kinds):
    give_budget(agent.team, 10000, 500)
    page = agent_client.get(reverse("touchpoints:remedy", args=[moment.uuid]))
    assert "Meal voucher" in page.text and "Remedy budget left this month" in page.text
    response = agent_client.post(GIVE_URL, remedy_post(moment, kinds["meal"], next="/log/mine/"))
    assert response.status_code == 302 and response["Location"] == "/log/mine/"


def test_undoing_the_moment_takes_its_remedy_and_frees_the_budget(agent_client, agent, org, kinds):
    give_budget(agent.team, 1000, 500)
    post = moment_post(org["desk"], outcome=1)
    agent_client.post(LOG_URL, post, headers=JSON)
    moment = Moment.objects.get(uuid=post["uuid"])
    agent_client.post(GIVE_URL, remedy_post(moment, kinds["meal"]), headers=JSON)
    undone = agent_client.post(reverse("touchpoints:undo", args=[moment.uuid]), headers=JSON)
    assert undone.json() == {"undone": True}
    assert not Remedy.objects.exists()
    assert remedies.budget_left(agent.team).left == 1000
    assert UndoRecord.objects.get().moment["remedies"][0]["kind"] == "Meal voucher"


def test_a_correction_keeps_the_remedy_history(agent_client, agent, moment, kinds):
    give_budget(agent.team, 10000, 5000)
    agent_client.post(GIVE_URL, remedy_post(moment, kinds["meal"]), headers=JSON)
    remedy = Remedy.objects.get()
    url = reverse("touchpoints:correct_remedy", args=[remedy.uuid])
    response = agent_client.post(url, {"remedy_kind": kinds["travel"].pk, "amount": "600"})
    assert response.status_code == 302
    correction = RemedyCorrection.objects.get()
    assert correction.before["kind"] == "Meal voucher" and correction.before["amount"] == "150.00"
    assert correction.after["kind"] == "Travel voucher" and correction.after["amount"] == "600.00"
    assert "Travel voucher" in agent_client.get(reverse("touchpoints:mine")).text


def test_an_old_remedy_is_locked_against_correction(agent_client, agent, moment, kinds):
    agent_client.post(GIVE_URL, remedy_post(moment, kinds["apology"]), headers=JSON)
    Remedy.objects.update(given_at=timezone.now() - timedelta(hours=1))
    url = reverse("touchpoints:correct_remedy", args=[Remedy.objects.get().uuid])
    response = agent_client.post(url, {"remedy_kind": kinds["meal"].pk})
    assert response.status_code == 409 and "locked" in response.text
    assert not RemedyCorrection.objects.exists()


def test_the_month_is_the_locations_local_month(agent, moment, kinds):
    give_budget(agent.team, 1000, 500)
    # Given on the last evening of the previous month, local time: not this month's money.
    Remedy.objects.create(
        uuid=uuid.uuid4(), moment=moment, kind=kinds["meal"], given_by=agent, team=agent.team,
        location=agent.team.location, amount=150, currency="SEK",
        given_on=agent.team.location.today().replace(day=1) - timedelta(days=1),
        local_date=moment.local_date,
    )  # fmt: skip
    assert remedies.budget_left(agent.team).spent == 0


def test_the_log_screen_shows_the_budget_left_at_a_glance(agent_client, agent, moment, kinds):
    give_budget(agent.team, 2000, 500)
    agent_client.post(GIVE_URL, remedy_post(moment, kinds["meal"]), headers=JSON)
    page = agent_client.get(LOG_URL).text
    assert "Remedy budget left this month:" in page
    assert (
        page.count('<strong class="remedy-left">1,850</strong>') == 2
    )  # at a glance, and in the dialog


def test_a_recovery_card_offers_a_remedy_for_its_moment(agent_client, agent, org, kinds):
    moment = add_moment(agent, org["desk"], outcome=2, answer={"csat": 1, "comment": "Rude"})
    queue = agent_client.get(reverse("feedback:queue")).text
    assert f'href="/log/moments/{moment.uuid}/remedy/?next=/feedback/recoveries/"' in queue
    url = reverse("touchpoints:remedy", args=[moment.uuid])
    page = agent_client.get(url, {"next": "/feedback/recoveries/"}).text
    assert 'name="next" value="/feedback/recoveries/"' in page

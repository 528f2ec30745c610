"""Needs meet budgets: the front line asks for more remedy budget from the remedy screen, and
the manager answers by raising it, in one step."""

from decimal import Decimal

from django.urls import reverse

from tests.conftest import PASSWORD
from tests.touchpoints.remedy_steps import give_budget
from touchpoints import remedies
from touchpoints.models import AuditEntry, Need


def test_a_budget_need_is_answered_by_a_budget_change(client, agent, arn_manager, org):
    org["arn"].currency = "SEK"
    org["arn"].save()
    give_budget(agent.team, 5000, 400)
    client.login(username=agent.username, password=PASSWORD)
    form = client.get(reverse("touchpoints:needs"), {"kind": "remedy_budget"}).text
    assert 'value="remedy_budget" checked' in form
    client.post(reverse("touchpoints:needs"), {"kind": "remedy_budget", "note": "Storm week"})
    need = Need.objects.get()
    client.logout()
    client.login(username=arn_manager.username, password=PASSWORD)
    assert "Raise the budget and answer" in client.get(reverse("dashboards:needs")).text
    response = client.post(reverse("dashboards:answer", args=[need.pk]), {"monthly_budget": "9000"})
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == Need.Status.PROVIDED
    assert need.answer == "Your remedy budget is now 9,000 SEK a month."
    budget = remedies.budget_left(agent.team)
    assert (budget.monthly, budget.per_moment) == (Decimal(9000), Decimal(400))
    assert AuditEntry.objects.filter(
        actor=arn_manager, object_repr__startswith="Remedy budget"
    ).exists()


def test_a_negative_budget_is_refused_and_the_need_stays_open(client, agent, arn_manager, org):
    need = Need.objects.create(
        raised_by=agent, team=agent.team, location=agent.team.location, kind="remedy_budget"
    )
    client.login(username=arn_manager.username, password=PASSWORD)
    url = reverse("dashboards:answer", args=[need.pk])
    response = client.post(url, {"monthly_budget": "-10"}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    need.refresh_from_db()
    assert need.status == Need.Status.OPEN


def test_a_manager_sets_a_teams_budget_on_the_budgets_page(client, agent, arn_manager, org):
    client.login(username=arn_manager.username, password=PASSWORD)
    url = reverse("dashboards:remedy_budgets")
    assert "Check-in desk (ARN)" in client.get(url).text
    response = client.post(url, {"team": agent.team.pk, "monthly": "12000", "per_moment": "600"})
    assert response.status_code == 302
    budget = remedies.budget_left(agent.team)
    assert (budget.monthly, budget.per_moment) == (Decimal(12000), Decimal(600))


def test_a_manager_cannot_set_another_locations_budget(client, jfk_agent, arn_manager, org):
    client.login(username=arn_manager.username, password=PASSWORD)
    url = reverse("dashboards:remedy_budgets")
    response = client.post(url, {"team": jfk_agent.team.pk, "monthly": "1", "per_moment": "1"})
    assert response.status_code == 403
    assert remedies.budget_left(jfk_agent.team).monthly == 0

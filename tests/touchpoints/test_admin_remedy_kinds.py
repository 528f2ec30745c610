"""Remedy kinds on the configuration site: a name per language, an icon, a cost per currency;
audited, and archived rather than deleted once given."""

from decimal import Decimal

from django.urls import reverse

from tests.conftest import add_moment
from tests.touchpoints.admin_posts import management_form
from tests.touchpoints.remedy_steps import remedy_kinds
from touchpoints import remedies
from touchpoints.configuration.remedy_budgets import set_budget
from touchpoints.models import AuditEntry, Remedy, RemedyKind

ADD_URL = reverse("admin:touchpoints_remedykind_add")


def kind_form(**overrides) -> dict:
    data = {
        "name_en": "Seat upgrade",
        "name_sv": "Uppgradering av plats",
        "icon": "armchair",
        "order": 3,
        "active": "on",
        **management_form("prices", total=1),
        "prices-0-currency": "SEK",
        "prices-0-lowest": "300",
        "prices-0-highest": "900",
    }
    data.update(overrides)
    return data


def test_an_admin_defines_a_kind_with_a_range_in_a_currency(client, role_admin):
    client.force_login(role_admin)
    response = client.post(ADD_URL, kind_form())
    assert response.status_code == 302
    kind = RemedyKind.objects.get()
    assert (kind.name_sv, kind.icon) == ("Uppgradering av plats", "armchair")
    price = kind.prices.get()
    assert (price.currency, price.lowest, price.highest, price.fixed) == ("SEK", 300, 900, False)
    assert AuditEntry.objects.filter(object_repr="Seat upgrade", action="created").exists()


def test_a_range_upside_down_is_refused(client, role_admin):
    client.force_login(role_admin)
    response = client.post(
        ADD_URL, kind_form(**{"prices-0-lowest": "900", "prices-0-highest": "300"})
    )
    assert response.status_code == 200
    assert not RemedyKind.objects.exists()


def test_a_kind_given_once_is_archived_not_deleted(client, role_admin, agent, org):
    kinds = remedy_kinds()
    moment = add_moment(agent, org["desk"], outcome=1)
    Remedy.objects.create(
        moment=moment, kind=kinds["apology"], given_by=agent, team=agent.team,
        location=agent.team.location, amount=0, currency="EUR",
        given_on=moment.local_date, local_date=moment.local_date,
    )  # fmt: skip
    client.force_login(role_admin)
    url = reverse("admin:touchpoints_remedykind_delete", args=[kinds["apology"].pk])
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 409
    assert "1 remedy" in response.text
    assert RemedyKind.objects.filter(pk=kinds["apology"].pk).exists()


def test_a_budget_change_takes_effect_at_once_and_is_audited(arn_manager, agent, org):
    set_budget(arn_manager, agent.team, Decimal(5000), Decimal(400))
    assert remedies.budget_left(agent.team).left == 5000
    set_budget(arn_manager, agent.team, Decimal(8000), Decimal(400))
    assert remedies.budget_left(agent.team).left == 8000
    entry = AuditEntry.objects.filter(action="changed").get()
    assert entry.actor == arn_manager
    assert entry.changes["budget per month"] == ["5000.00", "8000.00"]

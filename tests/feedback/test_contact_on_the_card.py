"""The team's recovery card shows how to reach the customer, and offers only what is possible."""

import pytest
from django.urls import reverse

from feedback.models import Recovery
from feedback.recovery import take
from tests.conftest import PASSWORD
from tests.feedback.contact_steps import answer, answer_and_leave_contact


def panel(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client.get(reverse("feedback:queue"), HTTP_HX_REQUEST="true")


def action_values(page_text: str, pk: int) -> set[str]:
    offered = set()
    for value in (
        "called_back",
        "emailed",
        "rebooked",
        "voucher",
        "apology",
        "other",
        "no_contact",
    ):
        if f'name="r{pk}-action" value="{value}"' in page_text:
            offered.add(value)
    return offered


def close_post(client, pk: int, action: str):
    data = {f"r{pk}-action": action, f"r{pk}-result": "recovered"}
    return client.post(reverse("feedback:close", args=[pk]), data, HTTP_HX_REQUEST="true")


def test_a_low_answer_with_a_phone_becomes_a_card_with_tap_to_call(client, invitation, agent):
    answer_and_leave_contact(client, invitation, phone="+46 70 123 45 67")
    response = panel(client, agent)
    assert "The customer asked to be contacted:" in response.text
    assert 'href="tel:+46701234567"' in response.text
    assert "Call +46701234567" in response.text
    assert "mailto:" not in response.text


def test_an_email_is_a_mail_link(client, invitation, agent):
    answer_and_leave_contact(client, invitation, email="eva+bags@example.com")
    response = panel(client, agent)
    assert 'href="mailto:eva%2Bbags@example.com"' in response.text
    assert "tel:" not in response.text


def test_a_card_without_contact_says_so(client, invitation, agent):
    answer(client, invitation, csat=1)
    response = panel(client, agent)
    assert "No contact left: the customer did not ask to be contacted." in response.text
    assert "tel:" not in response.text


def test_without_contact_calling_back_is_not_offered_but_no_contact_left_is(
    client, invitation, agent
):
    answer(client, invitation, csat=1)
    pk = Recovery.objects.get().pk
    take(pk, agent)
    offered = action_values(panel(client, agent).text, pk)
    assert offered == {"rebooked", "voucher", "apology", "other", "no_contact"}


@pytest.mark.parametrize(
    ("fields", "possible"),
    [
        ({"phone": "+46701234567"}, {"called_back"}),
        ({"email": "eva@example.com"}, {"emailed"}),
        ({"phone": "+46701234567", "email": "eva@example.com"}, {"called_back", "emailed"}),
    ],
)
def test_with_contact_the_ways_it_gives_are_offered(client, invitation, agent, fields, possible):
    answer_and_leave_contact(client, invitation, **fields)
    pk = Recovery.objects.get().pk
    take(pk, agent)
    offered = action_values(panel(client, agent).text, pk)
    assert offered == {"rebooked", "voucher", "apology", "other"} | possible


def test_a_stale_called_back_without_a_phone_is_refused_with_a_reason(client, invitation, agent):
    answer(client, invitation, csat=1)
    pk = Recovery.objects.get().pk
    take(pk, agent)
    client.login(username=agent.username, password=PASSWORD)
    response = close_post(client, pk, "called_back")
    assert response.status_code == 422
    assert "This customer left no phone number, so “Called back” is not possible." in response.text
    assert Recovery.objects.get().closed_at is None


def test_emailed_without_an_address_is_refused(client, invitation, agent):
    answer_and_leave_contact(client, invitation, phone="+46701234567")
    pk = Recovery.objects.get().pk
    take(pk, agent)
    client.login(username=agent.username, password=PASSWORD)
    response = close_post(client, pk, "emailed")
    assert "This customer left no email address, so “Emailed” is not possible." in response.text
    assert Recovery.objects.get().closed_at is None


def test_no_contact_left_is_refused_once_the_customer_left_one(client, invitation, agent):
    answer_and_leave_contact(client, invitation, email="eva@example.com")
    pk = Recovery.objects.get().pk
    take(pk, agent)
    client.login(username=agent.username, password=PASSWORD)
    response = close_post(client, pk, "no_contact")
    assert "The customer has since left a way to reach them" in response.text
    assert Recovery.objects.get().closed_at is None


def test_called_back_with_a_phone_closes_it(client, invitation, agent):
    answer_and_leave_contact(client, invitation, phone="+46701234567")
    pk = Recovery.objects.get().pk
    take(pk, agent)
    client.login(username=agent.username, password=PASSWORD)
    response = close_post(client, pk, "called_back")
    assert "Nothing to put right" in response.text
    assert Recovery.objects.get().action == "called_back"


def test_no_contact_left_closes_a_recovery_without_contact(client, invitation, agent):
    answer(client, invitation, csat=1)
    pk = Recovery.objects.get().pk
    take(pk, agent)
    client.login(username=agent.username, password=PASSWORD)
    close_post(client, pk, "no_contact")
    assert Recovery.objects.get().get_action_display() == "No contact left"

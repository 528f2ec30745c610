"""Another team's agent learns nothing from closing a recovery: the team is checked before
the close form (whose choices depend on the customer's contact details) is read."""

import re

import pytest
from django.urls import reverse

from feedback.models import Recovery, RecoveryContact
from tests.conftest import PASSWORD

FORMS = {
    "called back": {"action": "called_back", "result": "recovered"},  # valid only with a phone
    "no contact": {"action": "no_contact", "result": "recovered"},  # valid only without
    "empty": {},
}


def page(response) -> str:
    """The page without its CSRF token, which is masked afresh on every response."""
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", response.text)


def open_recovery(client, invitation, *, with_contact: bool) -> Recovery:
    client.post(reverse("feedback:answer", args=[invitation.token]), {"csat": 1})
    recovery = Recovery.objects.get()
    if with_contact:
        RecoveryContact.objects.create(
            recovery=recovery,
            phone="+46701234567",
            consent_text="You may call me.",
            consent_version="1",
            language="en",
            kept_days=30,
        )
    return recovery


@pytest.mark.parametrize("with_contact", [True, False], ids=["contact", "no-contact"])
@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_another_team_gets_the_same_404_whatever_the_recovery_holds(
    client, invitation, jfk_agent, with_contact, form
):
    recovery = open_recovery(client, invitation, with_contact=with_contact)
    client.login(username=jfk_agent.username, password=PASSWORD)
    data = {f"r{recovery.pk}-{name}": value for name, value in form.items()}
    response = client.post(reverse("feedback:close", args=[recovery.pk]), data)
    assert response.status_code == 404
    assert "+46701234567" not in response.text
    assert Recovery.objects.get().closed_at is None


def test_another_teams_answer_is_the_same_as_for_a_recovery_that_does_not_exist(
    client, invitation, jfk_agent
):
    recovery = open_recovery(client, invitation, with_contact=True)
    client.login(username=jfk_agent.username, password=PASSWORD)
    data = {f"r{recovery.pk}-action": "no_contact", f"r{recovery.pk}-result": "recovered"}
    theirs = client.post(reverse("feedback:close", args=[recovery.pk]), data)
    missing = client.post(reverse("feedback:close", args=[recovery.pk + 1000]), data)
    assert (theirs.status_code, page(theirs)) == (missing.status_code, page(missing))


def test_the_own_team_still_gets_the_form_back_with_its_reason(client, invitation, agent):
    recovery = open_recovery(client, invitation, with_contact=True)
    client.login(username=agent.username, password=PASSWORD)
    data = {f"r{recovery.pk}-action": "no_contact", f"r{recovery.pk}-result": "recovered"}
    response = client.post(reverse("feedback:close", args=[recovery.pk]), data)
    assert response.status_code == 422

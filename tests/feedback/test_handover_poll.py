"""The QR card on the log screen asks, now and then, whether the customer has answered: an
empty answer while they have not, and the thank-you (no QR code) once they have."""

import pytest
from django.urls import reverse

from feedback.invitations import record_answer
from feedback.models import Answer
from tests.conftest import PASSWORD

HTMX = {"HX-Request": "true"}


@pytest.fixture
def agent_client(client, agent):
    client.login(username=agent.username, password=PASSWORD)
    return client


def test_the_qr_card_poll_swaps_nothing_until_the_customer_answers(
    agent_client, invitation, moment
):
    url = reverse("feedback:invite", args=[moment.uuid]) + "?poll=1"
    waiting = agent_client.get(url, headers=HTMX)
    record_answer(invitation, Answer(csat=5))
    answered = agent_client.get(url, headers=HTMX)
    assert waiting.status_code == 204
    assert answered.status_code == 200
    assert "The customer has answered" in answered.text and "<svg" not in answered.text
    assert "hx-trigger" not in answered.text  # and it stops asking


def test_the_qr_card_asks_every_ten_seconds_while_it_shows(agent_client, moment):
    panel = agent_client.post(reverse("feedback:invite", args=[moment.uuid]), headers=HTMX).text
    assert f'{moment.uuid}/invitation/?poll=1" hx-trigger="every 10s"' in panel

"""Webhooks while Redis is down, on the running stack: the answer is saved, its delivery
waits in the outbox, and the worker sends it once Redis is back (docs/api.md)."""

import json
import time

import pytest
from standardwebhooks.webhooks import Webhook

from feedback.invitations import invitation_for
from tests.dashboards.test_worker import wait_for
from tests.faults.conftest import Browser
from tests.webhooks.receiver import Receiver
from touchpoints.models import Moment
from touchpoints.webhooks import WebhookDelivery, WebhookEndpoint

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def receiving_stack(monkeypatch, request):
    """The stack of tests/faults, allowed to call a receiver on 127.0.0.1, sweeping every 1 s."""
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE_URLS", "1")
    monkeypatch.setenv("WEBHOOK_SWEEP_SECONDS", "1")
    with Receiver() as receiver:
        yield request.getfixturevalue("stack"), receiver


def test_an_answer_given_while_redis_is_down_is_delivered_once_it_is_back(
    receiving_stack, redis_server, agent, org
):
    port, receiver = receiving_stack
    endpoint = WebhookEndpoint.objects.create(url=receiver.url, events=["answer.received"])
    invitation = invitation_for(Moment.objects.create(
        staff=agent, team=agent.team, location=org["arn"], touchpoint_type=org["desk"], outcome=3
    ))  # fmt: skip

    redis_server.stop()
    status, _, _ = Browser(port).post_form(f"/r/{invitation.token}/", {"csat": 4, "nps": 9})
    time.sleep(2)
    waiting = WebhookDelivery.objects.get()
    nothing_yet = list(receiver.requests)
    redis_server.start()

    assert status == 200
    assert nothing_yet == [] and waiting.delivered_at is None
    assert wait_for(lambda: receiver.requests, timeout=60), (
        "not sent within 60 s of Redis coming back"
    )
    request = receiver.requests[0]
    sent = Webhook(endpoint.secret).verify(request["body"], request["headers"])
    assert sent["type"] == "answer.received" and sent["data"]["csat"] == 4
    assert json.loads(request["body"])["data"]["moment"] == str(invitation.moment.uuid)

"""Webhooks to a receiver the test starts: signed by Standard Webhooks, written to the outbox
in the causing transaction, retried, never following a redirect, paused when failing."""

import json
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from feedback.invitations import invitation_for, record_answer
from feedback.models import Answer
from tests.conftest import add_moment, make_user
from tests.webhooks.conftest import endpoint_for
from tests.webhooks.receiver import Receiver
from touchpoints.models import Role
from touchpoints.needs import raise_need
from touchpoints.webhook_addresses import AddressRefused, check_address
from touchpoints.webhook_sending import send_due
from touchpoints.webhooks import WebhookDelivery


def answer(agent, org, csat=2):
    moment = add_moment(agent, org["desk"])
    return record_answer(invitation_for(moment), Answer(csat=csat, comment="Slow queue"))


def test_a_low_answer_is_delivered_signed_by_the_reference_library(receiver, agent, org):
    endpoint = endpoint_for(receiver)

    answer(agent, org, csat=1)
    send_due(parallel=False)

    events = [json.loads(r["body"])["type"] for r in receiver.requests]
    assert events == ["answer.received", "recovery.opened"]
    first = receiver.requests[0]
    verified = Webhook(endpoint.secret).verify(first["body"], first["headers"])
    assert verified["data"]["csat"] == 1 and verified["data"]["is_low"] is True
    assert WebhookDelivery.objects.filter(delivered_at__isnull=False).count() == 2


def test_the_outbox_row_is_written_in_the_causing_transaction(receiver, agent, org):
    endpoint_for(receiver)

    with pytest.raises(RuntimeError), transaction.atomic():
        raise_need(agent, "training")
        assert WebhookDelivery.objects.count() == 1  # written with the need...
        raise RuntimeError("the save fails")

    assert WebhookDelivery.objects.count() == 0  # ...and gone with it


def test_a_500_is_retried_under_the_same_id_and_the_receiver_keeps_one(agent, org):
    with Receiver(statuses=[500, 200]) as receiver:
        endpoint_for(receiver, events=["need.raised"])
        raise_need(agent, "tool", "Printer")

        send_due(parallel=False)
        delivery = WebhookDelivery.objects.get()
        assert (delivery.state, delivery.last_status) == ("pending", 500)
        assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=5)

        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        send_due(parallel=False)

    ids = [r["headers"]["webhook-id"] for r in receiver.requests]
    assert len(ids) == 2 and ids[0] == ids[1]
    assert list(receiver.processed) == [ids[0]]
    assert WebhookDelivery.objects.get().state == "delivered"


def test_a_resend_carries_the_same_id_so_the_receiver_dedups(receiver, agent, org):
    endpoint_for(receiver, events=["need.raised"])
    raise_need(agent, "tool")
    send_due(parallel=False)

    WebhookDelivery.objects.get().resend()
    send_due(parallel=False)

    assert len(receiver.requests) == 2 and len(receiver.processed) == 1


def test_a_redirect_is_not_followed(agent, org):
    with Receiver(statuses=[302], redirect_to="/elsewhere") as receiver:
        endpoint_for(receiver, events=["need.raised"])
        raise_need(agent, "tool")

        send_due(parallel=False)

    assert [r["path"] for r in receiver.requests] == ["/hooks"]
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status == 302 and delivery.state == "pending"


def test_a_hanging_receiver_is_cut_off(agent, org, settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    with Receiver(delay=2) as receiver:
        endpoint_for(receiver, events=["need.raised"])
        raise_need(agent, "tool")
        started = time.monotonic()

        send_due(parallel=False)

    assert time.monotonic() - started < 1.5
    assert "No answer within" in WebhookDelivery.objects.get().last_error


def test_it_gives_up_a_day_after_the_event(agent, org):
    with Receiver(statuses=[503]) as receiver:
        endpoint_for(receiver, events=["need.raised"])
        raise_need(agent, "tool")
        WebhookDelivery.objects.update(created_at=timezone.now() - timedelta(hours=25))

        send_due(parallel=False)

    assert WebhookDelivery.objects.get().state == "failed"


def test_an_endpoint_failing_too_long_is_paused_and_admins_told(agent, org, settings, mailoutbox):
    settings.WEBHOOK_PAUSE_AFTER_HOURS = 1
    make_user("ada", Role.ADMIN, email="ada@example.com")
    with Receiver(statuses=[500]) as receiver:
        endpoint = endpoint_for(receiver, events=["need.raised"])
        endpoint.failing_since = timezone.now() - timedelta(hours=2)
        endpoint.save()
        raise_need(agent, "tool")

        send_due(parallel=False)
        raise_need(agent, "training")
        send_due(parallel=False)

    endpoint.refresh_from_db()
    assert endpoint.paused_at is not None
    assert len(receiver.requests) == 1  # nothing more after the pause
    assert [m.to for m in mailoutbox] == [["ada@example.com"]]


def test_a_success_clears_the_failing_time(receiver, agent, org):
    endpoint = endpoint_for(receiver, events=["need.raised"])
    endpoint.failing_since = timezone.now() - timedelta(minutes=5)
    endpoint.save()
    raise_need(agent, "tool")

    send_due(parallel=False)

    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_during_a_rotation_both_secrets_verify(receiver, agent, org):
    endpoint = endpoint_for(receiver, events=["need.raised"])
    old = endpoint.secret
    endpoint.rotate_secret()
    raise_need(agent, "tool")

    send_due(parallel=False)

    request = receiver.requests[0]
    assert len(request["headers"]["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(request["body"], request["headers"])
    Webhook(endpoint.secret).verify(request["body"], request["headers"])


def test_after_the_overlap_only_the_new_secret_signs(receiver, agent, org):
    endpoint = endpoint_for(receiver, events=["need.raised"])
    endpoint.rotate_secret()
    endpoint.previous_secret_until = timezone.now() - timedelta(seconds=1)
    endpoint.save()
    raise_need(agent, "tool")

    send_due(parallel=False)

    assert len(receiver.requests[0]["headers"]["webhook-signature"].split(" ")) == 1


def test_only_the_chosen_events_and_locations_are_sent(receiver, agent, jfk_agent, org):
    endpoint = endpoint_for(receiver, events=["need.raised"])
    endpoint.locations.add(org["jfk"])

    raise_need(agent, "tool")  # ARN: not this endpoint's
    answer(jfk_agent, org)  # not an event it wants
    raise_need(jfk_agent, "tool")
    send_due(parallel=False)

    assert [json.loads(r["body"])["data"]["location"] for r in receiver.requests] == [org["jfk"].pk]


@pytest.mark.parametrize(
    "url",
    ["http://example.com/hook", "https://127.0.0.1/hook", "https://10.1.2.3/", "https://[::1]/",
     "https://169.254.169.254/latest", "https://localhost/"],
)  # fmt: skip
def test_private_or_plain_http_addresses_are_refused(settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False

    with pytest.raises(AddressRefused):
        check_address(url)


def test_a_refused_address_is_never_called(receiver, agent, org, settings):
    endpoint_for(receiver, events=["need.raised"])
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    raise_need(agent, "tool")

    send_due(parallel=False)

    assert receiver.requests == []
    assert "https" in WebhookDelivery.objects.get().last_error


@pytest.mark.django_db(transaction=True)
def test_a_slow_receiver_does_not_delay_another(agent, org, settings, monkeypatch):
    # Sent one after the other, the fast receiver would hear at 1.5 s, after the slow one's
    # timeout; in parallel, at once. The half second either side of the bound is the margin.
    settings.WEBHOOK_TIMEOUT_SECONDS = 1.5
    monkeypatch.setattr("touchpoints.webhooks.request_sending", lambda: None)  # the sweep sends
    with Receiver(delay=2) as slow, Receiver() as fast:
        endpoint_for(slow, events=["need.raised"])
        endpoint_for(fast, events=["need.raised"])
        raise_need(agent, "tool")
        started = time.monotonic()

        send_due()

    assert fast.requests[0]["at"] - started < 1
    assert WebhookDelivery.objects.filter(delivered_at__isnull=False).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_committed_answer_is_sent_at_once_without_waiting_for_the_sweep(receiver, agent, org):
    from django.core.cache import cache

    cache.delete("webhooks-requested")
    endpoint_for(receiver, events=["answer.received"])

    answer(agent, org, csat=5)  # the worker runs in-process in tests

    assert [json.loads(r["body"])["type"] for r in receiver.requests] == ["answer.received"]

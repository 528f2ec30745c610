"""Webhook endpoints on the configuration site: made with a checked address, a secret to
rotate, recent deliveries with the receiver's answers, and a resend."""

from django.urls import reverse

from tests.webhooks.conftest import endpoint_for
from touchpoints.needs import raise_need
from touchpoints.webhook_sending import send_due
from touchpoints.webhooks import WebhookDelivery, WebhookEndpoint


def test_an_admin_adds_an_endpoint_and_sees_its_secret(client, role_admin, receiver):
    client.force_login(role_admin)

    response = client.post(
        "/admin/touchpoints/webhookendpoint/add/",
        {"url": receiver.url, "description": "Chat", "events": ["answer.received"], "active": "on"},
    )

    endpoint = WebhookEndpoint.objects.get()
    assert response.status_code == 302 and endpoint.events == ["answer.received"]
    page = client.get(f"/admin/touchpoints/webhookendpoint/{endpoint.pk}/change/")
    assert endpoint.secret.startswith("whsec_") and endpoint.secret in page.content.decode()


def test_a_private_address_is_refused_on_the_form(client, role_admin, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = False
    client.force_login(role_admin)

    response = client.post(
        "/admin/touchpoints/webhookendpoint/add/",
        {"url": "https://10.0.0.5/hook", "events": ["need.raised"], "active": "on"},
    )

    assert response.status_code == 200
    assert "private and local addresses are refused" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_rotating_keeps_the_old_secret_for_the_overlap(client, role_admin, receiver):
    client.force_login(role_admin)
    endpoint = endpoint_for(receiver)
    old = endpoint.secret

    client.post(reverse("admin:touchpoints_webhookendpoint_rotate", args=[endpoint.pk]))

    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secrets_in_use() == [endpoint.secret, old]


def test_recent_deliveries_show_the_receivers_answer_and_can_be_resent(
    client, role_admin, agent, org
):
    from tests.webhooks.receiver import Receiver

    client.force_login(role_admin)
    with Receiver(statuses=[503]) as receiver:
        endpoint = endpoint_for(receiver, events=["need.raised"])
        raise_need(agent, "tool")
        send_due(parallel=False)
    delivery = WebhookDelivery.objects.get()
    delivery.failed_at = delivery.created_at
    delivery.save()

    page = client.get(f"/admin/touchpoints/webhookendpoint/{endpoint.pk}/change/").content.decode()
    client.post(
        "/admin/touchpoints/webhookdelivery/",
        {"action": "resend_selected", "_selected_action": [delivery.pk]},
    )

    assert "503" in page and "given up" in page
    delivery.refresh_from_db()
    assert delivery.state == "pending" and delivery.next_attempt_at is not None

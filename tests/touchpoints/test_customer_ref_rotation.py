"""CUSTOMER_REF_KEY rotates: old keys still match during a transition, new moments use the
new key, and the customer's history on the tablet carries on across the change."""

from django.urls import reverse

from tests.conftest import moment_post
from tests.touchpoints.conftest import JSON
from touchpoints.customers import hash_ref
from touchpoints.models import Moment

LOG_URL = reverse("touchpoints:log")
HISTORY_URL = reverse("touchpoints:customer")
OLD, NEW = "the-key-before-rotation-" * 2, "the-key-after-rotation-" * 2


def test_history_shows_moments_saved_before_and_after_the_rotation(agent_client, org, settings):
    settings.CUSTOMER_REF_KEY = OLD
    agent_client.post(LOG_URL, moment_post(org["desk"], customer_ref="XK7P2Q"), headers=JSON)
    settings.CUSTOMER_REF_KEY, settings.CUSTOMER_REF_OLD_KEYS = NEW, [OLD]
    agent_client.post(LOG_URL, moment_post(org["boarding"], customer_ref="xk7p2q"), headers=JSON)
    response = agent_client.post(HISTORY_URL, {"customer_ref": "XK 7P2Q"})
    assert "Check-in desk" in response.text and "Boarding" in response.text


def test_new_moments_are_hashed_with_the_new_key_only(agent_client, org, settings):
    settings.CUSTOMER_REF_KEY, settings.CUSTOMER_REF_OLD_KEYS = NEW, [OLD]
    agent_client.post(LOG_URL, moment_post(org["desk"], customer_ref="XK7P2Q"), headers=JSON)
    stored = Moment.objects.get().customer_ref_hash
    assert stored == hash_ref("XK7P2Q")
    settings.CUSTOMER_REF_KEY = OLD
    assert stored != hash_ref("XK7P2Q")


def test_without_the_old_key_listed_the_old_moments_are_no_longer_found(
    agent_client, org, settings
):
    settings.CUSTOMER_REF_KEY = OLD
    agent_client.post(LOG_URL, moment_post(org["desk"], customer_ref="XK7P2Q"), headers=JSON)
    settings.CUSTOMER_REF_KEY, settings.CUSTOMER_REF_OLD_KEYS = NEW, []
    response = agent_client.post(HISTORY_URL, {"customer_ref": "XK7P2Q"})
    assert "No earlier moments with this customer." in response.text

"""At the desk, a time reads as the clock where it happened: the customer's moment in New
York is 16:15 in New York, also to the agent in Stockholm, and says so."""

from datetime import UTC, datetime

from django.urls import reverse

from tests.conftest import PASSWORD, moment_post
from touchpoints.models import Moment

EVENING = datetime(2026, 12, 1, 21, 15, tzinfo=UTC)


def log_for_customer(client, person, touchpoint_type) -> None:
    client.login(username=person.username, password=PASSWORD)
    client.post(reverse("touchpoints:log"), moment_post(touchpoint_type, customer_ref="XK7P2Q"))


def test_customer_history_shows_each_moment_at_its_own_locations_time(
    client, agent, jfk_agent, org
):
    log_for_customer(client, jfk_agent, org["desk"])
    log_for_customer(client, agent, org["bag_drop"])
    Moment.objects.update(occurred_at=EVENING)

    history = client.post(reverse("touchpoints:customer"), {"customer_ref": "xk7p2q"}).text

    assert "JFK, <time" in history and "1 Dec 16:15 EST</time>" in history
    assert "ARN, <time" in history and "1 Dec 22:15 CET</time>" in history


def test_customer_history_in_one_zone_does_not_name_it(client, agent, org):
    log_for_customer(client, agent, org["bag_drop"])
    Moment.objects.update(occurred_at=EVENING)

    history = client.post(reverse("touchpoints:customer"), {"customer_ref": "xk7p2q"}).text

    assert "1 Dec 22:15</time>" in history

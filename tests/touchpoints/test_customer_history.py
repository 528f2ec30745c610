from django.db import connection
from django.urls import reverse

from tests.conftest import PASSWORD, moment_post
from tests.touchpoints.conftest import JSON
from touchpoints.customers import hash_ref, normalise_ref
from touchpoints.models import Moment

LOG_URL = reverse("touchpoints:log")
HISTORY_URL = reverse("touchpoints:customer")


def test_customer_reference_is_never_stored_in_clear(agent_client, org):
    agent_client.post(LOG_URL, moment_post(org["bag_drop"], customer_ref="XK7P2Q"), headers=JSON)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM touchpoints_moment")
        row = cursor.fetchone()
    stored = " ".join(str(value) for value in row)
    assert "XK7P2Q" not in stored.upper()
    assert Moment.objects.get().customer_ref_hash == hash_ref("XK7P2Q")


def test_reference_is_matched_however_it_is_typed():
    assert normalise_ref(" xk-7p 2q ") == "XK7P2Q"
    assert hash_ref("xk-7p 2q") == hash_ref("XK7P2Q")


def test_hash_depends_on_the_server_secret(settings):
    before = hash_ref("XK7P2Q")
    settings.CUSTOMER_REF_KEY = "another-secret"
    assert hash_ref("XK7P2Q") != before


def test_customers_recent_moments_across_the_company_are_shown(client, agent, jfk_agent, org):
    client.login(username=jfk_agent.username, password=PASSWORD)
    client.post(
        LOG_URL,
        moment_post(org["desk"], customer_ref="XK7P2Q", outcome=1, resolved_on_spot="no"),
    )
    client.login(username=agent.username, password=PASSWORD)
    response = client.post(HISTORY_URL, {"customer_ref": "xk7p2q"})
    assert "Check-in desk" in response.text
    assert "JFK" in response.text
    assert "1 not resolved on the spot" in response.text
    assert "very bad" in response.text


def test_another_customers_moments_are_not_shown(agent_client, org):
    agent_client.post(LOG_URL, moment_post(org["desk"], customer_ref="XK7P2Q"))
    response = agent_client.post(HISTORY_URL, {"customer_ref": "AB1234"})
    assert "Check-in desk" not in response.text
    assert "No earlier moments with this customer." in response.text


def test_customer_history_is_for_frontline_staff_only(client, arn_manager):
    client.login(username=arn_manager.username, password=PASSWORD)
    assert client.post(HISTORY_URL, {"customer_ref": "XK7P2Q"}).status_code == 403


def test_customers_own_ratings_are_shown(agent_client, org):
    from feedback.models import Answer, Invitation

    agent_client.post(LOG_URL, moment_post(org["desk"], customer_ref="XK7P2Q"))
    invitation = Invitation.objects.create(moment=Moment.objects.get())
    Answer.objects.create(invitation=invitation, csat=2, comment="Queue was far too long")
    response = agent_client.post(HISTORY_URL, {"customer_ref": "XK7P2Q"})
    assert "Customer: 2/5" in response.text
    assert "Queue was far too long" in response.text
    assert "1 rated low" in response.text

"""The hand-back: after the customer, the tablet waits for its staff member's PIN (or
password), and no staff page opens before it."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.desk_steps import give_pin, make_client_a_desk, register_desk

HANDOVER = "/feedback/handover/"
EXIT = "/feedback/handover/exit/"
BACK = "/feedback/handover/back/"
STAFF_PAGES = ["/log/", "/feedback/recoveries/", "/log/mine/", "/dashboard/", "/admin/", "/"]


@pytest.fixture
def desk(org, client):
    desk, cookie = register_desk(org["arn"])
    make_client_a_desk(client, cookie)
    return desk


@pytest.fixture
def answered_at_desk(client, desk, agent, moment):
    """Anna signed in at a desk by PIN, handed the tablet over, and the customer answered."""
    give_pin(agent)
    client.post(reverse("desk:pin", args=[agent.pk]), {"pin": "40718"})
    client.post(reverse("feedback:handover_start", args=[moment.uuid]))
    client.post(HANDOVER, {"csat": 4})
    client.get(EXIT)  # what the thank-you page does after six seconds
    return client


def test_after_the_answer_the_tablet_asks_to_be_given_back(answered_at_desk):
    response = answered_at_desk.get(BACK)
    assert "Please give the tablet back" in response.text
    assert "Staff: type your PIN to go on" in response.text
    assert "Anna" not in response.text
    assert "script-src 'nonce-" in response["Content-Security-Policy"]


@pytest.mark.parametrize("path", [*STAFF_PAGES, HANDOVER])
def test_without_the_pin_every_staff_page_leads_back_to_the_give_back_screen(
    answered_at_desk, path
):
    assert answered_at_desk.get(path)["Location"] == BACK


def test_a_stale_htmx_poll_is_sent_to_the_give_back_screen(answered_at_desk):
    response = answered_at_desk.get("/feedback/badges/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == BACK


def test_the_right_pin_returns_to_the_log_screen(answered_at_desk):
    response = answered_at_desk.post(BACK, {"pin": "40718"})
    assert response["Location"] == "/log/"
    assert answered_at_desk.get("/log/").status_code == 200


def test_a_wrong_pin_does_not(answered_at_desk):
    response = answered_at_desk.post(BACK, {"pin": "999999"})
    assert response.status_code == 403
    assert "Wrong PIN" in response.text
    assert answered_at_desk.get("/log/")["Location"] == BACK


def test_the_password_does_not_stand_in_for_a_wrong_pin_by_accident(answered_at_desk):
    answered_at_desk.post(BACK, {"pin": "", "password": "guess"})
    assert answered_at_desk.get("/log/")["Location"] == BACK


def test_wrong_pins_at_the_give_back_screen_count_towards_the_desk_lock(answered_at_desk, agent):
    for _ in range(5):
        response = answered_at_desk.post(BACK, {"pin": "999999"})
    assert "Too many wrong PINs" in response.text
    assert answered_at_desk.post(BACK, {"pin": "40718"}).status_code == 403
    assert answered_at_desk.get("/log/")["Location"] == BACK
    # ... and the staff member's own password still lets them back.
    assert answered_at_desk.get(f"{BACK}?with=password").status_code == 200
    answered_at_desk.post(BACK, {"password": PASSWORD})
    assert answered_at_desk.get("/log/").status_code == 200


def test_a_colleague_can_switch_person_from_the_give_back_screen(answered_at_desk):
    response = answered_at_desk.post(BACK, {"switch": "1"})
    assert response["Location"] == "/desk/"
    assert "_auth_user_id" not in answered_at_desk.session


def test_the_idle_timeout_or_the_corner_lead_to_the_give_back_screen(client, agent, moment):
    client.login(username=agent.username, password=PASSWORD)
    client.post(reverse("feedback:handover_start", args=[moment.uuid]))
    assert client.post(EXIT)["Location"] == BACK  # the customer still on the form
    assert client.get("/log/")["Location"] == BACK


def test_without_a_desk_the_password_is_asked(client, agent, moment):
    give_pin(agent)  # a PIN is for desks; this tablet is none
    client.login(username=agent.username, password=PASSWORD)
    client.post(reverse("feedback:handover_start", args=[moment.uuid]))
    client.post(EXIT)
    page = client.get(BACK).text
    assert "Staff: type your password to go on" in page and 'name="pin"' not in page
    assert client.post(BACK, {"pin": "40718"}).status_code == 403
    assert client.post(BACK, {"password": "wrong-one"}).status_code == 403
    assert client.get("/log/")["Location"] == BACK
    client.post(BACK, {"password": PASSWORD})
    assert client.get("/log/").status_code == 200


def test_the_customer_cannot_switch_person_where_there_is_no_desk(client, agent, moment):
    client.login(username=agent.username, password=PASSWORD)
    client.post(reverse("feedback:handover_start", args=[moment.uuid]))
    client.post(EXIT)
    client.post(BACK, {"switch": "1"})
    assert client.get("/log/")["Location"] == BACK

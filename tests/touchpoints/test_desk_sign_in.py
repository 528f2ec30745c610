"""Desk sign-in on a registered tablet: a name, a PIN, the log screen; locks as narrow as
the guessing; the idle time; and the password for everyone else."""

import time

import pytest
from django.contrib.auth import SESSION_KEY as USER_KEY
from django.urls import reverse

from tests.conftest import PASSWORD, make_user
from tests.desk_steps import give_pin, make_client_a_desk, register_desk
from touchpoints.models import Role
from touchpoints.people.desk_sign_in import SEEN_KEY

LOG = "/log/"


@pytest.fixture
def bo(org):
    return make_user("bo", Role.FRONTLINE, team=org["arn_desk"], first_name="Bo", badge="7731")


@pytest.fixture
def desk(org, client):
    desk, cookie = register_desk(org["arn"])
    make_client_a_desk(client, cookie)
    return desk


def pin_url(person) -> str:
    return reverse("desk:pin", args=[person.pk])


def wrong_pins(client, person, times: int):
    for _ in range(times):
        response = client.post(pin_url(person), {"pin": "000000"})
    return response


def test_login_on_a_desk_tablet_shows_the_desk_screen_with_the_locations_people(
    client, desk, agent, bo, jfk_agent, arn_manager
):
    response = client.get("/login/", follow=True)
    assert response.redirect_chain[-1][0] == "/desk/"
    assert "Anna" in response.text and "Bo" in response.text
    assert "jack" not in response.text  # another location's person
    assert "maria" not in response.text  # managers sign in with their password
    assert "Sign in with password" in response.text


def test_people_are_listed_most_recently_signed_in_here_first(client, desk, agent, bo):
    give_pin(bo)
    client.post(pin_url(bo), {"pin": "5283"})
    client.post("/logout/")
    text = client.get("/desk/").text
    assert text.index(">Bo<") < text.index(">Anna<")


def test_the_right_pin_signs_in_and_opens_the_log_screen(client, desk, agent):
    give_pin(agent)
    response = client.post(pin_url(agent), {"pin": "40718"})
    assert response["Location"] == LOG
    assert client.session[USER_KEY] == str(agent.pk)
    assert client.get(LOG).status_code == 200


def test_a_badge_number_leads_to_that_persons_pin_pad(client, desk, bo):
    response = client.get("/desk/", {"badge": "7731"})
    assert response["Location"] == pin_url(bo)
    assert "Nobody here has that badge number." in client.get("/desk/", {"badge": "1"}).text


def test_a_switch_gives_a_new_session_with_nothing_of_the_last_person(client, desk, agent, bo):
    give_pin(agent), give_pin(bo)
    client.post(pin_url(agent), {"pin": "40718"})
    first_session = client.session.session_key
    client.post("/logout/", {"next": "/desk/"})
    client.post(pin_url(bo), {"pin": "5283"})
    assert client.session.session_key != first_session
    page = client.get(LOG).text
    assert "Bo" in page and "Anna" not in page


def test_a_person_without_a_pin_is_told_to_ask_for_a_welcome_link(client, desk, agent):
    response = client.post(pin_url(agent), {"pin": "40718"})
    assert response.status_code == 403
    assert "Ask your manager for a welcome link" in response.text
    assert USER_KEY not in client.session


def test_a_wrong_pin_says_how_many_tries_are_left(client, desk, agent):
    give_pin(agent)
    response = wrong_pins(client, agent, 1)
    assert "Wrong PIN. 4 tries left" in response.text
    assert USER_KEY not in client.session


def test_five_wrong_pins_lock_that_person_at_that_desk_and_say_until_when(client, desk, agent):
    give_pin(agent)
    response = wrong_pins(client, agent, 5)
    assert response.status_code == 429
    assert "Too many wrong PINs: try again at" in response.text
    assert "or sign in with your password" in response.text
    response = client.post(pin_url(agent), {"pin": "40718"})  # the right one, too late
    assert response.status_code == 429
    assert USER_KEY not in client.session


def test_a_locked_person_leaves_the_others_at_the_desk_free(client, desk, agent, bo):
    give_pin(agent), give_pin(bo)
    wrong_pins(client, agent, 5)
    assert client.post(pin_url(bo), {"pin": "5283"})["Location"] == LOG


def test_a_locked_person_still_signs_in_at_another_desk(client, org, desk, agent):
    give_pin(agent)
    wrong_pins(client, agent, 5)
    _, other_cookie = register_desk(org["arn"], "Gate 12")
    make_client_a_desk(client, other_cookie)
    assert client.post(pin_url(agent), {"pin": "40718"})["Location"] == LOG


def test_a_locked_person_still_signs_in_with_their_password(client, desk, agent):
    give_pin(agent)
    wrong_pins(client, agent, 5)
    response = client.post(
        "/login/?password=1", {"username": "anna", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == LOG


def test_the_lock_ends_after_its_time(client, desk, agent, settings):
    settings.DESK_PIN_LOCK_MINUTES = 0.02
    give_pin(agent)
    wrong_pins(client, agent, 5)
    time.sleep(1.5)
    assert client.post(pin_url(agent), {"pin": "40718"})["Location"] == LOG


def test_managers_still_sign_in_with_a_password_at_login(client, arn_manager):
    response = client.get("/login/")
    assert 'name="username"' in response.text and 'name="password"' in response.text
    response = client.post("/login/", {"username": "maria", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[USER_KEY] == str(arn_manager.pk)


def test_the_password_form_is_one_tap_away_on_a_desk(client, desk, arn_manager):
    response = client.get("/login/?password=1")
    assert 'name="username"' in response.text and "Back to the names" in response.text
    client.post("/login/?password=1", {"username": "maria", "password": PASSWORD})
    assert client.session[USER_KEY] == str(arn_manager.pk)


def test_nobody_outside_the_desks_people_signs_in_there(client, desk, jfk_agent, arn_manager):
    give_pin(jfk_agent)
    assert client.post(pin_url(jfk_agent), {"pin": "9461"}).status_code == 404
    assert client.post(pin_url(arn_manager), {"pin": "9461"}).status_code == 404


def test_a_tablet_that_is_not_a_desk_gets_the_password_form(client, agent):
    response = client.get("/desk/")
    assert response["Location"] == "/login/?password=1"
    assert client.post(pin_url(agent), {"pin": "40718"})["Location"] == "/login/"


def test_a_revoked_desk_is_no_desk(client, desk, agent):
    give_pin(agent)
    desk.active = False
    desk.save()
    assert client.get("/login/").status_code == 200  # the password form
    assert USER_KEY not in client.session


def test_a_forged_desk_cookie_is_no_desk(client, org, desk):
    client.cookies["moments_desk"] = f"{desk.pk}:not-the-secret"
    assert client.get("/login/").status_code == 200


def test_a_desk_session_left_idle_is_signed_out(client, desk, agent, settings):
    give_pin(agent)
    client.post(pin_url(agent), {"pin": "40718"})
    session = client.session
    session[SEEN_KEY] = time.time() - settings.DESK_IDLE_MINUTES * 60 - 120
    session.save()
    response = client.get(LOG)
    assert response["Location"].startswith("/login/")
    assert USER_KEY not in client.session


def test_a_desk_session_in_use_stays_signed_in(client, desk, agent, settings):
    give_pin(agent)
    client.post(pin_url(agent), {"pin": "40718"})
    session = client.session
    session[SEEN_KEY] = time.time() - settings.DESK_IDLE_MINUTES * 60 + 30
    session.save()
    assert client.get(LOG).status_code == 200
    assert time.time() - client.session[SEEN_KEY] < 5  # the stamp moved on


def test_the_nav_poll_is_not_use(client, desk, agent, settings):
    give_pin(agent)
    client.post(pin_url(agent), {"pin": "40718"})
    session = client.session
    stale = time.time() - 200
    session[SEEN_KEY] = stale
    session.save()
    client.get("/feedback/badges/", HTTP_HX_REQUEST="true")
    assert client.session[SEEN_KEY] == stale


def test_a_desk_page_carries_the_idle_timer_and_the_switch(client, desk, agent, settings):
    settings.DESK_IDLE_MINUTES = 3
    give_pin(agent)
    client.post(pin_url(agent), {"pin": "40718"})
    page = client.get(LOG).text
    assert 'data-idle-seconds="180"' in page
    assert "Switch person" in page


def test_a_password_sign_in_elsewhere_has_no_idle_rule(client, agent):
    client.post("/login/", {"username": "anna", "password": PASSWORD})
    assert SEEN_KEY not in client.session
    assert "desk_idle.js" not in client.get(LOG).text


def test_each_further_lock_in_a_row_lasts_twice_as_long(desk, agent):
    from django.utils import timezone

    from touchpoints.models import DeskSignIn
    from touchpoints.people.desk_sign_in import try_pin

    give_pin(agent)
    lengths = []
    for _ in range(3):
        for _ in range(5):
            try_pin(desk, agent, "000000")
        record = DeskSignIn.objects.get(desk=desk, person=agent)
        lengths.append(round((record.locked_until - timezone.now()).total_seconds() / 60))
        record.locked_until = timezone.now()  # as if the lock had run out
        record.save()
    assert lengths == [5, 10, 20]
    assert try_pin(desk, agent, "40718").right
    assert DeskSignIn.objects.get(desk=desk, person=agent).locks == 0

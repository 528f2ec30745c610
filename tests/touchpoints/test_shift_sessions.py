"""Tablets are shared: a frontline sign-in lasts one shift, not Django's two weeks."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TWELVE_HOURS = 12 * 3600


def sign_in(client, user) -> None:
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def cookie_lifetime(client) -> int:
    return client.cookies["sessionid"]["max-age"]


def test_a_frontline_sign_in_lasts_one_shift(client, agent):
    sign_in(client, agent)
    assert TWELVE_HOURS - 60 < cookie_lifetime(client) <= TWELVE_HOURS
    assert TWELVE_HOURS - 60 < client.session.get_expiry_age() <= TWELVE_HOURS


def test_the_shift_is_counted_from_sign_in_not_from_the_last_tap(client, agent):
    sign_in(client, agent)
    ends = client.session.get_expiry_date()
    client.get("/log/")
    assert client.session.get_expiry_date() == ends


def test_the_shift_length_is_configurable(client, agent, settings):
    settings.FRONTLINE_SESSION_HOURS = 8
    sign_in(client, agent)
    assert 8 * 3600 - 60 < cookie_lifetime(client) <= 8 * 3600


def test_managers_keep_the_normal_session_length(client, arn_manager, settings):
    sign_in(client, arn_manager)
    assert cookie_lifetime(client) == settings.SESSION_COOKIE_AGE == 14 * 24 * 3600


def test_a_frontline_session_past_its_shift_is_signed_out(client, agent):
    sign_in(client, agent)
    session = client.session
    session.set_expiry(timezone.now() - timedelta(seconds=1))  # the shift has ended
    session.save()
    response = client.get("/log/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")

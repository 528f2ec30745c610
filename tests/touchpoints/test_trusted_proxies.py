"""X-Forwarded-For is believed only as far as TRUSTED_PROXIES proxies of ours wrote it: a
forged entry can neither pick the address a flood is counted against nor escape its own."""

import pytest
from django.test import Client

from tests.conftest import make_user
from tests.touchpoints.sign_in_steps import WRONG, sign_in, signed_in
from touchpoints.models import Role
from touchpoints.people.client_address import client_address

PROXY = "10.0.0.2"  # our TLS proxy, the connection's address for every caller
AIRPORT = "203.0.113.5"
ATTACKER = "198.51.100.66"


def through_proxy(forwarded: str) -> Client:
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


@pytest.fixture
def one_proxy(settings):
    settings.TRUSTED_PROXIES = 1
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 6


def test_a_forged_entry_on_the_left_is_ignored(rf, settings):
    settings.TRUSTED_PROXIES = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR=f"{AIRPORT}, {ATTACKER}", REMOTE_ADDR=PROXY)
    assert client_address(request) == ATTACKER


def test_two_proxies_believe_the_second_entry_from_the_right(rf, settings):
    settings.TRUSTED_PROXIES = 2
    forwarded = f"{AIRPORT}, {ATTACKER}, 10.0.0.9"
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR=PROXY)
    assert client_address(request) == ATTACKER


def test_too_few_entries_fall_back_to_the_connections_address(rf, settings):
    settings.TRUSTED_PROXIES = 2
    request = rf.get("/", HTTP_X_FORWARDED_FOR=AIRPORT, REMOTE_ADDR="192.0.2.44")
    assert client_address(request) == "192.0.2.44"


def test_without_trusted_proxies_the_header_is_never_read(rf):
    request = rf.get("/", HTTP_X_FORWARDED_FOR=AIRPORT, REMOTE_ADDR=ATTACKER)
    assert client_address(request) == ATTACKER


def test_a_flood_with_a_forged_airport_address_never_locks_the_airport(org, one_proxy):
    make_user("bo", Role.FRONTLINE, team=org["arn_desk"])
    for n in range(10):
        # The attacker claims the airport's address; our proxy appends the real one.
        sign_in(through_proxy(f"{AIRPORT}, {ATTACKER}"), f"someone{n}", WRONG)
    assert sign_in(through_proxy(f"{AIRPORT}, {ATTACKER}"), "bo").status_code == 429
    assert signed_in(sign_in(through_proxy(AIRPORT), "bo"))


def test_behind_our_proxy_a_flood_locks_the_flooder_not_everyone(org, one_proxy):
    make_user("bo", Role.FRONTLINE, team=org["arn_desk"])
    for n in range(10):
        sign_in(through_proxy(ATTACKER), f"someone{n}", WRONG)
    assert sign_in(through_proxy(ATTACKER), "bo").status_code == 429
    assert signed_in(sign_in(through_proxy(AIRPORT), "bo"))

"""Floods of guesses never keep the real person out: one address slows and then refuses
itself, many addresses slow one account down with growing delays that always end."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user
from tests.touchpoints.sign_in_steps import WRONG, at, seconds_pass, sign_in, signed_in
from touchpoints.models import Role
from touchpoints.people.sign_in_locks import backoff_seconds

HOME = "192.0.2.10"
AIRPORT = "203.0.113.5"
ATTACKER = "198.51.100.66"


@pytest.fixture
def few_per_address(settings):
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 6


def usual(username: str, address: str) -> None:
    """The person has signed in from this address before (and signed out)."""
    assert signed_in(sign_in(at(address), username))


def flood_from_many_addresses(username: str, guesses: int, first: int = 1) -> list:
    return [
        sign_in(at(f"198.18.{n // 250}.{n % 250 + 1}"), username, WRONG)
        for n in range(first, first + guesses)
    ]


def test_a_flood_from_one_address_refuses_that_address_never_the_person_elsewhere(
    agent, few_per_address
):
    names = ["anna"] * 5 + ["x1", "x2", "x3"]
    guesses = [sign_in(at(ATTACKER), name, WRONG).status_code for name in names]
    # anna from there is locked at her fifth; the sixth failure locks the address itself.
    assert guesses == [200] * 4 + [429] + [429] * 3
    assert sign_in(at(ATTACKER), "anna").status_code == 429
    assert signed_in(sign_in(at(HOME), "anna"))


def test_a_flood_of_made_up_names_at_an_airport_never_locks_out_the_people_who_sign_in_there(
    org, few_per_address
):
    make_user("bo", Role.FRONTLINE, team=org["arn_desk"])
    usual("bo", AIRPORT)
    for n in range(10):
        sign_in(at(AIRPORT), f"someone{n}", WRONG)
    assert sign_in(at(AIRPORT), "someone-else", WRONG).status_code == 429
    assert signed_in(sign_in(at(AIRPORT), "bo"))


def test_a_locked_address_still_lets_a_usual_person_get_their_password_wrong_and_right(
    org, few_per_address
):
    make_user("bo", Role.FRONTLINE, team=org["arn_desk"])
    usual("bo", AIRPORT)
    for n in range(10):
        sign_in(at(AIRPORT), f"someone{n}", WRONG)
    assert sign_in(at(AIRPORT), "bo", WRONG).status_code == 200  # checked, not refused
    assert signed_in(sign_in(at(AIRPORT), "bo"))


def patient_flood(username: str, guesses: int) -> None:
    """A flood that waits out every delay: each of its guesses is checked and counted."""
    for n in range(guesses):
        seconds_pass(100)
        flood_from_many_addresses(username, 1, first=n)


def failures_counted(username: str) -> int:
    return sum(
        AccessAttempt.objects.filter(username=username).values_list(
            "failures_since_start", flat=True
        )
    )


def test_a_flood_against_one_account_from_many_addresses_gets_growing_delays(agent):
    answers = flood_from_many_addresses("anna", 10)
    # Nine wrong passwords from anywhere are answered; the tenth starts the delay.
    assert [a.status_code for a in answers] == [200] * 9 + [429]
    delays = [int(answers[-1]["Retry-After"])]
    for n in range(11, 15):
        seconds_pass(delays[-1])
        checked = flood_from_many_addresses("anna", 1, first=n)[0]
        assert checked.status_code == 429
        delays.append(int(checked["Retry-After"]))
    assert delays == [1, 2, 4, 8, 16]
    assert failures_counted("anna") == 14  # each of them was checked, none refused unseen


def test_refused_tries_during_a_delay_never_lengthen_it(agent):
    patient_flood("anna", 16)  # the next try waits 64 s
    first = flood_from_many_addresses("anna", 1, first=50)[0]
    more = flood_from_many_addresses("anna", 30, first=60)
    assert {a.status_code for a in more} == {429}
    assert int(more[-1]["Retry-After"]) <= int(first["Retry-After"]) <= 64
    assert failures_counted("anna") == 16


def test_the_real_person_from_their_usual_address_gets_in_during_a_flood_against_them(agent):
    usual("anna", HOME)
    patient_flood("anna", 16)
    flood_from_many_addresses("anna", 40, first=100)
    assert flood_from_many_addresses("anna", 1, first=190)[0].status_code == 429
    assert signed_in(sign_in(at(HOME), "anna"))


def test_the_real_person_from_a_new_address_gets_in_once_the_delay_is_over(agent):
    patient_flood("anna", 16)
    flood_from_many_addresses("anna", 1, first=100)
    refused = sign_in(at("192.0.2.200"), "anna")
    assert refused.status_code == 429
    assert "slowed down" in refused.text
    assert int(refused["Retry-After"]) <= 64
    seconds_pass(int(refused["Retry-After"]))
    assert signed_in(sign_in(at("192.0.2.200"), "anna"))


def test_the_delay_never_grows_past_its_maximum(settings):
    assert backoff_seconds(settings.SIGN_IN_FAILURES_PER_ACCOUNT - 1) == 0
    assert backoff_seconds(settings.SIGN_IN_FAILURES_PER_ACCOUNT) == 1
    assert backoff_seconds(10_000) == settings.SIGN_IN_BACKOFF_MAX_SECONDS == 900


def test_a_locked_out_last_admin_gets_back_in_with_the_unlock_command(role_admin, capsys):
    for _ in range(5):
        sign_in(at(HOME), "ada", WRONG)
    assert sign_in(at(HOME), "ada").status_code == 429
    call_command("unlock_sign_in", "ada")
    assert "Unlocked ada" in capsys.readouterr().out
    assert signed_in(sign_in(at(HOME), "ada"))


def test_an_admin_sees_an_account_slowed_down_and_clears_it(agent, role_admin):
    patient_flood("anna", 16)
    flood_from_many_addresses("anna", 1, first=100)
    admin = Client()
    admin.force_login(role_admin)
    page = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert "account slowed down from new places, until" in page.text
    first = get_user_model().objects.get(username="anna")
    admin.post(
        reverse("admin:touchpoints_user_changelist"),
        {"action": "unlock_people", "_selected_action": [first.pk]},
    )
    assert signed_in(sign_in(at("192.0.2.200"), "anna"))


def test_guesses_from_a_locked_address_are_refused_without_a_query(
    db, few_per_address, django_assert_num_queries
):
    """A flood of made-up names keeps coming from the locked address: this process
    remembers the lock, and the names usual there, for a few seconds."""
    for n in range(6):
        sign_in(at(ATTACKER), f"someone{n}", WRONG)
    with django_assert_num_queries(0):
        for n in range(3):
            assert sign_in(at(ATTACKER), f"other{n}", WRONG).status_code == 429


def test_guesses_at_an_account_slowed_down_are_refused_without_a_query(
    agent, django_assert_num_queries
):
    patient_flood("anna", 16)
    flood_from_many_addresses("anna", 1, first=100)
    with django_assert_num_queries(0):
        flood_from_many_addresses("anna", 3, first=200)

"""Guessing passwords: an account locked from one address only, an address locked for names
not usual there, refused before any hashing. Floods: test_sign_in_floods.py."""

import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from tests.conftest import make_user
from tests.touchpoints.sign_in_steps import WRONG, at, sign_in, signed_in
from touchpoints.models import AuditEntry, Role
from touchpoints.people.throttle import unlock


class CountingHasher(MD5PasswordHasher):
    """MD5, counting every hash: a wrong password, or an unknown name, costs one."""

    hashes = 0

    def encode(self, password, salt):
        CountingHasher.hashes += 1
        return super().encode(password, salt)


@pytest.fixture
def hashes(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.hashes = 0
    return CountingHasher


@pytest.fixture
def few_per_address(settings):
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 6


def test_five_wrong_passwords_lock_the_account_from_that_address_even_against_the_right_one(
    client, agent
):
    statuses = [sign_in(client, "anna", WRONG).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    response = sign_in(client, "anna")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_locked_page_says_when_to_try_again(client, agent):
    for _ in range(5):
        response = sign_in(client, "anna", WRONG)
    assert "Too many wrong passwords for this account from here" in response.text
    assert "Try again at" in response.text
    until = parse_datetime(response.text.split('<time datetime="')[1].split('"')[0])
    expected = timezone.now() + timedelta(minutes=15)
    assert abs((until - expected).total_seconds()) < 10
    assert timezone.localtime(until).strftime("%H:%M") in response.text
    assert "in 15 minutes" in response.text
    assert 890 <= int(response["Retry-After"]) <= 900
    assert 'value="anna"' in response.text  # the form is there again, name kept


def test_trying_while_locked_keeps_the_promised_time(client, agent):
    for _ in range(5):
        first = sign_in(client, "anna", WRONG)
    later = sign_in(client, "anna", WRONG)
    time_of = lambda response: response.text.split('<time datetime="')[1].split('"')[0]  # noqa: E731
    assert time_of(later) == time_of(first)


def test_five_wrong_passwords_from_one_address_never_lock_the_person_elsewhere(agent):
    # The old rule locked the account from everywhere: anyone knowing a name could lock it.
    guesser = at("198.51.100.1")
    for _ in range(5):
        sign_in(guesser, "anna", WRONG)
    assert sign_in(guesser, "anna").status_code == 429
    assert signed_in(sign_in(at("192.0.2.99"), "anna"))


def test_colleagues_at_the_same_address_still_sign_in(client, agent, org):
    make_user("bo", Role.FRONTLINE, team=org["arn_desk"])
    for _ in range(6):
        sign_in(client, "anna", WRONG)
    assert signed_in(sign_in(client, "bo"))


def test_signing_in_forgives_your_own_wrong_passwords(client, agent):
    for _ in range(4):
        sign_in(client, "anna", WRONG)
    assert signed_in(sign_in(client, "anna"))
    browser = Client()
    for _ in range(4):
        sign_in(browser, "anna", WRONG)
    assert signed_in(sign_in(browser, "anna"))


def test_many_wrong_passwords_from_one_address_lock_that_address(agent, few_per_address):
    guesser = at("198.51.100.66")
    statuses = [sign_in(guesser, f"someone{n}", WRONG).status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]
    response = sign_in(guesser, "anna")
    assert response.status_code == 429
    assert "from this network" in response.text
    assert signed_in(sign_in(at("192.0.2.10"), "anna"))


def test_a_locked_address_is_told_so_on_opening_the_sign_in_page(agent, few_per_address):
    guesser = at("198.51.100.66")
    for n in range(6):
        sign_in(guesser, f"someone{n}", WRONG)
    response = guesser.get(reverse("login"))
    assert response.status_code == 429
    assert "from this network" in response.text
    assert at("192.0.2.10").get(reverse("login")).status_code == 200


def test_a_busy_airports_typos_do_not_lock_its_address(org, few_per_address):
    # Twelve people behind one NAT each mistype once, then sign in: twice the address's
    # limit in typos, but each person's typos stop counting when they get in.
    airport = "203.0.113.5"
    for n in range(12):
        make_user(f"staff{n}", Role.FRONTLINE, team=org["arn_desk"])
        sign_in(at(airport), f"staff{n}", WRONG)
        assert signed_in(sign_in(at(airport), f"staff{n}"))


def test_a_wrong_password_is_hashed_once(client, agent, hashes):
    sign_in(client, "anna", WRONG)
    assert hashes.hashes == 1


def test_an_unknown_name_is_hashed_once(client, db, hashes):
    # Django hashes anyway for an unknown name, so timing does not tell who exists.
    sign_in(client, "nobody", WRONG)
    assert hashes.hashes == 1


def test_a_locked_attempt_is_refused_without_hashing(client, agent, hashes):
    for _ in range(5):
        sign_in(client, "anna", WRONG)
    assert hashes.hashes == 5
    for _ in range(20):
        assert sign_in(client, "anna", WRONG).status_code == 429
    assert sign_in(client, "anna").status_code == 429
    assert hashes.hashes == 5


def test_a_locked_address_is_refused_without_hashing(db, hashes, few_per_address):
    guesser = at("198.51.100.66")
    for n in range(6):
        sign_in(guesser, f"someone{n}", WRONG)
    assert hashes.hashes == 6
    for n in range(10):
        sign_in(guesser, f"other{n}", WRONG)
    assert hashes.hashes == 6


def test_an_admin_unlocks_a_person_from_the_people_list(client, agent, role_admin):
    for _ in range(5):
        sign_in(client, "anna", WRONG)
    admin = Client()
    admin.force_login(role_admin)
    changelist = reverse("admin:touchpoints_user_changelist")
    response = admin.post(changelist, {"action": "unlock_people", "_selected_action": [agent.pk]})
    assert response.status_code == 302
    assert signed_in(sign_in(client, "anna"))
    entry = AuditEntry.objects.get(object_id=str(agent.pk), action=AuditEntry.Action.CHANGED)
    assert entry.actor == role_admin
    assert entry.changes == {"sign-in": ["locked", "unlocked"]}


def test_an_admin_sees_and_unlocks_a_locked_address(agent, role_admin, few_per_address):
    from axes.models import AccessAttempt

    guesser = at("198.51.100.66")
    for n in range(6):
        sign_in(guesser, f"someone{n}", WRONG)
    admin = Client()
    admin.force_login(role_admin)
    page = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert "Failed sign-ins" in page.text
    assert re.search(
        r"address, for names not usual there, until \d\d:\d\d:\d\d UTC<", page.text
    )  # the admin spans zones
    assert "Unlock the addresses of the selected rows" in page.text
    assert "Failed sign-ins (unlock here)" in admin.get(reverse("admin:index")).text
    first = AccessAttempt.objects.filter(ip_address="198.51.100.66").first()
    admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock_addresses", "_selected_action": [first.pk]},
    )
    assert signed_in(sign_in(guesser, "anna"))


def test_only_admins_see_failed_sign_ins(client, arn_manager):
    client.force_login(arn_manager)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_sessions_signed_in_through_djangos_own_backend_stay_signed_in(client, agent):
    client.force_login(agent, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get(reverse("touchpoints:log")).status_code == 200


def test_throttling_needs_no_cache(client, agent, settings):
    # Redis may be down; the counts live in the database.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    statuses = [sign_in(client, "anna", WRONG).status_code for _ in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]


def test_an_ipv6_caller_is_counted_by_their_network(agent, few_per_address):
    for n in range(6):
        sign_in(at(f"2001:db8:1:2::{n + 1}"), f"someone{n}", WRONG)
    assert sign_in(at("2001:db8:1:2:ffff::9"), "anna").status_code == 429
    assert signed_in(sign_in(at("2001:db8:1:3::1"), "anna"))


def test_guesses_at_a_locked_account_are_refused_without_a_query(
    client, agent, django_assert_num_queries
):
    """A flood keeps guessing at the locked account: this process remembers the lock."""
    for _ in range(5):
        sign_in(client, "anna", WRONG)
    with django_assert_num_queries(0):
        for _ in range(3):
            assert sign_in(client, "anna", WRONG).status_code == 429


def test_an_unlock_by_another_process_is_seen_once_the_memory_of_the_lock_is_old(
    client, agent, settings
):
    for _ in range(5):
        sign_in(client, "anna", WRONG)
    # Another web process's admin forgets the failures: this one still remembers the lock...
    AccessAttempt.objects.filter(username="anna").delete()
    assert sign_in(client, "anna").status_code == 429
    # ...for SIGN_IN_LOCK_MEMORY_SECONDS at most; then it asks the database again.
    settings.SIGN_IN_LOCK_MEMORY_SECONDS = 0
    assert signed_in(sign_in(client, "anna"))


def test_an_unlock_in_this_process_lets_the_person_in_at_once(client, agent):
    for _ in range(5):
        sign_in(client, "anna", WRONG)
    unlock(username="anna")
    assert signed_in(sign_in(client, "anna"))

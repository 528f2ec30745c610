"""Steps the sign-in throttling tests share: signing in from a chosen address, and time
passing for the failures already counted."""

from datetime import timedelta

from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from touchpoints.people.throttle import RECENT_LOCKS

WRONG = "not-the-password"


def sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("home")


def at(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def seconds_pass(seconds: float) -> None:
    """Every failure counted so far happened `seconds` earlier (and this process forgets
    the locks it remembered, as it would once they ended)."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(seconds=seconds))
    RECENT_LOCKS.clear()

"""Every view that takes a `next` sends people only to pages of this site.

The views that read `next`: answering a need (dashboards), sign-in, sign-out and the
configuration site's sign-in. The hostile-input sweep also sends `next` off-site to every
URL as every role, so a view that starts reading it later is caught there.
"""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from touchpoints.models import Need
from touchpoints.needs import raise_need

OFF_SITE = [
    "https://evil.example/phish",
    "//evil.example/phish",
    "/\\evil.example/phish",
    "https:evil.example",
    "javascript:alert(1)",
]  # A NUL byte never gets this far: tests/test_nul_bytes.py


@pytest.fixture
def need(agent) -> Need:
    return raise_need(agent, Need.Kind.TOOL, "The bag tag printer keeps jamming")


@pytest.mark.parametrize("target", OFF_SITE)
def test_answering_a_need_never_redirects_off_site(client, arn_manager, need, target):
    client.login(username=arn_manager.username, password=PASSWORD)
    data = {"status": "acknowledged", "answer": "", "next": target}
    response = client.post(reverse("dashboards:answer", args=[need.pk]), data)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboards:needs")


def test_answering_a_need_returns_to_the_page_it_was_answered_on(client, arn_manager, need):
    client.login(username=arn_manager.username, password=PASSWORD)
    back = reverse("dashboards:dashboard") + "?period=30"
    data = {"status": "acknowledged", "answer": "", "next": back}
    response = client.post(reverse("dashboards:answer", args=[need.pk]), data)
    assert response["Location"] == back


@pytest.mark.parametrize("target", OFF_SITE)
def test_signing_in_never_redirects_off_site(client, agent, target):
    data = {"username": agent.username, "password": PASSWORD, "next": target}
    response = client.post(reverse("login") + "?next=" + target, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("target", OFF_SITE)
def test_signing_out_never_redirects_off_site(client, agent, target):
    client.login(username=agent.username, password=PASSWORD)
    response = client.post(reverse("logout"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


@pytest.mark.parametrize("target", OFF_SITE)
def test_the_configuration_sign_in_never_passes_an_off_site_next_on(client, db, target):
    response = client.get(reverse("admin:login"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=" + reverse("admin:index")

"""Single sign-on by OpenID Connect, against a provider the tests start (oidc_provider.py)."""

import socket
from html import unescape
from urllib.parse import urlsplit

import requests

from tests.conftest import PASSWORD
from tests.people.conftest import configure
from touchpoints.models import Role, User


def sign_in_through(client, provider, **person):
    """The whole code flow: Moments sends the browser to the provider, which sends it back."""
    provider.person = {"sub": "sub-" + person["preferred_username"], **person}
    to_provider = client.get("/sso/start/")
    assert to_provider.status_code == 302
    back = requests.get(to_provider["Location"], allow_redirects=False, timeout=5)
    callback = urlsplit(back.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


def test_the_login_page_offers_the_airlines_sign_in(client, provider):
    page = client.get("/login/")
    assert "Sign in with Example Air" in page.content.decode()
    assert 'name="password"' in page.content.decode()


def test_an_agent_of_a_desk_group_lands_on_the_log_screen_in_that_team(client, provider, org):
    groups = ["everyone", "moments-agents-JFK"]
    response = sign_in_through(
        client, provider, preferred_username="jo.smith", given_name="Jo", groups=groups
    )
    assert response.status_code == 302
    log_screen = client.get(response["Location"], follow=True)
    assert log_screen.request["PATH_INFO"] == "/log/"
    jo = User.objects.get(username="jo.smith")
    assert (jo.role, jo.team, jo.first_name) == (Role.FRONTLINE, org["jfk_desk"], "Jo")
    assert not jo.has_usable_password()
    assert client.session.get_expiry_age() <= 12 * 3600  # a shared tablet's shift, as ever


def test_a_manager_group_lands_on_the_dashboard_of_its_location(client, provider, org):
    response = sign_in_through(
        client, provider, preferred_username="mia", email="mia@example.com",
        groups=["moments-managers-ARN"],
    )  # fmt: skip
    dashboard = client.get(response["Location"], follow=True)
    assert dashboard.request["PATH_INFO"] == "/dashboard/"
    assert "Stockholm Arlanda" in dashboard.content.decode()
    mia = User.objects.get(username="mia")
    assert mia.role == Role.MANAGER
    assert list(mia.managed_locations.all()) == [org["arn"]]


def test_groups_that_change_at_the_provider_change_the_role_at_the_next_sign_in(
    client, provider, org
):
    sign_in_through(client, provider, preferred_username="kim", groups=["moments-agents-ARN"])
    client.logout()
    sign_in_through(client, provider, preferred_username="kim", groups=["moments-managers-ARN"])
    kim = User.objects.get(username="kim")
    assert kim.role == Role.MANAGER
    assert list(kim.managed_locations.all()) == [org["arn"]]


def test_groups_that_give_no_role_are_refused_with_a_page_and_no_account(client, provider):
    response = sign_in_through(
        client, provider, preferred_username="stranger", groups=["moments-visitors"]
    )
    assert response.status_code == 403
    assert "not in any group that gives access to Moments" in response.content.decode()
    assert not User.objects.filter(username="stranger").exists()
    assert not client.get("/log/").wsgi_request.user.is_authenticated


def test_a_person_deactivated_in_moments_is_refused(client, provider, agent):
    agent.is_active = False
    agent.save()
    response = sign_in_through(
        client, provider, preferred_username=agent.username, groups=["moments-agents-ARN"]
    )
    assert response.status_code == 403
    assert "Your Moments account is deactivated" in response.content.decode()


def test_a_token_from_another_issuer_is_refused(client, provider, settings):
    settings.OIDC_ISSUER = "https://someone-else.example"
    response = sign_in_through(
        client, provider, preferred_username="eve", groups=["moments-admins"]
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="eve").exists()


def _closed_port() -> int:
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return free.getsockname()[1]


def test_a_provider_that_is_down_gets_a_clear_page_and_passwords_still_work(
    client, settings, agent
):
    configure(settings, f"http://127.0.0.1:{_closed_port()}/.well-known/openid-configuration")
    response = client.get("/sso/start/")
    assert response.status_code == 503
    page = unescape(response.content.decode())
    assert "Example Air's sign-in is not answering" in page
    assert "sign in with your password" in page
    signed_in = client.post("/login/", {"username": agent.username, "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.get("/log/").status_code == 200


def test_a_provider_that_goes_down_during_the_sign_in_gets_the_clear_page(client, provider):
    provider.person = {"sub": "x", "preferred_username": "lee", "groups": ["moments-admins"]}
    to_provider = client.get("/sso/start/")
    back = requests.get(to_provider["Location"], allow_redirects=False, timeout=5)
    provider.stop()
    callback = urlsplit(back.headers["Location"])
    response = client.get(f"{callback.path}?{callback.query}")
    assert response.status_code == 503
    assert "sign-in is not answering" in response.content.decode()
    assert not User.objects.filter(username="lee").exists()


def test_without_password_sign_in_the_login_page_offers_only_the_airlines(
    client, provider, agent, settings
):
    settings.PASSWORD_SIGN_IN = False
    page = client.get("/login/").content.decode()
    assert "Sign in with Example Air" in page
    assert 'name="password"' not in page
    refused = client.post("/login/", {"username": agent.username, "password": PASSWORD})
    assert refused.status_code == 404
    assert not client.get("/log/").wsgi_request.user.is_authenticated


def test_a_person_who_cancels_at_the_provider_is_back_at_the_login_page(client, provider):
    to_provider = client.get("/sso/start/")
    state = dict(part.split("=") for part in urlsplit(to_provider["Location"]).query.split("&"))[
        "state"
    ]
    response = client.get(f"/sso/callback/?error=access_denied&state={state}", follow=True)
    assert response.request["PATH_INFO"] == "/login/"
    assert "Sign in with Example Air" in response.content.decode()


def test_a_replayed_callback_signs_nobody_in(client, provider):
    provider.person = {"sub": "x", "preferred_username": "rex", "groups": ["moments-admins"]}
    to_provider = client.get("/sso/start/")
    back = requests.get(to_provider["Location"], allow_redirects=False, timeout=5)
    callback = urlsplit(back.headers["Location"])
    client.get(f"{callback.path}?{callback.query}")
    client.logout()
    replayed = client.get(f"{callback.path}?{callback.query}")
    assert replayed.status_code in (302, 403)
    assert replayed.get("Location", "/login/") == "/login/"
    assert not client.get("/log/").wsgi_request.user.is_authenticated

"""A database restart or outage under gunicorn: no request fails once PostgreSQL accepts
connections again, and while it does not, requests get a 503 that says when to retry."""

from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import moment_post
from tests.faults.conftest import Browser, free_port, start_web, with_real_password_hash
from touchpoints.models import Moment

pytestmark = pytest.mark.django_db(transaction=True)


def terminate_other_connections() -> int:
    """What a PostgreSQL restart does to the web's kept connections, from a second one."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def web(postgres, redis_url):
    server, port = start_web(redis_url, workers=1)
    yield port
    server.terminate()
    server.wait(timeout=20)


def test_a_connection_terminated_between_requests_costs_no_request(web, agent, org):
    with_real_password_hash(agent)
    tablet = Browser(web)
    assert tablet.log_in(agent.username) == 302
    assert tablet.post_json("/log/", moment_post(org["desk"])) == 201

    assert terminate_other_connections() >= 1
    after = [tablet.post_json("/log/", moment_post(org["desk"])), tablet.get("/log/")[0]]

    assert after == [201, 200]
    assert Moment.objects.count() == 2


@contextmanager
def database_down():
    """This process's connection pointed at a port where nothing listens."""
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = str(free_port())
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port


@pytest.fixture
def tablet(postgres, agent) -> Client:
    browser = Client(raise_request_exception=False)
    browser.force_login(agent)
    return browser


def test_a_save_while_the_database_is_down_gets_a_503_with_retry_after(tablet, org):
    with database_down():
        response = tablet.post(
            reverse("touchpoints:log"),
            moment_post(org["desk"]),
            headers={"Accept": "application/json"},
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert Moment.objects.count() == 0


@pytest.mark.parametrize("page", ["touchpoints:log", "dashboards:dashboard", "login"])
def test_a_page_while_the_database_is_down_says_to_try_again_shortly(tablet, page):
    # The session is read in middleware, before any view: that failure gets the page too.
    with database_down():
        response = tablet.get(reverse(page))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Back in a moment" in response.text


def test_the_public_page_while_the_database_is_down_says_to_try_again_shortly(postgres, db):
    with database_down():
        # Shaped like a real token, so that it reaches the lookup (a malformed one never does).
        response = Client(raise_request_exception=False).get("/r/AbCdEfGhIjKlMnOpQrStUvWx/")
    assert response.status_code == 503
    assert "Back in a moment" in response.text

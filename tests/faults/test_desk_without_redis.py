"""Desk sign-in with Redis down: the PIN, its count of wrong tries and the session all live
in PostgreSQL, so a desk keeps signing people in, and locking guessers out."""

import subprocess
import sys

import pytest
from django.conf import settings

from tests.conftest import process_env
from tests.dashboards.test_worker import database_url, wait_for
from tests.desk_steps import give_pin, register_desk
from tests.faults.conftest import ROOT, Browser, free_port
from touchpoints.people.desks import COOKIE

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def web_without_redis(redis_server, postgres):
    """gunicorn whose Redis has gone; it signs desk cookies with this test's key."""
    redis_server.stop()
    port = free_port()
    env = process_env(
        DATABASE_URL=database_url(), REDIS_URL=redis_server.url, SECRET_KEY=settings.SECRET_KEY
    )
    web = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", f"127.0.0.1:{port}"]
        + ["--chdir", str(ROOT), "--log-level", "warning", "config.wsgi"],
        env=env,
    )
    try:
        assert wait_for(lambda: Browser(port).answers(), timeout=30), "gunicorn did not start"
        yield port
    finally:
        web.terminate()
        web.wait(timeout=20)


def test_a_desk_signs_people_in_and_locks_guessers_while_redis_is_down(
    web_without_redis, org, agent
):
    give_pin(agent)
    _, cookie = register_desk(org["arn"])
    tablet = Browser(web_without_redis)
    tablet.cookies[COOKIE] = cookie
    pin_page = f"/desk/{agent.pk}/"

    assert "Anna" in tablet.get("/desk/")[2]
    status, headers, _ = tablet.post_form(pin_page, {"pin": "40718"})
    assert (status, headers.get("Location")) == (302, "/log/")
    assert tablet.get("/log/")[0] == 200

    guesser = Browser(web_without_redis)
    guesser.cookies[COOKIE] = cookie
    statuses = [guesser.post_form(pin_page, {"pin": "000000"})[0] for _ in range(5)]
    assert statuses == [403, 403, 403, 403, 429]

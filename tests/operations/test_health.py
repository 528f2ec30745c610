"""GET /health/: database and broker status for compose's health check and load balancers."""

import socket

import pytest

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    """A port nothing listens on: bound for a moment to get a free number, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_health_is_200_when_database_and_broker_answer(client, postgres, redis_url, settings):
    settings.CELERY_BROKER_URL = redis_url
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_health_reports_the_broker_down_while_the_database_still_answers(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "unreachable"}


def test_health_without_a_broker_reports_tasks_run_in_process(client, settings):
    settings.CELERY_BROKER_URL = "memory://"
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "in-process"}


def test_health_answers_over_plain_http_when_everything_else_redirects(client, settings):
    settings.CELERY_BROKER_URL = "memory://"
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/login/").status_code == 301
    assert client.get("/health/").status_code == 200


def test_health_is_never_cached(client, settings):
    settings.CELERY_BROKER_URL = "memory://"
    assert "no-cache" in client.get("/health/")["Cache-Control"]

"""GET /health/: database and broker status for compose's health check and load balancers."""

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

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


def test_health_answers_a_head_request_for_load_balancers(client, settings):
    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    assert client.head("/health/").status_code == 503


def test_health_reports_the_database_down_with_a_503(tmp_path):
    """A server whose PostgreSQL is gone: asked in a process of its own, as compose asks."""
    ask = (
        "from django.test import Client; r = Client(HTTP_HOST='localhost').get('/health/');"
        " print(r.status_code, r.content.decode())"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", ask],
        cwd=Path(__file__).resolve().parent.parent.parent,
        env={
            "PATH": os.environ["PATH"],
            "DEBUG": "1",
            "DATA_DIR": str(tmp_path),
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{closed_port()}/moments",
            "LOG_LEVEL": "ERROR",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, body = result.stdout.strip().split(" ", 1)
    assert status == "503", result.stderr
    assert json.loads(body) == {"database": "unreachable", "broker": "in-process"}

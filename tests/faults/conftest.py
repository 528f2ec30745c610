"""The whole stack in processes of its own, on a Redis server each test starts and stops.

The web is gunicorn, as in production, so that a request meets what a real one meets: a
worker process that keeps its database connection and its Redis connections between
requests. The shared Redis on 6379 is never touched.
"""

import re
import signal
import socket
import subprocess
import sys
import uuid
from contextlib import contextmanager
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from tests.conftest import PASSWORD, process_env
from tests.dashboards.test_worker import database_url, listening, start_worker, wait_for

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def redis_down(settings):
    """The cache points at a port where no Redis listens: every call fails fast."""
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


class RedisServer:
    """A redis-server of the test's own: stopped, started again or frozen at will."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        assert wait_for(self.answers, timeout=10), "redis-server did not start"

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def freeze(self) -> None:
        """Still accepting connections, never answering: a hung or cut-off Redis."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def answers(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False


@pytest.fixture
def redis_server(redis_url):
    """`redis_url` first: CI must have the shared services this test's subprocesses use."""
    server = RedisServer()
    server.start()
    yield server
    server.thaw()
    server.stop()


def start_web(redis_server_url: str, workers: int = 2, **env: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = process_env(DATABASE_URL=database_url(), REDIS_URL=redis_server_url, **env)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers)]
        + ["--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT), "--log-level", "warning"]
        + ["config.wsgi"],
        env=env,
    )
    if not wait_for(lambda: Browser(port).answers(), timeout=30):
        server.kill()
        pytest.fail("gunicorn did not start")
    return server, port


@contextmanager
def running_stack(redis_server_url: str, beat_dir: Path, **env: str):
    """gunicorn, a Celery worker and beat (a roll-up of dirty days every 2 s), all on
    `redis_server_url` and the test database, until the block ends; `env`: more settings for
    all three. Gives the web's port."""
    web, port = start_web(redis_server_url, **env)
    worker = start_worker("celery", redis_server_url, **env)
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "beat", "-l", "warning"]
        + ["-s", str(beat_dir / "beat-schedule")],
        env=process_env(
            DATABASE_URL=database_url(),
            REDIS_URL=redis_server_url,
            ROLLUP_INTERVAL_SECONDS="2",
            **env,
        ),
    )
    try:
        assert wait_for(lambda: listening("celery", redis_server_url), timeout=60)
        yield port
    finally:
        for process in (web, worker, beat):
            process.terminate()
        for process in (web, worker, beat):
            process.wait(timeout=20)


def with_real_password_hash(user):
    """The server processes check passwords with Django's own hashers, not the tests' MD5."""
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, uuid.uuid4().hex, iterations=1000)
    user.save(update_fields=["password"])
    return user


class Browser:
    """One browser: its own cookies, following no redirects."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, headers=None):
        """(status, headers, body) of one request; the body as text."""
        connection = HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if form is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, urlencode(form or {}) or None, {**sent, **(headers or {})})
        response = connection.getresponse()
        body = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        connection.close()
        return response.status, dict(response.getheaders()), body

    def get(self, path: str) -> tuple[int, dict, str]:
        return self.request("GET", path)

    def post_form(self, path: str, form: dict) -> tuple[int, dict, str]:
        """Submit the form on the page at `path`, as a browser would, CSRF token included."""
        _, _, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request("POST", path, {**form, "csrfmiddlewaretoken": token})

    def log_in(self, username: str) -> int:
        status, _, _ = self.post_form("/login/", {"username": username, "password": PASSWORD})
        return status

    def post_json(self, path: str, form: dict) -> int:
        """What the tablet's script sends: a form-encoded POST asking for JSON."""
        headers = {"Accept": "application/json", "X-CSRFToken": self.cookies.get("csrftoken", "")}
        return self.request("POST", path, form, headers)[0]

    def answers(self) -> bool:
        try:
            return self.get("/login/")[0] == 200
        except OSError:
            return False

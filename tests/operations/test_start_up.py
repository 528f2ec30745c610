"""With DEBUG off the app refuses to start on missing or published keys, and the documented
production environment passes `manage.py check --deploy` without a warning."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet

from tests.operations.forked_manage import manage_runs

ROOT = Path(__file__).resolve().parent.parent.parent
REFUSAL = "refuses to start without real keys"


def real_key() -> str:
    return secrets.token_urlsafe(50)


def contact_key() -> str:
    return Fernet.generate_key().decode()


def env_example(name: str) -> str:
    """The value .env.example gives NAME: what `cp .env.example .env` leaves in place."""
    text = (ROOT / ".env.example").read_text()
    return re.search(rf"^{name}=(.*)$", text, re.MULTILINE).group(1)


def real_keys() -> dict[str, str]:
    return {"SECRET_KEY": real_key(), "CUSTOMER_REF_KEY": real_key(), "CONTACT_KEYS": contact_key()}


def documented_production_environment() -> dict[str, str]:
    """The environment block of docs/operations.md, keys filled in with real random ones."""
    doc = (ROOT / "docs" / "operations.md").read_text()
    block = re.search(r"<!-- production-environment -->\s*```sh\n(.*?)```", doc, re.DOTALL)
    pairs = (line.split("=", 1) for line in block.group(1).splitlines() if "=" in line)
    environment = {name: real_key() if value.startswith("<") else value for name, value in pairs}
    environment["CONTACT_KEYS"] = contact_key()
    return environment


SHOW_HTTPS_SETTINGS = (
    "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
    " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
)


def start_ups() -> dict[str, tuple[list[str], dict[str, str]]]:
    """What each test below starts: `manage.py ARGS` with this environment (and no other)."""
    keys = real_keys
    proxy = {"SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto"}
    return {
        "no secret key": (
            ["check"], {"CUSTOMER_REF_KEY": real_key(), "CONTACT_KEYS": contact_key()}
        ),
        "no customer ref key": (
            ["check"], {"DEBUG": "0", "SECRET_KEY": real_key(), "CONTACT_KEYS": contact_key()}
        ),
        **{
            f"the placeholder {name}": (["check"], {**keys(), name: env_example(name)})
            for name in ("SECRET_KEY", "CUSTOMER_REF_KEY", "CONTACT_KEYS")
        },
        "the development key": (
            ["check"], {**keys(), "SECRET_KEY": "insecure-dev-key-set-SECRET_KEY-in-production"}
        ),
        "real keys": (["check"], keys()),
        "debug without keys": (["check"], {"DEBUG": "1"}),
        "a proxy not counted": (["check"], {**keys(), **proxy}),
        "a proxy counted": (["check"], {**keys(), **proxy, "TRUSTED_PROXIES": "1"}),
        "a proxy header in debug": (["check"], {"DEBUG": "1", **proxy}),
        "the documented production environment": (
            ["check", "--deploy", "--fail-level", "WARNING"], documented_production_environment()
        ),
        "production defaults": (
            ["shell", "--verbosity", "0", "-c", SHOW_HTTPS_SETTINGS],
            {**documented_production_environment(), "DATABASE_URL": ""},
        ),
        "no contact keys": (["check"], {"SECRET_KEY": real_key(), "CUSTOMER_REF_KEY": real_key()}),
        "a contact key not a Fernet key": (
            ["check"], {**keys(), "CONTACT_KEYS": f"{contact_key()},{real_key()}"}
        ),
        "the development contact key": (
            ["check"], {**keys(), "CONTACT_KEYS": "aW5zZWN1cmUtZGV2LWtleS1mb3ItQ09OVEFDVEtFWVM="}
        ),
    }  # fmt: skip


@pytest.fixture(scope="module")
def started(tmp_path_factory) -> dict[str, SimpleNamespace]:
    """Each of `start_ups()`, by name: its returncode, stdout and stderr. One process loads
    Python and the libraries once and forks a child for each (forked_manage.py); no settings
    are loaded before a fork, so each child starts Moments from its environment alone, as a
    fresh process outside pytest does (with DEBUG off unless given)."""
    base = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    base["DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
    runs = start_ups()
    results = manage_runs([(args, {**base, **env}) for args, env in runs.values()])
    return dict(zip(runs, results, strict=True))


def test_it_refuses_to_start_without_a_secret_key(started):
    result = started["no secret key"]
    assert result.returncode != 0
    assert f"SECRET_KEY is not set. With DEBUG off Moments {REFUSAL}" in result.stderr


def test_it_refuses_to_start_without_a_customer_ref_key(started):
    result = started["no customer ref key"]
    assert result.returncode != 0
    assert f"CUSTOMER_REF_KEY is not set. With DEBUG off Moments {REFUSAL}" in result.stderr


@pytest.mark.parametrize("name", ["SECRET_KEY", "CUSTOMER_REF_KEY", "CONTACT_KEYS"])
def test_it_refuses_to_start_on_the_env_example_placeholders(started, name):
    result = started[f"the placeholder {name}"]
    assert result.returncode != 0
    assert "is a published placeholder" in result.stderr and name in result.stderr


def test_it_refuses_to_start_on_the_development_key(started):
    result = started["the development key"]
    assert result.returncode != 0
    assert "SECRET_KEY is a published placeholder" in result.stderr


def test_it_starts_with_real_keys(started):
    result = started["real keys"]
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_it_starts_without_keys_in_debug(started):
    result = started["debug without keys"]
    assert result.returncode == 0, result.stderr


def test_it_refuses_to_start_behind_a_proxy_it_does_not_count(started):
    result = started["a proxy not counted"]
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECURE_PROXY_SSL_HEADER is set but TRUSTED_PROXIES is not" in (
        result.stderr
    )


def test_it_starts_behind_a_proxy_it_counts(started):
    result = started["a proxy counted"]
    assert result.returncode == 0, result.stderr


def test_a_proxy_header_without_a_counted_proxy_is_allowed_in_debug(started):
    result = started["a proxy header in debug"]
    assert result.returncode == 0, result.stderr


def test_compose_publishes_the_web_port_on_loopback_only():
    compose = (ROOT / "docker-compose.yml").read_text()
    published = re.findall(r'^\s+- "([\d.:]+)"$', compose, re.MULTILINE)
    assert published == ["127.0.0.1:8000:8000"]
    assert "TRUSTED_PROXIES: ${TRUSTED_PROXIES:-0}" in compose


def test_documented_production_environment_passes_check_deploy_without_a_warning(started):
    assert documented_production_environment()["DEBUG"] == "0"
    result = started["the documented production environment"]
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_production_defaults_are_https_only(started):
    result = started["production defaults"]
    assert result.returncode == 0, result.stderr
    expected = "True 31536000 True True ('HTTP_X_FORWARDED_PROTO', 'https')"
    assert result.stdout.strip() == expected


def test_a_web_worker_leaves_what_it_loaded_at_start_out_of_garbage_collection(tmp_path):
    """Loading the WSGI application (what gunicorn does) freezes the objects loaded so far,
    views included, so that a full collection in a request walks only what requests made."""
    base = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    probe = (
        "import gc, sys; import config.wsgi;"
        " print(gc.get_freeze_count(), 'dashboards.views' in sys.modules)"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**base, "DATA_DIR": str(tmp_path), "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    frozen, views_loaded = loaded.stdout.split()
    assert int(frozen) > 50_000 and views_loaded == "True", loaded.stderr


def test_it_refuses_to_start_without_contact_keys(started):
    result = started["no contact keys"]
    assert result.returncode != 0
    assert "CONTACT_KEYS is not set. With DEBUG off Moments refuses to start" in result.stderr


def test_it_refuses_to_start_on_a_contact_key_that_is_not_a_fernet_key(started):
    result = started["a contact key not a Fernet key"]
    assert result.returncode != 0
    assert "CONTACT_KEYS key 2 is not a Fernet key" in result.stderr


def test_it_refuses_to_start_on_the_development_contact_key(started):
    result = started["the development contact key"]
    assert result.returncode != 0
    assert "CONTACT_KEYS key 1 is a published placeholder" in result.stderr

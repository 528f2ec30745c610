"""The backup of docs/operations.md restores into a fresh database with the same figures."""

import os
import secrets
import subprocess
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from tests.conftest import add_moment, roll_up_everything
from tests.operations.forked_manage import manage_runs
from touchpoints.models import Need
from touchpoints.needs import raise_need

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent.parent


def database_url(name: str) -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def run(*command: str, **env: str) -> str:
    result = subprocess.run(
        command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def figures(*urls: str) -> list[str]:
    """`manage.py figures` as an operator runs it, against the database at each of `urls`:
    one process each, forked from one that has loaded the libraries (forked_manage.py)."""
    keys = {name: secrets.token_urlsafe(50) for name in ("SECRET_KEY", "CUSTOMER_REF_KEY")}
    keys["CONTACT_KEYS"] = Fernet.generate_key().decode()
    runs = manage_runs([(["figures"], {**os.environ, **keys, "DATABASE_URL": url}) for url in urls])
    for result in runs:
        assert result.returncode == 0, result.stderr
    return [result.stdout for result in runs]


@pytest.fixture
def fresh_database(postgres):
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    where = ["--host", db["HOST"], "--port", str(db["PORT"] or 5432), "--username", db["USER"]]
    run("createdb", *where, name)
    yield database_url(name)
    run("dropdb", *where, "--force", name)


def test_a_dump_restored_into_a_fresh_database_gives_the_same_figures(
    tmp_path, fresh_database, agent, jfk_agent, org
):
    add_moment(agent, org["bag_drop"], answer={"csat": 5, "nps": 10, "comment": "Quick"})
    add_moment(agent, org["desk"], outcome=2, resolved=False, answer={"csat": 1, "nps": 3})
    add_moment(jfk_agent, org["boarding"], resolved=None)
    raise_need(agent, Need.Kind.TOOL, "A second bag tag printer")
    roll_up_everything()
    live = database_url(connection.settings_dict["NAME"])

    dump = tmp_path / "moments.dump"
    run("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", live)
    run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={fresh_database}", str(dump))
    before, restored = figures(live, fresh_database)  # nothing writes to `live` meanwhile

    assert restored == before
    assert '"moments": 3' in before and '"answers": 2' in before and '"raised": 1' in before

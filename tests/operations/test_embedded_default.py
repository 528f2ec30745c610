"""The embedded default: with no DATABASE_URL and no REDIS_URL, `make run` serves Moments on
SQLite with tasks run in-process. Every page the demo roles can reach answers without a
server error there too (a PostgreSQL-only expression once broke the dashboard on SQLite).
On its way to the latest migration the same process moves the dashboards' indexes to the
apps that own the tables, back and forward again (test_index_ownership.py's question on
SQLite): one start of Django and one migration of SQLite serve both."""

import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from ..conftest import process_env
from .test_index_ownership import ADOPTED

WALK = Path(__file__).with_name("embedded_walk.py")
INDEXES = "indexes after the move and back: "


@pytest.fixture(scope="module")
def walked(tmp_path_factory) -> SimpleNamespace:
    """embedded_walk.py run once, in the embedded default: its output, and its data dir."""
    data = tmp_path_factory.mktemp("embedded")
    env = process_env(DATA_DIR=str(data), DEBUG="1")
    for name in ("DATABASE_URL", "REDIS_URL", "REDIS_TEST_DB"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, str(WALK)], env=env, capture_output=True, text=True, timeout=300
    )
    return SimpleNamespace(done=done, data=data)


def test_every_page_the_demo_roles_reach_works_on_sqlite(walked):
    done = walked.done
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "no page failed" in done.stdout
    assert (walked.data / "moments.sqlite3").exists()  # it really ran on SQLite


def test_the_move_runs_forwards_and_backwards_on_sqlite(walked):
    """Through the two migrations that adopt the indexes, back before them and forward
    again: each index once, under its new name."""
    line = next((line for line in walked.done.stdout.splitlines() if line.startswith(INDEXES)), "")
    assert line, walked.done.stdout[-4000:] + walked.done.stderr[-4000:]
    names = set(json.loads(line.removeprefix(INDEXES)))
    assert set(ADOPTED) <= names
    assert not {old for old, _model in ADOPTED.values()} & names

"""The embedded default: with no DATABASE_URL and no REDIS_URL, `make run` serves Moments on
SQLite with tasks run in-process. Every page the demo roles can reach answers without a
server error there too (a PostgreSQL-only expression once broke the dashboard on SQLite)."""

import subprocess
import sys
from pathlib import Path

from ..conftest import process_env

WALK = Path(__file__).with_name("embedded_walk.py")


def test_every_page_the_demo_roles_reach_works_on_sqlite(tmp_path):
    env = process_env(DATA_DIR=str(tmp_path), DEBUG="1")
    for name in ("DATABASE_URL", "REDIS_URL", "REDIS_TEST_DB"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, str(WALK)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "no page failed" in done.stdout
    assert (tmp_path / "moments.sqlite3").exists()  # it really ran on SQLite

"""Each app owns the indexes on its tables: declared in the model's Meta, made by that app's
migrations, and an upgraded database ends with one copy of each under the new name (on
PostgreSQL in test_upgrade_round_trip.py, with the other upgrades)."""

import shutil
import sqlite3
import subprocess
import sys
import tempfile
from importlib import import_module
from pathlib import Path

import pytest
from django.core.management import call_command

from feedback.models import Answer, Recovery
from touchpoints.models import Moment, Need

from ..conftest import process_env

ADOPTED = {
    "moment_type_newest": ("dash_moment_type_newest", Moment),
    "need_open_oldest": ("dash_need_open_oldest", Need),
    "answer_praise_newest": ("dash_answer_praise_newest", Answer),
    "recovery_open_oldest": ("dash_recovery_open_oldest", Recovery),
    "recovery_closed_newest": ("dash_recovery_closed_newest", Recovery),
}


def test_each_dashboard_index_is_declared_by_the_model_that_owns_the_table():
    for name, (_old, model) in ADOPTED.items():
        assert name in {index.name for index in model._meta.indexes}


def test_models_and_migrations_agree(db):
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_dashboards_migrations_no_longer_make_the_indexes():
    for name in ["0003_indexes_for_dashboard_lists", "0004_index_recently_closed_recoveries"]:
        migration = import_module(f"dashboards.migrations.{name}").Migration
        assert all(op.sql == "" for op in migration.operations), name


@pytest.fixture
def scratch_dir(tmp_path):
    """In memory where the machine has a tmpfs: SQLite syncs the disk at each migration."""
    if not Path("/dev/shm").is_dir():
        yield tmp_path
        return
    directory = Path(tempfile.mkdtemp(dir="/dev/shm"))
    yield directory
    shutil.rmtree(directory)


def test_the_move_runs_forwards_and_backwards_on_sqlite(scratch_dir):
    env = process_env(DEBUG="1", DATABASE_URL=f"sqlite:///{scratch_dir}/scratch.sqlite3")

    # Through the two migrations that adopt the indexes, back before them and forward again;
    # the later migrations are not needed for that and cost half a minute on SQLite. One
    # process for the six steps: each start of manage.py costs a second or two.
    steps = [
        ("touchpoints", "0003_indexes_owned_here"),
        ("feedback", "0002_indexes_owned_here"),
        ("touchpoints", "0002"),
        ("feedback", "0001"),
        ("touchpoints", "0003_indexes_owned_here"),
        ("feedback", "0002_indexes_owned_here"),
    ]
    script = "from django.core.management import call_command\n" + "".join(
        f"call_command('migrate', {app!r}, {name!r}, verbosity=0)\n" for app, name in steps
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", script], env=env, check=True)
    names = {
        row[0]
        for row in sqlite3.connect(scratch_dir / "scratch.sqlite3").execute(
            "SELECT name FROM sqlite_master WHERE type = 'index'"
        )
    }
    assert set(ADOPTED) <= names
    assert not {old for old, _model in ADOPTED.values()} & names

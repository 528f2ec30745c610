"""One migration per run, not one per pytest-xdist worker.

pytest-django builds each worker's test database by running every migration: about 9 s of
CPU per worker on a quiet machine, most of it Django rendering the models' states, three
times a run. Here the first worker to come migrates `test_<name>` once; every worker then
copies it with PostgreSQL's `CREATE DATABASE … TEMPLATE` (a file copy, well under a second)
into `test_<name>_<worker>`, the name pytest-django would have given it, as Django's own
parallel test runner does (`clone_test_db`). The copy holds what the migrations made, data
migrations included (starting themes, role groups). The controller drops the template at the
end. Without xdist, or on another database, each process sets up its test database as
pytest-django does (Django's `setup_databases`).
"""

import fcntl
import os
import tempfile
from pathlib import Path

import pytest
from django.db import connection
from django.db.backends.base.creation import TEST_DATABASE_PREFIX


def template_name() -> str:
    """The name pytest-django gives the test database without xdist: test_<name>, or TEST's."""
    db = connection.settings_dict
    return db["TEST"]["NAME"] or TEST_DATABASE_PREFIX + db["NAME"]


def template_lock(name: str, run: str) -> Path:
    return Path(tempfile.gettempdir()) / f"moments-{name}-{run}.lock"


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, testrun_uid):
    from django.test.utils import setup_databases, teardown_databases

    worker = os.environ.get("PYTEST_XDIST_WORKER")
    verbosity = request.config.option.verbose
    if worker is None or connection.vendor != "postgresql":
        # Serialized for no alias: no test here asks for serialized_rollback, the only
        # reason pytest-django would.
        with django_db_blocker.unblock():
            created = setup_databases(
                verbosity=verbosity, interactive=False, serialized_aliases=set()
            )
        yield
        with django_db_blocker.unblock():
            teardown_databases(created, verbosity=verbosity)
        return

    creation = connection.creation
    original, template = connection.settings_dict["NAME"], template_name()
    with django_db_blocker.unblock(), template_lock(template, testrun_uid).open("a+") as lock:
        # The lock's file records that the template is made: the first worker to hold the
        # lock migrates, and the others wait for it, then find the mark. The copies are made
        # under the lock too: PostgreSQL refuses a template that another session is using.
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.seek(0)
        if lock.read() != "made":
            creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
            lock.write("made")
            lock.flush()
        connection.settings_dict["NAME"] = template
        creation.clone_test_db(suffix=worker, verbosity=verbosity)
        fcntl.flock(lock, fcntl.LOCK_UN)
    connection.settings_dict.update(creation.get_test_db_clone_settings(worker))
    connection.close()
    yield
    with django_db_blocker.unblock():
        creation.destroy_test_db(original, verbosity=verbosity)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    """The controller drops the template once every worker has finished with it."""
    config = session.config
    if hasattr(config, "workerinput") or config.getoption("dist", "no") == "no":
        return
    if connection.vendor != "postgresql":
        return
    import psycopg

    template = template_name()
    db = connection.settings_dict
    where = {"host": db["HOST"] or None, "port": db["PORT"] or None, "user": db["USER"]}
    where["password"] = db["PASSWORD"] or None
    with psycopg.connect(dbname="postgres", autocommit=True, **where) as postgres:
        postgres.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
    for lock in Path(tempfile.gettempdir()).glob(f"moments-{template}-*.lock"):
        lock.unlink(missing_ok=True)

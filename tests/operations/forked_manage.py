"""`manage.py`, once for each environment given, each time in a child forked from one process
outside pytest: `manage_runs` from a test, this file as the process itself.

Tests ask how `manage.py` starts in a fresh process outside pytest (test_start_up.py and
others). Python and the libraries it loads cost about a second of CPU per process, a score
of times in a run; here they are loaded once, before the forks. Nothing of Moments is loaded
before a fork (its settings, `config`, the apps): each child reads its settings from its
own environment, as a server process starting does.

As a process: python tests/operations/forked_manage.py < runs.json
(runs.json: a list of {"args": [...], "env": {...}}), prints each run's exit status and
output, as JSON, in the order given.
"""

import importlib
import json
import os
import runpy
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]

# What `manage.py check` spends most of its imports on (python -X importtime), minus what
# reads settings when imported (django-ninja does, and Moments itself).
PRELOADED = [
    "django.core.management",
    "django.contrib.admin",
    "redis",
    "celery.app.base",
    "kombu.transport.redis",
    "cryptography.fernet",
    "pydantic",
    "psycopg",
    "requests",
    "snowballstemmer",
    "xlsxwriter",
    "yaml",
    # What the app's imports still loaded in each child (python -X importtime after the
    # above): pydantic's schema machinery for django-ninja, PyJWT for single sign-on, Celery's
    # worker for the tasks module, django.test for the admin's checks.
    "pydantic.types",
    "pydantic.json_schema",
    "pydantic._internal._generate_schema",
    "jwt.algorithms",
    "cryptography.x509",
    "celery.worker.consumer",
    "celery.app.trace",
    "celery.canvas",
    "django.test",
    "django.db.migrations",
]
# This process has no DJANGO_SETTINGS_MODULE (manage_runs passes PATH, HOME and LANG only), so
# a module here that read the settings would fail the batch rather than configure them.


def run_manage(args: list[str], env: dict[str, str]) -> int:
    """In the child: `python manage.py ARGS` with exactly ENV; its exit status."""
    os.environ.clear()
    os.environ.update(env)
    os.chdir(ROOT)
    sys.path[0] = str(ROOT)  # as for a script run from the project's root
    sys.argv = ["manage.py", *args]
    try:
        runpy.run_path(str(ROOT / "manage.py"), run_name="__main__")
        return 0
    except SystemExit as exit:
        if exit.code is None or isinstance(exit.code, int):
            return exit.code or 0
        print(exit.code, file=sys.stderr)  # as Python does with a message
        return 1
    except BaseException:
        traceback.print_exc()  # as Python does with an uncaught exception
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


def run_forked(args: list[str], env: dict[str, str]) -> dict:
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = os.fork()
        if child == 0:
            os.dup2(out.fileno(), 1)
            os.dup2(err.fileno(), 2)
            os._exit(run_manage(args, env))
        _, status = os.waitpid(child, 0)
        out.seek(0)
        err.seek(0)
        return {
            "returncode": os.waitstatus_to_exitcode(status),
            "stdout": out.read().decode(),
            "stderr": err.read().decode(),
        }


def manage_runs(runs: list[tuple[list[str], dict[str, str]]]) -> list[SimpleNamespace]:
    """Each (args, env) run as `python manage.py ARGS` with exactly ENV: its returncode,
    stdout and stderr, in the order given."""
    batch = subprocess.run(
        [sys.executable, __file__],
        input=json.dumps([{"args": args, "env": env} for args, env in runs]),
        env={name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ},
        capture_output=True,
        text=True,
        timeout=60 + 10 * len(runs),
    )
    assert batch.returncode == 0, batch.stderr
    return [SimpleNamespace(**run) for run in json.loads(batch.stdout)]


if __name__ == "__main__":
    runs = json.load(sys.stdin)
    for name in PRELOADED:
        importlib.import_module(name)
    json.dump([run_forked(run["args"], run["env"]) for run in runs], sys.stdout)

"""The roll-up through a real Celery worker process on the real Redis broker."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.db import connection

from config.celery import app as celery_app
from dashboards.models import DailyRollup
from dashboards.tasks import roll_up_day
from touchpoints.models import Moment


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(postgres, redis_url):
    """A worker on a queue of its own, pointed at the test database."""
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": redis_url}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        env=env,
    )
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield queue
    celery_app.conf.task_always_eager = eager
    process.terminate()
    process.wait(timeout=20)


def wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_rolls_up_a_day(agent, org, worker):
    for outcome in (5, 2, 4):
        moment = Moment(staff=agent, team=agent.team, location=org["arn"])
        moment.touchpoint_type, moment.outcome = org["desk"], outcome
        moment.save()
    DailyRollup.objects.all().delete()  # whatever ran in-process, the worker must redo it

    roll_up_day.apply_async(args=(org["arn"].pk, moment.local_date.isoformat()), queue=worker)

    assert wait_for(lambda: DailyRollup.objects.filter(moments=3).exists())
    row = DailyRollup.objects.get()
    assert (row.outcome_5, row.outcome_4, row.outcome_2) == (1, 1, 1)

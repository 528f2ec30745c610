"""Tasks through a real Celery worker process on the real Redis broker: the roll-up, the need
e-mail, an export whose worker is killed, and the tagging the answer page queues."""

import csv
import functools
import io
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from dashboards import export_jobs
from dashboards.models import DailyRollup, ExportJob
from dashboards.tasks import roll_up_day, run_export_job
from feedback.models import AnswerTheme
from feedback.tasks import tag_answer
from feedback.themes.catalogue import load_starting_themes
from tests.conftest import (
    PASSWORD,
    add_moment,
    process_env,
    reachable,
    roll_up_everything,
    skip_or_fail,
)
from touchpoints.models import Moment


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(queue: str, redis_url: str, *options: str, **env) -> subprocess.Popen:
    """A worker process on a queue of its own (or several, comma-separated), pointed at the
    test database; `options`: more of the worker's command-line options."""
    env = process_env(DATABASE_URL=database_url(), REDIS_URL=redis_url, **env)
    return subprocess.Popen(
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
            *options,
        ],
        env=env,
    )


@contextmanager
def tasks_to_the_broker() -> Iterator[None]:
    """Tasks queued from the test go to the broker, not in-process."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        yield
    finally:
        celery_app.conf.task_always_eager = eager


@pytest.fixture
def queue(postgres, redis_url):
    """A private queue, for a test that starts its own worker."""
    with tasks_to_the_broker():
        yield f"test-{uuid.uuid4().hex[:8]}"


def module_redis_url() -> str:
    """The `redis_url` fixture's check, for a fixture that lives longer than one test."""
    url = django_settings.REDIS_URL  # under pytest-xdist, this worker's own database
    if not url or not reachable(url, 6379):
        skip_or_fail("needs Redis: set REDIS_URL=redis://...")
    return url


@pytest.fixture(scope="module")
def module_export_dir(tmp_path_factory) -> Path:
    """Where the module's worker writes exports."""
    return tmp_path_factory.mktemp("exports")


@pytest.fixture(scope="module")
def module_worker(django_db_setup, module_export_dir) -> Iterator[str]:
    """One worker on a private queue for the tests of a module that need one running and
    leave it so: a worker's start-up costs about 3 CPU seconds. Its queue's name."""
    redis_url = module_redis_url()
    name = f"test-{uuid.uuid4().hex[:8]}"
    process = start_worker(name, redis_url, EXPORT_DIR=str(module_export_dir))
    yield name
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def worker(postgres, module_worker):
    """The module's worker, with this test's tasks sent to the broker. A test that kills a
    worker starts one of its own (`start_worker`)."""
    with tasks_to_the_broker():
        yield module_worker


def wait_for(condition, timeout: float = 30.0):
    """The condition's first truthy value, or None once `timeout` seconds have passed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        # Every 50 ms: what is waited for (a worker's task, a server's start, a roll-up)
        # is over at a random moment, and each look is one query or one connection.
        time.sleep(0.05)
    return None


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


def worker_waiting_on_a_lock() -> int | None:
    with connection.cursor() as cursor:
        # Inside a transaction PostgreSQL keeps showing the first look at its backends.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        row = cursor.fetchone()
    return row and row[0]


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def listening(queue: str, redis_url: str) -> bool:
    """Whether a worker has bound the queue; a task sent before that would be dropped."""
    return bool(redis.Redis.from_url(redis_url).exists(f"_kombu.binding.{queue}"))


def hand_back_unacknowledged_tasks() -> None:
    """What workers do on their own once a task has gone unacknowledged for the visibility
    timeout (an hour), done now: put the dead worker's task back on its queue."""
    with celery_app.connection_for_write() as broker:
        channel = broker.default_channel
        channel.visibility_timeout = 0
        channel.qos.restore_visible()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_hourly_need_email(agent, arn_manager, worker):
    from dashboards.models import NeedEmailSent
    from dashboards.need_emails import set_preference
    from dashboards.tasks import send_need_emails
    from touchpoints.needs import raise_need

    arn_manager.email = "maria@example.com"
    arn_manager.save()
    set_preference(arn_manager, True, now=timezone.now() - timedelta(minutes=10))
    need = raise_need(agent, "tool", "Printer")
    need.raised_at = timezone.now() - timedelta(minutes=5)
    need.save()

    send_need_emails.apply_async(queue=worker)

    sent = wait_for(lambda: NeedEmailSent.objects.filter(status="sent").first())
    assert sent and sent.needs == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_an_export_whose_worker_is_killed_halfway_is_written_whole_by_the_next(
    client, agent, org, arn_manager, queue, worker, module_export_dir, redis_url, settings,
    monkeypatch,
):  # fmt: skip
    bulk_moments(agent, org, 5_000)
    client.login(username=arn_manager.username, password=PASSWORD)
    direct = csv_rows(b"".join(client.get(reverse("dashboards:export_moments")).streaming_content))
    settings.EXPORT_JOB_ROWS, settings.EXPORT_DIR = 1_000, module_export_dir
    # The job's messages, from the view and from the sweep, go to `queue`: a fresh worker's.
    send = run_export_job.apply_async
    monkeypatch.setattr(run_export_job, "apply_async", functools.partial(send, queue=queue))
    # This worker stops for a long while after each chunk of rows (exports.CHUNK, 2,000).
    doomed = start_worker(
        queue, redis_url, EXPORT_DIR=str(module_export_dir), EXPORT_TEST_PAUSE_SECONDS="60"
    )
    try:
        assert wait_for(lambda: listening(queue, redis_url))
        client.get(reverse("dashboards:export_moments"))
        job = ExportJob.objects.get()
        assert wait_for(lambda: ExportJob.objects.filter(pk=job.pk, rows_done__gt=0).exists())
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(timeout=20)
    finally:
        doomed.kill()
    job.refresh_from_db()
    assert (job.state, job.rows_done, job.rows_total) == ("running", 2_000, 5_000)
    assert list(module_export_dir.glob("*.part"))  # the half-written file the dead worker left

    # The module's worker takes the retry: any live worker would, and it is running already.
    monkeypatch.setattr(run_export_job, "apply_async", functools.partial(send, queue=worker))
    later = timezone.now() + timedelta(seconds=settings.EXPORT_STALE_SECONDS + 1)
    swept = export_jobs.sweep(now=later)  # what beat does once the heartbeat is stale
    finished = wait_for(lambda: ExportJob.objects.filter(pk=job.pk, state="done").first())
    download = client.get(reverse("dashboards:export_job_file", args=[job.pk]))

    assert swept["retried"] == 1
    assert finished and (finished.rows_done, finished.attempts) == (5_000, 2)
    assert csv_rows(b"".join(download.streaming_content)) == direct and len(direct) == 1 + 5_000
    assert not list(module_export_dir.glob("*.part"))


def bulk_moments(staff, org, count: int) -> None:
    """`count` moments over the last few hours, inserted at once, and rolled up."""
    location, now = org["arn"], timezone.now()
    moments = []
    for n in range(count):
        at = now - timedelta(seconds=3 * n)
        moment = Moment(staff=staff, team=staff.team, location=location, occurred_at=at)
        moment.touchpoint_type, moment.outcome = org["desk"], 1 + n % 5
        moment.note, moment.local_date = f"Moment {n}", location.local_date(at)
        moments.append(moment)
    Moment.objects.bulk_create(moments)
    roll_up_everything()


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_tags_a_new_answer(agent, org, worker):
    """The task the answer page queues; here to use the module's worker."""
    load_starting_themes()  # a transactional test may start from an emptied database
    moment = add_moment(
        agent, org["bag_drop"], answer={"csat": 2, "comment": "Väskan försvann", "language": "sv"}
    )
    AnswerTheme.objects.all().delete()  # whatever ran in-process, the worker must redo it

    tag_answer.apply_async(args=(moment.invitation.answer.pk,), queue=worker)

    tagged = wait_for(lambda: list(AnswerTheme.objects.values_list("theme__name_en", flat=True)))
    assert tagged == ["Baggage"]

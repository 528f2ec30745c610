"""A correction that moves a moment to another day and a roll-up of both days, at once.

The correction marks two days dirty and the roll-up clears the same two marks; if they took
the rows in different orders, each would end up waiting for the other and PostgreSQL would
abort one (the agent would see a 500). A third connection holds the new day's mark so that
both are made to queue on it, the roll-up first: the interleaving that deadlocked before
marks were taken and cleared in one (location, day) order, every time, not by luck.
"""

import threading
import time
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from dashboards.rollup import rebuild_buckets
from tests.conftest import add_moment
from touchpoints.corrections import correct_moment
from touchpoints.models import DirtyDay, Moment


def conninfo() -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_until_waiting_for_locks(count: int, timeout: float = 10) -> None:
    """Until `count` connections to the test database wait for a row lock."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(conninfo(), autocommit=True) as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()[0]
            if waiting >= count:
                return
            time.sleep(0.02)
    pytest.fail(f"expected {count} connections waiting for a lock")


def in_thread(work, errors: list) -> threading.Thread:
    def run():
        try:
            work()
        except Exception as exc:  # the deadlock victim's error, reported below
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def correction_of(moment: Moment, occurred_at) -> dict:
    fields = ["touchpoint_type", "channel", "outcome", "resolved_on_spot", "note", "extra"]
    cleaned = {name: getattr(moment, name) for name in fields}
    return {**cleaned, "customer_ref": "", "occurred_at": occurred_at}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("days", [-1, 1], ids=["to the day before", "to the day after"])
def test_correction_moving_a_moment_across_days_and_a_roll_up_never_deadlock(
    postgres, agent, org, days
):
    moment = add_moment(agent, org["desk"], occurred_at=timezone.now() - timedelta(days=2))
    # A day on Arlanda's calendar: 24 hours from the night the clocks go back is the same day.
    moved_to = timezone.localtime(moment.occurred_at, org["arn"].tz) + timedelta(days=days)
    old_day, new_day = moment.local_date, org["arn"].local_date(moved_to)
    now = timezone.now()
    # The new day's mark first, so the roll-up reads (and used to clear) it first.
    new_mark = DirtyDay.objects.create(location=org["arn"], local_date=new_day, marked_at=now)
    DirtyDay.objects.create(location=org["arn"], local_date=old_day, marked_at=now)
    errors: list[Exception] = []
    with psycopg.connect(conninfo()) as blocker:
        blocker.execute(
            "SELECT 1 FROM touchpoints_dirtyday WHERE id = %s FOR UPDATE", [new_mark.pk]
        )
        roll_up = in_thread(
            lambda: rebuild_buckets([(org["arn"].pk, old_day), (org["arn"].pk, new_day)]), errors
        )
        wait_until_waiting_for_locks(1)
        correction = in_thread(
            lambda: correct_moment(agent, moment, correction_of(moment, moved_to)), errors
        )
        wait_until_waiting_for_locks(2)
        blocker.rollback()
    roll_up.join()
    correction.join()
    assert errors == []
    moment.refresh_from_db()
    assert moment.local_date == new_day
    assert moment.corrections.count() == 1

"""The roll-up's edge cases of issue 25: a worker killed in the middle of a location's task,
a time-zone change while a roll-up of that location runs, and a flood of late answers for
one old day beside today's saves of another location (docs/scaling.md, "Many workers, and
what stays exact")."""

import signal
from datetime import UTC, datetime, time, timedelta

import psycopg
import pytest
import redis
from django.db import transaction
from django.utils import timezone

from dashboards import rollup_delta
from dashboards.location_groups import group_of
from dashboards.metrics import Figures
from dashboards.models import DailyRollup, MomentJournal
from dashboards.rollup import rebuild_dirty, roll_up_changes
from dashboards.tasks import roll_up_dirty_days, roll_up_location_group
from feedback.models import Answer, Invitation
from tests.conftest import roll_up_everything
from tests.dashboards.held_roll_up import roll_up_held_open
from tests.dashboards.test_rollup_journal import ROWS_PER_CHANGE, read_by
from tests.dashboards.test_rollup_properties import raw_sums, roll_up_snapshot, with_feedback
from tests.dashboards.test_worker import (  # noqa: F401 (queue: a fixture)
    backend_alive,
    database_url,
    hand_back_unacknowledged_tasks,
    listening,
    queue,
    start_worker,
    wait_for,
    worker_waiting_on_a_lock,
)
from touchpoints.models import DirtyDay, Moment
from touchpoints.time_zones import redate_location

pytestmark = pytest.mark.usefixtures("postgres")


def new_moments(staff, org, count: int, at=None, answered: bool = True) -> list[Moment]:
    """`count` moments of `staff` at its location, saved in one statement each for the
    moments, invitations and answers (journaled by the triggers, as the app's saves are,
    without asking for a prompt roll-up on the broker)."""
    location = staff.team.location
    at = at or timezone.now() - timedelta(minutes=5)
    moments = Moment.objects.bulk_create(
        Moment(
            staff=staff,
            team=staff.team,
            location=location,
            touchpoint_type=org["desk"],
            outcome=1 + n % 5,
            occurred_at=at,
            local_date=location.local_date(at),
        )
        for n in range(count)
    )
    if answered:
        invitations = Invitation.objects.bulk_create(Invitation(moment=m) for m in moments)
        Answer.objects.bulk_create(Answer(invitation=i, csat=1 + i.pk % 5) for i in invitations)
    return moments


def location_figures(location) -> Figures:
    return Figures.of(DailyRollup.objects.filter(location=location))


def raw_figures(location) -> Figures:
    return Figures(**raw_sums(with_feedback(Moment.objects.filter(location=location))))


def assert_exact() -> None:
    """Every roll-up equals a recompute of everything from the raw rows."""
    counted = roll_up_snapshot()
    roll_up_everything()
    assert roll_up_snapshot() == counted


# --- 1. a worker killed in the middle of a location's task --------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_group_task_leaves_its_location_exact_and_others_unhindered(
    agent, jfk_agent, org, queue, redis_url
):
    """The doomed worker has taken ARN's journal and added the differences, uncommitted,
    when it is killed. Meanwhile another worker rolls JFK up, and after the redelivery ARN's
    new moments count once: a taken journal row that went back counted twice would not."""
    arn, jfk = org["arn"], org["jfk"]
    new_moments(agent, org, 4)
    new_moments(jfk_agent, org, 2)
    roll_up_everything()
    before = location_figures(arn)
    new_moments(agent, org, 3)  # journaled: the doomed worker's to add
    # A save's mark too, which only says so: cleared in the same transaction, or not at all.
    mark = DirtyDay.objects.create(location=arn, local_date=arn.today(), marked_at=timezone.now())
    new_moments(jfk_agent, org, 5)  # journaled: the other worker's
    arn_queue, jfk_queue = f"{queue}-arn", f"{queue}-jfk"
    doomed = start_worker(arn_queue, redis_url)
    survivor = None
    try:
        # ARN's generation row, held here: the doomed worker stops when it comes to renew
        # it, after it took the journal and wrote the sums, before it commits.
        with psycopg.connect(database_url()) as holder:
            holder.execute(
                "SELECT 1 FROM dashboards_rollupgeneration WHERE location_id = %s FOR UPDATE",
                [arn.pk],
            )
            assert wait_for(lambda: listening(arn_queue, redis_url), timeout=60)
            roll_up_location_group.apply_async((group_of(arn.pk), [arn.pk]), queue=arn_queue)
            backend = wait_for(worker_waiting_on_a_lock, timeout=60)
            assert backend, "the doomed worker never reached the end of its roll-up"
            # The other worker, on both queues: JFK's group now, ARN's redelivery later.
            survivor = start_worker(f"{jfk_queue},{arn_queue}", redis_url)
            assert wait_for(lambda: listening(jfk_queue, redis_url), timeout=60)
            roll_up_location_group.apply_async((group_of(jfk.pk), [jfk.pk]), queue=jfk_queue)
            # JFK is rolled up while ARN's task still holds ARN, mid-transaction.
            assert wait_for(lambda: location_figures(jfk) == raw_figures(jfk), timeout=60)
            assert worker_waiting_on_a_lock() == backend
            doomed.send_signal(signal.SIGKILL)
            doomed.wait(timeout=20)
            # Let go: the dead worker's backend finishes its statement, finds no client
            # to send COMMIT, and rolls back.
            holder.rollback()
        assert wait_for(lambda: not backend_alive(backend))
        # Killed uncommitted: ARN as before, its changes still in the journal.
        assert location_figures(arn) == before
        assert MomentJournal.objects.filter(location_id=arn.pk).count() == 3
        assert DirtyDay.objects.filter(pk=mark.pk).exists()

        # Acknowledged late, the task is still the broker's: the survivor takes it.
        hand_back_unacknowledged_tasks()
        assert wait_for(lambda: not MomentJournal.objects.exists(), timeout=60)
        assert wait_for(lambda: not DirtyDay.objects.exists())
        assert location_figures(arn) == raw_figures(arn)
        assert location_figures(arn).moments == before.moments + 3
    finally:
        for process in (doomed, survivor):
            if process is not None:
                process.kill()
                process.wait(timeout=20)
        bindings = [f"_kombu.binding.{name}" for name in (arn_queue, jfk_queue)]
        redis.Redis.from_url(redis_url).delete(arn_queue, jfk_queue, *bindings)
    assert_exact()


# --- 2. a time-zone change while a roll-up of the location runs ---------------------------


@pytest.mark.django_db(transaction=True)
def test_a_time_zone_change_while_a_roll_up_of_the_location_runs_is_recomputed_whole(agent, org):
    """The roll-up read ARN's moments on Stockholm's calendar and has not committed when
    ARN moves to New York: its old-zone figures land, but the days the moments left and
    joined stay marked, and the next sweep recomputes them on New York's calendar."""
    arn = org["arn"]
    day = timezone.now().date() - timedelta(days=2)
    early = datetime.combine(day, time(2, 0), UTC)  # that day in Stockholm, the eve in New York
    new_moments(agent, org, 3, at=early)
    new_moments(agent, org, 2, at=early + timedelta(hours=14))  # that day in both
    roll_up_everything()
    eve = day - timedelta(days=1)
    buckets = [(arn.pk, eve), (arn.pk, day)]

    with roll_up_held_open(buckets, hold_seconds=10) as held:
        # The admin's save of the new zone, in one transaction: never waits for the roll-up.
        with transaction.atomic():
            arn.timezone = "America/New_York"
            arn.save()
            moved = redate_location(arn)
        assert moved == 3
    assert held["rolled_up"] == 2  # committed after the change, with Stockholm's days
    assert list(DailyRollup.objects.values_list("local_date", "moments")) == [(day, 5)]
    marked = DirtyDay.objects.filter(location=arn, whole=True)
    assert set(marked.values_list("local_date", flat=True)) == {eve, day}

    rebuild_dirty()

    figures = DailyRollup.objects.order_by("local_date").values_list("local_date", "moments")
    assert list(figures) == [(eve, 3), (day, 2)]
    assert not DirtyDay.objects.exists()
    assert location_figures(arn) == raw_figures(arn)
    assert_exact()


# --- 3. a flood of late answers for one old day -------------------------------------------

FLOOD = 200  # late answers, for one old day of ARN
FLOOD_TAKE_LIMIT = 40  # journal rows per transaction here (TAKE_LIMIT): the flood takes five


@pytest.fixture
def flood(agent, jfk_agent, org, monkeypatch) -> list[Moment]:
    """ARN's day of three weeks ago, rolled up; then a late answer to each of its moments
    (journaled), and today five new moments at JFK (journaled too)."""
    monkeypatch.setattr(rollup_delta, "TAKE_LIMIT", FLOOD_TAKE_LIMIT)
    old_day = new_moments(agent, org, FLOOD, at=timezone.now() - timedelta(days=21), answered=False)
    invitations = Invitation.objects.bulk_create(Invitation(moment=m) for m in old_day)
    roll_up_everything()
    Answer.objects.bulk_create(Answer(invitation=i, csat=5) for i in invitations)
    new_moments(jfk_agent, org, 5)
    return old_day


def test_a_flood_of_late_answers_does_not_hold_back_todays_moments_of_its_group(
    flood, org, settings
):
    """ARN and JFK in one group, one task: JFK's new moments are added in the task's first
    transaction, not after every chunk of ARN's flood, and ARN's old day ends exact."""
    settings.ROLLUP_LOCATION_GROUPS = 1
    arn, jfk = org["arn"], org["jfk"]
    committed: list[int] = []  # JFK's moments, as each transaction of the sweep leaves them

    roll_up_changes(
        [arn.pk, jfk.pk], after_writes=lambda: committed.append(location_figures(jfk).moments)
    )

    assert committed[0] == 5, committed
    assert len(committed) >= FLOOD // FLOOD_TAKE_LIMIT  # the flood did take several
    assert not MomentJournal.objects.exists()
    assert location_figures(arn).satisfied == FLOOD
    assert location_figures(arn) == raw_figures(arn)
    assert_exact()


def test_a_flood_of_late_answers_costs_another_groups_sweep_nothing(flood, org, settings):
    """ARN and JFK in two groups: the sweep's task for JFK's group reads a few rows per new
    moment of JFK's, whatever waits in ARN's journal; and the sweep leaves both exact."""
    settings.ROLLUP_LOCATION_GROUPS = 2
    arn, jfk = org["arn"], org["jfk"]
    assert group_of(arn.pk) != group_of(jfk.pk)

    read = read_by(lambda: roll_up_location_group.apply((group_of(jfk.pk), [jfk.pk])))

    assert read <= ROWS_PER_CHANGE * 5, read
    assert location_figures(jfk) == raw_figures(jfk)
    assert MomentJournal.objects.filter(location_id=arn.pk).count() == FLOOD
    roll_up_dirty_days.delay()  # the whole sweep, in-process here
    assert not MomentJournal.objects.exists()
    assert location_figures(arn) == raw_figures(arn)
    assert_exact()

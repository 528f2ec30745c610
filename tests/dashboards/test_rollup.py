import threading
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import psycopg
import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from dashboards.metrics import Figures
from dashboards.models import DailyRollup, NeedRollup
from dashboards.rollup import LOCK_NAMESPACE, rebuild_buckets, rebuild_dirty, rebuild_range
from feedback.invitations import invitation_for, record_answer
from feedback.models import Answer
from tests.conftest import add_moment
from tests.dashboards.held_roll_up import roll_up_held_open
from touchpoints import dirty_days
from touchpoints.models import DirtyDay, Moment, Need
from touchpoints.moments import record_moment


def answer(moment, csat, nps=None, effort=None) -> Answer:
    return record_answer(invitation_for(moment), Answer(csat=csat, nps=nps, effort=effort))


def bucket(moment) -> tuple[int, object]:
    return (moment.location_id, moment.local_date)


def snapshot() -> list[tuple]:
    return sorted(
        DailyRollup.objects.values_list(
            "local_date", "team", "touchpoint_type", "channel", "moments", "answers", "satisfied"
        )
    )


def test_roll_up_counts_moments_answers_and_gaps(agent, org):
    good = add_moment(agent, org["desk"], outcome=5)
    bad = add_moment(agent, org["desk"], outcome=1, resolved=False)
    answer(good, csat=1, nps=2, effort=3)  # staff thought it went well; the customer did not
    answer(bad, csat=5, nps=10, effort=7)  # and the reverse
    rebuild_buckets([bucket(good)])
    f = Figures.of(DailyRollup.objects.all())
    assert (f.moments, f.resolved_on_spot, f.invitations, f.answers) == (2, 1, 2, 2)
    assert (f.satisfied, f.promoters, f.detractors, f.low_answers) == (1, 1, 1, 1)
    assert (f.effort_answers, f.effort_sum, f.effort) == (2, 10, 5.0)
    assert (f.gap_staff_good_customer_low, f.gap_staff_bad_customer_high) == (1, 1)


def test_running_the_roll_up_again_changes_nothing(agent, org):
    moment = add_moment(agent, org["desk"])
    answer(moment, csat=4)
    rebuild_buckets([bucket(moment)])
    first = snapshot()
    rebuild_buckets([bucket(moment)])
    assert snapshot() == first


def test_a_corrected_moment_leaves_its_old_bucket(agent, org):
    moment = add_moment(agent, org["desk"])
    rebuild_buckets([bucket(moment)])
    moment.touchpoint_type = org["boarding"]
    moment.save()
    rebuild_buckets([bucket(moment)])
    assert list(DailyRollup.objects.values_list("touchpoint_type", "moments")) == [
        (org["boarding"].pk, 1)
    ]


def test_late_answer_counts_on_the_moments_day(agent, org):
    three_days_ago = add_moment(agent, org["desk"], occurred_at=_days_ago(3))
    answer(three_days_ago, csat=5)
    rebuild_dirty()
    row = DailyRollup.objects.get()
    assert (row.local_date, row.answers) == (three_days_ago.local_date, 1)


def test_roll_up_clears_the_dirty_marks_it_covered(agent, org):
    moment = add_moment(agent, org["desk"])
    DirtyDay.objects.create(
        location=org["arn"], local_date=moment.local_date, marked_at=_days_ago(0)
    )
    assert rebuild_dirty() == 1
    assert DirtyDay.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_second_roll_up_of_a_bucket_leaves_it_to_the_one_running(postgres, agent, org):
    moments = [add_moment(agent, org["desk"]) for _ in range(20)]
    with roll_up_held_open([bucket(moments[0])]) as first:
        second = rebuild_buckets([bucket(moments[0])])
    assert (first["rolled_up"], second) == (1, 0)
    assert list(DailyRollup.objects.values_list("moments", flat=True)) == [20]
    assert DirtyDay.objects.filter(location=org["arn"], local_date=moments[0].local_date).exists()


@pytest.mark.django_db(transaction=True)
def test_a_range_rebuild_waits_for_a_running_roll_up_of_the_location(postgres, agent, org):
    """A range rebuild reads its days before it writes them; taking turns per location is
    what keeps it from writing figures older than a run that committed in between."""
    today = add_moment(agent, org["desk"])
    earlier = add_moment(agent, org["desk"], occurred_at=_days_ago(3))
    range_done = threading.Event()

    def rebuild_earlier_day():
        try:
            rebuild_range(earlier.local_date, earlier.local_date, [org["arn"].pk])
            range_done.set()
        finally:
            connection.close()

    with roll_up_held_open([bucket(today)]):
        thread = threading.Thread(target=rebuild_earlier_day)
        thread.start()
        assert not range_done.wait(1), "the range rebuild ran beside the other roll-up"
    thread.join()
    assert range_done.is_set()
    assert sorted(DailyRollup.objects.values_list("local_date", "moments")) == [
        (earlier.local_date, 1),
        (today.local_date, 1),
    ]


@pytest.mark.parametrize(
    "moments_between",
    [
        pytest.param(6, id="its-day-read-by-id-range"),
        pytest.param(60, id="its-day-read-moment-by-moment"),
    ],
)
def test_a_moment_sent_days_late_counts_exactly_on_its_day(agent, jfk_agent, org, moments_between):
    """A tablet offline for days sends a moment whose id lies far above its day's others,
    with other days' answered moments in between; its answer comes later still."""
    three_days_ago = _days_ago(3)
    on_time = [add_moment(agent, org["desk"], occurred_at=three_days_ago) for _ in range(4)]
    answer(on_time[0], csat=5)
    for _ in range(moments_between):  # traffic elsewhere meanwhile, every answer low
        answer(add_moment(jfk_agent, org["desk"]), csat=1, nps=2)
    rebuild_dirty()
    late = add_moment(agent, org["desk"], outcome=5, occurred_at=three_days_ago)
    rebuild_buckets([bucket(late)])
    answer(late, csat=1, nps=3)  # the customer disagrees: low, a recovery opens
    rebuild_dirty()
    day = Figures.of(DailyRollup.objects.filter(location=org["arn"]))
    assert (day.moments, day.invitations, day.answers, day.satisfied) == (5, 2, 2, 1)
    assert (day.low_answers, day.recoveries_opened, day.gap_staff_good_customer_low) == (1, 1, 1)
    elsewhere = Figures.of(DailyRollup.objects.filter(location=org["jfk"]))
    assert (elsewhere.moments, elsewhere.low_answers) == (moments_between, moments_between)


def _days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def test_needs_count_by_status_on_the_day_they_were_raised(agent, org):
    yesterday = _days_ago(1)
    for status, seconds in [("open", None), ("acknowledged", None), ("declined", None)]:
        add_need(agent, status=status, raised_at=yesterday, seconds_to_provide=seconds)
    add_need(agent, status="provided", raised_at=yesterday, seconds_to_provide=7200)
    add_need(agent, status="provided", raised_at=yesterday, seconds_to_provide=3600)
    rebuild_dirty()
    row = NeedRollup.objects.get()
    assert row.local_date == org["arn"].local_date(yesterday)
    assert (row.raised, row.acknowledged, row.provided, row.declined) == (5, 1, 2, 1)
    assert row.provide_seconds == 10800


# A moment half an hour either side of local midnight, the night before and the night of each
# change: (UTC instant, the local day it belongs to). Written out by hand, not computed.
DST_NIGHTS = {
    "stockholm-spring": ("arn", [
        (datetime(2026, 3, 28, 22, 30, tzinfo=UTC), date(2026, 3, 28)),  # 23:30 CET
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 29)),  # 00:30 CET
        (datetime(2026, 3, 29, 21, 30, tzinfo=UTC), date(2026, 3, 29)),  # 23:30 CEST
        (datetime(2026, 3, 29, 22, 30, tzinfo=UTC), date(2026, 3, 30)),  # 00:30 CEST
    ]),
    "stockholm-autumn": ("arn", [
        (datetime(2026, 10, 24, 21, 30, tzinfo=UTC), date(2026, 10, 24)),  # 23:30 CEST
        (datetime(2026, 10, 24, 22, 30, tzinfo=UTC), date(2026, 10, 25)),  # 00:30 CEST
        (datetime(2026, 10, 25, 22, 30, tzinfo=UTC), date(2026, 10, 25)),  # 23:30 CET
        (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 10, 26)),  # 00:30 CET
    ]),
    "new-york-spring": ("jfk", [
        (datetime(2026, 3, 8, 4, 30, tzinfo=UTC), date(2026, 3, 7)),  # 23:30 EST
        (datetime(2026, 3, 8, 5, 30, tzinfo=UTC), date(2026, 3, 8)),  # 00:30 EST
        (datetime(2026, 3, 9, 3, 30, tzinfo=UTC), date(2026, 3, 8)),  # 23:30 EDT
        (datetime(2026, 3, 9, 4, 30, tzinfo=UTC), date(2026, 3, 9)),  # 00:30 EDT
    ]),
    "new-york-autumn": ("jfk", [
        (datetime(2026, 11, 1, 3, 30, tzinfo=UTC), date(2026, 10, 31)),  # 23:30 EDT
        (datetime(2026, 11, 1, 4, 30, tzinfo=UTC), date(2026, 11, 1)),  # 00:30 EDT
        (datetime(2026, 11, 2, 4, 30, tzinfo=UTC), date(2026, 11, 1)),  # 23:30 EST
        (datetime(2026, 11, 2, 5, 30, tzinfo=UTC), date(2026, 11, 2)),  # 00:30 EST
    ]),
}  # fmt: skip


@pytest.mark.parametrize("night", DST_NIGHTS)
def test_moments_around_a_daylight_saving_change_land_on_their_local_day(
    night, agent, jfk_agent, org
):
    code, moments = DST_NIGHTS[night]
    staff = agent if code == "arn" else jfk_agent
    for occurred_at, _ in moments:
        add_moment(staff, org["desk"], occurred_at=occurred_at)
    days = [day for _, day in moments]
    rebuild_range(min(days), max(days))
    per_day = DailyRollup.objects.values_list("local_date").annotate(Sum("moments"))
    expected = {day: days.count(day) for day in days}
    assert dict(per_day) == expected


def test_a_range_rebuild_restores_lost_roll_ups_and_clears_their_marks(agent, org):
    moments = [add_moment(agent, org["desk"], occurred_at=_days_ago(n)) for n in (1, 2, 3)]
    DailyRollup.objects.all().delete()
    days = [moment.local_date for moment in moments]
    rebuild_range(min(days), max(days), chunk_days=2)
    assert DailyRollup.objects.aggregate(Sum("moments"))["moments__sum"] == 3
    assert not DirtyDay.objects.exists()


def test_a_roll_up_skips_a_location_another_roll_up_is_busy_with(postgres, agent, org):
    moment = add_moment(agent, org["desk"])
    DirtyDay.objects.all().delete()
    with psycopg.connect(_conninfo(), autocommit=True) as other:
        key = [LOCK_NAMESPACE, org["arn"].pk]
        other.execute("SELECT pg_advisory_lock(%s, %s)", key)
        assert rebuild_buckets([bucket(moment)]) == 0
        other.execute("SELECT pg_advisory_unlock(%s, %s)", key)
    assert DirtyDay.objects.filter(location=org["arn"], local_date=moment.local_date).exists()
    rebuild_dirty()
    assert DailyRollup.objects.get().moments == 1


@pytest.mark.django_db(transaction=True)
def test_a_moment_saved_during_a_roll_up_is_counted_by_the_next_run(postgres, agent, org):
    first = add_moment(agent, org["desk"])

    def save_from_another_tablet():
        def save():
            try:
                record_moment(agent, _unsaved(org["boarding"]), uuid=uuid4())
            finally:
                connection.close()

        thread = threading.Thread(target=save)
        thread.start()
        thread.join()

    rebuild_buckets([bucket(first)], after_writes=save_from_another_tablet)
    assert list(DailyRollup.objects.values_list("touchpoint_type", "moments")) == [
        (org["desk"].pk, 1)
    ]
    assert DirtyDay.objects.filter(location=org["arn"], local_date=first.local_date).exists()
    rebuild_dirty()
    assert DailyRollup.objects.aggregate(Sum("moments"))["moments__sum"] == 2
    assert not DirtyDay.objects.exists()


def add_need(staff, **fields) -> Need:
    need = Need(raised_by=staff, team=staff.team, location=staff.team.location, kind="tool")
    for name, value in fields.items():
        setattr(need, name, value)
    need.save()
    DirtyDay.objects.update_or_create(
        location=need.location, local_date=need.local_date, defaults={"marked_at": timezone.now()}
    )
    return need


def _unsaved(touchpoint_type) -> Moment:
    return Moment(touchpoint_type=touchpoint_type, outcome=4, resolved_on_spot=True)


def _conninfo() -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def test_a_save_inside_the_request_throttle_is_kept_for_the_next_run(
    settings, agent, org, django_capture_on_commit_callbacks
):
    settings.ROLLUP_REQUEST_SECONDS = 5

    def log() -> Moment:
        return record_moment(agent, Moment(touchpoint_type=org["desk"], outcome=4), uuid4())[0]

    key = f"rollup-requested:{org['arn'].pk}:{log().local_date.isoformat()}"
    cache.delete(key)
    dirty_days._asked_here.pop(key, None)
    with django_capture_on_commit_callbacks(execute=True):
        log()  # queues a roll-up, run in-process here
    with django_capture_on_commit_callbacks(execute=True):
        log()  # within the throttle: no second roll-up is queued, the day stays marked
    assert DailyRollup.objects.get().moments == 2
    assert DirtyDay.objects.filter(location=org["arn"]).exists()
    rebuild_dirty()
    assert DailyRollup.objects.get().moments == 3

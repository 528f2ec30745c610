"""Whole days recomputed in one pass (issue 25: a whole day no slower than the bulk path).

On PostgreSQL a recompute of whole days in a short history (a day marked whole for every
station, a repair, a reconciliation) groups its moments in parallel from one sequential
scan and hashes the feedback tables whole, instead of walking three indexes per moment
(`rollup._whole_days`, WHOLE_READ_SETTINGS). These tests hold it to the same figures as
the buckets' own read, row for row, under the journal, and guard that it stays one pass.
"""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import given

from dashboards import rollup
from dashboards.rollup import rebuild_buckets, rebuild_range
from tests.conftest import roll_up_everything
from tests.dashboards import test_rollup_delta_properties as delta
from tests.dashboards.test_rollup_journal import fill_day
from tests.dashboards.test_rollup_properties import (
    PROPERTY_SETTINGS,
    all_buckets,
    assert_coarser_roll_ups_are_sums,
    assert_roll_ups_match_raw,
    build_and_roll_up,
    damage_roll_ups,
    local_days,
    roll_up_snapshot,
    teams,  # noqa: F401 (a fixture)
    world_strategy,
)
from touchpoints.models import DirtyDay, Moment

pytestmark = pytest.mark.usefixtures("postgres")

DAY_MOMENTS = 3000  # every other one answered (fill_day)


@pytest.fixture
def whole_days(monkeypatch):
    """Every recompute goes the whole days' way, however few its moments."""
    monkeypatch.setattr(rollup, "_whole_days", lambda cursor, scope: True)


@given(world=world_strategy)
@PROPERTY_SETTINGS
def test_rolling_up_again_by_either_read_changes_nothing_row_for_row(org, teams, world):
    """One world built and rolled up (the buckets' own read: a few moments), then rolled up
    again: by range and by buckets the same way, then every recompute the whole days' way.
    Each must leave every roll-up table row for row as it was, and a range rebuild must
    also put right roll-ups damaged before it (rows lost, counts wrong): the journal alone,
    which a rebuild applies first, would leave them so. (Two properties once, each building
    its own worlds: building is most of their cost.)"""
    with transaction.atomic():
        build_and_roll_up(org, teams, world)
        first = roll_up_snapshot()
        days = local_days(world["change"])
        damage_roll_ups()
        rebuild_range(days[0], days[-1])
        assert roll_up_snapshot() == first
        rebuild_buckets(all_buckets())
        assert roll_up_snapshot() == first
        assert_coarser_roll_ups_are_sums()
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(rollup, "_whole_days", lambda cursor, scope: True)
            rebuild_buckets(all_buckets())
            assert roll_up_snapshot() == first
            damage_roll_ups()
            rebuild_range(days[0], days[-1])
            assert roll_up_snapshot() == first
        assert_roll_ups_match_raw({}, {})
        assert_coarser_roll_ups_are_sums()
        transaction.set_rollback(True)


def test_any_sequence_of_changes_leaves_whole_day_recomputes_exact(org, teams, whole_days):
    """The journal's property test (saves, corrections, moves, late answers, time-zone
    changes, crashed sweeps…) with every recompute in it, and its final check, made the
    whole days' way: a still-journaled moment counts by its pre-image there too."""
    delta.test_any_sequence_of_changes_and_sweeps_leaves_the_roll_ups_exact(org, teams)


def scans_of(table: str) -> int:
    """Scans of `table` (sequential and by index) started in this transaction so far."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COALESCE(seq_scan, 0) + COALESCE(idx_scan, 0)"
            " FROM pg_stat_xact_user_tables WHERE relname = %s",
            [table],
        )
        return cursor.fetchone()[0]


def recovery_scans(run) -> int:
    before = scans_of("feedback_recovery")
    run()
    return scans_of("feedback_recovery") - before


def test_a_whole_day_is_read_in_one_pass_not_an_index_walk_per_moment(agent, org, monkeypatch):
    """The guard: the whole day's recompute scans the recoveries (which only the moments'
    own roll-up reads) once, where the per-moment read looks them up once for each of the
    day's 1,500 answers. So a change back to index walks per moment fails here."""
    filled = fill_day(agent, org, DAY_MOMENTS)
    roll_up_everything()
    snapshot = roll_up_snapshot()
    day = (org["arn"].pk, filled)
    # The day is the whole history: past the share, so only the size keeps it out (a
    # sweep's few buckets keep their own read).
    assert not rollup._whole_days(connection.cursor(), rollup.buckets_scope([day]))
    monkeypatch.setattr(rollup, "WHOLE_DAY_MOMENTS", DAY_MOMENTS)
    assert rollup._whole_days(connection.cursor(), rollup.buckets_scope([day]))

    DirtyDay.objects.create(
        location_id=day[0], local_date=day[1], marked_at=timezone.now(), whole=True
    )
    assert recovery_scans(rollup.rebuild_dirty) <= 2
    assert not DirtyDay.objects.exists()
    assert recovery_scans(lambda: rebuild_range(day[1], day[1])) <= 2
    assert roll_up_snapshot() == snapshot

    # The counter itself: the per-moment read (the buckets' way, probes) scans them per answer.
    monkeypatch.setattr(rollup, "WHOLE_DAY_SHARE", None)
    monkeypatch.setattr(rollup, "BOUNDED_READ_MAX_SPREAD", 0)
    assert recovery_scans(lambda: rebuild_buckets([day])) >= DAY_MOMENTS // 2
    assert roll_up_snapshot() == snapshot


def test_a_range_over_locations_sealed_to_different_days_keeps_every_row(agent, org):
    """A range whose locations start on different days (one sealed later than the other)
    is an OR of clauses; its writes add AND NOT EXISTS. Without brackets around the OR,
    the first clause's rows were deleted and never written again."""
    now = timezone.now()
    for location, team in ((org["arn"], org["arn_desk"]), (org["jfk"], org["jfk_desk"])):
        for days_ago in range(3):
            Moment.objects.create(
                staff=agent,
                team=team,
                location=location,
                touchpoint_type=org["desk"],
                outcome=4,
                occurred_at=now - timedelta(days=days_ago),
            )
    roll_up_everything()
    first = min(Moment.objects.values_list("local_date", flat=True))
    last = max(Moment.objects.values_list("local_date", flat=True))
    rollup.seal(org["jfk"].pk, first + timedelta(days=1))
    snapshot = roll_up_snapshot()
    assert len(rollup.range_scope(first, last).params) > 4  # two clauses, joined by OR

    rebuild_range(first, last)

    assert roll_up_snapshot() == snapshot

"""Upgrading fills the coarser roll-ups from the buckets already in place, so that an upgraded
site shows the same figures from its first request (test_location_day_rollup.py has the rest)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dashboards.models import (
    DailyRollup,
    LocationDayRollup,
    LocationNeedRollup,
    NeedRollup,
    TypeDayRollup,
)
from tests.dashboards.test_location_day_rollup import build_weeks


@pytest.fixture
def weeks(org, agent, jfk_agent):
    build_weeks(org, agent, jfk_agent)


def migrate_dashboards_to(name: str) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("dashboards", name)])


@pytest.mark.django_db(transaction=True)
def test_upgrading_fills_the_coarser_roll_ups_from_the_existing_ones(org, weeks):
    """A site upgraded with roll-ups in place shows the same figures from the first request,
    before any roll-up runs again: the whole company's (0005), and those summed over
    channels and needs per day (0013). One round trip from before both: each migration run
    renders the project's whole history, seconds apiece."""
    buckets = sorted(DailyRollup.objects.values_list("location", "local_date", "moments"))
    type_key = ["location", "local_date", "team", "touchpoint_type"]
    by_type = sorted(DailyRollup.objects.values_list(*type_key, "moments", "answers"))
    needs = sorted(NeedRollup.objects.values_list("location", "local_date", "raised"))
    migrate_dashboards_to("0004_index_recently_closed_recoveries")
    try:
        migrate_dashboards_to("0005_location_day_rollup")
        filled = LocationDayRollup.objects.values_list("location", "local_date", "moments")
        location_days = {(loc, day): n for loc, day, n in filled}
    finally:
        migrate_dashboards_to(
            MigrationExecutor(connection).loader.graph.leaf_nodes("dashboards")[0][1]
        )

    per_day: dict[tuple, int] = {}
    for location, day, moments in buckets:
        per_day[location, day] = per_day.get((location, day), 0) + moments
    assert location_days == per_day
    assert len(per_day) > 10

    summed: dict[tuple, list[int]] = {}
    for *key, moments, answers in by_type:
        sums = summed.setdefault(tuple(key), [0, 0])
        sums[0], sums[1] = sums[0] + moments, sums[1] + answers
    filled = TypeDayRollup.objects.values_list(*type_key, "moments", "answers")
    assert {tuple(key): [m, a] for *key, m, a in filled} == summed
    assert len(summed) > 10
    need_days: dict[tuple, int] = {}
    for location, day, raised in needs:
        need_days[location, day] = need_days.get((location, day), 0) + raised
    filled_needs = LocationNeedRollup.objects.values_list("location", "local_date", "raised")
    assert {(loc, day): n for loc, day, n in filled_needs} == need_days
    assert sum(need_days.values()) == 24

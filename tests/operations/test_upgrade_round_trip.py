"""Upgrading a site that an older release left, with its data in place: each migration that
reshapes data or renames indexes does it to what is there, and going back undoes it.

Every migration run renders the project's model states over and over, seconds of CPU apiece,
and going back costs more than coming forward. Each of these checks once made a round trip
of its own (four, about 45 s of the suite); here one trip serves them all. A module fixture
builds what each check needs, goes back once to before every migration checked, looks and
writes at that old state, comes forward once to the latest, and notes what each test then
asserts. Going back this far also shows that every later migration can be undone with data
in place. The tests stay in one module: pytest-xdist hands each worker consecutive tests, so
one worker makes the trip (both, in a run where a batch happens to end inside the module).
"""

from contextlib import contextmanager

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.utils import translation

from config.celery import app as celery_app
from dashboards.metrics import Figures
from dashboards.models import (
    DailyRollup,
    LocationDayRollup,
    LocationNeedRollup,
    NeedRollup,
    TypeDayRollup,
)
from feedback.models import Answer, Recovery
from tests.conftest import (
    add_moment,
    build_agent,
    build_jfk_agent,
    build_org,
    built_in_one_commit,
    make_user,
    roll_up_everything,
)
from tests.dashboards.test_location_day_rollup import build_weeks
from tests.operations.test_index_ownership import ADOPTED
from touchpoints.models import Location, Moment, Need, Role, Team, TouchpointType

# Before every migration checked here: the indexes' move to the apps that own the tables
# (touchpoints 0003, feedback 0002), resolution that may be "not recorded" (touchpoints
# 0004, dashboards 0009), icons from the set (touchpoints 0010), and the coarser roll-ups
# filled from the buckets (dashboards 0005 and 0013).
OLDEST = [
    ("touchpoints", "0002_undo_record"),
    ("feedback", "0001_initial"),
    ("dashboards", "0004_index_recently_closed_recoveries"),
]
TYPE_KEY = ["location", "local_date", "team", "touchpoint_type"]
INDEXED_TABLES = ["touchpoints_moment", "touchpoints_need", "feedback_answer", "feedback_recovery"]

# The round trip commits, as a transactional test does; these run among those.
pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets: list[tuple[str, str]]) -> None:
    MigrationExecutor(connection).migrate(targets)


def every_apps_latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def index_names() -> set[str]:
    with connection.cursor() as cursor:
        return {
            name
            for model in {Moment, Need, Answer, Recovery}
            for name in connection.introspection.get_constraints(cursor, model._meta.db_table)
        }


def index_definitions(table: str) -> list[str]:
    """Each index's definition without its name, to spot two copies of one index."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT regexp_replace(indexdef, '^.* USING ', '') FROM pg_indexes"
            " WHERE tablename = %s",
            [table],
        )
        return [row[0] for row in cursor.fetchall()]


@contextmanager
def as_in_each_test():
    """What tests/conftest.py's autouse fixtures give each test (tasks in-process, English),
    for this module's fixture, which runs before any of them."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with (
            override_settings(ROLLUP_REQUEST_SECONDS=0),
            translation.override(settings.LANGUAGE_CODE),
        ):
            yield
    finally:
        celery_app.conf.task_always_eager = eager


def build_site() -> Location:
    """The airline's weeks of moments and needs at two airports, rolled up; four moments at a
    third airport of their own, one of them with its resolution not recorded; and the types
    wearing drawings, one of them the default (no emoji maps to it). Returns the third
    airport."""
    org = build_org()
    oslo = Location.objects.create(name="Oslo Gardermoen", code="OSL", timezone="Europe/Oslo")
    team = Team.objects.create(name="Check-in desk", location=oslo)
    olga = make_user("olga", Role.FRONTLINE, team=team)
    # In one commit: saved one by one, each moment rolled its bucket up again (9 s). The
    # weeks end with every bucket rolled up, Oslo's too.
    with built_in_one_commit():
        for touchpoint_type, resolved in [("desk", True), ("desk", False), ("bag_drop", True)]:
            add_moment(olga, org[touchpoint_type], resolved=resolved)
        add_moment(olga, org["bag_drop"], resolved=None)
        build_weeks(org, build_agent(org), build_jfk_agent(org))
    TouchpointType.objects.update(icon="sofa")
    TouchpointType.objects.filter(name="Boarding").update(icon="circle-dot")
    return oslo


def roll_ups() -> dict:
    return {
        "buckets": sorted(DailyRollup.objects.values_list("location", "local_date", "moments")),
        "by_type": sorted(DailyRollup.objects.values_list(*TYPE_KEY, "moments", "answers")),
        "needs": sorted(NeedRollup.objects.values_list("location", "local_date", "raised")),
    }


def at_the_oldest(oslo: Location) -> dict:
    """What the old release's tables hold, and what its code wrote that the new one no
    longer does; read and written in SQL, as the models have columns added since."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT resolved_on_spot FROM touchpoints_moment WHERE location_id = %s ORDER BY id",
            [oslo.pk],
        )
        resolved = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT DISTINCT icon FROM touchpoints_touchpointtype ORDER BY icon")
        icons = [row[0] for row in cursor.fetchall()]
        # What admins had typed as icons.
        cursor.execute("UPDATE touchpoints_touchpointtype SET icon = %s", ["🛋️"])
        cursor.execute("UPDATE touchpoints_touchpointtype SET icon = %s WHERE name = %s",
                       ["🦄", "Boarding"])  # fmt: skip
        # Roll-ups as the old code wrote them.
        cursor.execute("UPDATE dashboards_dailyrollup SET timed_moments = 0, duration_sum = 0")
    return {"old_indexes": index_names(), "old_resolved": resolved, "old_icons": icons}


def after_the_upgrade(oslo: Location) -> dict:
    """What the upgraded site holds, read before any roll-up runs again."""
    seen = {
        "location_days": list(
            LocationDayRollup.objects.values_list("location", "local_date", "moments")
        ),
        "type_days": list(TypeDayRollup.objects.values_list(*TYPE_KEY, "moments", "answers")),
        "location_needs": list(
            LocationNeedRollup.objects.values_list("location", "local_date", "raised")
        ),
        "indexes": index_names(),
        "resolved": sorted(
            Moment.objects.filter(location=oslo).values_list("resolved_on_spot", flat=True)
        ),
        "figures": Figures.of(DailyRollup.objects.filter(location=oslo)),
        "location_figures": Figures.of(LocationDayRollup.objects.filter(location=oslo)),
        "icons": dict(TouchpointType.objects.values_list("name", "icon")),
    }
    if connection.vendor == "postgresql":
        seen["definitions"] = {table: index_definitions(table) for table in INDEXED_TABLES}
    return seen


def round_trip() -> dict:
    """Back to OLDEST and forward again, with the data in place, and what was seen on the way.
    The database ends at every app's latest migration, also when a step fails."""
    oslo = build_site()
    seen = roll_ups()
    try:
        migrate(OLDEST)
        seen |= at_the_oldest(oslo)
    finally:
        migrate(every_apps_latest())
    seen |= after_the_upgrade(oslo)
    roll_up_everything()  # what `manage.py rollup` rebuilds from the raw rows
    seen["rolled_up_again"] = Figures.of(DailyRollup.objects.filter(location=oslo))
    return seen


@pytest.fixture(scope="module")
def upgrade(django_db_setup, django_db_blocker) -> dict:
    """The round trip, once for the module's tests."""
    with django_db_blocker.unblock(), as_in_each_test():
        try:
            return round_trip()
        finally:
            # Emptied as after every test that commits (TransactionTestCase's flush), also
            # when the trip failed before any test could flush.
            call_command("flush", verbosity=0, interactive=False, reset_sequences=False)


def test_upgrading_fills_the_coarser_roll_ups_from_the_existing_ones(upgrade):
    """A site upgraded with roll-ups in place shows the same figures from the first request,
    before any roll-up runs again: the whole company's (0005), and those summed over
    channels and needs per day (0013)."""
    per_day: dict[tuple, int] = {}
    for location, day, moments in upgrade["buckets"]:
        per_day[location, day] = per_day.get((location, day), 0) + moments
    assert {(loc, day): n for loc, day, n in upgrade["location_days"]} == per_day
    assert len(per_day) > 10

    summed: dict[tuple, list[int]] = {}
    for *key, moments, answers in upgrade["by_type"]:
        sums = summed.setdefault(tuple(key), [0, 0])
        sums[0], sums[1] = sums[0] + moments, sums[1] + answers
    assert {tuple(key): [m, a] for *key, m, a in upgrade["type_days"]} == summed
    assert len(summed) > 10
    need_days: dict[tuple, int] = {}
    for location, day, raised in upgrade["needs"]:
        need_days[location, day] = need_days.get((location, day), 0) + raised
    assert {(loc, day): n for loc, day, n in upgrade["location_needs"]} == need_days
    assert sum(need_days.values()) == 24


def test_a_round_trip_through_the_upgrade_keeps_every_moment_and_its_figures(upgrade):
    """Going back stores "not recorded" as "not resolved" (the old column had no null);
    coming forward counts every existing moment and roll-up as recorded."""
    assert upgrade["old_resolved"] == [True, False, True, False]
    assert upgrade["resolved"] == [False, False, True, True]
    upgraded = upgrade["figures"]
    assert (upgraded.moments, upgraded.resolved_on_spot, upgraded.resolution_recorded) == (4, 2, 4)
    assert upgrade["location_figures"] == upgraded
    assert upgrade["rolled_up_again"] == upgraded


def test_an_upgraded_database_has_one_copy_of_each_index_under_its_new_name(upgrade, postgres):
    # Before the move the indexes stand under the names dashboards' SQL gave them, which is
    # what a database made before the upgrade holds.
    assert {old for old, _model in ADOPTED.values()} <= upgrade["old_indexes"]
    assert not set(ADOPTED) & upgrade["old_indexes"]
    assert set(ADOPTED) <= upgrade["indexes"]
    assert not {old for old, _model in ADOPTED.values()} & upgrade["indexes"]
    for table, definitions in upgrade["definitions"].items():
        assert len(definitions) == len(set(definitions)), table


def test_upgrading_turns_the_emoji_in_use_into_drawings_and_going_back_restores_them(upgrade):
    assert upgrade["old_icons"] == ["", "🛋"]
    assert upgrade["icons"] == {
        "Bag drop": "sofa",
        "Check-in desk": "sofa",
        "Boarding": "circle-dot",
    }

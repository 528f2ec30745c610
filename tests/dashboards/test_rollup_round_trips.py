"""A day's roll-up does a fixed, small amount of work, whatever the day holds.

The SQL statements and Redis round trips of rolling up one location's day, as the worker
does after a save (`roll_up_day`) and as beat does (`roll_up_dirty_days`), are counted on
the real PostgreSQL and Redis. They must not grow with the moments, teams or types in the
day, and must not exceed today's numbers: a change that adds a statement or a round trip
to every roll-up fails here, not in a benchmark weeks later (docs/performance.md, Roll-up).
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dashboards.tasks import roll_up_day, roll_up_dirty_days
from tests.conftest import add_moment, make_user
from tests.redis_round_trips import counting_redis_round_trips
from touchpoints.models import DirtyDay, JourneyStage, Need, Role, Team, TouchpointType
from touchpoints.needs import raise_need

# One location's changes after saves, in the test's transaction (so a savepoint and its
# release stand for BEGIN and COMMIT), on PostgreSQL's incremental path
# (dashboards/rollup_delta.py): try the location's lock, read its marks, take its journal
# rows (one batch), read where the taken moments lie and the planner settings, compute the
# differences of every roll-up (one batch), add them (one batch), give the location a new
# generation (the key of its cached figures, dashboards/figure_cache.py), clear the marks.
# Ten; the whole day recomputed took 28.
ROLL_UP_DAY_QUERIES = 10
# Beat's run: the same, after reading which locations have marks or journal rows (the
# sweep; the group's task reads its marks with the rest, dashboards/location_groups.py).
DIRTY_RUN_QUERIES = ROLL_UP_DAY_QUERIES + 1
# The roll-up reads and writes PostgreSQL only; the dirty marks live there too.
ROLL_UP_REDIS_ROUND_TRIPS = 0

pytestmark = pytest.mark.usefixtures("postgres", "redis_url")


def fill_day(org, agent, people: int, types: int, tag: str) -> None:
    """Moments of today at ARN by `people` people of their own teams over `types` types,
    half of them answered low (so each opens a recovery), and a need from each person."""
    stage = JourneyStage.objects.create(name=f"Stage {tag}", order=9)
    kinds = [org["desk"]] + [
        TouchpointType.objects.create(name=f"Type {tag}{n}", stage=stage) for n in range(types - 1)
    ]
    staff = [agent] + [
        make_user(
            f"p{tag}{n}",
            Role.FRONTLINE,
            team=Team.objects.create(name=f"T{tag}{n}", location=org["arn"]),
        )
        for n in range(people - 1)
    ]
    # Now, not a minute ago: the needs below are raised now, and in ARN's first minute a
    # minute ago is yesterday, which would give the roll-up a second day to do.
    now = timezone.now()
    for person in staff:
        for n, kind in enumerate(kinds):
            answer = {"csat": 1, "nps": 3, "effort": 5} if n % 2 == 0 else None
            add_moment(person, kind, occurred_at=now, answer=answer)
        raise_need(person, Need.Kind.TOOL, "A scanner")


def roll_up_counted(run) -> tuple[int, int]:
    """(SQL statements, Redis round trips) of one roll-up, marks left by the saves."""
    with CaptureQueriesContext(connection) as queries, counting_redis_round_trips() as sent:
        run()
    assert not DirtyDay.objects.exists(), "the roll-up left its day marked"
    return len(queries), len(sent)


def one_day(org):
    day = org["arn"].today()
    return lambda: roll_up_day.delay(org["arn"].pk, day.isoformat())


def test_rolling_up_a_day_after_a_save_takes_a_fixed_few_statements_and_no_redis(org, agent):
    fill_day(org, agent, people=1, types=1, tag="a")
    few = roll_up_counted(one_day(org))
    fill_day(org, agent, people=4, types=5, tag="b")
    many = roll_up_counted(one_day(org))
    assert many == few
    assert many[0] <= ROLL_UP_DAY_QUERIES and many[1] <= ROLL_UP_REDIS_ROUND_TRIPS


def test_beat_rolling_up_a_marked_day_takes_a_fixed_few_statements_and_no_redis(org, agent):
    fill_day(org, agent, people=1, types=1, tag="a")
    few = roll_up_counted(roll_up_dirty_days.delay)
    fill_day(org, agent, people=4, types=5, tag="b")
    many = roll_up_counted(roll_up_dirty_days.delay)
    assert many == few
    assert many[0] <= DIRTY_RUN_QUERIES and many[1] <= ROLL_UP_REDIS_ROUND_TRIPS


def test_round_trips_to_the_real_redis_are_counted():
    """The counter itself: three commands, two of them in one pipeline, are two trips."""
    cache.get("connected")  # a new connection's own handshake is not what is counted here
    with counting_redis_round_trips() as sent:
        cache.set("counted", 1)
        cache.set_many({"a": 1, "b": 2})
    assert cache.get("counted") == 1
    assert len(sent) == 2

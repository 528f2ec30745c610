"""What one frontline save costs, counted exactly: the database's round trips (from libpq's
own trace of the connection) and the commands Redis receives (from a redis-server this
test starts, through INFO commandstats). One statement or one Redis command more, and the
test fails: the save is the hot path (docs/performance.md, "Where a save's time goes").
"""

import tempfile

import psycopg
import pytest
import redis
from django.db import connection
from django.test import Client

from config.celery import app as celery_app
from tests.conftest import PASSWORD, calendar_days_ago, moment_post
from tests.faults.conftest import RedisServer
from tests.touchpoints.conftest import JSON
from touchpoints import dirty_days
from touchpoints.models import DirtyDay, Moment

LOG_URL = "/log/"


@pytest.fixture
def own_redis(postgres, redis_url, settings):
    """The cache and the broker on a Redis server of the test's own, so that every command
    it receives came from the save; roll-ups requested as in production."""
    server = RedisServer()
    server.start()
    settings.CACHES = {
        "default": {"BACKEND": "config.cache.ResilientRedisCache", "LOCATION": server.url}
    }
    settings.ROLLUP_REQUEST_SECONDS = 5
    broker, eager = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = server.url, False
    forget_broker_connections()
    dirty_days._asked_here.clear()
    yield redis.Redis.from_url(server.url)
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = broker, eager
    forget_broker_connections()
    server.stop()


def forget_broker_connections() -> None:
    """Celery keeps its broker connections in two pools; the next task opens new ones to
    the broker configured then."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def commands_received(server: redis.Redis) -> dict[str, int]:
    stats = server.info("commandstats")
    return {name.removeprefix("cmdstat_"): s["calls"] for name, s in stats.items()}


def redis_commands_of(server: redis.Redis, act) -> dict[str, int]:
    """The commands Redis received while `act` ran, by name (INFO itself left out)."""
    before = commands_received(server)
    act()
    after = commands_received(server)
    counts = {name: calls - before.get(name, 0) for name, calls in after.items()}
    return {name: n for name, n in counts.items() if n and name != "info"}


def database_round_trips_of(act) -> list[str]:
    """One line per round trip to PostgreSQL while `act` ran: a simple query ("Query"), or
    an extended one (Parse/Bind/Execute) ended by its "Sync"."""
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    with tempfile.TemporaryFile("w+") as trace:
        pgconn.trace(trace.fileno())
        pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            act()
        finally:
            pgconn.untrace()
        trace.seek(0)
        sent = [line.split("\t") for line in trace.read().splitlines() if line.startswith("F")]
    return [" ".join(fields[2:])[:100] for fields in sent if fields[2] in ("Query", "Sync")]


def save(tablet: Client, touchpoint_type, **fields) -> None:
    response = tablet.post(LOG_URL, moment_post(touchpoint_type, **fields), headers=JSON)
    assert response.status_code == 201


@pytest.fixture
def tablet(own_redis, agent, org):
    """A signed-in tablet that has saved once: connections open, types kept, today's
    roll-up already asked for."""
    tablet = Client(enforce_csrf_checks=False)
    tablet.login(username=agent.username, password=PASSWORD)
    save(tablet, org["bag_drop"])
    return tablet


@pytest.mark.django_db(transaction=True)
def test_a_save_takes_three_database_round_trips_and_no_redis(tablet, own_redis, org):
    # Django's test client leaves out the connection check that a server makes at each
    # request's first query (CONN_HEALTH_CHECKS: one SELECT 1 more in production).
    trips = []
    commands = redis_commands_of(
        own_redis, lambda: trips.extend(database_round_trips_of(lambda: save(tablet, org["desk"])))
    )
    # The session, the person (with team, location, role and the types' version), and the
    # moment inserted with its dirty day in one statement: no BEGIN, no COMMIT.
    assert len(trips) == 3, trips
    assert commands == {}
    assert Moment.objects.count() == 2
    assert DirtyDay.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_first_save_of_a_day_asks_for_its_roll_up_once(tablet, own_redis, org):
    yesterday = calendar_days_ago(org["arn"], 1).isoformat()
    first = redis_commands_of(own_redis, lambda: save(tablet, org["desk"], occurred_at=yesterday))
    second = redis_commands_of(own_redis, lambda: save(tablet, org["desk"], occurred_at=yesterday))
    # The fleet-wide throttle key (SET NX), then the task handed to the broker.
    assert first == {"set": 1, "lpush": 1}, first
    assert second == {}
    assert DirtyDay.objects.count() == 2

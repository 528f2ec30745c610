"""A copy of a bench database with the moment table partitioned by month: an experiment.

Issue 25 asks whether partitioning the moment table by month pays at ten times SAS, and to
keep it only if it does not slow the save. This makes the partitioned side of that
comparison from a database that bench/sas_data.py filled; the database itself stays as it
is, for the side without partitions. It is a benchmark tool, not a migration of the app:
the models and migrations do not know about it, and a database made by it is for
benchmarks only.

    .venv/bin/python bench/partition.py moments_partition_3d_x10
        # makes moments_partition_3d_x10_parts (dropped first if it exists)
    .venv/bin/python bench/partition.py moments_partition_3d_x10 --check-save
        # the app's save on the copy: new, resent, and reused UUIDs (rolled back)
    .venv/bin/python bench/partition.py moments_partition_3d_x10 --time-inserts 2000
        # the save's statement on the source and the copy in turns, three rounds

The figures, and what the app would have to change to run on partitions, are in
docs/scaling.md ("Partitioning the moment table by month").

The copy is made with CREATE DATABASE ... TEMPLATE (nobody may be connected to the source
meanwhile), and in it `touchpoints_moment` becomes:

- PARTITION BY RANGE (local_date): one partition a month from the month of the oldest
  moment to the month after today (the saves of bench/log_save.py are dated today), and a
  DEFAULT partition for anything outside them;
- primary key (id, local_date) and the tablet's idempotency key unique (uuid, local_date):
  PostgreSQL requires every unique constraint of a partitioned table to hold the
  partition key;
- the same secondary indexes, foreign keys to other tables and journal triggers
  (dashboards/journal.py) as before, on the partitioned table;
- no foreign keys that reference it. A foreign key to a partitioned table must name a
  unique key, here (id, local_date), and invitations, needs, remedies, corrections and
  themes hold only `moment_id`: so they are dropped, and the app becomes the only guard of
  those references. The stricter alternative is a `moment_day` column on each and a
  composite foreign key (moment_id, moment_day).

The save needs no code change to run on it: it is a plain INSERT that lets the unique key
decide a race (touchpoints/moments.py, touchpoints/dirty_days.py). But with the key
(uuid, local_date) a UUID is unique only within a day: a resend whose time the server
stamped (no `occurred_at` from the tablet) just after the location's midnight, or a reused
UUID on another day, would be stored twice instead of recognised or refused. The app
would need a UUID that is unique on its own, so by default (--uuid-guard) the copy gets
the closest faithful equivalent: an unpartitioned table of every moment's UUID, its
primary key the old unique index, filled by a trigger in the insert's own statement. A
repeated UUID fails the insert with the same unique violation as before, which the save
catches as it does now. --no-uuid-guard leaves it out (the weaker promise).
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

import psycopg

SERVER_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
MOMENT = "touchpoints_moment"
PLAIN = "touchpoints_moment_plain"  # the old table, while its rows are copied
MAINTENANCE_WORK_MEM = "1GB"  # as bench/sas_data.py builds its indexes

# What is kept of the old table's definition: columns, defaults, NOT NULL and CHECK
# constraints, the identity (its sequence is set past the copied ids below). Its indexes
# and keys are made afterwards, once the rows are in: one sorted pass per partition.
CREATE_PARTITIONED = f"""
    CREATE TABLE {MOMENT} (LIKE {PLAIN} INCLUDING DEFAULTS INCLUDING CONSTRAINTS
        INCLUDING IDENTITY INCLUDING STORAGE)
    PARTITION BY RANGE (local_date)
"""
KEYS = [
    f"ALTER TABLE {MOMENT} ADD CONSTRAINT touchpoints_moment_pkey PRIMARY KEY (id, local_date)",
    f"ALTER TABLE {MOMENT} ADD CONSTRAINT touchpoints_moment_uuid_key UNIQUE (uuid, local_date)",
]
UUID_GUARD = f"""
    CREATE TABLE bench_moment_uuid (uuid uuid PRIMARY KEY);
    INSERT INTO bench_moment_uuid SELECT uuid FROM {MOMENT};
    CREATE FUNCTION bench_moment_uuid_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'INSERT' THEN
            INSERT INTO bench_moment_uuid VALUES (NEW.uuid);  -- a repeat: unique_violation
            RETURN NEW;
        END IF;
        DELETE FROM bench_moment_uuid WHERE uuid = OLD.uuid;
        RETURN OLD;
    END
    $$;
    -- A row moved to another month's partition fires DELETE, then INSERT: it keeps its
    -- UUID. Named to fire before the journal's trigger (BEFORE triggers go by name).
    CREATE TRIGGER bench_uuid_guard BEFORE INSERT OR DELETE ON {MOMENT}
        FOR EACH ROW EXECUTE FUNCTION bench_moment_uuid_guard();
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", help="a bench database filled by bench/sas_data.py")
    parser.add_argument("--target", help="the partitioned copy (default: <source>_parts)")
    parser.add_argument(
        "--uuid-guard",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="keep a UUID unique across days, as the save promises (above)",
    )
    parser.add_argument(
        "--check-save",
        action="store_true",
        help="only try the app's save on the copy (new, resent, reused UUID), rolled back",
    )
    parser.add_argument(
        "--time-inserts",
        type=int,
        metavar="N",
        help="only time the save's statement N times a round on the source and the copy",
    )
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --time-inserts")
    args = parser.parse_args()
    target = args.target or f"{args.source}_parts"
    if args.time_inserts:
        time_inserts(args.source, target, args.time_inserts, args.rounds)
        return
    if args.check_save:
        check_save(target)
        return
    started = time.perf_counter()
    copy_database(args.source, target)
    print(f"copied {args.source} to {target} in {time.perf_counter() - started:.0f} s")
    with psycopg.connect(database_url(target)) as connection:
        partition(connection, uuid_guard=args.uuid_guard)
    with psycopg.connect(database_url(target), autocommit=True) as connection:
        connection.execute(f"VACUUM (ANALYZE) {MOMENT}")  # each partition, and the parent
        if args.uuid_guard:
            connection.execute("VACUUM (ANALYZE) bench_moment_uuid")
        report(connection)
    print(f"done in {time.perf_counter() - started:.0f} s")


def database_url(name: str) -> str:
    return SERVER_URL.rsplit("/", 1)[0] + "/" + name


def copy_database(source: str, target: str) -> None:
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def partition(connection, uuid_guard: bool) -> None:
    """Turn the moment table into a partitioned one, in one transaction."""
    schema = read_schema(connection)
    extent = f"SELECT min(local_date), max(local_date) FROM {MOMENT}"
    first, last = connection.execute(extent).fetchone()
    months = month_starts(first, max(last, date.today()))
    connection.execute(f"ALTER TABLE {MOMENT} RENAME TO {PLAIN}")
    connection.execute(CREATE_PARTITIONED)
    for start, end in zip(months, months[1:], strict=False):
        connection.execute(
            f"CREATE TABLE {MOMENT}_y{start:%Y}m{start:%m} PARTITION OF {MOMENT}"
            f" FOR VALUES FROM ('{start}') TO ('{end}')"
        )
    connection.execute(f"CREATE TABLE {MOMENT}_default PARTITION OF {MOMENT} DEFAULT")
    step("partitions made", len(months) - 1, "monthly and a default")
    connection.execute(f"INSERT INTO {MOMENT} SELECT * FROM {PLAIN}")  # no triggers yet
    connection.execute(
        f"SELECT setval(pg_get_serial_sequence('{MOMENT}', 'id'), max(id)) FROM {MOMENT}"
    )
    step("rows copied")
    # The foreign keys to moments go: they would have to name (id, local_date), which the
    # tables pointing at moments do not hold. The app is then the only guard of those
    # references; a `moment_day` column and a composite foreign key would be stricter.
    for table, name, _definition in schema["referenced_by"]:
        connection.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    connection.execute(f"DROP TABLE {PLAIN}")  # with its indexes, their names free again
    connection.execute(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
    for statement in KEYS + schema["indexes"]:
        connection.execute(statement)
    step("keys and indexes made")
    for name, definition in schema["foreign_keys"]:
        connection.execute(f'ALTER TABLE {MOMENT} ADD CONSTRAINT "{name}" {definition}')
    for statement in schema["triggers"]:
        connection.execute(statement)
    if uuid_guard:
        connection.execute(UUID_GUARD)
        step("UUID guard made")
    dropped = ", ".join(f"{table}.{name}" for table, name, _ in schema["referenced_by"])
    print(f"  foreign keys to {MOMENT} dropped: {dropped}")


def read_schema(connection) -> dict:
    """The old table's secondary indexes, foreign keys and triggers, as SQL to make them
    again; and the foreign keys that reference it."""
    oid = f"'{MOMENT}'::regclass"
    return {
        # Every index but the two keys, which change; a definition names the table, not
        # its oid, so it makes the same index on the new table.
        "indexes": column(
            connection,
            f"SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = {oid}"
            f" AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE conrelid = {oid})",
        ),
        "foreign_keys": connection.execute(
            f"SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            f" WHERE conrelid = {oid} AND contype = 'f' ORDER BY conname"
        ).fetchall(),
        "triggers": column(
            connection,
            f"SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = {oid}"
            " AND NOT tgisinternal ORDER BY tgname",
        ),
        "referenced_by": connection.execute(
            f"SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)"
            f" FROM pg_constraint WHERE confrelid = {oid} AND contype = 'f' ORDER BY 1"
        ).fetchall(),
    }


def column(connection, sql: str) -> list:
    return [row[0] for row in connection.execute(sql).fetchall()]


def month_starts(first: date, last: date) -> list[date]:
    """The bounds of the monthly partitions: the first day of each month from `first`'s to
    the one after `last`'s, and of the month after that."""
    months = [first.replace(day=1)]
    while months[-1] <= last.replace(day=1):
        months.append(next_month(months[-1]))
    months.append(next_month(months[-1]))
    return months


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


_started = time.perf_counter()


def step(what: str, *details) -> None:
    extra = " ".join(str(d) for d in details)
    print(f"  {what} at {time.perf_counter() - _started:.0f} s {extra}".rstrip(), flush=True)


def report(connection) -> None:
    rows = connection.execute(
        "SELECT c.relname, c.reltuples::bigint, pg_size_pretty(pg_total_relation_size(c.oid))"
        " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
        f" WHERE i.inhparent = '{MOMENT}'::regclass ORDER BY c.relname"
    ).fetchall()
    for name, tuples, size in rows:
        if tuples > 0:
            print(f"  {name}: about {tuples:,} moments, {size}")
    empty = sum(1 for _name, tuples, _size in rows if tuples <= 0)
    print(f"  and {empty} empty partitions")


def check_save(name: str) -> None:
    """The app's own save (`record_moment`) on database `name`, in a transaction rolled
    back: a new moment, its resend, its UUID reused the same day with other content, and
    the same UUID on the next day (the case a key (uuid, local_date) alone lets through)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.sas_data import use_bench_database

    use_bench_database(database_url(name))
    from django.db import connection, transaction
    from django.utils import timezone

    from touchpoints.models import Moment, User
    from touchpoints.moments import UuidReused, record_moment

    staff = User.objects.filter(team__isnull=False).select_related("team__location").first()
    type_id = Moment.objects.filter(team=staff.team).values_list("touchpoint_type", flat=True)[0]
    key, now = uuid.uuid4(), timezone.now()

    def save(outcome: int, occurred_at) -> str:
        unsaved = Moment(touchpoint_type_id=type_id, outcome=outcome, occurred_at=occurred_at)
        try:
            with transaction.atomic():
                moment, created = record_moment(staff, unsaved, key)
        except UuidReused:
            return "refused (UuidReused)"
        return f"{'stored' if created else 'recognised as a resend'} on {moment.local_date}"

    def try_all(title: str) -> None:
        nonlocal key
        key = uuid.uuid4()
        print(f"the app's save on {name}{title}:")
        print(f"  a new moment: {save(4, now)}")
        print(f"  the same again: {save(4, now)}")
        print(f"  its UUID, other content, same day: {save(2, now)}")
        print(f"  its UUID, the next day: {save(4, now + timedelta(days=1))}")
        stored = Moment.objects.filter(uuid=key).count()
        print(f"  moments stored under the UUID: {stored} (the save promises 1)")

    with transaction.atomic(), connection.cursor() as cursor:
        try_all("")
        cursor.execute("SELECT 1 FROM pg_trigger WHERE tgname = 'bench_uuid_guard'")
        if cursor.fetchone():
            cursor.execute(f"ALTER TABLE {MOMENT} DISABLE TRIGGER bench_uuid_guard")
            try_all(", the UUID guard off")
        transaction.set_rollback(True)


def time_inserts(plain: str, partitioned: str, count: int, rounds: int) -> None:
    """The save's own statement (the moment's INSERT that marks its day dirty, one
    statement in autocommit, as `insert_marking_day_dirty` sends it from a web worker),
    `count` times a round on each database in turn: the database's share of a save, without
    the web stack, whose time dwarfs it and moves with the load. Each insert is timed from
    this client (a round trip on localhost included, the same on both); the rows are
    deleted afterwards."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench.machine import speed
    from bench.sas_data import use_bench_database

    use_bench_database(database_url(plain))
    from django.db import connection as django_connection
    from django.utils import timezone

    from touchpoints.dirty_days import _insert_marking_sql
    from touchpoints.models import Moment, User

    staff = User.objects.filter(team__isnull=False).select_related("team__location").first()
    type_id = Moment.objects.filter(team=staff.team).values_list("touchpoint_type", flat=True)[0]
    sql, fields = _insert_marking_sql(Moment)

    def params() -> list:
        now = timezone.now()
        row = Moment(uuid=uuid.uuid4(), staff=staff, team=staff.team, location=staff.team.location)
        row.touchpoint_type_id, row.outcome, row.occurred_at = type_id, 4, now
        row.local_date = row.location.local_date(now)
        values = [f.get_db_prep_save(f.pre_save(row, True), django_connection) for f in fields]
        return [*values, django_connection.ops.adapt_datetimefield_value(now)]

    names = {plain: "without partitions", partitioned: "partitioned"}
    connections = {name: psycopg.connect(database_url(name), autocommit=True) for name in names}
    made: dict[str, list[int]] = {name: [] for name in names}
    medians: dict[str, list[float]] = {name: [] for name in names}
    print(f"the save's statement, {count} inserts a round, {_load()} before")
    for name, connection in connections.items():
        print(f"  {name}: {speed(connection.cursor())}")
    for round_ in range(1, rounds + 1):
        for name, connection in connections.items():
            times = []
            with connection.cursor() as cursor:
                for _ in range(count):
                    values = params()
                    started = time.perf_counter()
                    cursor.execute(sql, values)
                    made[name].append(cursor.fetchone()[0])
                    times.append((time.perf_counter() - started) * 1e6)
            p50, p95 = statistics.median(times), statistics.quantiles(times, n=20)[18]
            medians[name].append(p50)
            print(
                f"  round {round_}, {names[name]}: p50 {p50:.0f} µs, p95 {p95:.0f} µs,"
                f" mean {statistics.mean(times):.0f} µs; {_load()}"
            )
    plain_p50, partitioned_p50 = (statistics.median(medians[name]) for name in names)
    print(
        f"median of the rounds' p50: {plain_p50:.0f} µs without partitions,"
        f" {partitioned_p50:.0f} µs partitioned ({partitioned_p50 / plain_p50:.2f}x)"
    )
    for name, connection in connections.items():
        ids = made[name]
        connection.execute(f"DELETE FROM {MOMENT} WHERE id = ANY(%s)", [ids])
        connection.execute("DELETE FROM dashboards_momentjournal WHERE moment_id = ANY(%s)", [ids])
        connection.execute(
            "DELETE FROM touchpoints_dirtyday WHERE location_id = %s AND local_date = %s",
            [staff.team.location_id, staff.team.location.today()],
        )
        connection.close()


def _load() -> str:
    with open("/proc/loadavg") as loadavg:
        return "load average " + " ".join(loadavg.read().split()[:3])


if __name__ == "__main__":
    main()

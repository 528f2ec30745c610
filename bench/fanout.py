"""A ten-times-SAS day's reconciliation by one Celery worker and by two (issue 25, item 3).

Fills one day of ten times SAS's traffic (bench/sas_data.py; 1.37 M moments) into a database
of its own, kept for the next run, marks every station's buckets of the day dirty, and times
the reconciliation as beat sends it: one `dashboards.reconcile_location_group` task per
location group (`tasks.fan_out`, `ROLLUP_LOCATION_GROUPS`, set by --groups), taken by real
worker processes on the real Redis broker. First one worker takes the groups' tasks, then
two share them; a run ends when the day's marks are gone (each group's task clears its
buckets' marks as it commits), and the roll-ups are then checked against the moments.

Each run does one worker, then two, over roll-ups already in place (the nightly case: a
first, untimed round through each writes them and warms the workers), or from empty
roll-ups with --from-empty (a repair). Prints both times, their ratio (goal <= 0.65) and
each group's share of the day's moments: two workers can do no better than the largest
share, whatever the machine.

    .venv/bin/python bench/fanout.py                     # ten times SAS
    .venv/bin/python bench/fanout.py --runs 3            # three runs, one line each
    .venv/bin/python bench/fanout.py --groups 4          # four groups over the two workers
    .venv/bin/python bench/fanout.py --scale 0.05        # a quick check that it all works

Needs REDIS_URL (the workers' broker); the queues are private to the run.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sas_data  # noqa: E402  (a sibling script, not a package)

ROOT = Path(__file__).resolve().parent.parent
GOAL = 0.65  # two workers' time over one's
POLL_SECONDS = 0.02


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=10, help="times SAS's 137,000 a day")
    parser.add_argument("--groups", type=int, default=2, help="location groups (tasks)")
    parser.add_argument("--runs", type=int, default=1, help="measure this many times")
    parser.add_argument("--database", help="bench database (default moments_bench_1d_x<scale>)")
    parser.add_argument(
        "--from-empty", action="store_true", help="empty the roll-ups before every round"
    )
    parser.add_argument("--drop", action="store_true", help="drop the bench database at the end")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("Set REDIS_URL: the workers take their tasks from Redis.")
    os.environ["ROLLUP_LOCATION_GROUPS"] = str(args.groups)  # before Django reads its settings
    per_day = round(args.scale * sas_data.MOMENTS_PER_DAY)
    url = _database_url(args)
    sas_data.use_bench_database(url)
    if abs(sas_data.moment_count() - per_day) > 0.01 * per_day:
        print(f"Generating a day of {per_day:,} moments…", file=sys.stderr)
        sas_data.generate(1, per_day=per_day)
    sas_data.ensure_statistics()
    from machine import django_speed

    first, last, moments = _extent()
    print(f"{moments:,} moments, local days {first} to {last}, in {url.rsplit('/', 1)[1]}")
    print(django_speed())
    _print_groups(moments)
    # Worker 1 consumes `alone` and `shared`, worker 2 `shared`: tasks sent to `alone` are
    # one worker's, those sent to `shared` two workers'. Each also has a queue of its own,
    # whose binding in Redis shows that it is listening.
    run = uuid.uuid4().hex[:8]
    alone, shared = f"bench-{run}-alone", f"bench-{run}-shared"
    own = [f"bench-{run}-w1", f"bench-{run}-w2"]
    workers = [
        _start_worker(url, [alone, shared, own[0]], "w1"),
        _start_worker(url, [shared, own[1]], "w2"),
    ]
    try:
        _wait_until_listening(own)
        for queue in (alone, shared):  # untimed: the roll-ups written, the workers warm
            _reconcile(first, last, queue, args.from_empty, moments)
        ratios = []
        for n in range(1, args.runs + 1):
            print(f"run {n} of {args.runs}, {_load()} before")
            one = _reconcile(first, last, alone, args.from_empty, moments)
            two = _reconcile(first, last, shared, args.from_empty, moments)
            ratios.append(two / one)
            verdict = "met" if two / one <= GOAL else "MISSED"
            print(f"  1 worker {one:7.2f} s, 2 workers {two:7.2f} s: ratio {two / one:.2f}")
            print(f"  goal ratio <= {GOAL}: {two / one:.2f} {verdict}; {_load()} after")
        if args.runs > 1:
            print(f"median ratio {statistics.median(ratios):.2f} over {args.runs} runs")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        _delete_queues([alone, shared, *own])
    if args.drop:
        _drop()


def _database_url(args) -> str:
    if args.database:
        name = args.database
    elif "BENCH_DATABASE_URL" in os.environ:
        return os.environ["BENCH_DATABASE_URL"]
    else:  # the name bench/rollup_bench.py gives the same data, at whole scales
        name = f"moments_bench_1d_x{args.scale:g}".replace(".", "_")
    return sas_data.BENCH_DATABASE_URL.rsplit("/", 1)[0] + "/" + name


def _reconcile(first, last, queue: str, from_empty: bool, moments: int) -> float:
    """Mark the data's buckets dirty, send one reconciliation task per location group to
    `queue`, and return the seconds until every mark is gone; then check the figures."""
    from dashboards.tasks import fan_out, reconcile_location_group
    from touchpoints.models import DirtyDay, Location

    if from_empty:
        _empty_roll_ups()
    locations = list(Location.objects.values_list("pk", flat=True))
    _mark_dirty(locations, first, last)
    started = time.perf_counter()
    fan_out(reconcile_location_group, locations, first.isoformat(), last.isoformat(), queue=queue)
    while DirtyDay.objects.exists():
        time.sleep(POLL_SECONDS)
    seconds = time.perf_counter() - started
    _check_exact(moments)
    return seconds


def _mark_dirty(locations: list[int], first, last) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from touchpoints.models import DirtyDay

    now = timezone.now()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    DirtyDay.objects.bulk_create(
        [
            DirtyDay(location_id=loc, local_date=day, marked_at=now)
            for loc in locations
            for day in days
        ],
        ignore_conflicts=True,
    )


def _print_groups(moments: int) -> None:
    """Each group's share of the moments: the largest bounds what two workers can gain."""
    from django.db.models import Count

    from dashboards.location_groups import grouped
    from touchpoints.models import Moment

    per_location = dict(
        Moment.objects.order_by().values_list("location_id").annotate(n=Count("id"))
    )
    for group, members in grouped(per_location).items():
        share = sum(per_location[location_id] for location_id in members) / moments
        print(f"  group {group}: {len(members)} stations, {share:.0%} of the moments")


def _start_worker(url: str, queues: list[str], name: str) -> subprocess.Popen:
    """A worker process on `queues`, pointed at the bench database; one task at a time."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            ",".join(queues),
            "-n",
            f"{name}@%h",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url},
    )


def _wait_until_listening(queues: list[str], timeout: float = 120) -> None:
    import redis

    broker = redis.Redis.from_url(os.environ["REDIS_URL"])
    deadline = time.monotonic() + timeout
    while not all(broker.exists(f"_kombu.binding.{queue}") for queue in queues):
        if time.monotonic() > deadline:
            sys.exit("The workers did not start listening within two minutes.")
        time.sleep(0.2)


def _delete_queues(queues: list[str]) -> None:
    import redis

    broker = redis.Redis.from_url(os.environ["REDIS_URL"])
    broker.delete(*queues, *(f"_kombu.binding.{queue}" for queue in queues))


def _extent():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(local_date), max(local_date), count(*) FROM touchpoints_moment")
        return cursor.fetchone()


def _empty_roll_ups() -> None:
    from django.db import connection

    from dashboards.rollup import ROLLUP_TABLES

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(table.name for table in ROLLUP_TABLES)}")


def _check_exact(moments: int) -> None:
    from django.db.models import Sum

    from dashboards.models import DailyRollup, LocationDayRollup

    for table in (DailyRollup, LocationDayRollup):
        rolled = table.objects.aggregate(total=Sum("moments"))["total"]
        assert rolled == moments, f"{table.__name__} counts {rolled:,} moments, not {moments:,}"


def _load() -> str:
    with open("/proc/loadavg") as loadavg:
        one, five, fifteen = loadavg.read().split()[:3]
    return f"load average {one} {five} {fifteen}"


def _drop() -> None:
    import psycopg
    from django.db import connection

    name = connection.settings_dict["NAME"]
    connection.close()
    admin_url = sas_data.BENCH_DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}"')
    print(f"Dropped {name}.")


if __name__ == "__main__":
    main()

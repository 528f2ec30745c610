"""Roll-up speed at SAS scale, on PostgreSQL.

Measures, in one run against the same data:
  (c) the floor: the roll-up's plain GROUP BY over every moment, rows fetched, nothing written;
  (b) a full rebuild of the same range through `rebuild_range` (what `manage.py rollup` runs)
      with no roll-ups in place, then the same again over the roll-ups it made;
  (a) the incremental roll-up of one full day (every station's bucket marked dirty), as beat
      runs it; the median of three.
and prints the figures, the ratio (b)/(c) and a year of 50 million moments extrapolated
from (b), with the load average before and after. The data (about 4 GB for ten million
moments) is generated once by bench/sas_data.py into a database of its own per size
(`moments_bench_73d`, `moments_bench_3d_x10`, or --database) and kept for the next run
unless --drop is given.

    .venv/bin/python bench/rollup_bench.py                        # ten million moments (73 days)
    .venv/bin/python bench/rollup_bench.py --days 20 --runs 3     # three runs, one line each
    .venv/bin/python bench/rollup_bench.py --days 20 --runs 3 --pairs 3   # floor, rebuild x3 a run
    .venv/bin/python bench/rollup_bench.py --days 365 --incremental-only --runs 3
    .venv/bin/python bench/rollup_bench.py --days 3 --scale 10    # ten times SAS's daily volume
    .venv/bin/python bench/rollup_bench.py --days 20 --explain    # plans of one day's roll-up
    .venv/bin/python bench/rollup_bench.py --days 3 --scale 10 --dashboard 100
    .venv/bin/python bench/rollup_bench.py --days 3 --scale 10 --runs 0 --dashboard 100 --statements
    .venv/bin/python bench/rollup_bench.py --days 3 --sweep-after 100 --runs 3

--sweep-after N times beat's sweep after N new moments (saved as the app saves them, a third
invited and half of those answered) in a day of a tenth of SAS's volume (13,700 moments)
and in a day of ten times (1.37 M), each on its own data set, and prints both and their
ratio: the sweep adds what changed (dashboards/rollup_delta.py), so its cost follows N,
not the day (goal: a ratio of at most 2; issue 25). --sweep-scales picks the two volumes.

--pairs N times the floor and the rebuild alternately N times in each run and compares their
medians: the floor runs on every core, the rebuild's writes on one, so load that comes and
goes moves one more than the other, and one pair alone swings (0.79 to 1.49 with the same
code on a machine shared with other work). --incremental-only leaves the floor and the
rebuild out.

--dashboard N then times N requests of the whole company's dashboard over the data's last
30 days (the roll-ups the runs made), as a manager of every station sees it: p50 and p95.
--statements adds each statement's time in a cold request; --runs 0 times the dashboard alone;
--page /dashboard/needs/ times the needs page instead.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sas_data  # noqa: E402  (a sibling script, not a package)
import sweep_after  # noqa: E402
import whole_day  # noqa: E402

YEAR_OF_MOMENTS = 50_000_000
GOALS = {"incremental day (s)": 1.0, "rebuild / floor": 1.3, "year extrapolated (s)": 120.0}
SWEEP_RATIO_GOAL = 2.0


def main() -> None:
    parser = argparse.ArgumentParser(description="Roll-up speed at SAS scale.")
    parser.add_argument("--days", type=int, default=73, help="days of data (73 = 10 M moments)")
    parser.add_argument("--scale", type=float, default=1, help="times SAS's 137,000 moments a day")
    parser.add_argument("--database", help="bench database (default moments_bench_<days>d)")
    parser.add_argument("--runs", type=int, default=1, help="measure this many times")
    parser.add_argument("--chunk-days", type=int, help="days per transaction in the rebuild")
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN (ANALYZE, BUFFERS) of a day's roll-up"
    )
    parser.add_argument("--dashboard", type=int, default=0, help="then time N dashboard requests")
    parser.add_argument(
        "--page", default="/dashboard/", help="with --dashboard: the page timed (/dashboard/needs/)"
    )
    parser.add_argument(
        "--statements",
        action="store_true",
        help="with --dashboard: each statement's time per cold request, the longest first",
    )
    parser.add_argument(
        "--pairs",
        type=int,
        default=1,
        help="time the floor and the rebuild alternately N times a run; ratio of their medians",
    )
    parser.add_argument(
        "--incremental-only",
        action="store_true",
        help="time only a day's incremental roll-up (a long history's rebuild takes minutes)",
    )
    parser.add_argument("--drop", action="store_true", help="drop the bench database at the end")
    parser.add_argument(
        "--sweep-after", type=int, default=0, help="time a sweep after N new moments (above)"
    )
    parser.add_argument(
        "--sweep-scales", default="0.1,10", help="the two daily volumes of --sweep-after"
    )
    parser.add_argument("--sweep-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--whole-day", action="store_true", help="time a whole day against the rebuild (above)"
    )
    parser.add_argument(
        "--whole-day-scales", default="1,10", help="the daily volumes of --whole-day"
    )
    parser.add_argument("--whole-day-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sweep_after and not args.sweep_only:
        sweep_after.compare(args)
        return
    if args.whole_day and not args.whole_day_only:
        whole_day.compare(args)
        return
    per_day = int(args.scale * sas_data.MOMENTS_PER_DAY)
    sas_data.use_bench_database(_database_url(args))
    if abs(sas_data.moment_count() - args.days * per_day) > 0.01 * args.days * per_day:
        print(f"Generating {args.days} days of {per_day:,} moments…", file=sys.stderr)
        sas_data.generate(args.days, per_day=per_day)
    sas_data.ensure_statistics()
    first, last, moments = _extent()
    chunk_days = args.chunk_days or (last - first).days + 1
    day = first + timedelta(days=(last - first).days // 2)
    print(f"{moments:,} moments from {first} to {last} in {_database_name()}")
    from machine import django_speed

    print(django_speed())
    if args.sweep_only:
        sweep_after.measure(first, last, day, args.sweep_after, args.runs)
        return
    if args.whole_day_only:
        whole_day.measure(first, last, day, moments, args.runs, _load)
        return
    if args.explain:
        _explain_incremental(day)
    for run in range(1, args.runs + 1):
        print(f"run {run} of {args.runs}, {_load()} before")
        if args.incremental_only:
            _measure_incremental(day)
        else:
            _measure(first, last, moments, chunk_days, day, args.pairs)
        print(f"  {_load()} after; the machine may be shared: compare within a run")
    if args.dashboard:
        _time_dashboard(
            max(first, last - timedelta(days=29)), last, args.dashboard, args.statements, args.page
        )
    if args.drop:
        _drop()


def _database_url(args) -> str:
    if args.database:
        name = args.database
    elif "BENCH_DATABASE_URL" in os.environ:
        return os.environ["BENCH_DATABASE_URL"]
    else:
        scale = f"{args.scale:g}"
        name = f"moments_bench_{args.days}d" + (f"_x{scale}" if scale != "1" else "")
    return sas_data.BENCH_DATABASE_URL.rsplit("/", 1)[0] + "/" + name


def _measure(first, last, moments: int, chunk_days: int, day, pairs: int = 1) -> None:
    """The floor and the rebuild `pairs` times, alternately (A B A B: load that comes and
    goes falls on both alike), then the re-check and the incremental roll-up."""
    floors, rebuilds = [], []
    for _ in range(pairs):
        floors.append(_timed(lambda: _plain_group_by(first, last)))
        _empty_roll_ups()
        rebuilds.append(_timed(lambda: _rebuild(first, last, chunk_days)))
        _check_exact(moments)
    floor, rebuild = statistics.median(floors), statistics.median(rebuilds)
    if pairs > 1:
        shown = ", ".join(f"{r:.2f}/{f:.2f}" for f, r in zip(floors, rebuilds, strict=True))
        print(f"    rebuild/floor in turn: {shown} s; the medians below")
    recheck = _timed(lambda: _rebuild(first, last, chunk_days))
    _check_exact(moments)
    incremental = _measure_incremental(day, report=False)

    year = rebuild * YEAR_OF_MOMENTS / moments
    figures = {
        "incremental day (s)": incremental[0],
        "rebuild / floor": rebuild / floor,
        "year extrapolated (s)": year,
    }
    print(f"(c) plain GROUP BY, no writes:      {floor:7.2f} s")
    print(f"(b) full rebuild, {chunk_days} days a chunk: {rebuild:7.2f} s (no roll-ups before)")
    print(f"    the same again over the roll-ups: {recheck:7.2f} s (what a nightly re-check costs)")
    _report_incremental(day, *incremental)
    print(f"ratio (b)/(c) = {rebuild / floor:.2f}; a year of 50 M moments ≈ {year:.0f} s")
    for name, value in figures.items():
        verdict = "met" if value <= GOALS[name] else "MISSED"
        print(f"  goal {name} <= {GOALS[name]}: {value:.2f} {verdict}")


def _measure_incremental(day, report: bool = True) -> tuple[float, list, list]:
    """A day's incremental roll-up three times: the median, and each run's wall and CPU s."""
    days, cpu = zip(*(_incremental(day) for _ in range(3)), strict=True)
    median = statistics.median(days)
    if report:
        _report_incremental(day, median, days, cpu)
        goal = GOALS["incremental day (s)"]
        verdict = "met" if median <= goal else "MISSED"
        print(f"  goal incremental day (s) <= {goal}: {median:.2f} {verdict}")
    return median, days, cpu


def _report_incremental(day, median: float, days, cpu) -> None:
    print(
        f"(a) incremental roll-up of {day}: {median:7.2f} s (median of"
        f" {', '.join(f'{d:.2f}' for d in days)})"
    )
    if cpu[0] is not None:  # what a quiet machine's wall clock would show, near enough
        print(f"    of which the database server's CPU: {statistics.median(cpu):.2f} s (median)")


def _extent():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT min(local_date), max(local_date), count(*) FROM touchpoints_moment")
        return cursor.fetchone()


def _database_name() -> str:
    from django.db import connection

    return connection.settings_dict["NAME"]


def _load() -> str:
    with open("/proc/loadavg") as loadavg:
        one, five, fifteen = loadavg.read().split()[:3]
    return f"load average {one} {five} {fifteen} (1, 5, 15 min)"


def _timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _plain_group_by(first, last) -> None:
    """The floor: the same GROUP BYs over the raw rows with the same planner settings,
    fetched, not written. Summing roll-ups into the coarser ones is left out: it is part
    of what the rebuild adds."""
    from django.db import connection, transaction

    from dashboards import rollup

    scope = rollup.range_scope(first, last)
    with transaction.atomic(), connection.cursor() as cursor:
        rollup._plan_for_roll_ups(cursor, scope)
        for table in rollup.ROLLUP_TABLES:
            if table in rollup.COARSER_TABLES:
                continue
            cursor.execute(
                table.select.format(where=scope.where(table.alias)), [None, *scope.params]
            )
            cursor.fetchall()


def _rebuild(first, last, chunk_days: int) -> None:
    from dashboards.rollup import rebuild_range

    rebuild_range(first, last, chunk_days=chunk_days)


def _mark_day_dirty(day) -> None:
    from django.utils import timezone

    from touchpoints.models import DirtyDay, Location

    # Marked to be recomputed whole: a save's own mark only says that its location has
    # journaled changes, which the sweep adds without reading the day (--sweep-after).
    DirtyDay.objects.bulk_create(
        [
            DirtyDay(location=loc, local_date=day, marked_at=timezone.now(), whole=True)
            for loc in Location.objects.all()
        ],
        update_conflicts=True,
        unique_fields=["location", "local_date"],
        update_fields=["whole"],
    )


def _incremental(day) -> tuple[float, float | None]:
    """Mark every station's bucket of `day` dirty, then time the beat task's work: wall
    seconds, and CPU seconds of the server process that ran it (which waiting for a core
    on a busy machine does not inflate), when the server is on this machine."""
    from dashboards.rollup import rebuild_dirty

    _mark_day_dirty(day)
    cpu = _server_cpu_seconds()
    started = time.perf_counter()
    rebuild_dirty()
    wall = time.perf_counter() - started
    return wall, None if cpu is None else _server_cpu_seconds() - cpu


def _server_cpu_seconds() -> float | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        with open(f"/proc/{pid}/comm") as comm, open(f"/proc/{pid}/stat") as stat:
            ours, fields = comm.read().startswith("postgres"), stat.read().rsplit(")", 1)[1].split()
    except OSError:
        ours = False
    if not ours:  # the server is on another machine
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _explain_incremental(day) -> None:
    """Run one day's incremental roll-up with each write statement (the GROUP BYs, into the
    roll-ups or, for whole days, into a temporary table, and the deletes) run as EXPLAIN
    (ANALYZE, BUFFERS), which executes it all the same, and print the plans."""
    from django.db import connection

    from dashboards.rollup import rebuild_dirty

    def explain(execute, sql, params, many, context):
        if many or sql.split()[0] not in ("INSERT", "DELETE", "CREATE"):
            return execute(sql, params, many, context)
        cursor = context["cursor"]
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        target = " ".join(sql.split()[:3])
        print(f"--- {target}\n" + "\n".join(row[0] for row in cursor.fetchall()))

    _mark_day_dirty(day)
    print(f"Plans of the incremental roll-up of {day}, {_load()}:")
    with connection.execute_wrapper(explain):
        rebuild_dirty()


def _time_dashboard(
    first, last, requests: int, statements: bool = False, page: str = "/dashboard/"
) -> None:
    """p50 and p95 of the whole company's dashboard from `first` to `last`, read from the
    roll-ups in place (a full rebuild made them), after ten requests to warm up: cold (every
    location given a new roll-up generation first, untimed, so that no figures are cached,
    as after every sweep) and then warm (the same request again at once, from the cache;
    dashboards/figure_cache.py), as bench/dashboard.py times them. With `statements`, also
    each statement's time in the cold requests, per request, as the web process waits for it
    (planning and running in PostgreSQL, and the round trip)."""
    from contextlib import nullcontext
    from importlib import import_module

    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client

    from dashboards.filters import CUSTOM
    from dashboards.models import RollupGeneration

    import_module("config.wsgi")  # the process set up as a web worker is (it freezes the GC)
    from touchpoints.models import Location, Role, User

    manager, _ = User.objects.get_or_create(username="bench.rollup")
    manager.groups.add(Group.objects.get(name=Role.MANAGER))
    manager.managed_locations.set(Location.objects.all())
    locations = list(Location.objects.values_list("pk", flat=True))
    client = Client()
    client.force_login(manager)
    params = {"period": CUSTOM, "start": first.isoformat(), "end": last.isoformat()}
    timings: dict[str, list[float]] = {"cold": [], "warm": []}
    cpu: dict[str, list[float]] = {"cold": [], "warm": []}
    waited: dict[str, list[float]] = {}
    for n in range(10 + requests):
        RollupGeneration.renew(locations)
        for kind in ("cold", "warm"):
            timing = statements and kind == "cold" and n >= 10
            timed = (
                connection.execute_wrapper(_statement_timer(waited)) if timing else nullcontext()
            )
            server, ours, started = _server_cpu_seconds(), time.process_time(), time.perf_counter()
            with timed:
                response = client.get(page, params, HTTP_HOST="localhost", secure=True)
            wall, ours = time.perf_counter() - started, time.process_time() - ours
            assert response.status_code == 200, response.status_code
            if n >= 10:
                timings[kind].append(wall * 1000)
                if server is not None:  # this process's and its server process's CPU
                    cpu[kind].append((ours + _server_cpu_seconds() - server) * 1000)
    print(f"{page} {first} to {last}, whole company, {requests} requests cold and warm:")
    for kind, values in timings.items():
        p50, p95 = _percentiles(values)
        line = f"  {kind}: p50 {p50:.0f} ms, p95 {p95:.0f} ms"
        if cpu[kind]:  # what a quiet machine's wall clock would show, near enough
            c50, c95 = _percentiles(cpu[kind])
            line += f" (CPU, web and database: p50 {c50:.0f} ms, p95 {c95:.0f} ms)"
        print(line)
    if waited:
        total = sum(map(sum, waited.values())) / requests
        print(f"  statements of a cold request, {total:.1f} ms in all, the longest first:")
        for sql, times in sorted(waited.items(), key=lambda item: -sum(item[1]))[:12]:
            print(f"  {sum(times) / requests:7.2f} ms x{len(times) / requests:.0f}  {sql}")
    print(f"  {_load()}")


def _statement_timer(waited: dict[str, list[float]]):
    """An execute wrapper adding each statement's time, in ms, under its first words."""

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            key = " ".join(sql.split())[:110]
            waited.setdefault(key, []).append((time.perf_counter() - started) * 1000)

    return timer


def _percentiles(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94]


def _empty_roll_ups() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE dashboards_dailyrollup, dashboards_locationdayrollup, dashboards_needrollup"
        )


def _check_exact(moments: int) -> None:
    from django.db.models import Sum

    from dashboards.models import DailyRollup

    rolled = DailyRollup.objects.aggregate(total=Sum("moments"))["total"]
    assert rolled == moments, f"the roll-ups count {rolled:,} moments, the table holds {moments:,}"


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

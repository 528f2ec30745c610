"""Manager dashboard server time with 100,000 and with 10,000,000 moments behind it, themes shown.

The dashboard reads only the roll-ups (plus a few short, indexed lists of raw rows), so this
benchmark fills `DailyRollup` and `NeedRollup` directly in SQL (and sums them into the
coarser roll-ups with the roll-up engine's own queries) with the rows that the given
number of moments would roll up to, on the airline of `bench/sas_data.py`: 48 stations in
nine time zones, four teams each, thirteen touchpoint types, four channels. Three airlines
of that shape share the tables, one per data set:

    small  100 k moments:  1,370 a day for 73 days             (the baseline)
    long    10 M moments:  1,370 a day for 7,300 days (20 years): the same traffic, 100 x history
    dense   10 M moments:  137,000 a day for 73 days: SAS volume, every bucket filled every day

Each airline's manager (all 48 stations: the whole company) opens the 30-day view through
Django's test client (middleware, queries, template), cold and then warm: cold as the first
request after a sweep (the manager's locations get new roll-up generations first, outside the
timing, so none of their figures are cached), warm as the same request again, whose sums come
from the cache (dashboards/figure_cache.py; Redis when REDIS_URL is set), with the warm/cold
ratio. Requests take turns across the three,
so load from elsewhere on the machine falls on all of them alike; p50 and p95 of each, the
ratio of each 10 M airline to the 100 k one, and the load average before and after. Beside
them, the mean CPU time of a request (this process and its PostgreSQL backend), which other
work on a shared machine moves far less than the wall clock.

    .venv/bin/python bench/dashboard.py                   # fill once, then 200 requests each
    .venv/bin/python bench/dashboard.py --requests 50     # reuse the filled data
    .venv/bin/python bench/dashboard.py --refill          # rebuild the data (about 5 minutes)
    .venv/bin/python bench/dashboard.py --sets small --language sv   # Swedish beside English

With --figures-api, the same requests go to `GET /api/v1/figures?period=30` instead, with
a read key for each airline's stations (issue 22: its p95 on the 10 M sets under 100 ms):
the same cached sums, no page.

With --language, each airline also has a manager who reads Moments in that language (their
profile's language, as a real one would): requests take turns between the English and the
translated manager of each airline, and the ratio of the two is the cost of translation.
--sets limits the run to some data sets (only `small` fills in seconds).

BENCH_DATABASE_URL names the database (moments_dashbench by default); it is made if missing.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from functools import partial
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/moments_dashbench")
# Production settings, spoken to over plain HTTP by the test client.
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # not a line per sign-in of the three managers

from bench.sas_data import STATIONS, TEAMS, use_bench_database  # noqa: E402

# name: (moments a day, days of history)
DATA_SETS = {
    "small": (1_370, 73),
    "long": (1_370, 7_300),
    "dense": (137_000, 73),
}
CHANNELS = {"in_person": 0.85, "phone": 0.08, "chat": 0.05, "email": 0.02}
WARM_UP = 10
PERIOD = {"period": "30"}


def create_airline(name: str) -> bool:
    """One airline: its stations (codes suffixed with the airline's initial), their teams,
    and a manager of every station. False if it exists already."""
    from django.contrib.auth.models import Group

    from touchpoints.models import JourneyStage, Location, Role, Team, TouchpointType, User

    if User.objects.filter(username=f"bench.{name}").exists():
        return False
    stage, _ = JourneyStage.objects.get_or_create(name="Journey", defaults={"order": 1})
    for order, type_name in enumerate(t for types in TEAMS.values() for t in types):
        TouchpointType.objects.get_or_create(
            name=type_name, defaults={"stage": stage, "order": order}
        )
    manager = User.objects.create_user(f"bench.{name}")
    manager.groups.add(Group.objects.get(name=Role.MANAGER))
    for code, (tz, _weight) in STATIONS.items():
        location = Location.objects.create(
            name=f"{code} {name}", code=f"{code}-{name[0]}", timezone=tz
        )
        Team.objects.bulk_create([Team(name=team, location=location) for team in TEAMS])
        manager.managed_locations.add(location)
    return True


# One row per possible bucket with its share of the day's moments: the station's weight,
# a quarter for the team, the type's share within the team, and the channel's share.
# One statement per execute: under server-side binding (config/settings.py) PostgreSQL
# refuses several commands in one prepared statement.
BUCKETS = """
    CREATE TABLE bench_bucket AS
    SELECT t.location_id, t.id AS team_id, tt.id AS type_id, c.channel,
        s.weight::float / {total_weight} / 4 / (
            SELECT count(*) FROM touchpoints_touchpointtype x
            WHERE x.name = ANY(CASE t.name {cases} END)
        ) * c.share AS share
    FROM touchpoints_team t
    JOIN touchpoints_location l ON l.id = t.location_id
    JOIN (VALUES {weights}) AS s(code, weight) ON s.code || '-' || %(initial)s = l.code
    JOIN touchpoints_touchpointtype tt ON tt.name = ANY(CASE t.name {cases} END)
    CROSS JOIN (VALUES {channels}) AS c(channel, share)
"""

# Counts for one bucket-day that are consistent with each other (answers within
# invitations, satisfied within answers and so on), randomly rounded so that the totals
# come out at the intended number of moments.
FILL = """
    INSERT INTO dashboards_dailyrollup (local_date, location_id, team_id, touchpoint_type_id,
        channel, moments, resolved_on_spot, resolution_recorded, outcome_1, outcome_2,
        outcome_3, outcome_4, outcome_5, invitations, answers, csat_answers, satisfied,
        nps_answers, promoters, detractors, effort_answers, effort_sum, low_answers,
        recoveries_opened, recoveries_closed, recovery_seconds, gap_staff_good_customer_low,
        gap_staff_bad_customer_high, comments, rolled_at)
    SELECT day, location_id, team_id, type_id, channel, m, floor(m * 0.78 + random()), m,
        o1, o2, o3, m - o1 - o2 - o3 - o5, o5, i, a, a, s, a, p, least(a - p, d),
        0, 0, least(a - p, d), least(a - p, d), floor(least(a - p, d) * 0.9 + random()),
        floor(least(a - p, d) * 0.9 + random()) * 14400, least(s, o5), 0,
        floor(a * 0.35 + random())::int, now()
    FROM (
        SELECT *, least(m - o1 - o2 - o3, floor(m * 0.30 + random())::int) AS o5,
            least(i, floor(m * 0.2 + random())::int) AS a
        FROM (
            SELECT day, location_id, team_id, type_id, channel, m, o1, o2,
                least(m - o1 - o2, floor(m * 0.18 + random())::int) AS o3,
                floor(m / 3.0 + random())::int AS i
            FROM (
                SELECT day, location_id, team_id, type_id, channel, m, o1,
                    least(m - o1, floor(m * 0.08 + random())::int) AS o2
                FROM (
                    SELECT day::date, b.*, m, least(m, floor(m * 0.04 + random())::int) AS o1
                    FROM generate_series(%(first)s::date, %(last)s::date, '1 day') AS day
                    CROSS JOIN bench_bucket b
                    CROSS JOIN LATERAL (
                        SELECT floor(%(per_day)s * b.share * (0.8 + 0.4 * random())
                                     + random())::int AS m
                    ) AS n
                    WHERE m > 0
                ) AS x
            ) AS y
        ) AS z
    ) AS w
    CROSS JOIN LATERAL (
        SELECT least(a, floor(a * 0.7 + random())::int) AS s,
            least(a, floor(a * 0.45 + random())::int) AS p,
            floor(a * 0.2 + random())::int AS d
    ) AS v
"""

# The themes of each bucket-day's comments: each of the catalogue's themes in 2 to 11 % of
# them (a comment may have several), with a CSAT that is lower for the commoner themes.
THEMES = """
    INSERT INTO dashboards_themedailyrollup (local_date, location_id, team_id,
        touchpoint_type_id, channel, theme_id, comments, csat_answers, csat_sum, satisfied,
        rolled_at)
    SELECT d.local_date, d.location_id, d.team_id, d.touchpoint_type_id, d.channel, t.id,
        c, c, c * 3 + floor(c * random())::int, least(c, floor(c * 0.55 + random())::int), now()
    FROM dashboards_dailyrollup d
    JOIN touchpoints_location l ON l.id = d.location_id AND l.code LIKE '%%-' || %(initial)s
    CROSS JOIN feedback_theme t
    CROSS JOIN LATERAL (
        SELECT floor(d.comments * (0.02 + 0.01 * (t.id %% 10)) + random())::int AS c
    ) AS x
    WHERE c > 0 AND d.comments > 0
"""

# About one need a hundred moments, by the day it was raised; most answered.
NEEDS = """
    INSERT INTO dashboards_needrollup (local_date, location_id, team_id, kind, raised,
        acknowledged, provided, declined, provide_seconds, rolled_at)
    SELECT day, location_id, team_id, kind, n, 0, floor(n * 0.7)::int, 0,
        floor(n * 0.7)::int * 86400, now()
    FROM (
        SELECT day::date, t.location_id, t.id AS team_id, k.kind,
            floor(%(per_day)s / 100.0 * s.weight / {total_weight} / 4 / 6 + random())::int AS n
        FROM generate_series(%(first)s::date, %(last)s::date, '1 day') AS day
        CROSS JOIN touchpoints_team t
        JOIN touchpoints_location l ON l.id = t.location_id
        JOIN (VALUES {weights}) AS s(code, weight) ON s.code || '-' || %(initial)s = l.code
        CROSS JOIN (VALUES ('training'), ('tool'), ('authority'), ('information'),
                           ('staffing'), ('other')) AS k(kind)
    ) AS x
    WHERE n > 0
"""


def _sql(template: str) -> str:
    return template.format(
        total_weight=sum(weight for _tz, weight in STATIONS.values()),
        cases=" ".join(
            f"WHEN '{team}' THEN ARRAY{types!r}::text[]" for team, types in TEAMS.items()
        ),
        weights=", ".join(f"('{code}', {weight})" for code, (_tz, weight) in STATIONS.items()),
        channels=", ".join(f"('{name}', {share})" for name, share in CHANNELS.items()),
    )


def fill(name: str, per_day: int, days: int) -> None:
    """Give airline `name` the roll-ups of `days` days of `per_day` moments ending today."""
    from django.db import connection

    from dashboards.rollup import resum_coarser_days
    from touchpoints.models import Location

    last = date.today() + timedelta(days=1)  # every time zone's today is covered
    params = {
        "per_day": per_day,
        "first": last - timedelta(days=days - 1),
        "last": last,
        "initial": name[0],
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.6)")
        cursor.execute("DROP TABLE IF EXISTS bench_bucket")
        cursor.execute(_sql(BUCKETS), params)
        cursor.execute(_sql(FILL), params)
        cursor.execute(THEMES, params)
        cursor.execute(_sql(NEEDS), params)
    airline = Location.objects.filter(code__endswith=f"-{name[0]}").values_list("pk", flat=True)
    resum_coarser_days(params["first"], params["last"], airline)


def airline_size(name: str) -> tuple[int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(sum(moments), 0) FROM dashboards_dailyrollup r"
            " JOIN touchpoints_location l ON l.id = r.location_id WHERE l.code LIKE %s",
            [f"%-{name[0]}"],
        )
        return cursor.fetchone()


def cpu_seconds() -> float | None:
    """CPU time used so far by this process and by its PostgreSQL backend, when the database
    runs on this machine (else None). Other work on a shared machine moves it far less than
    the wall clock; the backend's share is counted in ticks (10 ms), so read it as a mean."""
    from django.db import connection

    try:
        with open(f"/proc/{connection.connection.info.backend_pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (AttributeError, OSError):
        return None
    return time.process_time() + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reader(name: str, language: str | None) -> str:
    """The username of airline `name`'s manager, or of a second manager of the same stations
    whose profile asks for `language` (made the first time it is asked for)."""
    from touchpoints.models import User

    username = f"bench.{name}" if language is None else f"bench.{name}.{language}"
    if language is not None and not User.objects.filter(username=username).exists():
        manager = User.objects.get(username=f"bench.{name}")
        twin = User.objects.create_user(username, language=language)
        twin.groups.set(manager.groups.all())
        twin.managed_locations.set(manager.managed_locations.all())
    return username


def time_dashboards(
    readers: dict[str, str], requests: int, api: bool = False
) -> dict[str, dict[str, tuple]]:
    """Milliseconds per request of each reader's 30-day view, taking turns: wall clock and
    CPU (web and database), cold and warm. `readers` maps a label to a username (with
    `api`, to the airline whose key asks for its figures).

    Cold is the first request after a sweep: the reader's locations get new roll-up
    generations first (outside the timing), so no figures are cached for them, as after
    every sweep in production. Warm is the same request again at once: its sums come from
    the cache (dashboards/figure_cache.py)."""
    from dashboards.models import RollupGeneration

    clients, locations = {}, {}
    for label, username in readers.items():
        clients[label], locations[label] = (api_client if api else page_client)(username)
    timings = {label: {"cold": ([], []), "warm": ([], [])} for label in readers}
    for n in range(WARM_UP + requests):
        for label, client in clients.items():
            RollupGeneration.renew(locations[label])
            for kind in ("cold", "warm"):
                wall, cpu = _timed(client)
                if n >= WARM_UP:
                    timings[label][kind][0].append(wall)
                    if cpu is not None:
                        timings[label][kind][1].append(cpu)
    return timings


def page_client(username: str):
    """A signed-in manager's dashboard at 30 days, and the manager's locations."""
    from django.test import Client

    from touchpoints.models import User

    client = Client()
    client.force_login(user := User.objects.get(username=username))
    page = client.get("/dashboard/", PERIOD, HTTP_HOST="localhost")
    # The page really is in the reader's language (English unless their profile says).
    assert f'<html lang="{user.language or "en"}">' in page.text, username
    ids = list(user.managed_locations.values_list("pk", flat=True))
    return partial(client.get, "/dashboard/", PERIOD, HTTP_HOST="localhost"), ids


def api_client(username: str):
    """`GET /api/v1/figures` at 30 days with a new read key for the manager's locations."""
    from django.test import Client

    from touchpoints.api_keys import ApiKey, create_key
    from touchpoints.models import User

    stations = list(User.objects.get(username=username).managed_locations.all())
    ApiKey.objects.filter(name=f"bench {username}").delete()  # the last run's
    _key, plain = create_key(f"bench {username}", stations, read=True)
    ask = partial(
        Client().get,
        "/api/v1/figures",
        PERIOD,
        HTTP_HOST="localhost",
        headers={"Authorization": f"Bearer {plain}"},
    )
    assert ask().status_code == 200, username
    return ask, [station.pk for station in stations]


def _timed(ask) -> tuple[float, float | None]:
    """One request's wall clock and CPU time (None where the backend's cannot be read), ms."""
    cpu, started = cpu_seconds(), time.perf_counter()
    response = ask()
    elapsed = (time.perf_counter() - started) * 1000
    cpu_after = cpu_seconds()
    assert response.status_code == 200, response.status_code
    if cpu is None or cpu_after is None:
        return elapsed, None
    return elapsed, (cpu_after - cpu) * 1000


def load_average() -> str:
    """The 1-, 5- and 15-minute load averages: figures taken on a busy machine say so."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def main() -> None:
    from django.db import connection

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--refill", action="store_true", help="rebuild all the data first")
    parser.add_argument(
        "--sets", nargs="+", default=list(DATA_SETS), help="small long dense, or small,dense"
    )
    parser.add_argument("--language", help="also time a manager who reads this language (sv)")
    parser.add_argument(
        "--figures-api", action="store_true", help="time GET /api/v1/figures, not the page"
    )
    args = parser.parse_args()
    names = [name for given in args.sets for name in given.split(",")]
    if unknown := set(names) - set(DATA_SETS):
        parser.error(f"unknown data sets: {', '.join(sorted(unknown))}")
    sets = {name: DATA_SETS[name] for name in names}
    use_bench_database()
    import_module("config.wsgi")  # the process set up as a web worker is (it freezes the GC)
    if args.refill:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE dashboards_dailyrollup, dashboards_locationdayrollup,"
                " dashboards_typedayrollup, dashboards_needrollup,"
                " dashboards_locationneedrollup, dashboards_themedailyrollup,"
                " dashboards_themelocationdayrollup, touchpoints_location, touchpoints_team,"
                " touchpoints_user CASCADE"
            )
    for name, (per_day, days) in sets.items():
        if create_airline(name):
            started = time.perf_counter()
            fill(name, per_day, days)
            print(f"filled {name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE dashboards_dailyrollup")
        cursor.execute("ANALYZE dashboards_needrollup")
        cursor.execute("ANALYZE dashboards_locationdayrollup")
        cursor.execute("ANALYZE dashboards_typedayrollup")
        cursor.execute("ANALYZE dashboards_locationneedrollup")
        cursor.execute("ANALYZE dashboards_themedailyrollup")
        cursor.execute("ANALYZE dashboards_themelocationdayrollup")
    from machine import django_speed

    machine = django_speed()
    load_before = load_average()
    started = time.strftime("%H:%M UTC", time.gmtime())
    readers = {name: reader(name, None) for name in sets}
    if args.language:
        readers.update({f"{name} {args.language}": reader(name, args.language) for name in sets})
    timings = time_dashboards(readers, args.requests, api=args.figures_api)
    what = "GET /api/v1/figures" if args.figures_api else "dashboard"
    print(
        f"{what}: {args.requests} requests each, cold and warm, after {WARM_UP} to warm up, from"
        f" {started}; load average {load_before} before, {load_average()} after; {machine};"
        f" figures cached in {_cache_kind()}"
    )
    results = {}
    for label, kinds in timings.items():
        rows, moments = airline_size(label.split()[0])
        print(f"{label:>9}: {moments:>12,} moments in {rows:>10,} roll-up rows")
        for kind, (values, cpu) in kinds.items():
            p50, p95 = results[label, kind] = (percentile(values, 0.5), percentile(values, 0.95))
            cpu_mean = f"  CPU {statistics.mean(cpu):5.1f} ms" if cpu else ""
            print(f"{kind:>15}  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms{cpu_mean}")
        (c50, c95), (w50, w95) = results[label, "cold"], results[label, "warm"]
        print(f"{'warm / cold':>15}  p50 x{w50 / c50:.2f}     p95 x{w95 / c95:.2f}")
    _print_ratios({label: results[label, "cold"] for label in timings}, list(sets), args.language)


def _cache_kind() -> str:
    from django.core.cache import cache

    if getattr(cache, "is_down", None) is None:
        return "the process (no REDIS_URL)"
    return "the process (Redis is down)" if cache.is_down() else "Redis"


def _print_ratios(results: dict, names: list[str], language: str | None) -> None:
    """Each 10 M airline against the 100 k one; with a language, each translated reader
    against the English one of the same airline; cold requests."""
    pairs = [(name, "small") for name in ("long", "dense") if {name, "small"} <= set(names)]
    if language:
        pairs += [(f"{name} {language}", name) for name in names]
    for label, base in pairs:
        (p50, p95), (b50, b95) = results[label], results[base]
        print(f"{label} / {base}: p50 x{p50 / b50:.2f}  p95 x{p95 / b95:.2f}")


if __name__ == "__main__":
    main()

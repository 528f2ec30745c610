"""Manager dashboard server time with 100,000 and with 10,000,000 moments behind it.

The dashboard reads only the roll-ups (plus a few short, indexed lists of raw rows), so this
benchmark fills `DailyRollup` and `NeedRollup` directly in SQL with the rows that the given
number of moments would roll up to, on the airline of `bench/sas_data.py`: 48 stations in
nine time zones, four teams each, thirteen touchpoint types, four channels. Three data sets:

    small  100 k moments:  1,370 a day for 73 days             (the baseline)
    long    10 M moments:  1,370 a day for 7,300 days (20 years): the same traffic, 100 x history
    dense   10 M moments:  137,000 a day for 73 days: SAS volume, every bucket filled every day

Each is timed as an admin opening the 30-day view of the whole company through Django's
test client (middleware, queries, template): p50 and p95 over many requests, and the
ratio of each 10 M set to the 100 k baseline measured in the same run.

    .venv/bin/python bench/dashboard.py                 # all three, 200 requests each
    .venv/bin/python bench/dashboard.py --requests 50   # quicker
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/moments_dashbench")

from bench.sas_data import STATIONS, TEAMS, use_bench_database  # noqa: E402

# name: (moments a day, days of history)
DATA_SETS = {
    "small": (1_370, 73),
    "long": (1_370, 7_300),
    "dense": (137_000, 73),
}
CHANNELS = {"in_person": 0.85, "phone": 0.08, "chat": 0.05, "email": 0.02}
WARM_UP = 10


def create_organisation() -> None:
    """The stations, their teams and the types each team logs, once; and an admin."""
    from django.contrib.auth.models import Group

    from touchpoints.models import JourneyStage, Location, Role, Team, TouchpointType, User

    if Location.objects.exists():
        return
    stage = JourneyStage.objects.create(name="Journey", order=1)
    for order, name in enumerate(t for types in TEAMS.values() for t in types):
        TouchpointType.objects.create(name=name, stage=stage, order=order)
    for code, (tz, _weight) in STATIONS.items():
        location = Location.objects.create(name=code, code=code, timezone=tz)
        Team.objects.bulk_create([Team(name=team, location=location) for team in TEAMS])
    admin = User.objects.create_user("bench.admin", is_superuser=True, is_staff=True)
    admin.groups.add(Group.objects.get(name=Role.ADMIN))


# One row per possible bucket with its share of the day's moments: the station's weight,
# a quarter for the team, the type's share within the team, and the channel's share.
BUCKETS = """
    DROP TABLE IF EXISTS bench_bucket;
    CREATE TABLE bench_bucket AS
    SELECT t.location_id, t.id AS team_id, tt.id AS type_id, c.channel,
        s.weight::float / {total_weight} / 4 / (
            SELECT count(*) FROM touchpoints_touchpointtype x
            WHERE x.name = ANY(CASE t.name {cases} END)
        ) * c.share AS share
    FROM touchpoints_team t
    JOIN touchpoints_location l ON l.id = t.location_id
    JOIN (VALUES {weights}) AS s(code, weight) ON s.code = l.code
    JOIN touchpoints_touchpointtype tt ON tt.name = ANY(CASE t.name {cases} END)
    CROSS JOIN (VALUES {channels}) AS c(channel, share);
"""

# Counts for one bucket-day that are consistent with each other (answers within
# invitations, satisfied within answers and so on), randomly rounded so that the totals
# come out at the intended number of moments.
FILL = """
    INSERT INTO dashboards_dailyrollup (local_date, location_id, team_id, touchpoint_type_id,
        channel, moments, resolved_on_spot, outcome_1, outcome_2, outcome_3, outcome_4,
        outcome_5, timed_moments, duration_sum, invitations, answers, csat_answers, satisfied,
        nps_answers, promoters, detractors, effort_answers, effort_sum, low_answers,
        recoveries_opened, recoveries_closed, recovery_seconds, gap_staff_good_customer_low,
        gap_staff_bad_customer_high, rolled_at)
    SELECT day, location_id, team_id, type_id, channel, m, floor(m * 0.78 + random()),
        o1, o2, o3, m - o1 - o2 - o3 - o5, o5, 0, 0, i, a, a, s, a, p, least(a - p, d),
        0, 0, least(a - p, d), least(a - p, d), floor(least(a - p, d) * 0.9 + random()),
        floor(least(a - p, d) * 0.9 + random()) * 14400, least(s, o5), 0, now()
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
        JOIN (VALUES {weights}) AS s(code, weight) ON s.code = l.code
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


def fill(per_day: int, days: int) -> tuple[int, int]:
    """Replace the roll-ups with `days` days of `per_day` moments ending today."""
    from django.db import connection

    last = date.today() + timedelta(days=1)  # every time zone's today is covered
    params = {"per_day": per_day, "first": last - timedelta(days=days - 1), "last": last}
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE dashboards_dailyrollup, dashboards_needrollup")
        cursor.execute("SELECT setseed(0.6)")
        cursor.execute(_sql(BUCKETS))
        cursor.execute(_sql(FILL), params)
        cursor.execute(_sql(NEEDS), params)
        cursor.execute("ANALYZE dashboards_dailyrollup")
        cursor.execute("ANALYZE dashboards_needrollup")
        cursor.execute("SELECT count(*), coalesce(sum(moments), 0) FROM dashboards_dailyrollup")
        return cursor.fetchone()


def time_dashboard(requests: int) -> list[float]:
    """Milliseconds per request for the whole company's 30-day view, as an admin."""
    from django.test import Client

    from touchpoints.models import User

    client = Client()
    client.force_login(User.objects.get(username="bench.admin"))
    timings = []
    for n in range(WARM_UP + requests):
        started = time.perf_counter()
        response = client.get("/dashboard/", {"period": "30"}, HTTP_HOST="localhost")
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        if n >= WARM_UP:
            timings.append(elapsed)
    return timings


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--sets", nargs="+", default=list(DATA_SETS), choices=list(DATA_SETS))
    args = parser.parse_args()
    use_bench_database()
    create_organisation()
    results = {}
    for name in args.sets:
        per_day, days = DATA_SETS[name]
        started = time.perf_counter()
        rows, moments = fill(per_day, days)
        took = time.perf_counter() - started
        timings = time_dashboard(args.requests)
        p50, p95 = results[name] = (percentile(timings, 0.5), percentile(timings, 0.95))
        print(
            f"{name:>6}: {moments:>12,} moments in {rows:>10,} roll-up rows"
            f" (filled in {took:.0f} s)  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms"
        )
    if "small" in results:
        base = results["small"]
        for name in set(results) - {"small"}:
            p50, p95 = results[name]
            print(f"{name} / small: p50 x{p50 / base[0]:.2f}  p95 x{p95 / base[1]:.2f}")


if __name__ == "__main__":
    main()

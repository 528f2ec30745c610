"""A frontline save's latency while the nightly pruning runs, against the same saves without it.

The data: SAS-shaped traffic (bench/sas_data.py) dated over two years back, so that the
retention policy's default (raw moments and answers kept 730 days; comments, notes and
references 365) prunes all of it. The saves: the log screen's real POST /log/ through
Django's request handling (session, validation, idempotency, the dirty day, the roll-up
request queued on Redis), one after another from a signed-in frontline person, at a steady
pace. Phases: saves alone, saves while `prune_expired` runs in another process, saves
alone again; the ratio is the pruning phase's p99 over the quiet phases' p99.

    .venv/bin/python bench/prune_save.py --days 20 --per-day 5000
    .venv/bin/python bench/prune_save.py --work retag --days 10 --per-day 137000

`--work retag` runs, instead of the pruning, the re-tag of every comment and note after a
catalogue change, as the worker does (issue 24: saves keep their p99 meanwhile).

Needs PostgreSQL (BENCH_DATABASE_URL, default moments_privacy_bench on 127.0.0.1) and Redis
(REDIS_URL; only queued to, nothing consumes it). The data set is rebuilt on each run.
"""

import argparse
import os
import subprocess
import sys
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/moments_privacy_bench"
)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import sas_data  # noqa: E402

# A day of old traffic at the bench's location: moments with notes and references, a third
# invited, a fifth answered with a comment, the low ones with a recovery. %(day)s, %(count)s.
OLD_DAY = [
    """INSERT INTO touchpoints_moment (uuid, staff_id, team_id, location_id, touchpoint_type_id,
        channel, outcome, resolved_on_spot, note, extra, customer_ref_hash, occurred_at,
        local_date, created_at, updated_at)
    SELECT gen_random_uuid(), %(staff)s, %(team)s, %(location)s, %(type)s, 'in_person',
        1 + (n %% 5), n %% 3 = 0, 'Passenger in seat ' || n, '{}'::jsonb,
        md5(n::text) || md5(n::text),
        %(day)s::timestamptz + (n %% 86000) * interval '1 second', %(day)s::date,
        %(day)s::timestamptz, %(day)s::timestamptz
    FROM generate_series(1, %(count)s) AS n""",
    """INSERT INTO feedback_invitation (moment_id, token, created_at, expires_at)
    SELECT id, md5(random()::text), occurred_at, occurred_at + interval '7 days'
    FROM touchpoints_moment WHERE local_date = %(day)s::date AND id %% 3 = 0""",
    """INSERT INTO feedback_answer (invitation_id, csat, nps, effort, comment, language, is_low,
        answered_at)
    SELECT i.id, 1 + (i.id %% 5), i.id %% 11, NULL,
        'Lång kö vid incheckningen, väskan kom fram sent. Ring mig på +4670' || i.id, 'sv',
        i.id %% 5 < 2,
        i.created_at + interval '1 hour'
    FROM feedback_invitation i JOIN touchpoints_moment m ON m.id = i.moment_id
    WHERE m.local_date = %(day)s::date AND i.id %% 5 < 3""",
    """INSERT INTO feedback_recovery (answer_id, reason, team_id, opened_at, action, note, result,
        closed_at, seconds_to_recover, closed_late)
    SELECT a.id, 'satisfaction', %(team)s, a.answered_at, 'called_back', 'Spoke to her',
        'recovered',
        a.answered_at + interval '2 hours', 7200, false
    FROM feedback_answer a JOIN feedback_invitation i ON i.id = a.invitation_id
    JOIN touchpoints_moment m ON m.id = i.moment_id
    WHERE m.local_date = %(day)s::date AND a.is_low""",
]


def generate(fixture: dict, days: int, per_day: int) -> None:
    """Old traffic: `days` days of `per_day` moments, every one past some retention period."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in (
            "feedback_recoverycontact",
            "feedback_recovery",
            "feedback_answer",
            "feedback_invitation",
            "touchpoints_momentcorrection",
            "touchpoints_need",
            "touchpoints_moment",
            "touchpoints_dirtyday",
            "dashboards_rollupseal",
        ):
            cursor.execute(f"DELETE FROM {table}")
        for n in range(days):
            # Half past the raw period (deleted), half past only the comments' and
            # references' (blanked): both kinds of pruning run.
            day = date.today() - timedelta(days=(731 if n % 2 else 400) + n)
            for statement in OLD_DAY:
                cursor.execute(statement, {**fixture["ids"], "day": day, "count": per_day})
        cursor.execute("ANALYZE")


PRUNE = (
    "import django; django.setup();"
    "from dashboards.retention import prune_expired; import json, time;"
    "started = time.perf_counter(); counts = prune_expired();"
    "print(json.dumps({'seconds': round(time.perf_counter() - started, 1), **counts}))"
)
# Issue 24: the re-tag of the whole history after a catalogue change, as the worker runs it.
RETAG = (
    "import django; django.setup();"
    "from django.db import transaction; from feedback.models import Answer;"
    "from feedback.themes import catalogue, retag; import json, time;"
    "transaction.atomic()(catalogue.changed)(); started = time.perf_counter();"
    "exec('while not retag.run(seconds=3600): pass');"
    "print(json.dumps({'seconds': round(time.perf_counter() - started, 1),"
    " 'answers': Answer.objects.exclude(comment='').count()}))"
)
WORK = {"prune": PRUNE, "retag": RETAG}


def set_up() -> dict:
    from django.contrib.auth.models import Group

    from touchpoints.models import JourneyStage, Location, Role, Team, TouchpointType, User

    location, _ = Location.objects.get_or_create(
        code="PRIV", defaults={"name": "Pruning bench", "timezone": "Europe/Stockholm"}
    )
    team, _ = Team.objects.get_or_create(name="Bench desk", location=location)
    stage, _ = JourneyStage.objects.get_or_create(name="Bench")
    touchpoint_type, _ = TouchpointType.objects.get_or_create(name="Bench save", stage=stage)
    user, _ = User.objects.get_or_create(username="bench-pruning", team=team)
    user.groups.add(Group.objects.get(name=Role.FRONTLINE))
    ids = {"staff": user.pk, "team": team.pk, "location": location.pk, "type": touchpoint_type.pk}
    return {"user": user, "type": touchpoint_type.pk, "ids": ids}


def saves(client, fixture: dict, seconds: float, pace: float, until=None) -> list[float]:
    """Milliseconds of each save, one every `pace` seconds, for `seconds` (or until
    `until()` says stop, after at least a few)."""
    from django.urls import reverse

    url, timings = reverse("touchpoints:log"), []
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        if until is not None and until() and len(timings) >= 20:
            break
        data = {
            "uuid": str(uuid.uuid4()),
            "touchpoint_type": fixture["type"],
            "channel": "in_person",
            "outcome": 4,
            "resolved_on_spot": "yes",
            "note": "",
        }
        began = time.perf_counter()
        response = client.post(url, data, headers={"Accept": "application/json"})
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code in (200, 201), response.status_code
        time.sleep(max(0.0, pace - (time.perf_counter() - began)))
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(name: str, timings: list[float]) -> float:
    p50, p99 = percentile(timings, 0.5), percentile(timings, 0.99)
    print(f"{name:<22} {len(timings):>5} saves  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms")
    return p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=20, help="days of old traffic to prune")
    parser.add_argument("--per-day", type=int, default=5000, help="moments a day")
    parser.add_argument("--quiet-seconds", type=float, default=30, help="each quiet phase")
    parser.add_argument("--pace", type=float, default=0.05, help="seconds between saves")
    parser.add_argument(
        "--work",
        choices=WORK,
        default="prune",
        help="what runs beside the saves: the nightly pruning, or a re-tag of every comment",
    )
    parser.add_argument(
        "--prune-seconds",
        type=float,
        default=3600,
        help="stop the pruning after this long (a month of SAS traffic takes longer than a"
        " benchmark should: the saves' latency is measured over this much of it)",
    )
    args = parser.parse_args()

    sas_data.use_bench_database(os.environ["BENCH_DATABASE_URL"])
    from django.test import Client

    from touchpoints.models import Moment

    fixture = set_up()
    generate(fixture, args.days, args.per_day)
    old = Moment.objects.count()
    old_past_raw = Moment.objects.filter(local_date__lt=date.today() - timedelta(days=730)).count()
    client = Client()
    client.force_login(fixture["user"])
    saves(client, fixture, 3, args.pace)  # warm: connections, prepared statements, caches

    print(
        f"{old:,} moments to prune ({args.days} days x {args.per_day:,}); load average"
        f" before: {os.getloadavg()}"
    )
    quiet = saves(client, fixture, args.quiet_seconds, args.pace)
    environment = {**os.environ, "DATABASE_URL": os.environ["BENCH_DATABASE_URL"]}
    pruning = subprocess.Popen(
        [sys.executable, "-c", WORK[args.work]], cwd=ROOT, env=environment, stdout=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    started = time.perf_counter()
    during = saves(
        client, fixture, args.prune_seconds, args.pace, until=lambda: pruning.poll() is not None
    )
    pruned_for = time.perf_counter() - started
    if pruning.poll() is None:
        # Each batch commits on its own: what was pruned stays pruned, the rest waits for
        # the next night.
        pruning.kill()
        pruning.wait()
        pruned = f"stopped after {pruned_for:.0f} s"
    else:
        pruned = pruning.communicate()[0].strip()
    load = os.getloadavg()
    quiet += saves(client, fixture, args.quiet_seconds, args.pace)

    print(f"{args.work}: {pruned}")
    baseline = report("saves alone", quiet)
    loaded = report(f"saves while {args.work}", during)
    print(f"ratio p99 while {args.work} / alone: {loaded / baseline:.2f} (must stay under 2)")
    print(f"load average at the end of pruning: {load}")
    if args.work != "prune":
        return
    past_raw = Moment.objects.filter(local_date__lt=date.today() - timedelta(days=730))
    deleted = old_past_raw - past_raw.count()
    print(f"moments past the raw-data period deleted: {deleted:,} of {old_past_raw:,}", end="")
    print(f" in {pruned_for:.0f} s, {deleted / pruned_for:,.0f} a second")


if __name__ == "__main__":
    main()

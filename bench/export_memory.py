"""Peak memory of the web process while it sends the moments export of a year at one hub.

Fills one hub ("HUB", Europe/Stockholm, four teams, four touchpoint types) with `--moments`
moments spread evenly over the last 365 days, in SQL: a third invited, half of those
answered, a note on one moment in five and a comment on every answer with words. Then, for
each format, starts gunicorn afresh (one sync worker, no worker timeout), asks once for a
small export to warm it up, and downloads the hub's year as CSV or XLSX over HTTP while
reading the worker's resident memory from /proc: its peak (VmHWM) after the warm-up and
after the export. A fresh process per run, so one run's peak is not another's.

    .venv/bin/python bench/export_memory.py --moments 300000            # fill, then measure
    .venv/bin/python bench/export_memory.py --moments 300000 --runs 2   # reuse the filled data
    .venv/bin/python bench/export_memory.py --moments 1000000 --refill
    .venv/bin/python bench/export_memory.py --writers 200000   # the XLSX writers alone

`--writers N` needs no database: it writes N moment-shaped rows to XLSX in a fresh process
each, with Moments' writer (xlsxwriter, constant memory) and with the openpyxl write-only
writer it replaced, and prints each one's time and peak memory, and the ratio.

The database is BENCH_DATABASE_URL (default moments_exportbench), created and migrated.
"""

import argparse
import base64
import http.client
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/moments_exportbench"
)
# Production settings on plain http://127.0.0.1, with throwaway keys.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("CUSTOMER_REF_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("CONTACT_KEYS", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")

from bench.sas_data import use_bench_database  # noqa: E402

GUNICORN = Path(sys.executable).parent / "gunicorn"
SAMPLE_SECONDS = 0.05

FILL = """
    DELETE FROM feedback_answer a USING feedback_invitation i, touchpoints_moment m
        WHERE a.invitation_id = i.id AND i.moment_id = m.id AND m.location_id = %(location)s;
    DELETE FROM feedback_invitation i USING touchpoints_moment m
        WHERE i.moment_id = m.id AND m.location_id = %(location)s;
    DELETE FROM touchpoints_moment WHERE location_id = %(location)s;
    INSERT INTO touchpoints_moment (uuid, channel, outcome, resolved_on_spot, note, extra,
        customer_ref_hash, occurred_at, local_date, created_at, updated_at,
        location_id, staff_id, team_id, touchpoint_type_id)
    SELECT gen_random_uuid(), (ARRAY['in_person','phone','chat','email'])[1 + n %% 4],
        1 + n %% 5, n %% 3 > 0,
        CASE WHEN n %% 5 = 0 THEN 'Behövde hjälp med väskan, nummer ' || n ELSE '' END,
        '{}', '', t, (t AT TIME ZONE 'Europe/Stockholm')::date, t, t,
        %(location)s, %(staff)s, (%(teams)s)[1 + n %% 4], (%(types)s)[1 + n %% 4]
    FROM generate_series(1, %(moments)s) AS n,
        LATERAL (SELECT now() - interval '365 days' * n / %(moments)s) AS at(t);
    INSERT INTO feedback_invitation (token, created_at, expires_at, moment_id)
    SELECT md5(id::text || random()::text), occurred_at, occurred_at + interval '7 days', id
    FROM touchpoints_moment WHERE location_id = %(location)s AND id %% 3 = 0;
    INSERT INTO feedback_answer (csat, nps, effort, comment, is_low, answered_at,
        invitation_id)
    SELECT 1 + id %% 5, id %% 11, 1 + id %% 7,
        CASE WHEN id %% 4 = 0 THEN '=Trevlig personal men lång kö ' || id ELSE '' END,
        false, created_at + interval '1 hour', id
    FROM feedback_invitation WHERE id %% 2 = 0
        AND moment_id IN (SELECT id FROM touchpoints_moment WHERE location_id = %(location)s);
    ANALYZE touchpoints_moment; ANALYZE feedback_invitation; ANALYZE feedback_answer;
"""


def hub() -> dict:
    """The hub, its teams and types, and an admin to export as (created once)."""
    from django.contrib.auth.models import Group

    from touchpoints.models import JourneyStage, Location, Role, Team, TouchpointType, User

    location, _ = Location.objects.get_or_create(
        code="HUB", defaults={"name": "Bench hub", "timezone": "Europe/Stockholm"}
    )
    teams = [Team.objects.get_or_create(name=f"Team {n}", location=location)[0] for n in "ABCD"]
    stage, _ = JourneyStage.objects.get_or_create(name="Bench", defaults={"order": 1})
    types = [
        TouchpointType.objects.get_or_create(name=f"Bench type {n}", stage=stage)[0]
        for n in range(4)
    ]
    staff, _ = User.objects.get_or_create(username="bench.agent", team=teams[0])
    admin, created = User.objects.get_or_create(username="bench.exporter")
    if created:
        admin.groups.add(Group.objects.get(name=Role.ADMIN))
    return {"location": location, "teams": teams, "types": types, "staff": staff, "admin": admin}


def fill(place: dict, moments: int) -> float:
    from django.db import connection

    started = time.perf_counter()
    values = {
        "location": place["location"].pk,
        "staff": place["staff"].pk,
        "teams": [t.pk for t in place["teams"]],
        "types": [t.pk for t in place["types"]],
        "moments": moments,
    }
    with connection.cursor() as cursor:
        for statement in filter(str.strip, FILL.split(";")):
            cursor.execute(statement, values if "%(" in statement else None)
    return time.perf_counter() - started


def session_cookie(user) -> str:
    """A signed-in session for `user`, made in the shared session store."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def start_gunicorn() -> tuple[subprocess.Popen, int, int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        str(GUNICORN), *("--workers", "1", "--timeout", "0", "--bind", f"127.0.0.1:{port}"),
        *("--chdir", str(ROOT), "--log-level", "warning"), "config.wsgi",
    ]  # fmt: skip
    server = subprocess.Popen(command, env={**os.environ})
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
            if children:
                return server, port, int(children[0])
        except OSError:
            pass
        time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def download(port: int, path: str, cookie: str) -> dict:
    """GET `path`, reading the body as a browser would; bytes, seconds, first byte."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": f"sessionid={cookie}"})
    response = connection.getresponse()
    first = None
    size = 0
    while chunk := response.read(65536):
        first = first or time.perf_counter() - started
        size += len(chunk)
    connection.close()
    assert response.status == 200, response.status
    return {"bytes": size, "seconds": time.perf_counter() - started, "first_byte": first}


def measure(kind: str, query: str, cookie: str) -> dict:
    server, port, worker = start_gunicorn()
    try:
        download(port, f"/dashboard/export/moments.{kind}?period=1", cookie)
        warm = memory_kib(worker, "VmHWM")
        sampled = [0]
        done = threading.Event()

        def sample():
            while not done.wait(SAMPLE_SECONDS):
                sampled[0] = max(sampled[0], memory_kib(worker, "VmRSS"))

        sampler = threading.Thread(target=sample)
        sampler.start()
        result = download(port, f"/dashboard/export/moments.{kind}?{query}", cookie)
        done.set()
        sampler.join()
        return {**result, "warm_mb": warm / 1024, "peak_mb": memory_kib(worker, "VmHWM") / 1024,
                "sampled_mb": sampled[0] / 1024}  # fmt: skip
    finally:
        server.terminate()
        server.wait()


def sample_rows(count: int):
    """Rows shaped like the moments export's: times, dates, labels, numbers, some words."""
    from datetime import UTC, datetime

    from dashboards.exports import MOMENT_HEADER

    yield MOMENT_HEADER
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(count):
        at = start + timedelta(seconds=97 * n)
        yield [at, "Europe/Stockholm", at.date(), "Hub", "HUB", "Check-in desk", "Check-in",
               "Bag drop", "In person", "in_person", "Good", 4, n % 3 == 0,
               "Rebooked" if n % 5 == 0 else "", n % 3 == 0, 4 if n % 6 == 0 else None,
               9 if n % 6 == 0 else None, None, "Quick and kind" if n % 6 == 0 else ""]  # fmt: skip


def openpyxl_write(rows) -> None:
    """The writer Moments used before: openpyxl's write-only mode (the baseline)."""
    import tempfile

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Moments")
    for row in rows:
        sheet.append([v.replace(tzinfo=None) if hasattr(v, "tzinfo") and v.tzinfo else v
                      for v in row])  # fmt: skip
    with tempfile.TemporaryFile() as out:
        book.save(out)


def one_writer(name: str, count: int) -> None:
    """Run in a child process: write, then print seconds and peak RSS in MB."""
    import resource

    import django

    django.setup()
    from dashboards.workbook import write_xlsx

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    if name == "openpyxl":
        openpyxl_write(sample_rows(count))
    else:
        write_xlsx([("Export", "bench")], "Moments", sample_rows(count)).close()
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{seconds:.2f} {peak / 1024:.1f} {(peak - before) / 1024:.1f}")


def compare_writers(count: int) -> None:
    results = {}
    for name in ("xlsxwriter", "openpyxl"):
        child = subprocess.run(
            [sys.executable, __file__, "--one-writer", name, "--writers", str(count)],
            capture_output=True, text=True, check=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        )  # fmt: skip
        seconds, peak, grown = map(float, child.stdout.split()[-3:])
        results[name] = seconds
        print(
            f"{name:10}: {count:,} rows in {seconds:6.1f} s, peak RSS {peak:6.1f} MB"
            f" (+{grown:.1f} MB while writing), load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    print(f"xlsxwriter is {results['openpyxl'] / results['xlsxwriter']:.1f}x as fast (goal >= 5x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, help="compare the XLSX writers on N rows")
    parser.add_argument("--one-writer", help=argparse.SUPPRESS)
    parser.add_argument("--moments", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=1, help="runs of each format")
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--refill", action="store_true")
    args = parser.parse_args()
    if args.one_writer:
        return one_writer(args.one_writer, args.writers)
    if args.writers:
        return compare_writers(args.writers)
    use_bench_database()
    from touchpoints.models import Moment

    place = hub()
    have = Moment.objects.filter(location=place["location"]).count()
    if args.refill or have != args.moments:
        print(f"filling {args.moments:,} moments ...", flush=True)
        print(f"  filled in {fill(place, args.moments):.0f} s", flush=True)
    today = place["location"].today()
    first = today - timedelta(days=364)
    query = f"period=custom&start={first}&end={today}&location={place['location'].pk}"
    cookie = session_cookie(place["admin"])
    print(f"load average {os.getloadavg()[0]:.1f}; {args.moments:,} moments at one hub")
    for run in range(1, args.runs + 1):
        for kind in args.formats.split(","):
            r = measure(kind, query, cookie)
            print(
                f"run {run} {kind:4}: peak RSS {r['peak_mb']:6.1f} MB (warm {r['warm_mb']:.1f},"
                f" sampled max {r['sampled_mb']:.1f}), {r['bytes'] / 1e6:7.1f} MB in"
                f" {r['seconds']:6.1f} s, first byte after {r['first_byte']:.1f} s,"
                f" load {os.getloadavg()[0]:.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()

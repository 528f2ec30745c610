"""Logging throughput and latency: the real save beside a bare insert, through gunicorn.

20 simulated tablets, each logged in with its own session, post moments as fast as the
server answers. The real save is the log screen's POST /log/ as the tablet's script sends
it (session, CSRF, validation, idempotency, roll-up bookkeeping: the dirty day and the
roll-up task queued on Redis). The bare view (bench/log_save_urls.py) inserts the same row
with none of that. Phases alternate so that both see the same machine.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/moments_bench \\
    REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/log_save.py

Options: --tablets 20 --seconds 30 (total per kind) --workers 2. The database named in
DATABASE_URL is migrated and gets a BENCH location; its old BENCH moments are deleted.
"""

import argparse
import base64
import http.client
import os
import random
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
os.environ["DJANGO_SETTINGS_MODULE"] = "log_save_settings"
# Production settings on plain http://127.0.0.1: throwaway keys (DEBUG off refuses to start
# without real ones) and no redirect to HTTPS.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("CUSTOMER_REF_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("CONTACT_KEYS", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
PASSWORD = "bench-tablet-pw"


def set_up(tablets: int) -> dict:
    import django

    django.setup()
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from touchpoints.models import (
        DirtyDay,
        JourneyStage,
        Location,
        Moment,
        Role,
        Team,
        TouchpointType,
        User,
    )

    call_command("migrate", verbosity=0)
    location, _ = Location.objects.get_or_create(
        code="BENCH", defaults={"name": "Bench airport", "timezone": "Europe/Stockholm"}
    )
    Moment.objects.filter(location=location).delete()
    DirtyDay.objects.filter(location=location).delete()
    team, _ = Team.objects.get_or_create(name="Bench desk", location=location)
    stage, _ = JourneyStage.objects.get_or_create(name="Bench")
    touchpoint_type, _ = TouchpointType.objects.get_or_create(name="Bench desk", stage=stage)
    frontline = Group.objects.get(name=Role.FRONTLINE)
    for number in range(tablets):
        user, created = User.objects.get_or_create(username=f"bench-{number:02}", team=team)
        if created:
            user.set_password(PASSWORD)
            user.save()
            user.groups.add(frontline)
    return {"type": touchpoint_type.pk, "team": team.pk, "location": location}


def start_gunicorn(workers: int, **env: str) -> tuple[subprocess.Popen, int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        str(Path(sys.executable).parent / "gunicorn"),  # the venv this runs under
        *("--workers", str(workers), "--bind", f"127.0.0.1:{port}"),
        *("--chdir", str(ROOT), "--pythonpath", str(ROOT / "bench"), "--log-level", "warning"),
        "config.wsgi",
    ]
    server = subprocess.Popen(command, env={**os.environ, **env})
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server, port
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


class Tablet:
    """One logged-in tablet: its own session and CSRF cookies."""

    def __init__(self, port: int, username: str, fixture: dict):
        self.port, self.username, self.fixture = port, username, fixture
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None, headers=None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(
            method, path, urlencode(body) if body else None, {**sent, **(headers or {})}
        )
        response = connection.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, text

    def log_in(self) -> None:
        _, page = self.request("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        status, _ = self.request("POST", "/login/", form)
        assert status == 302 and "sessionid" in self.cookies, f"login failed: {status}"

    def real_save(self) -> int:
        body = {
            "uuid": str(uuid.uuid4()),
            "team": self.fixture["team"],
            "touchpoint_type": self.fixture["type"],
            "channel": "in_person",
            "outcome": 4,
            "resolved_on_spot": "yes",
            "note": "",
            "occurred_at": datetime.now(UTC).isoformat(),
        }
        headers = {"Accept": "application/json", "X-CSRFToken": self.cookies["csrftoken"]}
        return self.request("POST", "/log/", body, headers)[0]

    def bare_save(self) -> int:
        return self.request("POST", "/bench/bare-save/", {"who": self.username, "outcome": 4})[0]


def run_phase(
    tablets: list[Tablet], kind: str, seconds: float, pace: float = 0
) -> tuple[list[float], int]:
    """Each tablet saves, waits for the answer, and saves again: at once (pace 0, the most
    the server can take) or `pace` seconds after its previous save started (a steady load).
    """
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def drive(tablet: Tablet) -> None:
        save = tablet.real_save if kind == "real" else tablet.bare_save
        next_at = time.monotonic() + random.uniform(0, pace)
        while next_at < stop_at:
            time.sleep(max(0.0, next_at - time.monotonic()))
            started = time.perf_counter()
            status = save()
            elapsed = time.perf_counter() - started
            next_at += pace
            if not pace:
                next_at = time.monotonic()
            with lock:
                if status == 201:
                    latencies.append(elapsed)
                else:
                    failures[0] += 1

    threads = [threading.Thread(target=drive, args=(tablet,)) for tablet in tablets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, failures[0]


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tablets", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30, help="per kind and load")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pace", type=float, default=1.0, help="steady load: s between saves")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (and REDIS_URL).")
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("Set REDIS_URL: the real save queues its roll-up there.")
    fixture = set_up(args.tablets)
    from machine import django_speed

    machine, load_before = django_speed(), load_average()
    server, port = start_gunicorn(args.workers)
    try:
        tablets = [Tablet(port, f"bench-{n:02}", fixture) for n in range(args.tablets)]
        for tablet in tablets:
            tablet.log_in()
        # Warm up both workers and their database connections.
        warm = len(run_phase(tablets, "real", 2)[0]) + len(run_phase(tablets, "bare", 2)[0])
        flat_out = measure(tablets, args, pace=0)
        steady = measure(tablets, args, pace=args.pace)
    finally:
        server.terminate()
        server.wait()
    print(f"{args.tablets} tablets, gunicorn {args.workers} workers, {args.seconds:.0f} s each")
    print(f"load average {load_before} before, {load_average()} after; {machine}")
    rates = report("flat out: each tablet saves again as soon as it is answered", flat_out)
    print(f"ratio real/bare: {rates['real'] / rates['bare']:.2f}x (goal >= 0.5x)")
    report(f"steady: each tablet saves every {args.pace:g} s", steady)
    check_stored(fixture, warm, flat_out, steady)


def measure(tablets: list[Tablet], args, pace: float) -> dict:
    """Alternate real and bare in rounds, so that both see the same machine."""
    results = {kind: {"latencies": [], "failures": 0, "elapsed": 0.0} for kind in KINDS}
    for _ in range(args.rounds):
        for kind in KINDS:
            started = time.perf_counter()
            latencies, failures = run_phase(tablets, kind, args.seconds / args.rounds, pace)
            results[kind]["elapsed"] += time.perf_counter() - started
            results[kind]["latencies"] += latencies
            results[kind]["failures"] += failures
    return results


KINDS = ("real", "bare")


def report(title: str, results: dict) -> dict:
    print(f"\n{title}")
    print(f"{'':>6} {'saves':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'failed':>7}")
    rates = {}
    for kind in KINDS:
        latencies = results[kind]["latencies"]
        rates[kind] = len(latencies) / results[kind]["elapsed"]
        p50, p99 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000
        failed = results[kind]["failures"]
        print(
            f"{kind:>6} {len(latencies):>7} {rates[kind]:>8.1f} {p50:>8.1f} {p99:>8.1f} {failed:>7}"
        )
    return rates


def check_stored(fixture: dict, warm: int, *measured: dict) -> None:
    from config.celery import app
    from touchpoints.models import Moment

    stored = Moment.objects.filter(location=fixture["location"]).count()
    answered = warm + sum(len(r[k]["latencies"]) for r in measured for k in KINDS)
    print(f"\nmoments stored {stored}, saves answered 201 (warm-up included): {answered}")
    # Nobody runs a worker for the benchmark: drop the roll-up tasks it queued.
    app.control.purge()


if __name__ == "__main__":
    main()

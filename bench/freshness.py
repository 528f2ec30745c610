"""Freshness: the time from a save on a tablet to the figure changing on the manager's
dashboard, against the real stack: gunicorn, a Celery worker and beat, on a Redis server
this benchmark starts on a port of its own (the shared one is never touched).

While 20 tablets log flat out into one airport (bench/log_save.py's BENCH), a probe tablet
at a second airport (FRESH) saves a moment, and its manager's dashboard (today, FRESH) is
read until its moments figure has gone up; then the probe waits a moment and saves again.
Then Redis is stopped, the probe saves (the save must still answer 201), Redis is started
again, and the dashboard is read until the figure shows that save.

Goals (issue 14): p95 under 5 s while the tablets log; under ROLLUP_INTERVAL_SECONDS + 2 s
from the save when Redis was down for it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/moments_saveperf_bench \\
    .venv/bin/python bench/freshness.py

Options: --seconds 60 (probing under load) --outages 3 --tablets 20 --workers 2.
ROLLUP_INTERVAL_SECONDS from the environment goes to beat, as in production.
"""

import argparse
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A redis-server of the benchmark's own, to stop and start again."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port)]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


REDIS = RedisServer()
REDIS.start()
os.environ["REDIS_URL"] = REDIS.url  # before Django reads its settings

from log_save import PASSWORD, Tablet, percentile, run_phase, set_up, start_gunicorn  # noqa: E402


def set_up_probe() -> dict:
    """FRESH: an airport of its own with one frontline tablet and its manager."""
    from django.contrib.auth.models import Group

    from dashboards.rollup import rebuild_range
    from touchpoints.models import DirtyDay, Location, Moment, Role, Team, TouchpointType, User

    location, _ = Location.objects.get_or_create(
        code="FRESH", defaults={"name": "Freshness airport", "timezone": "Europe/Stockholm"}
    )
    Moment.objects.filter(location=location).delete()
    DirtyDay.objects.filter(location=location).delete()
    today = location.today()
    rebuild_range(today, today, [location.pk])
    team, _ = Team.objects.get_or_create(name="Freshness desk", location=location)
    people = {"fresh-probe": Role.FRONTLINE, "fresh-manager": Role.MANAGER}
    for username, role in people.items():
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(PASSWORD)
            user.groups.add(Group.objects.get(name=role))
        user.team = team if role == Role.FRONTLINE else None
        user.save()
    User.objects.get(username="fresh-manager").managed_locations.add(location)
    touchpoint_type = TouchpointType.objects.get(name="Bench desk")
    return {"type": touchpoint_type.pk, "team": team.pk, "location": location}


def start_celery(kind: str, schedule: Path) -> subprocess.Popen:
    """The worker or beat as production runs them, on the benchmark's Redis."""
    command = [sys.executable, "-m", "celery", "-A", "config", kind, "-l", "warning"]
    if kind == "beat":
        command += ["-s", str(schedule)]
    else:  # as docker-compose.yml runs it
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "REDIS_URL": REDIS.url}
    return subprocess.Popen(command, cwd=ROOT, env=env)


class Supervised:
    """The worker, started again whenever it stops, as compose's `restart: unless-stopped`
    does: kombu 5.7 sometimes takes the worker down when Redis goes away while a task is
    unacknowledged ("Unrecoverable error: AttributeError ... 'hostname'")."""

    def __init__(self, kind: str, schedule: Path):
        self.kind, self.schedule, self.restarts = kind, schedule, 0
        self.process = start_celery(kind, schedule)
        self.stopping = threading.Event()
        threading.Thread(target=self.watch, daemon=True).start()

    def watch(self) -> None:
        while not self.stopping.wait(0.5):
            if self.process.poll() is not None:
                self.restarts += 1
                self.process = start_celery(self.kind, self.schedule)

    def send_signal(self, number: int) -> None:
        self.stopping.set()
        self.process.send_signal(number)

    def wait(self, timeout: float) -> int:
        return self.process.wait(timeout=timeout)


class Dashboard:
    """The manager's dashboard for FRESH, today: its moments figure."""

    def __init__(self, port: int, location_id: int):
        self.browser = Tablet(port, "fresh-manager", {})
        self.browser.log_in()
        self.path = f"/dashboard/?period=1&location={location_id}"

    def moments(self) -> int | None:
        status, page = self.browser.request("GET", self.path)
        found = re.search(r'data-figure="moments">([^<]*)<', page)
        digits = re.sub(r"\D", "", found.group(1)) if status == 200 and found else ""
        return int(digits) if digits else None


def wait_until_shown(dashboard: Dashboard, expected: int, timeout: float = 120) -> float:
    """Seconds until the dashboard shows `expected` moments (or more)."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        shown = dashboard.moments()
        if shown is not None and shown >= expected:
            return time.perf_counter() - started
        time.sleep(0.1)
    raise SystemExit(f"the dashboard did not show {expected} moments in {timeout:.0f} s")


def probe_under_load(probe: Tablet, dashboard: Dashboard, seconds: float) -> list[float]:
    """Save, wait for the figure, pause 0.5-2 s, again: until `seconds` have passed."""
    delays, shown = [], dashboard.moments() or 0
    stop_at = time.monotonic() + seconds
    while time.monotonic() < stop_at:
        started = time.perf_counter()
        assert probe.real_save() == 201
        shown += 1
        saved = time.perf_counter() - started
        delays.append(saved + wait_until_shown(dashboard, shown))
        time.sleep(random.uniform(0.5, 2.0))
    return delays


def probe_an_outage(probe: Tablet, dashboard: Dashboard) -> tuple[float, float, float]:
    """Redis stopped, one save, Redis started again: (save to figure, Redis back to
    figure, seconds Redis was away)."""
    expected = (dashboard.moments() or 0) + 1
    REDIS.stop()
    stopped = time.perf_counter()
    time.sleep(1)
    saved_at = time.perf_counter()
    status = probe.real_save()
    assert status == 201, f"a save with Redis down answered {status}"
    time.sleep(1)
    REDIS.start()
    back = time.perf_counter()
    wait_until_shown(dashboard, expected)
    shown = time.perf_counter()
    return shown - saved_at, shown - back, back - stopped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="probing under load")
    parser.add_argument("--outages", type=int, default=3)
    parser.add_argument("--tablets", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database.")
    fixture = set_up(args.tablets)
    probe_fixture = set_up_probe()
    from machine import django_speed

    machine = django_speed()
    loads = [os.getloadavg()[0]]
    server, port = start_gunicorn(args.workers)
    schedule = Path(tempfile.mkdtemp()) / "beat-schedule"
    worker, beat = Supervised("worker", schedule), start_celery("beat", schedule)
    stop_load = threading.Event()
    try:
        tablets = [Tablet(port, f"bench-{n:02}", fixture) for n in range(args.tablets)]
        for tablet in tablets:
            tablet.log_in()
        probe = Tablet(port, "fresh-probe", probe_fixture)
        probe.log_in()
        dashboard = Dashboard(port, probe_fixture["location"].pk)
        time.sleep(5)  # the worker and beat are connected
        saves = []

        def log_flat_out():
            while not stop_load.is_set():
                saves.append(len(run_phase(tablets, "real", 2)[0]))

        load = threading.Thread(target=log_flat_out)
        load_started = time.perf_counter()
        load.start()
        delays = probe_under_load(probe, dashboard, args.seconds)
        loads.append(os.getloadavg()[0])
        outages = [probe_an_outage(probe, dashboard) for _ in range(args.outages)]
        stop_load.set()
        load.join()
        load_seconds = time.perf_counter() - load_started
        loads.append(os.getloadavg()[0])
    finally:
        stop_load.set()
        for process in (server, worker, beat):
            process.send_signal(signal.SIGTERM)
        for process in (server, worker, beat):
            process.wait(timeout=60)
        REDIS.stop()
    report(args, delays, outages, sum(saves) / load_seconds, loads)
    print(f"the worker stopped and was started again {worker.restarts} times")
    print(machine)


def report(args, delays: list[float], outages: list, saves_per_second: float, loads) -> None:
    from django.conf import settings

    interval = settings.ROLLUP_INTERVAL_SECONDS  # what beat got from the same environment
    print(
        f"{args.tablets} tablets logging flat out ({saves_per_second:.0f} saves/s), gunicorn"
        f" {args.workers} workers, a Celery worker and beat (ROLLUP_INTERVAL_SECONDS={interval})"
    )
    p50, p95 = percentile(delays, 0.5), percentile(delays, 0.95)
    print(
        f"save to figure under load: {len(delays)} saves, p50 {p50:.2f} s, p95 {p95:.2f} s,"
        f" max {max(delays):.2f} s (goal p95 < 5 s: {'met' if p95 < 5 else 'NOT met'})"
    )
    for number, (from_save, from_back, away) in enumerate(outages, 1):
        goal = "met" if from_save < interval + 2 else "NOT met"
        print(
            f"outage {number}: Redis away {away:.1f} s; save to figure {from_save:.2f} s"
            f" (goal < {interval + 2} s: {goal}), Redis back to figure {from_back:.2f} s"
        )
    shown = ", ".join(f"{load:.2f}" for load in loads)
    print(f"load average (1 min) at the start, after the probes under load, at the end: {shown}")


if __name__ == "__main__":
    main()

"""The customer's page on a poor mobile connection: bytes, requests and load time.

The public feedback page (/r/<token>/) is measured beside a baseline in the same run: the
login page, which uses the staff layout the walking skeleton's public page used (base.html,
moments.css and htmx). Both are served by a real server and loaded by Debian's chromium
with the network throttled to Chrome's "Slow 3G" preset (400 ms round trip, 400 kbit/s).

    .venv/bin/python bench/public_page.py [--runs 5] [--port 8004]

It uses a throwaway SQLite database in a temporary DATA_DIR, so it touches nothing else.
"""

import argparse
import base64
import gzip
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Production settings on plain http://127.0.0.1: throwaway keys (DEBUG off refuses to start
# without real ones) and no redirect to HTTPS.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("CUSTOMER_REF_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("CONTACT_KEYS", base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("SECURE_COOKIES", "0")
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 50_000,
    "uploadThroughput": 50_000,
}


def set_up(data_dir: str) -> str:
    """Migrate a fresh database with one moment and its invitation; return the token."""
    os.environ.update(DATA_DIR=data_dir, DJANGO_SETTINGS_MODULE="config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from feedback.invitations import invitation_for
    from touchpoints.models import JourneyStage, Location, Moment, Team, TouchpointType, User

    arn = Location.objects.create(name="Stockholm Arlanda", code="ARN", timezone="Europe/Stockholm")
    team = Team.objects.create(name="Check-in", location=arn)
    stage = JourneyStage.objects.create(name="Check-in")
    desk = TouchpointType.objects.create(name="Check-in desk", stage=stage, asks_effort=True)
    staff = User.objects.create_user("bench-agent", team=team)
    moment = Moment.objects.create(
        staff=staff, team=team, location=arn, touchpoint_type=desk, outcome=4
    )
    return invitation_for(moment).token


def wire_bytes(url: str) -> tuple[int, int]:
    """(bytes as sent gzipped, bytes unzipped) of one resource."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request) as response:
        body = response.read()
        zipped = response.headers.get("Content-Encoding") == "gzip"
    plain = gzip.decompress(body) if zipped else body
    return len(body) if zipped else len(gzip.compress(body)), len(plain)


def load_times(base: str, paths: dict[str, str], runs: int) -> dict[str, list[float]]:
    """Milliseconds to the load event under Slow 3G, alternating pages run by run."""
    from playwright.sync_api import sync_playwright

    times = {name: [] for name in paths}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        for _ in range(runs):
            for name, path in paths.items():
                context = browser.new_context(viewport={"width": 390, "height": 844})
                page = context.new_page()
                cdp = context.new_cdp_session(page)
                cdp.send("Network.enable")
                cdp.send("Network.emulateNetworkConditions", SLOW_3G)
                started = time.perf_counter()
                page.goto(base + path, wait_until="load")
                times[name].append((time.perf_counter() - started) * 1000)
                context.close()
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8004)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        token = set_up(data_dir)
        env = {**os.environ, "DATA_DIR": data_dir, "DEBUG": "0"}
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{args.port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{args.port}"
            for _ in range(50):
                try:
                    urllib.request.urlopen(base + "/login/")
                    break
                except OSError:
                    time.sleep(0.2)
            report(base, token, args.runs)
        finally:
            server.terminate()
            server.wait()


def report(base: str, token: str, runs: int) -> None:
    public = [f"/r/{token}/"]
    baseline = ["/login/", "/static/css/moments.css", "/static/django_htmx/htmx-2.min.js"]
    sizes = {}
    for name, paths in (("public page", public), ("baseline", baseline)):
        measured = [wire_bytes(base + path) for path in paths]
        sizes[name] = (len(paths), sum(z for z, _ in measured), sum(p for _, p in measured))
    times = load_times(base, {"public page": public[0], "baseline": baseline[0]}, runs)
    print(
        f"{'':12} {'requests':>9} {'gzip bytes':>11} {'bytes':>8} {'Slow 3G load, median ms':>24}"
    )
    for name in ("public page", "baseline"):
        requests, zipped, plain = sizes[name]
        print(
            f"{name:12} {requests:9} {zipped:11} {plain:8} {statistics.median(times[name]):24.0f}"
        )
    ratio_bytes = sizes["baseline"][1] / sizes["public page"][1]
    ratio_time = statistics.median(times["baseline"]) / statistics.median(times["public page"])
    print(f"baseline / public page: {ratio_bytes:.1f}x the bytes, {ratio_time:.1f}x the load time")


if __name__ == "__main__":
    main()

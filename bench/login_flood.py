"""A frontline save while someone guesses passwords: p50 alone and during the flood.

Tablets, each signed in with its own session, save a moment at a steady pace (the log
screen's POST /log/, as in bench/log_save.py). Phases alternate: the tablets alone, then
the same tablets while flood threads (in a process of their own) post wrong passwords as
fast as the server answers, through one trusted proxy (X-Forwarded-For, TRUSTED_PROXIES=1):

- `--from one` (the default): every guess from one address, at made-up names, so only the
  address's limit (SIGN_IN_FAILURES_PER_ADDRESS) stops them;
- `--from many`: every guess at one account, each from a new address, so only the
  account's growing delay stops them.

Real password hashing is used. On one machine the flood's client shares the server's CPU.

Before throttling every guess was hashed twice and the save's p50 went from 11 ms to
1,141 ms; the goal is that it stays within 2x of normal.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/moments_bench \\
    REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/login_flood.py

Options: --from one|many --tablets 10 --pace 0.5 (s between one tablet's saves) --flood 6 (threads)
--seconds 20 (per kind) --rounds 2 --workers 2. The database named in DATABASE_URL is
migrated and gets a BENCH location (see bench/log_save.py) and a bench-victim account.
"""

import argparse
import http.client
import multiprocessing
import os
import random
import re
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from log_save import (  # noqa: E402  (sets settings)
    Tablet,
    percentile,
    run_phase,
    set_up,
    start_gunicorn,
)

VICTIM = "bench-victim"
FLOOD_ADDRESS = "198.18.7.7"


def forget_victims_failures() -> None:
    from axes.models import AccessAttempt

    AccessAttempt.objects.filter(username=VICTIM).delete()
    AccessAttempt.objects.filter(ip_address=FLOOD_ADDRESS).delete()


def add_victim() -> None:
    from touchpoints.models import User

    victim, created = User.objects.get_or_create(username=VICTIM)
    if created:
        victim.set_password("the-victims-real-password")
        victim.save()
    forget_victims_failures()


class Guesser:
    """Wrong passwords on one CSRF token: at made-up names from one address (`one`), or at
    the victim from a new address each time (`many`)."""

    def __init__(self, port: int, spread: str):
        self.port, self.spread = port, spread
        page = Tablet(port, VICTIM, {})
        _, html = page.request("GET", "/login/")
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        self.cookie = page.cookies["csrftoken"]

    def guess(self) -> int:
        if self.spread == "one":
            address, name = FLOOD_ADDRESS, f"nobody-{random.randrange(10**9)}"
        else:
            address, name = f"198.18.{random.randrange(256)}.{random.randrange(1, 255)}", VICTIM
        form = {"username": name, "password": "guess", "csrfmiddlewaretoken": self.token}
        headers = {
            "Cookie": f"csrftoken={self.cookie}",
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Forwarded-For": address,
        }
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request("POST", "/login/", urlencode(form), headers)
        status = connection.getresponse().status
        connection.close()
        return status


def guess_passwords(port: int, spread: str, stop, answers: Counter, lock) -> None:
    """One flood thread: guess until told to stop."""
    guesser = Guesser(port, spread)
    while not stop.is_set():
        status = guesser.guess()
        with lock:
            answers[status] += 1


def lock_the_victim(port: int, spread: str) -> int:
    """A flood's first guesses are checked (hashed) until the address or account locks; a
    long flood is made of the refused ones after that, and those are what is measured."""
    guesser, checked = Guesser(port, spread), 1  # the guess that reaches the limit is checked
    while guesser.guess() != 429:
        checked += 1
    return checked


def one_at_a_time(port: int, spread: str, tablet: Tablet, times: int = 30) -> tuple[float, float]:
    """p50 ms of a save and of a refused guess, each alone on the server: what each costs."""
    guesser = Guesser(port, spread)
    saves, guesses = [], []
    for _ in range(times):
        started = time.perf_counter()
        tablet.real_save()
        saves.append(time.perf_counter() - started)
        started = time.perf_counter()
        guesser.guess()
        guesses.append(time.perf_counter() - started)
    return percentile(saves, 0.5) * 1000, percentile(guesses, 0.5) * 1000


def flood(port: int, spread: str, threads: int, stop, results) -> None:
    """The flood, in a process of its own so that it never holds up the tablets' threads."""
    lock, answers = threading.Lock(), Counter()
    guessers = [
        threading.Thread(target=guess_passwords, args=(port, spread, stop, answers, lock))
        for _ in range(threads)
    ]
    for thread in guessers:
        thread.start()
    for thread in guessers:
        thread.join()
    results.put(dict(answers))


def saves_during_flood(tablets, args, port: int) -> tuple[list[float], int, Counter, float]:
    stop, results = multiprocessing.Event(), multiprocessing.Queue()
    flood_args = (port, args.spread, args.flood, stop, results)
    flooder = multiprocessing.Process(target=flood, args=flood_args)
    flooder.start()
    time.sleep(1)  # the flood is under way before the first save
    started = time.perf_counter()
    latencies, failures = run_phase(tablets, "real", args.seconds / args.rounds, args.pace)
    elapsed = time.perf_counter() - started
    stop.set()
    answers = Counter(results.get())
    flooder.join()
    return latencies, failures, answers, elapsed + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--from", dest="spread", choices=["one", "many"], default="one", help="flood addresses"
    )
    parser.add_argument("--tablets", type=int, default=10)
    parser.add_argument("--pace", type=float, default=0.5, help="s between a tablet's saves")
    parser.add_argument("--flood", type=int, default=6, help="threads guessing passwords")
    parser.add_argument("--seconds", type=float, default=20, help="per kind, all rounds")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (and REDIS_URL).")
    if not os.environ.get("REDIS_URL"):
        raise SystemExit("Set REDIS_URL: the real save queues its roll-up there.")
    fixture = set_up(args.tablets)
    add_victim()
    from machine import django_speed

    machine = django_speed()
    # One trusted proxy: the flood's X-Forwarded-For is believed, as behind a load balancer.
    server, port = start_gunicorn(args.workers, TRUSTED_PROXIES="1")
    alone: list[float] = []
    flooded: list[float] = []
    failed = {"alone": 0, "flood": 0}
    answers: Counter = Counter()
    flood_seconds = 0.0
    try:
        tablets = [Tablet(port, f"bench-{n:02}", fixture) for n in range(args.tablets)]
        for tablet in tablets:
            tablet.log_in()
        run_phase(tablets, "real", 2, args.pace)  # warm up workers and connections
        checked_first = lock_the_victim(port, args.spread)
        save_ms, refused_ms = one_at_a_time(port, args.spread, tablets[0])
        for _ in range(args.rounds):
            latencies, failures = run_phase(tablets, "real", args.seconds / args.rounds, args.pace)
            alone += latencies
            failed["alone"] += failures
            latencies, failures, guesses, elapsed = saves_during_flood(tablets, args, port)
            flooded += latencies
            failed["flood"] += failures
            answers += guesses
            flood_seconds += elapsed
    finally:
        server.terminate()
        server.wait()
        forget_victims_failures()
        from config.celery import app

        app.control.purge()  # nobody runs a worker for the benchmark
    report(args, alone, flooded, failed, answers, flood_seconds)
    print(machine)
    locked = "the address" if args.spread == "one" else "the account"
    print(f"before measuring, {checked_first} guesses were checked until {locked} locked")
    print(
        f"one request at a time, p50: a save {save_ms:.1f} ms, a refused guess {refused_ms:.1f} ms"
    )


def report(args, alone, flooded, failed, answers: Counter, flood_seconds: float) -> None:
    print(
        f"{args.tablets} tablets saving every {args.pace:g} s, gunicorn {args.workers} workers, "
        f"{args.flood} threads guessing, "
        + (
            "at made-up names from one address"
            if args.spread == "one"
            else "at one account from many addresses"
        )
    )
    print(f"{'':>7} {'saves':>7} {'p50 ms':>8} {'p99 ms':>8} {'failed':>7}")
    for name, latencies in (("alone", alone), ("flood", flooded)):
        p50, p99 = percentile(latencies, 0.5) * 1000, percentile(latencies, 0.99) * 1000
        print(f"{name:>7} {len(latencies):>7} {p50:>8.1f} {p99:>8.1f} {failed[name]:>7}")
    ratio = percentile(flooded, 0.5) / percentile(alone, 0.5)
    print(f"ratio p50 flood/alone: {ratio:.2f}x (goal <= 2x)")
    total = sum(answers.values())
    print(
        f"guesses: {total} in {flood_seconds:.0f} s ({total / flood_seconds:.0f}/s); "
        f"checked, wrong (200) {answers[200]}, refused while locked (429) {answers[429]}, "
        f"other {total - answers[200] - answers[429]}"
    )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()

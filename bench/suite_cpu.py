"""Where the test suite's CPU goes: runs a command (by default the suite as `make test` runs
it) and reads the CPU of every process on the machine from /proc once a second, summed by
kind (the test workers, Chromium's processes, PostgreSQL, the servers tests start), with the
wall clock and the load average before and after.

    .venv/bin/python bench/suite_cpu.py                       # .venv/bin/python -m pytest -n 2 -q
    .venv/bin/python bench/suite_cpu.py -- -m browser         # arguments after -- go to pytest
    .venv/bin/python bench/suite_cpu.py --command "make test"

On two cores the suite's wall clock can be no less than half its CPU (docs/performance.md,
"Where the suite's CPU goes"). Processes outside this project's directory (another
checkout's tests, say) are counted apart, as "elsewhere", so a shared machine still gives
this project's figures. A process that lives less than a second may be missed.
"""

import argparse
import os
import re
import shlex
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
# The test databases of this run: pytest-django's test_<name>, one per xdist worker.
DATABASE = (os.environ.get("DATABASE_URL") or "postgres:///moments").rsplit("/", 1)[1]
TEST_DATABASE = re.compile(rf" test_{re.escape(DATABASE)}(_gw\d+)? ")


def kind(pid: str) -> str | None:
    """What the process is, by its command line and its working directory."""
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        directory = os.readlink(f"/proc/{pid}/cwd")
    except OSError:
        return None
    if command.startswith("postgres:"):
        return "PostgreSQL, test databases" if TEST_DATABASE.search(command) else "elsewhere"
    # Whole directories: /work/wt-a is not inside /work/wt (a sibling checkout's tests).
    if not Path(directory).is_relative_to(ROOT):
        return "elsewhere"
    if "chromium" in command:
        for process in ("renderer", "gpu-process", "utility"):
            if f"--type={process}" in command:
                return f"Chromium {process}"
        return "Chromium browser"
    for name, what in [
        ("celery", "Celery worker and beat"),
        ("gunicorn", "gunicorn"),
        ("playwright", "Playwright's driver"),
        ("manage.py", "manage.py"),
        ("exec(eval(sys.stdin.readline()))", "xdist workers"),
        ("pytest", "pytest"),
    ]:
        if name in command:
            return what
    return "other Python and processes"


def cpu_seconds(pid: str) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])  # utime + stime, in ticks


def sample(seen: dict[str, tuple[str, int]], totals: Counter, count_new: bool = True) -> None:
    """Add each process's CPU since the last sample, and a new process's whole CPU so far
    (unless `count_new` is false: the processes running before the command started)."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        ticks = cpu_seconds(pid)
        if ticks is None:
            continue
        if pid in seen:
            what, before = seen[pid]
            totals[what] += max(0, ticks - before)
        elif (what := kind(pid)) is None:
            continue
        elif count_new:
            totals[what] += ticks
        seen[pid] = (what, ticks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--command", help="the command to run instead of pytest")
    parser.add_argument("pytest_args", nargs="*", help="after --: arguments for pytest")
    args = parser.parse_args()
    command = (
        shlex.split(args.command)
        if args.command
        else [sys.executable, "-m", "pytest", "-n", "2", "-q", *args.pytest_args]
    )
    print("load average before:", " ".join(Path("/proc/loadavg").read_text().split()[:3]))
    seen: dict[str, tuple[str, int]] = {}
    totals: Counter = Counter()
    sample(seen, totals, count_new=False)  # what ran before is not counted
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT)
    while process.poll() is None:
        time.sleep(1)
        sample(seen, totals)
    sample(seen, totals)
    wall = time.monotonic() - started
    print("load average after:", " ".join(Path("/proc/loadavg").read_text().split()[:3]))
    print(f"command: {' '.join(command)} (exit {process.returncode})")
    print(f"wall clock: {wall:.0f} s")
    ours = sum(ticks for what, ticks in totals.items() if what != "elsewhere")
    for what, ticks in totals.most_common():
        print(f"{ticks / TICKS:8.1f} s  {what}")
    print(f"{ours / TICKS:8.1f} s  this project's, in all ({ours / TICKS / wall:.2f} cores)")


if __name__ == "__main__":
    main()

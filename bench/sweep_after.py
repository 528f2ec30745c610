"""`rollup_bench.py --sweep-after N`: beat's sweep after N new moments, in a small day and a
large one, and their ratio (issue 25: at most 2).

Each volume has its own data set (bench/sas_data.py), so each is measured by a process of
its own (`rollup_bench.py --sweep-only`), which prints one line this one reads back:

    sweep-after <N> <moments in the day> <median s> <each run's s, comma-separated>

In that process: the data's roll-ups are built if missing, any journal left is swept, then
for each run N moments are saved on the middle day at stations picked by their traffic (as
the app saves them: the triggers journal each one), a third of them invited and half of
those answered, and beat's sweep (`rebuild_dirty`) is timed. The moments are removed and
swept away again afterwards, untimed, so that the data set stays as generated.
"""

import statistics
import subprocess
import sys
import time
from datetime import datetime
from datetime import time as clock
from pathlib import Path

RESULT = "sweep-after"


def compare(args) -> None:
    """Run the measurement at both volumes, then print both and the ratio."""
    results = []
    for scale in args.sweep_scales.split(","):
        command = [
            sys.executable, str(Path(__file__).with_name("rollup_bench.py")),
            "--days", str(args.days), "--scale", scale, "--runs", str(args.runs),
            "--sweep-after", str(args.sweep_after), "--sweep-only",
        ]  # fmt: skip
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        print(output, end="")
        line = next(line for line in output.splitlines() if line.startswith(RESULT))
        _, n, day, median, _runs = line.split()
        results.append((int(day), float(median)))
    (small_day, small), (large_day, large) = results
    ratio = large / small
    verdict = "met" if ratio <= 2.0 else "MISSED"
    print(
        f"sweep after {args.sweep_after} new moments: {small * 1000:.1f} ms in a day of"
        f" {small_day:,}, {large * 1000:.1f} ms in a day of {large_day:,};"
        f" ratio {ratio:.2f} (goal <= 2: {verdict}; the days' ratio {large_day / small_day:.0f})"
    )


def measure(first, last, day, count: int, runs: int) -> None:
    from dashboards.rollup import rebuild_dirty, rebuild_range

    if not _rolled_up(day):
        print(f"Rolling {first} to {last} up first…", file=sys.stderr)
        rebuild_range(first, last)
    rebuild_dirty()  # whatever an earlier run left journaled
    in_day = _moments_on(day)
    times = []
    for _ in range(runs):
        added = _save_moments(day, count)
        started = time.perf_counter()
        rebuild_dirty()
        times.append(time.perf_counter() - started)
        _remove(added)
        rebuild_dirty()
    median = statistics.median(times)
    shown = ",".join(f"{t:.4f}" for t in times)
    print(
        f"  sweep after {count} new moments in {day} ({in_day:,} moments): {median * 1000:.1f} ms"
    )
    print(f"{RESULT} {count} {in_day} {median:.4f} {shown}")


def _rolled_up(day) -> bool:
    from dashboards.models import DailyRollup

    return DailyRollup.objects.filter(local_date=day).exists()


def _moments_on(day) -> int:
    from touchpoints.models import Moment

    return Moment.objects.filter(local_date=day).count()


def _save_moments(day, count: int) -> list[int]:
    """`count` moments saved one by one as the app saves them, at stations picked by their
    traffic; a third invited, half of those answered. Their ids."""
    from django.db import connection

    from feedback.models import Answer, Invitation
    from touchpoints.models import Moment, Team, User

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT team_id, staff_id, type_ids[1] FROM bench_team ORDER BY random() LIMIT %s",
            [count],
        )
        picked = cursor.fetchall()
    teams = Team.objects.in_bulk([team for team, _, _ in picked])
    people = User.objects.in_bulk([person for _, person, _ in picked])
    ids = []
    for n, (team, person, kind) in enumerate(picked * (count // len(picked) + 1)):
        if n == count:
            break
        location = teams[team].location
        noon = datetime.combine(day, clock(12), tzinfo=location.tz)
        moment = Moment(
            staff=people[person], team=teams[team], location=location, touchpoint_type_id=kind,
            outcome=1 + n % 5, resolved_on_spot=n % 2 == 0, occurred_at=noon,
        )  # fmt: skip
        moment.save()
        if n % 3 == 0:
            invitation = Invitation.objects.create(moment=moment)
            if n % 6 == 0:
                Answer.objects.create(invitation=invitation, csat=1 + n % 5, nps=n % 11)
        ids.append(moment.pk)
    return ids


def _remove(ids: list[int]) -> None:
    from feedback.models import Answer, Invitation
    from touchpoints.models import Moment

    Answer.objects.filter(invitation__moment__in=ids).delete()
    Invitation.objects.filter(moment__in=ids).delete()
    Moment.objects.filter(pk__in=ids).delete()

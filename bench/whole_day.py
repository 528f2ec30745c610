"""`rollup_bench.py --whole-day`: recomputing one whole day against the full rebuild's cost
per day, at SAS volume and at ten times (issue 25: at most 1.3 times).

Each volume has its own data set (bench/sas_data.py), so each is measured by a process of
its own (`rollup_bench.py --whole-day-only`), which prints one line this one reads back:

    whole-day <day's moments> <moments> <rebuild s a day> <by marks s> <by range s> <old s>

In that process, each run times, one after the other (so that load which comes and goes
falls on all alike):
  - the full rebuild of every day from empty roll-ups (`rebuild_range`), times the middle
    day's share of the moments: the bulk path's cost for that day (the data's first and
    last local days are the edges of its time zones, a few moments each);
  - the middle day recomputed whole for every station by its marks, as beat runs a day
    marked whole (a time-zone change, a repair: `rebuild_dirty`);
  - the same day by `rebuild_range(day, day)`, as a repair or a reconciliation runs it;
  - the marks' way again with the whole-day read turned off (`WHOLE_DAY_SHARE = None`):
    the path before it, for comparison in the same run.
Each figure is the median of the runs; the ratios are of the medians.
"""

import statistics
import subprocess
import sys
import time
from pathlib import Path

RESULT = "whole-day"
GOAL = 1.3


def compare(args) -> None:
    """Run the measurement at each volume, then print the figures and the ratios."""
    results = []
    for scale in args.whole_day_scales.split(","):
        command = [
            sys.executable, str(Path(__file__).with_name("rollup_bench.py")),
            "--days", str(args.days), "--scale", scale, "--runs", str(args.runs),
            "--whole-day", "--whole-day-only",
        ]  # fmt: skip
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        print(output, end="")
        line = next(line for line in output.splitlines() if line.startswith(RESULT))
        results.append((scale, *(float(value) for value in line.split()[1:])))
    print(f"whole day against the full rebuild per day (goal: at most {GOAL}):")
    for scale, in_day, moments, per_day, marks, by_range, old in results:
        print(
            f"  x{scale}: a day of {in_day:,.0f} moments in {moments:,.0f};"
            f" rebuild {per_day:.2f} s for it;"
            f" by marks {marks:.2f} s ({_verdict(marks / per_day)}),"
            f" by range {by_range:.2f} s ({_verdict(by_range / per_day)});"
            f" the old way {old:.2f} s ({old / per_day:.2f}x)"
        )


def _verdict(ratio: float) -> str:
    return f"{ratio:.2f}x, {'met' if ratio <= GOAL else 'MISSED'}"


def measure(first, last, day, moments: int, runs: int, load) -> None:
    import rollup_bench

    from dashboards import rollup
    from touchpoints.models import Moment

    in_day = Moment.objects.filter(local_date=day).count()
    share = in_day / moments
    rebuilds, marks, ranges, olds = [], [], [], []
    for run in range(1, runs + 1):
        print(f"  run {run} of {runs}, {load()} before")
        rollup_bench._empty_roll_ups()
        rebuilds.append(_timed(lambda: rollup.rebuild_range(first, last)) * share)
        rollup_bench._check_exact(moments)
        marks.append(_timed(lambda: _by_marks(day)))
        ranges.append(_timed(lambda: rollup.rebuild_range(day, day)))
        saved, rollup.WHOLE_DAY_SHARE = rollup.WHOLE_DAY_SHARE, None
        try:
            olds.append(_timed(lambda: _by_marks(day)))
        finally:
            rollup.WHOLE_DAY_SHARE = saved
        rollup_bench._check_exact(moments)
        print(
            f"    rebuild {rebuilds[-1]:.2f} s for the day; by marks {marks[-1]:.2f} s,"
            f" by range {ranges[-1]:.2f} s, the old way {olds[-1]:.2f} s; {load()} after"
        )
    figures = [statistics.median(times) for times in (rebuilds, marks, ranges, olds)]
    per_day, by_marks, by_range, old = figures
    print(
        f"  {day} ({in_day:,} of {moments:,} moments), medians of {runs}: rebuild"
        f" {per_day:.2f} s for the day; by marks {by_marks:.2f} s ({by_marks / per_day:.2f}x),"
        f" by range {by_range:.2f} s ({by_range / per_day:.2f}x), the old way {old:.2f} s"
        f" ({old / per_day:.2f}x); goal at most {GOAL}x"
    )
    print(f"{RESULT} {in_day} {moments} " + " ".join(f"{figure:.4f}" for figure in figures))


def _by_marks(day) -> None:
    """Every station's bucket of `day` marked to be recomputed whole, then beat's sweep."""
    import rollup_bench

    from dashboards.rollup import rebuild_dirty

    rollup_bench._mark_day_dirty(day)
    rebuild_dirty()


def _timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started

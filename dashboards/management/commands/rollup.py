"""`manage.py rollup --since … --until … [--location …]`: rebuild roll-ups for a range of days.

Safe while the app is live: each chunk of days is one transaction like any beat run, and a
save that lands meanwhile stays dirty for the next run.
"""

import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count, Sum
from django.utils import timezone

from dashboards.models import DailyRollup, NeedRollup
from dashboards.rollup import RANGE_CHUNK_DAYS, rebuild_range
from touchpoints.models import Location

BAR_WIDTH = 30


class Command(BaseCommand):
    help = "Rebuild the roll-ups of a range of local days from the raw moments, answers and needs."

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", required=True, type=_day, help="First local day, YYYY-MM-DD."
        )
        parser.add_argument(
            "--until", type=_day, help="Last local day, YYYY-MM-DD (default: today)."
        )
        parser.add_argument(
            "--location",
            action="append",
            metavar="CODE",
            help="Only this location (its code, e.g. ARN); repeat for several. Default: all.",
        )
        parser.add_argument(
            "--chunk-days",
            type=int,
            default=RANGE_CHUNK_DAYS,
            help=f"Days per transaction (default {RANGE_CHUNK_DAYS}); fewer days hold each"
            " location for less time, but the whole range takes longer.",
        )

    def handle(self, *args, since, until, location, chunk_days, **options):
        locations = _locations(location)
        until = until or max((loc.today() for loc in locations), default=timezone.localdate())
        if since > until:
            raise CommandError(f"--since {since} is after --until {until}.")
        if chunk_days < 1:
            raise CommandError("--chunk-days must be at least 1.")
        ids = None if location is None else [loc.pk for loc in locations]
        bar = ProgressBar(since, until, self.stderr)
        bar.show(since - timedelta(days=1))
        started = time.perf_counter()
        rebuild_range(since, until, ids, chunk_days=chunk_days, progress=bar.show)
        seconds = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(_summary(since, until, locations, ids, seconds)))


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not a day; write it as YYYY-MM-DD.") from None


def _locations(codes: list[str] | None) -> list[Location]:
    if codes is None:
        return list(Location.objects.all())
    found = {loc.code.upper(): loc for loc in Location.objects.all()}
    unknown = [code for code in codes if code.upper() not in found]
    if unknown:
        known = ", ".join(sorted(found)) or "none yet"
        raise CommandError(f"Unknown location {', '.join(unknown)}; known codes: {known}.")
    return [found[code.upper()] for code in codes]


def _summary(since, until, locations, ids, seconds: float) -> str:
    rollups = DailyRollup.objects.filter(local_date__range=(since, until))
    needs = NeedRollup.objects.filter(local_date__range=(since, until))
    if ids is not None:
        rollups, needs = rollups.filter(location__in=ids), needs.filter(location__in=ids)
    totals = rollups.aggregate(rows=Count("pk"), moments=Sum("moments"), answers=Sum("answers"))
    raised = needs.aggregate(raised=Sum("raised"))["raised"] or 0
    days = (until - since).days + 1
    return (
        f"Rebuilt {_count(days, 'day')} × {_count(len(locations), 'location')}"
        f" ({since} to {until}) in {seconds:.1f} s: {_count(totals['moments'] or 0, 'moment')},"
        f" {_count(totals['answers'] or 0, 'answer')}, {_count(raised, 'need')},"
        f" {_count(totals['rows'], 'roll-up row')}."
    )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'s' * (number != 1)}"


class ProgressBar:
    """A bar redrawn in place on a terminal; one line per chunk when stderr is a file."""

    def __init__(self, since: date, until: date, stream) -> None:
        self.since, self.total = since, (until - since).days + 1
        self.stream = stream
        self.started = time.perf_counter()
        self.in_place = stream.isatty()

    def show(self, done_until: date) -> None:
        done = (done_until - self.since).days + 1
        filled = BAR_WIDTH * done // self.total
        seconds = time.perf_counter() - self.started
        up_to = f" up to {done_until}," if done else ""
        line = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done}/{self.total} days,{up_to}"
        line += f" {seconds:.1f} s"
        if self.in_place:
            end = "\n" if done == self.total else ""
            self.stream.write(f"\r{line}", ending=end)
            self.stream.flush()
        else:
            self.stream.write(line)

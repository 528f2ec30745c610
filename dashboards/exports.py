"""CSV exports of the figures and of the raw moments behind a dashboard view.

Customers write comments and staff write notes, so any text cell may start with `=`, `+`,
`-` or `@` and be run as a formula when the file is opened in a spreadsheet. Such cells
are prefixed with an apostrophe, which spreadsheets show as plain text.
"""

import csv
from collections.abc import Iterable, Iterator

from touchpoints.models import Moment

from . import figures
from .filters import Selection
from .metrics import Figures
from .rollup import COUNTED_COLUMNS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


def safe_cell(value) -> object:
    """A value as a spreadsheet will read it: text that looks like a formula is neutralised."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow([safe_cell(value) for value in row])


def _rounded(value: float | None) -> object:
    return "" if value is None else round(value, 1)


FIGURE_HEADER = [
    "section", "name", "moments", "csat_pct", "csat_answers", "nps", "nps_answers",
    "effort", "resolved_on_spot_pct", "recovery_rate_pct", "hours_to_recover",
    "staff_good_customer_low", "staff_bad_customer_high",
]  # fmt: skip


def _figure_row(section: str, name: str, f: Figures) -> list:
    return [
        section, name, f.moments, _rounded(f.csat), f.csat_answers, _rounded(f.nps),
        f.nps_answers, _rounded(f.effort), _rounded(f.resolved_pct), _rounded(f.recovery_rate),
        _rounded(f.hours_to_recover), f.gap_staff_good_customer_low,
        f.gap_staff_bad_customer_high,
    ]  # fmt: skip


def figure_rows(selection: Selection) -> Iterator[list]:
    """The dashboard's figures for the current filters: period, journey, teams and days."""
    overview = figures.overview(selection, COUNTED_COLUMNS)
    breakdown = figures.breakdown(selection)
    yield FIGURE_HEADER
    yield _figure_row("period", selection.period_label, overview.current)
    yield _figure_row("previous period", "same length before", overview.previous)
    for row in breakdown.journey():
        yield _figure_row("touchpoint type", str(row.subject), row.figures)
    for row in breakdown.by_team():
        yield _figure_row("team", str(row.subject), row.figures)
    for day, f in zip(overview.days, overview.daily, strict=True):
        yield _figure_row("day", day.isoformat(), f)


MOMENT_HEADER = [
    "occurred_at", "local_date", "location", "team", "stage", "touchpoint_type", "channel",
    "staff_outcome", "resolved_on_spot", "note", "invited",
    "csat", "nps", "effort", "customer_comment",
]  # fmt: skip
MOMENT_COLUMNS = [
    "occurred_at", "local_date", "location__code", "team__name", "touchpoint_type__stage__name",
    "touchpoint_type__name", "channel", "outcome", "resolved_on_spot", "note",
    "invitation__id", "invitation__answer__csat", "invitation__answer__nps",
    "invitation__answer__effort", "invitation__answer__comment",
]  # fmt: skip


def moment_rows(selection: Selection) -> Iterator[list]:
    """Every moment of the period under the filters, one row each, streamed in chunks."""
    yield MOMENT_HEADER
    moments = (
        Moment.objects.filter(selection.q() & selection.window.q(0))
        .order_by("occurred_at", "pk")
        .values_list(*MOMENT_COLUMNS)
    )
    for row in moments.iterator(chunk_size=CHUNK):
        row = list(row)
        row[0] = row[0].isoformat()
        row[10] = "yes" if row[10] else "no"
        yield row

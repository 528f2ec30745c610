"""Exports of the figures and of the raw moments behind a dashboard view: the rows, the
words that describe them, and the CSV writing (the XLSX writing is in `workbook`).

Rows hold typed values (numbers, dates, booleans) and labels, with codes in their own
columns, so one row shape serves both formats. Times are the clock at the moment's
location, with the zone named in its own column.

Customers write comments and staff write notes, so any text cell may start with `=`, `+`,
`-` or `@` and be run as a formula when the file is opened in a spreadsheet. In the CSV
such cells are prefixed with an apostrophe, which spreadsheets show as plain text. The CSV
starts with a UTF-8 byte-order mark, without which Excel reads "hjälp" as "hjÃ¤lp".
"""

import csv
from collections.abc import Iterable, Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from touchpoints.models import Channel, Moment, Outcome, Remedy

from . import figure_cache, remedy_figures
from .filters import Selection
from .metrics import Figures
from .remedy_figures import Cells

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000
BYTE_ORDER_MARK = "\ufeff"


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


def csv_cell(value) -> object:
    """A typed value as CSV text: yes/no for booleans, ISO 8601 for times (with offset)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return safe_cell(value)


def csv_lines(rows: Iterable[Iterable]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield BYTE_ORDER_MARK
    for row in rows:
        yield writer.writerow([csv_cell(value) for value in row])


def local_time(instant: datetime, zone: str) -> datetime:
    """An instant as the clock showed it at a location; exports name `zone` beside it."""
    return timezone.localtime(instant, ZoneInfo(zone))


def _rounded(value: float | None) -> object:
    return "" if value is None else round(value, 1)


# Each rate as four columns: its value, how many answers (or moments) it rests on, and its
# 95 % interval (docs/metrics.md, "How sure is a figure?"). (value column, n column, rate)
RATE_COLUMNS = [
    ("csat_pct", "csat_answers", "csat"),
    ("nps", "nps_answers", "nps"),
    ("effort", "effort_answers", "effort"),
    ("resolved_on_spot_pct", "resolved_moments", "resolved_pct"),
    ("recovery_rate_pct", "low_answers", "recovery_rate"),
]
FIGURE_HEADER = [
    "section", "name", "moments",
    *(column for value, n, _ in RATE_COLUMNS
      for column in (value, n, f"{value}_lower", f"{value}_upper")),
    "hours_to_recover", "staff_good_customer_low", "staff_bad_customer_high",
    "remedies", "remedy_cost", "remedy_currency",
]  # fmt: skip


def _figure_row(section: str, name: str, f: Figures, remedies: Cells | None = None) -> list:
    rates = [
        cell
        for _, _, rate in RATE_COLUMNS
        for e in [f.estimates[rate]]
        for cell in (_rounded(e.value), e.n, _rounded(e.lower), _rounded(e.upper))
    ]
    return [
        section, name, f.moments, *rates, _rounded(f.hours_to_recover),
        f.gap_staff_good_customer_low, f.gap_staff_bad_customer_high,
        *(remedies or Cells()).row(),
    ]  # fmt: skip


def figure_rows(selection: Selection) -> Iterator[list]:
    """The dashboard's figures for the current filters: period, journey, teams and days."""
    overview, breakdown = figure_cache.overview_and_breakdown(selection)
    window = selection.window
    now, before = window.q(0), window.q(1)
    period = remedy_figures.export_cells(selection, None, now)
    previous = remedy_figures.export_cells(selection, None, before)
    by_type = remedy_figures.export_cells(selection, "touchpoint_type", now)
    by_team = remedy_figures.export_cells(selection, "team", now)
    by_day = remedy_figures.export_cells(selection, "local_date", window.q(0, window.series_days))
    yield FIGURE_HEADER
    yield _figure_row("period", selection.period_label, overview.current, period.get(None))
    yield _figure_row(
        "previous period", "same length before", overview.previous, previous.get(None)
    )
    for row in breakdown.journey():
        yield _figure_row(
            "touchpoint type", str(row.subject), row.figures, by_type.get(row.subject.pk)
        )
    for row in breakdown.by_team():
        yield _figure_row("team", str(row.subject), row.figures, by_team.get(row.subject.pk))
    for day, f in zip(overview.days, overview.daily, strict=True):
        yield _figure_row("day", day, f, by_day.get(day))


MOMENT_HEADER = [
    "occurred_at", "time_zone", "local_date", "location", "location_code", "team", "stage",
    "touchpoint_type", "channel", "channel_code", "staff_outcome", "staff_outcome_score",
    "resolved_on_spot", "note", "invited", "csat", "nps", "effort",
    "customer_comment", "remedies", "remedy_cost", "remedy_currency",
]  # fmt: skip
MOMENT_COLUMNS = [
    "occurred_at", "location__timezone", "local_date", "location__name", "location__code",
    "team__name", "touchpoint_type__stage__name", "touchpoint_type__name", "channel", "outcome",
    "resolved_on_spot", "note", "invitation__id",
    "invitation__answer__csat", "invitation__answer__nps", "invitation__answer__effort",
    "invitation__answer__comment", "remedy_count", "remedy_cost", "location__currency",
]  # fmt: skip
CHANNELS = dict(Channel.choices)
OUTCOMES = dict(Outcome.choices)


def moment_rows(selection: Selection) -> Iterator[list]:
    """Every moment of the period under the filters, one row each, streamed in chunks."""
    yield MOMENT_HEADER
    moments = (
        Moment.objects.filter(selection.q() & selection.window.q(0))
        .annotate(**_remedies_of_each())
        .order_by("occurred_at", "pk")
        .values_list(*MOMENT_COLUMNS)
    )
    for row in moments.iterator(chunk_size=CHUNK):
        (occurred_at, zone, local_date, location, code, team, stage, touchpoint_type,
         channel, outcome, resolved, note, invitation, csat, nps, effort,
         comment, remedies, cost, currency) = row  # fmt: skip
        yield [
            local_time(occurred_at, zone), zone, local_date, location, code, team, stage,
            touchpoint_type, CHANNELS.get(channel, channel), channel,
            OUTCOMES.get(outcome, outcome), outcome, resolved, note,
            invitation is not None, csat, nps, effort, comment,
            remedies, cost or 0, currency if remedies else "",
        ]  # fmt: skip


# The XLSX is for people, so its column heads are in the reader's language; the CSV is for
# tools and keeps the names above, which are a contract (docs/metrics.md).
def _remedies_of_each() -> dict:
    """Each moment's remedies, counted and summed in a subquery (a join would repeat rows)."""
    mine = Remedy.objects.filter(moment=OuterRef("pk")).order_by().values("moment")
    return {
        "remedy_count": Coalesce(Subquery(mine.annotate(n=Count("*")).values("n")), 0),
        "remedy_cost": Subquery(mine.annotate(total=Sum("amount")).values("total")),
    }


HEADER_LABELS = {
    "section": _("Section"), "name": _("Name"), "moments": _("Moments"),
    "csat_pct": _("CSAT %"), "csat_answers": _("CSAT answers"), "nps": _("NPS"),
    "nps_answers": _("NPS answers"), "effort": _("Effort (1–7)"),
    "effort_answers": _("Effort answers"), "resolved_on_spot_pct": _("Resolved on the spot %"),
    "resolved_moments": _("Moments with resolution recorded"),
    "recovery_rate_pct": _("Recovery rate %"), "low_answers": _("Low answers"),
    "hours_to_recover": _("Hours to recover"),
    "staff_good_customer_low": _("Staff good, customer low"),
    "staff_bad_customer_high": _("Staff bad, customer high"), "occurred_at": _("Time"),
    "time_zone": _("Time zone"), "local_date": _("Local date"), "location": _("Location"),
    "location_code": _("Location code"), "team": _("Team"), "stage": _("Journey stage"),
    "touchpoint_type": _("Touchpoint"), "channel": _("Channel"),
    "channel_code": _("Channel code"), "staff_outcome": _("Staff's view"),
    "staff_outcome_score": _("Staff's view (1–5)"), "resolved_on_spot": _("Resolved on the spot"),
    "note": _("Note"), "invited": _("Invited"), "csat": _("CSAT (1–5)"),
    "customer_comment": _("Customer's comment"), "remedies": _("Remedies"),
    "remedy_cost": _("Remedy cost"), "remedy_currency": _("Remedy currency"),
}  # fmt: skip
BOUNDS = {
    "_lower": _("%(figure)s, lower end of 95 %% interval"),
    "_upper": _("%(figure)s, upper end of 95 %% interval"),
}
# The figures' sections and the previous period's name, as the XLSX writes them.
SECTION_LABELS = {
    "period": _("period"), "previous period": _("previous period"),
    "same length before": _("same length before"), "touchpoint type": _("touchpoint type"),
    "team": _("team"), "day": _("day"),
}  # fmt: skip


def column_label(name: str) -> str:
    """A column's name as a person reads it, in their language: `csat_pct` is "CSAT %"."""
    for suffix, words in BOUNDS.items():
        if name.endswith(suffix):
            return words % {"figure": column_label(name.removesuffix(suffix))}
    label = HEADER_LABELS.get(name)
    return str(label) if label else name.replace("_", " ").capitalize()


def readable_figure_rows(rows: Iterable[list]) -> Iterator[list]:
    """`figure_rows` with their section words in the reader's language, for the XLSX."""
    for row in rows:
        section, name, *rest = row
        yield [str(SECTION_LABELS.get(section, section)),
               str(SECTION_LABELS[name]) if name in SECTION_LABELS else name, *rest]  # fmt: skip


def description(selection: Selection, what: str) -> list[tuple[str, object]]:
    """What an export holds: its filters and period, for the file's first sheet."""
    everything = _("All") if selection.scope.everything else _("All of yours")

    def chosen(value) -> str:
        return str(value) if value else str(everything)

    return [
        (gettext("Export"), what),
        (gettext("Period"), selection.period_label),
        (gettext("First day"), selection.window.first),
        (gettext("Last day"), selection.window.last),
        (gettext("Location"), chosen(selection.location)),
        (gettext("Team"), chosen(selection.team)),
        (gettext("Journey stage"), chosen(selection.stage)),
        (gettext("Touchpoint"), chosen(selection.touchpoint_type)),
        (gettext("Channel"), str(CHANNELS.get(selection.channel, _("All")))),
        (
            gettext("Times"),
            gettext("The local time at each location; the zone is in the Time zone column"),
        ),
        (gettext("Exported (UTC)"), timezone.now().replace(tzinfo=None, microsecond=0)),
    ]

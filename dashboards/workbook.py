"""XLSX exports: typed cells, a frozen header row, and a first sheet that says what was exported.

Generic over a table given as an iterable whose first item is the header row, the same
shape the CSV export takes. Numbers, dates and booleans are written as such, so a
spreadsheet in any locale sorts and sums them; times are written as the clock showed them
(Excel has no time zones), and the exporter names the zone beside them.

Text is always written as a text cell, never as a formula, so a note that starts with `=`,
`+`, `-` or `@` is shown exactly as typed and never run; such cells also get Excel's quote
prefix, so editing one does not turn it into a formula either.

Rows are streamed through xlsxwriter's constant-memory mode: each row goes to a temporary
file as it is written, so memory stays flat whatever the number of rows, and it writes
several times faster than openpyxl's write-only mode (bench/export_memory.py). A sheet holds
at most Excel's 1,048,576 rows, so a longer table continues on a second sheet under the same
header.
"""

import re
import tempfile
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from itertools import chain
from typing import IO

from django.utils.translation import gettext
from xlsxwriter import Workbook

from .exports import FORMULA_STARTS

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_MAX_ROWS = 1_048_576
WIDEST_COLUMN = 60
# Control characters XML cannot carry; a tablet's stray one must not break the export.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class _Formats:
    """The few cell formats a workbook uses, made once per workbook."""

    def __init__(self, book: Workbook):
        self.bold = book.add_format({"bold": True})
        self.time = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
        self.day = book.add_format({"num_format": "yyyy-mm-dd"})
        self.text = book.add_format({"quote_prefix": True})


def write_xlsx(
    about: list[tuple[str, object]],
    title: str,
    table: Iterable[list],
    label: Callable[[str], str] = str,
    rows_per_sheet: int = EXCEL_MAX_ROWS - 1,
    out: IO[bytes] | None = None,
) -> IO[bytes]:
    """The workbook as an open file, at its start: a first sheet "Filters" with the `about`
    pairs (filters, period), then `table` on sheets named `title`, its header row turned
    into readable column names by `label`. Written to `out`, or to a temporary file."""
    if out is None:
        # On disk, not in memory; the response that sends it closes (and so deletes) it.
        out = tempfile.TemporaryFile()  # noqa: SIM115
    book = Workbook(out, {"constant_memory": True, "strings_to_numbers": False,
                          "strings_to_formulas": False, "strings_to_urls": False})  # fmt: skip
    formats = _Formats(book)
    _about_sheet(book, formats, about)
    rows = iter(table)
    header = [label(name) for name in next(rows)]
    first = next(rows, None)
    rows = chain([first], rows) if first is not None else iter([])
    sheet = _table_sheet(book, formats, title, header, first)
    written, sheets = 0, 1
    for row in rows:
        if written == rows_per_sheet:
            sheets += 1
            sheet = _table_sheet(book, formats, f"{title} ({sheets})", header, row)
            written = 0
        written += 1
        _write_row(sheet, formats, written, row)
    book.worksheets()[1].activate()
    book.close()
    out.seek(0)
    return out


def _about_sheet(book: Workbook, formats: _Formats, about: list[tuple[str, object]]) -> None:
    sheet = book.add_worksheet(gettext("Filters"))
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 1, 50)
    for index, (name, value) in enumerate(about):
        sheet.write_string(index, 0, name, formats.bold)
        _write(sheet, formats, index, 1, value)


def _table_sheet(book: Workbook, formats: _Formats, title: str, header: list[str], first_row):
    sheet = book.add_worksheet(title)
    sheet.freeze_panes(1, 0)
    samples = first_row or [None] * len(header)
    for index, (name, sample) in enumerate(zip(header, samples, strict=False)):
        width = max(len(name), len(str(sample or "")), 10) + 2
        sheet.set_column(index, index, min(width, WIDEST_COLUMN))
    for index, name in enumerate(header):
        sheet.write_string(0, index, name, formats.bold)
    return sheet


def _write_row(sheet, formats: _Formats, row: int, values: list) -> None:
    """A table row, the innermost loop of a big export: text and numbers, most of its cells,
    go straight to their writer by exact type, and text is searched for control characters
    only when it holds any; everything else is written by `_write`, to the same cells."""
    write_string, write_number = sheet.write_string, sheet.write_number
    for column, value in enumerate(values):
        kind = type(value)
        if kind is str:
            if value:
                if not value.isprintable():  # every control character is unprintable
                    value = ILLEGAL_CHARACTERS.sub("", value)
                quoted = formats.text if value.startswith(FORMULA_STARTS) else None
                write_string(row, column, value, quoted)
        elif kind is int or kind is float:
            write_number(row, column, value)
        elif value is not None:
            _write(sheet, formats, row, column, value)


def _write(sheet, formats: _Formats, row: int, column: int, value) -> None:
    """A value as a typed cell: nothing for None or "", text kept as text (never a formula;
    one that looks like one gets Excel's quote prefix, so editing it keeps it text)."""
    if value is None or value == "":
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, datetime):
        naive = value.replace(tzinfo=None) if value.tzinfo is not None else value
        sheet.write_datetime(row, column, naive, formats.time)
    elif isinstance(value, date):
        sheet.write_datetime(row, column, datetime(value.year, value.month, value.day), formats.day)
    elif isinstance(value, int | float | Decimal):  # money (a remedy's cost) is a Decimal
        sheet.write_number(row, column, value)
    else:
        text = ILLEGAL_CHARACTERS.sub("", str(value))
        quoted = formats.text if text.startswith(FORMULA_STARTS) else None
        sheet.write_string(row, column, text, quoted)

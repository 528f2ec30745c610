"""XLSX exports: typed cells, a frozen header row, and a first sheet that says what was exported.

Generic over a table given as an iterable whose first item is the header row, the same
shape the CSV export takes. Numbers, dates and booleans are written as such, so a
spreadsheet in any locale sorts and sums them; times are written as the clock showed them
(Excel has no time zones), and the exporter names the zone beside them.

Text is always written as a text cell, never as a formula, so a note that starts with `=`,
`+`, `-` or `@` is shown exactly as typed and never run; such cells also get Excel's quote
prefix, so editing one does not turn it into a formula either.

Rows are streamed through openpyxl's write-only mode into a temporary file, not held in
memory; a sheet holds at most Excel's 1,048,576 rows, so a longer table continues on a
second sheet under the same header.
"""

import re
import tempfile
from collections.abc import Callable, Iterable
from datetime import date, datetime
from itertools import chain
from typing import IO

from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .exports import FORMULA_STARTS

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXCEL_MAX_ROWS = 1_048_576
WIDEST_COLUMN = 60
# Control characters XML cannot carry; a tablet's stray one must not break the export.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
BOLD = Font(bold=True)


def write_xlsx(
    about: list[tuple[str, object]],
    title: str,
    table: Iterable[list],
    label: Callable[[str], str] = str,
    rows_per_sheet: int = EXCEL_MAX_ROWS - 1,
) -> IO[bytes]:
    """The workbook as an open temporary file, at its start: a first sheet "Filters" with
    the `about` pairs (filters, period), then `table` on sheets named `title`, its header
    row turned into readable column names by `label`."""
    book = Workbook(write_only=True)
    _about_sheet(book, about)
    rows = iter(table)
    header = [label(name) for name in next(rows)]
    first = next(rows, None)
    rows = chain([first], rows) if first is not None else iter([])
    sheet = _table_sheet(book, title, header, first)
    written = 0
    for row in rows:
        if written == rows_per_sheet:
            sheet = _table_sheet(book, f"{title} ({len(book.worksheets)})", header, row)
            written = 0
        sheet.append([_cell(sheet, value) for value in row])
        written += 1
    book.active = 1
    # On disk, not in memory; the response that sends it closes (and so deletes) it.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    book.save(out)
    out.seek(0)
    return out


def _about_sheet(book: Workbook, about: list[tuple[str, object]]) -> None:
    sheet = book.create_sheet(gettext("Filters"))
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 50
    for name, value in about:
        sheet.append([_bold(sheet, name), _cell(sheet, value)])


def _table_sheet(book: Workbook, title: str, header: list[str], first_row):
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    samples = first_row or [None] * len(header)
    for index, (name, sample) in enumerate(zip(header, samples, strict=False), start=1):
        width = max(len(name), len(str(sample or "")), 10) + 2
        sheet.column_dimensions[get_column_letter(index)].width = min(width, WIDEST_COLUMN)
    sheet.append([_bold(sheet, name) for name in header])
    return sheet


def _bold(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, text)
    cell.font = BOLD
    return cell


def _cell(sheet, value):
    """A value as a typed cell: empty for None or "", text kept as text."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if isinstance(value, bool | int | float | date):
        return value
    text = ILLEGAL_CHARACTERS.sub("", str(value))
    if not text.startswith(FORMULA_STARTS):
        return text
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"  # openpyxl would take a leading "=" for a formula
    cell.quotePrefix = True
    return cell

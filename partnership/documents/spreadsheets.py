"""Spreadsheets in and out: read the first sheet of a CSV or XLSX file into headings and
numbered rows, and write CSV and XLSX files whose text a spreadsheet program cannot run.

Every import (the action tracker, the dataset's figures, population and benchmarks) reads
files with :func:`read_table`, so a file is judged the same way everywhere: by its name AND
its content, within limits of size, rows and columns, with each problem said in plain words.
Every export writes with :func:`to_xlsx` or :func:`to_csv`, which neutralise any text cell a
spreadsheet program could take for a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

EXTENSIONS = ("csv", "xlsx")
MAX_ROWS = 5000  # rows in one file
MAX_COLUMNS = 100  # columns past this are not read
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an XLSX is a zip: refuse one that unpacks to more
HEADING_SEARCH_ROWS = 20  # the heading row is looked for among the first rows
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Cell = str | int | float | bool | dt.date | dt.datetime | None


class SpreadsheetError(ValueError):
    """The file as a whole cannot be used (wrong type, unreadable, empty, too big)."""


@dataclass(frozen=True)
class Row:
    """One row: its number in the spreadsheet and its cells, one per heading."""

    number: int
    values: tuple[Cell, ...]


@dataclass(frozen=True)
class Table:
    """The first sheet of a spreadsheet: its headings and its non-blank rows below them."""

    headings: list[str]
    rows: list[Row]

    def column(self, heading: str) -> int | None:
        """Return the index of a heading, or None."""
        try:
            return self.headings.index(heading)
        except ValueError:
            return None

    def sample(self, heading: str) -> str:
        """Return the first non-blank value under a heading, as text (for the mapping page)."""
        index = self.column(heading)
        if index is None:
            return ""
        for row in self.rows:
            text = display(row.values[index])
            if text:
                return text[:80]
        return ""


def extension_of(filename: str) -> str:
    """Return a file name's extension, lower-cased and without the dot ("" if none)."""
    _, dot, extension = filename.rpartition(".")
    return extension.lower() if dot else ""


def read_table(filename: str, content: bytes) -> Table:
    """Read a CSV or XLSX file's first sheet; raise SpreadsheetError saying what is wrong.

    The type is judged by the name AND the content: a workbook renamed ``.csv`` (or text
    renamed ``.xlsx``) is refused, as is anything else.
    """
    extension = extension_of(filename)
    if extension == "xls":
        raise SpreadsheetError("The file is an old Excel workbook (.xls): open it in your "
                               "spreadsheet program and save it as .xlsx or .csv")
    if extension not in EXTENSIONS:
        raise SpreadsheetError("The file must be a spreadsheet saved as .csv or .xlsx")
    if not content.strip():
        raise SpreadsheetError("The file is empty")
    raw = _xlsx_rows(content) if extension == "xlsx" else _csv_rows(content)
    return _table(raw)


def _is_workbook(content: bytes) -> bool:
    return content.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0"))


def _xlsx_rows(content: bytes) -> list[tuple[int, tuple[Cell, ...]]]:
    if not content.startswith(b"PK\x03\x04"):
        raise SpreadsheetError("The file is not an XLSX workbook, though its name ends in "
                               ".xlsx: save it from your spreadsheet program as an Excel "
                               "workbook (.xlsx) or as CSV")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise SpreadsheetError("The XLSX workbook could not be read: it may be damaged. Save "
                               "it again as .xlsx or as CSV") from error
    if unpacked > MAX_UNPACKED_BYTES:  # a small file that unpacks to gigabytes
        raise SpreadsheetError("The workbook is too large to read: save its first sheet as "
                               "CSV, or split it into smaller files")
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise SpreadsheetError("The XLSX workbook could not be read: it may be damaged or "
                               "password protected. Save it again as .xlsx or as CSV") from error
    try:
        if not workbook.worksheets:
            raise SpreadsheetError("The workbook has no sheets")
        sheet = workbook.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):
            sheet.reset_dimensions()  # some programs write a wrong size; read what is there
        rows: list[tuple[int, tuple[Cell, ...]]] = []
        try:
            for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
                values = tuple(_xlsx_value(cell) for cell in cells)
                if _keep(rows, number, values):
                    break
        except SpreadsheetError:
            raise
        except Exception as error:
            raise SpreadsheetError("The XLSX workbook could not be read: it may be damaged. "
                                   "Save it again as .xlsx or as CSV") from error
        return rows
    finally:
        workbook.close()


def _keep(rows: list[tuple[int, tuple[Cell, ...]]], number: int,
          values: tuple[Cell, ...]) -> bool:
    """Add a non-blank row; refuse a sheet with too many. True: stop reading (blank tail)."""
    if blank(values):
        # Sheets formatted down to row 1,048,576 are common: stop after a long blank stretch.
        return number - (rows[-1][0] if rows else 0) > MAX_ROWS
    if len(rows) > MAX_ROWS + HEADING_SEARCH_ROWS:
        raise SpreadsheetError(f"The spreadsheet has more than {MAX_ROWS:,} rows: split it into "
                               "smaller files and import each one")
    rows.append((number, values))
    return False


def _xlsx_value(cell: Any) -> Cell:
    value = cell.value
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, bool) or value is None or isinstance(value, str | dt.date):
        return value
    if isinstance(value, int | float):
        if "%" in (getattr(cell, "number_format", None) or ""):
            return f"{value * 100:g}%"  # a cell formatted as a percentage holds 0.5 for 50%
        return value
    return str(value)


def _csv_rows(content: bytes) -> list[tuple[int, tuple[Cell, ...]]]:
    if _is_workbook(content):
        raise SpreadsheetError("The file is an Excel workbook, though its name ends in .csv: "
                               "rename it to end in .xlsx, or save it as CSV")
    if b"\x00" in content:
        raise SpreadsheetError("The file is not a CSV file: it holds data that is not text")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise SpreadsheetError("The file could not be read as text: save it from your "
                                   "spreadsheet program as CSV UTF-8") from None
    # The separator: whichever of comma, semicolon or tab the opening lines use most.
    opening = [line for line in text.splitlines()[:HEADING_SEARCH_ROWS * 2] if line.strip()]
    delimiter = max((",", ";", "\t"),
                    key=lambda d: max((line.count(d) for line in opening), default=0))
    rows: list[tuple[int, tuple[Cell, ...]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            if _keep(rows, number, tuple(cells[:MAX_COLUMNS])):
                break
    except csv.Error as error:
        raise SpreadsheetError(f"Row {reader.line_num} of the file could not be read "
                               f"({error}): check its quotation marks") from None
    return rows


def blank(values: Iterable[Cell]) -> bool:
    """Whether every cell is empty or spaces."""
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _table(raw: list[tuple[int, tuple[Cell, ...]]]) -> Table:
    if not raw:
        raise SpreadsheetError("The spreadsheet is empty: its first sheet has no headings")
    # The heading row: the first with two or more headings (a title may sit above it).
    at = next((i for i, (_, values) in enumerate(raw[:HEADING_SEARCH_ROWS])
               if sum(not blank([v]) for v in values) >= 2), 0)
    cells = raw[at][1]
    width = max(i for i, v in enumerate(cells) if not blank([v])) + 1
    headings: list[str] = []
    for index, value in enumerate(cells[:width]):
        heading = " ".join(display(value).split()) or f"Column {get_column_letter(index + 1)}"
        unique, n = heading, 2
        while unique in headings:
            unique, n = f"{heading} ({n})", n + 1
        headings.append(unique)
    rows = [Row(number, tuple(values[:width]) + (None,) * (width - len(values)))
            for number, values in raw[at + 1:]]
    rows = [row for row in rows if not blank(row.values)]
    if len(rows) > MAX_ROWS:
        raise SpreadsheetError(f"The spreadsheet has more than {MAX_ROWS:,} rows: split it into "
                               "smaller files and import each one")
    return Table(headings=headings, rows=rows)


def display(value: Cell) -> str:
    """Show a cell as people read it: dates as 31/03/2025, 5.0 as 5."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}"
    return str(value).strip()



# --- writing a file ---------------------------------------------------------------------------


def neutralise(value: Any) -> Any:
    """Make text that a spreadsheet could run as a formula plain text (a leading apostrophe)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """Write a CSV (UTF-8 with a byte-order mark, so Excel reads it); dates as YYYY-MM-DD."""
    stream = io.StringIO(newline="")
    writer = csv.writer(stream)
    writer.writerow([neutralise(h) for h in headings])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return stream.getvalue().encode("utf-8-sig")


def _csv_cell(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if value is None:
        return ""
    return neutralise(value)


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its name, headings, rows and (optionally) column widths; with
    no widths, each column is as wide as its heading (12 to 45 characters)."""

    title: str
    headings: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()


def to_xlsx(headings: Sequence[str], rows: Iterable[Sequence[Any]],
            widths: Sequence[int] = (), title: str = "Actions") -> bytes:
    """Write a one-sheet XLSX workbook (see :func:`workbook`)."""
    return workbook([Sheet(title, headings, rows, widths)])


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """Write an XLSX workbook: on each sheet a bold, frozen header row, column widths, dates
    as dates and an autofilter; text a spreadsheet could run as a formula is neutralised."""
    book = Workbook(write_only=True)
    for each in sheets:
        _write_sheet(book, each)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _write_sheet(book: Workbook, each: Sheet) -> None:
    sheet = book.create_sheet(each.title)
    sheet.freeze_panes = "A2"
    widths = each.widths or [min(45, max(12, len(heading) + 2)) for heading in each.headings]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    header = []
    for heading in each.headings:
        cell = WriteOnlyCell(sheet, value=_xlsx_text(heading))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in each.rows:
        count += 1
        cells: list[Any] = []
        for value in row:
            if isinstance(value, dt.date):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "dd/mm/yyyy"
                cells.append(cell)
            else:
                cells.append(_xlsx_text(value))
        sheet.append(cells)
    sheet.auto_filter.ref = f"A1:{get_column_letter(max(1, len(each.headings)))}{count + 1}"


def _xlsx_text(value: Any) -> Any:
    if isinstance(value, str):
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value

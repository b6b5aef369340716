"""Schools and settings: read a spreadsheet of establishments, check every row, then add or
update them all at once (nothing is changed if any row is wrong), and list them by phase.

A spreadsheet is CSV or XLSX with the columns name, URN, phase, type and local authority, in
our words or as the national list (Get Information about Schools, GIAS) heads them. A GIAS
export has many more columns: in a file headed the GIAS way, the columns we do not use are
ignored; in any other file an unknown column is a problem to fix (it may be a typo).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import abort, current_app
from itsdangerous import BadSignature, URLSafeSerializer
from openpyxl import load_workbook
from sqlalchemy.orm import joinedload

from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.register.models import Agency, Establishment, Partnership

# The fields we keep, in order, with the words a page uses for each.
FIELDS: dict[str, str] = {"name": "Name", "urn": "URN", "phase": "Phase", "kind": "Type",
                          "local_authority": "Local authority"}
LIMITS = {"name": 200, "phase": 60, "kind": 120, "local_authority": 120}
REQUIRED = ("name", "urn")
# Column headers, compared without case, spaces or punctuation ("LA (name)" -> "laname").
OUR_HEADERS: dict[str, str] = {
    "name": "name", "establishmentname": "name", "establishment": "name",
    "urn": "urn", "uniquereferencenumber": "urn",
    "phase": "phase", "phaseofeducation": "phase",
    "type": "kind", "establishmenttype": "kind", "typeofestablishment": "kind",
    "localauthority": "local_authority", "la": "local_authority",
}
GIAS_HEADERS: dict[str, str] = {
    "establishmentname": "name", "urn": "urn", "phaseofeducationname": "phase",
    "typeofestablishmentname": "kind", "laname": "local_authority",
}
GIAS_MARK = "establishmentname"  # a GIAS export always has this column
URN_PATTERN = re.compile(r"\d{6}")
MAX_ROWS = 5000
MAX_COLUMNS = 400
NOT_STATED_PHASE = "Phase not stated"


class SpreadsheetError(DomainError):
    """The file as a whole cannot be read (wrong type, too big, no header, empty)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "spreadsheet")


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong in the file: where (row and column as a spreadsheet shows them) and why."""

    row: int | None  # None: the header or the file as a whole
    column: str
    message: str


@dataclass(frozen=True)
class EstablishmentRow:
    """One establishment as read from a row of the file."""

    row: int
    urn: str
    name: str
    phase: str = ""
    kind: str = ""
    local_authority: str = ""

    def values(self) -> dict[str, str]:
        """The fields as the model stores them."""
        return {"urn": self.urn, "name": self.name, "phase": self.phase, "kind": self.kind,
                "local_authority": self.local_authority}


@dataclass
class ReadResult:
    """What a file holds: the good rows, every problem found, and the columns left out."""

    rows: list[EstablishmentRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    gias: bool = False


class ImportRefused(DomainError):
    """The file has problems; nothing was changed. ``found`` lists every one."""

    def __init__(self, found: list[RowProblem]) -> None:
        count = len(found)
        super().__init__(f"The file has {count} problem{'s' if count != 1 else ''}: "
                         "nothing has been changed. Fix them and upload the file again",
                         "spreadsheet")
        self.found = found


@dataclass
class ImportPlan:
    """What an upload would do: establishments to add, to update, and those unchanged."""

    added: list[EstablishmentRow] = field(default_factory=list)
    updated: list[tuple[EstablishmentRow, dict[str, tuple[Any, Any]]]] = field(
        default_factory=list)
    unchanged: list[EstablishmentRow] = field(default_factory=list)
    not_in_file: int = 0

    @property
    def changes(self) -> int:
        """Count the establishments the upload adds or changes."""
        return len(self.added) + len(self.updated)


# --- reading a file -------------------------------------------------------------------------


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


def _cell_text(value: Any) -> str:
    """A cell as text, stripped: whole numbers without ".0", dates as ISO, None as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return str(value).strip()


def column_letter(index: int) -> str:
    """Name a spreadsheet column from its 0-based index: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _csv_rows(content: bytes) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # older GIAS exports
    if "\x00" in text:
        raise SpreadsheetError("The file is not a CSV file we can read: save it as CSV "
                               "(comma separated) or XLSX and upload it again")
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error:
        raise SpreadsheetError("The CSV file could not be read: save it again as CSV "
                               "(comma separated) and upload it again") from None


def _xlsx_rows(content: bytes) -> Iterator[list[Any]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise SpreadsheetError("The file is not an XLSX spreadsheet we can read: save it as "
                               "XLSX or CSV and upload it again") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield list(row)
    finally:
        workbook.close()


def spreadsheet_rows(filename: str, content: bytes) -> Iterator[list[Any]]:
    """Yield the rows of a CSV or XLSX file (the first sheet), or raise a SpreadsheetError."""
    lowered = filename.casefold()
    if lowered.endswith(".csv"):
        return _csv_rows(content)
    if lowered.endswith(".xlsx"):
        return _xlsx_rows(content)
    raise SpreadsheetError("The selected file must be a CSV or XLSX file")


def _columns(header: Sequence[Any], result: ReadResult) -> dict[str, int]:
    """Map our fields to column indexes from the header row; note every header problem."""
    names = [_cell_text(cell) for cell in header]
    keys = [_header_key(name) for name in names]
    result.gias = GIAS_MARK in keys
    known = {**OUR_HEADERS, **GIAS_HEADERS} if result.gias else OUR_HEADERS
    found: dict[str, int] = {}
    for index, (name, key) in enumerate(zip(names, keys, strict=True)):
        if not key:
            continue
        target = GIAS_HEADERS.get(key) if result.gias else known.get(key)
        if target is None and not result.gias:
            result.problems.append(RowProblem(None, f"{column_letter(index)} ({name})",
                                              f"“{name}” is not a column we know. Use name, "
                                              "URN, phase, type and local authority"))
        elif target is None:
            result.ignored_columns.append(name)
        elif target in found:
            result.problems.append(RowProblem(
                None, f"{column_letter(index)} ({name})",
                f"There is more than one {FIELDS[target]} column"))
        else:
            found[target] = index
    for required in REQUIRED:
        if required not in found:
            header_name = "EstablishmentName" if result.gias and required == "name" else (
                FIELDS[required])
            result.problems.append(RowProblem(None, FIELDS[required],
                                              f"The file has no {header_name} column"))
    return found


def _read_row(number: int, cells: Sequence[Any], columns: Mapping[str, int],
              labels: Mapping[str, str], first_seen: dict[str, int],
              result: ReadResult) -> None:
    values = {name: _cell_text(cells[index]) if index < len(cells) else ""
              for name, index in columns.items()}
    problems_before = len(result.problems)

    def problem(name: str, message: str) -> None:
        result.problems.append(RowProblem(number, labels[name], message))

    if not values.get("name"):
        problem("name", "Enter the establishment's name")
    urn = values.get("urn", "")
    if not urn:
        problem("urn", "Enter the URN")
    elif not URN_PATTERN.fullmatch(urn):
        problem("urn", f"The URN must be 6 digits, like 100000 (not “{urn[:20]}”)")
    elif urn in first_seen:
        problem("urn", f"URN {urn} is also on row {first_seen[urn]}: each establishment "
                       "once only")
    else:
        first_seen[urn] = number
    for name, limit in LIMITS.items():
        if len(values.get(name, "")) > limit:
            problem(name, f"{FIELDS[name]} must be {limit} characters or fewer")
    if len(result.problems) == problems_before:
        result.rows.append(EstablishmentRow(row=number, **{k: values.get(k, "")
                                                           for k in FIELDS}))


def read_establishments(filename: str, content: bytes) -> ReadResult:
    """Read and check every row of a spreadsheet of establishments (row 1 is the header).

    Blank rows are skipped. Problems are collected, not raised: the page lists them all.
    """
    result = ReadResult()
    numbered = enumerate(spreadsheet_rows(filename, content), start=1)
    header = next((row for _, row in numbered if any(_cell_text(cell) for cell in row)), None)
    if header is None:
        raise SpreadsheetError("The selected file is empty")
    columns = _columns(header, result)
    labels = {name: (_cell_text(header[index]) or FIELDS[name]) for name, index in
              columns.items()}
    labels.update({name: FIELDS[name] for name in FIELDS if name not in columns})
    if any(p.row is None for p in result.problems):
        return result  # the rows cannot be read as meant until the header is right
    first_seen: dict[str, int] = {}
    data_rows = 0
    for number, cells in numbered:  # numbered as the spreadsheet numbers its rows
        if not any(_cell_text(cell) for cell in cells):
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            raise SpreadsheetError(f"The file has more than {MAX_ROWS:,} establishments: "
                                   "split it into smaller files")
        _read_row(number, cells, columns, labels, first_seen, result)
    if not data_rows:
        raise SpreadsheetError("The file has a header row but no establishments")
    return result


# --- adding and updating ----------------------------------------------------------------------


def existing_by_urn(partnership: Partnership) -> dict[str, Establishment]:
    """The partnership's establishments, by URN (one query)."""
    return {e.urn: e for e in db.session.scalars(
        sa.select(Establishment).where(Establishment.partnership_id == partnership.id))}


def plan_import(partnership: Partnership, rows: Iterable[EstablishmentRow],
                group: Agency | None) -> ImportPlan:
    """Say what an upload would add, update (field by field) and leave unchanged."""
    existing = existing_by_urn(partnership)
    plan = ImportPlan()
    seen = set()
    for row in rows:
        seen.add(row.urn)
        current = existing.get(row.urn)
        if current is None:
            plan.added.append(row)
            continue
        wanted = {**row.values(), "agency_id": group.id if group else None}
        changes = {name: (getattr(current, name), value) for name, value in wanted.items()
                   if getattr(current, name) != value}
        if changes:
            plan.updated.append((row, changes))
        else:
            plan.unchanged.append(row)
    plan.not_in_file = len(set(existing) - seen)
    return plan


def check_group(partnership: Partnership, group: Agency | None) -> None:
    """Refuse a group that is not one of this partnership's groups of agencies."""
    if group is not None and (group.partnership_id != partnership.id or not group.is_group):
        raise DomainError("Select a group of agencies in this partnership", "group")


def checked_upload(partnership: Partnership, filename: str, content: bytes,
                   group: Agency | None) -> tuple[ReadResult, ImportPlan]:
    """Read a file and plan its import, or raise ImportRefused listing every problem."""
    check_group(partnership, group)
    result = read_establishments(filename, content)
    if result.problems:
        raise ImportRefused(result.problems)
    return result, plan_import(partnership, result.rows, group)


def import_establishments(partnership: Partnership, rows: Sequence[EstablishmentRow],
                          group: Agency | None) -> ImportPlan:
    """Add new establishments and update known ones (by URN), all or none; say what changed.

    The caller reads and checks the rows first (``checked_upload``): this only writes.
    """
    check_group(partnership, group)
    existing = existing_by_urn(partnership)
    plan = plan_import(partnership, rows, group)
    for row in plan.added:
        db.session.add(Establishment(partnership=partnership, agency=group, **row.values()))
    for row, changes in plan.updated:
        record = existing[row.urn]
        for name, (_old, new) in changes.items():
            setattr(record, name, new)
    db.session.flush()
    return plan


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt="establishment-upload")


def seal_upload(rows: Iterable[EstablishmentRow], group: Agency | None) -> str:
    """Carry checked rows and the chosen group from the preview to the confirmation, signed
    (so the confirmation writes what the preview showed; the rows are checked again too)."""
    return str(_serializer().dumps({"group": group.id if group else None,
                                    "rows": [[row.row, *row.values().values()]
                                             for row in rows]}))


def open_upload(token: str) -> tuple[int | None, list[EstablishmentRow]]:
    """Read what ``seal_upload`` carried, or raise a DomainError if it was altered."""
    try:
        data = _serializer().loads(token)
        rows = [EstablishmentRow(int(item[0]), *(str(v) for v in item[1:1 + len(FIELDS)]))
                for item in data["rows"]]
        group = data["group"]
    except (BadSignature, KeyError, TypeError, ValueError, IndexError):
        raise DomainError("The checked file could not be read back: upload it again",
                          "spreadsheet") from None
    return (int(group) if group is not None else None), rows


def recheck(rows: Sequence[EstablishmentRow]) -> None:
    """Check carried rows again with the same rules as a file, refusing if any fails."""
    result = ReadResult()
    first_seen: dict[str, int] = {}
    columns = {name: index for index, name in enumerate(FIELDS)}
    for row in rows:
        _read_row(row.row, [getattr(row, name) for name in FIELDS], columns, FIELDS,
                  first_seen, result)
    if result.problems:
        raise ImportRefused(result.problems)


# --- listing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhaseCount:
    """How many establishments a phase has."""

    phase: str
    count: int

    @property
    def label(self) -> str:
        """The phase as a page shows it."""
        return self.phase or NOT_STATED_PHASE


def phase_counts(partnership: Partnership, group: Agency | None = None) -> list[PhaseCount]:
    """Count the partnership's establishments per phase, in one aggregate query."""
    query = (sa.select(Establishment.phase, sa.func.count(Establishment.id))
             .where(Establishment.partnership_id == partnership.id)
             .group_by(Establishment.phase).order_by(Establishment.phase))
    if group is not None:
        query = query.where(Establishment.agency_id == group.id)
    counts = [PhaseCount(phase, count) for phase, count in db.session.execute(query)]
    # "Phase not stated" last, the others in alphabetical order.
    return sorted(counts, key=lambda c: (c.phase == "", c.phase))


def establishments_page(partnership: Partnership, *, page: int, per_page: int,
                        phase: str | None = None, group: Agency | None = None) -> Any:
    """One page of the partnership's establishments, by phase then name (with their group)."""
    query = (sa.select(Establishment)
             .where(Establishment.partnership_id == partnership.id)
             .options(joinedload(Establishment.agency))
             .order_by(Establishment.phase == "", Establishment.phase, Establishment.name,
                       Establishment.urn))
    if phase is not None:
        query = query.where(Establishment.phase == phase)
    if group is not None:
        query = query.where(Establishment.agency_id == group.id)
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def group_or_404(partnership: Partnership, group_id: int) -> Agency:
    """Return one of the partnership's groups of agencies, or answer 404."""
    group = db.session.get(Agency, group_id)
    if group is None or group.partnership_id != partnership.id or not group.is_group:
        abort(404)
    return group


def groups_of(partnership: Partnership) -> list[Agency]:
    """The partnership's groups of agencies, which establishments may be listed under."""
    return [a for a in partnership.agencies if a.is_group]

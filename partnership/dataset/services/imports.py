"""Spreadsheets into the dataset: figures (one a row, long format), and benchmark releases
(our own layout, or the Department for Education's published "tidy" data files).

Every row is checked before anything is saved; any problem refuses the whole file, each
problem named by its row and column heading. Files are read with the shared
``documents.spreadsheets.read_table``, so they are judged as every other import judges them.

Figures go through three steps: :func:`check_values` reads and checks a file and says, per
indicator, what is new, corrected or unchanged; :func:`seal`/:func:`unseal` carry the checked
rows to the confirmation (signed, with the state each saved value had when checked); and
:func:`apply_values` saves them all in one transaction, refusing if anything changed since.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.exc import IntegrityError

from partnership import clock
from partnership.accounts.models import User
from partnership.audit.services import record_event
from partnership.dataset.categories import categories, category_label, read_category
from partnership.dataset.models import (
    Benchmark,
    BenchmarkRelease,
    Comparator,
    DatasetSettings,
    Dimension,
    Frequency,
    Indicator,
    IndicatorValue,
    Population,
    Subject,
    Unit,
    ValueStatus,
    breakdown_label,
)
from partnership.dataset.periods import (
    Period,
    PeriodUnreadable,
    parse_period,
    period_of,
    year_end_period,
)
from partnership.dataset.services.values import (
    TOTAL,
    Key,
    Saved,
    check_figure,
    put_value,
    split_rows,
    split_sum_problem,
)
from partnership.documents.spreadsheets import (
    Cell,
    SpreadsheetError,
    Table,
    display,
    read_table,
    to_xlsx,
)
from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.kernel.identifiers import identifier_problems
from partnership.policy import can
from partnership.register.models import Partnership

SUPPRESSED = {"c", "x", "z", "..", ":", "u", "low", "k", "*", "-"}  # published "no figure"
NOTE_LIMIT = 300


class ImportRefused(DomainError):
    """A file with problems: nothing was saved."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"The file has {len(problems)} problem"
                         f"{'' if len(problems) == 1 else 's'}: nothing was imported",
                         "spreadsheet")
        self.file_problems = list(problems)


class ChangedSinceChecked(DomainError):
    """Figures saved between the check and the confirmation (another click, or person)."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where, and why, in plain words."""

    row: int | None
    heading: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return f"{self.heading}: {self.message}" if self.heading else self.message
        return f"Row {self.row}, {self.heading}: {self.message}"


# --- headings, matched leniently ---------------------------------------------------------------


VALUE_HEADINGS: dict[str, tuple[str, ...]] = {
    "indicator": ("indicator reference", "indicator ref", "indicator", "reference", "ref",
                  "indicator code", "code", "measure", "measure reference"),
    "period": ("period", "time period", "quarter", "month", "year", "reporting period"),
    "breakdown": ("breakdown", "disaggregation", "split", "split by", "breakdown by",
                  "dimension", "characteristic type"),
    "category": ("category", "group", "characteristic", "breakdown category"),
    "value": ("value", "number", "count", "figure", "numerator", "amount"),
    "denominator": ("denominator", "out of", "base", "total for percentage"),
    "status": ("status", "value status", "validation status"),
    "note": ("note", "notes", "caveat", "comment", "comments"),
}
VALUE_LABELS = {"indicator": "Indicator reference", "period": "Period",
                "breakdown": "Breakdown", "category": "Category", "value": "Value",
                "denominator": "Denominator", "status": "Status", "note": "Note"}
REQUIRED = ("indicator", "period", "value")


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def missing_columns(headings: Sequence[str], columns: dict[str, str],
                    labels: dict[str, str], required: Iterable[str], how: str) -> Problem | None:
    """Say which required columns a file lacks, with its headings and ``how`` to name them."""
    missing = [labels[name] for name in required if name not in columns]
    if not missing:
        return None
    return Problem(None, "", f"The file has no {' or '.join(missing)} column. Its headings "
                             f"are: {', '.join(headings)}. {how}")


def match_headings(headings: Sequence[str],
                   wanted: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Match a file's headings to our columns by name or a common synonym (case, spacing
    and punctuation ignored); each heading fills at most one column."""
    free = {_key(h): h for h in reversed(headings)}
    found: dict[str, str] = {}
    for name, synonyms in wanted.items():
        for synonym in synonyms:
            heading = free.pop(_key(synonym), None)
            if heading is not None:
                found[name] = heading
                break
    return found


# --- reading cells -----------------------------------------------------------------------------


class _Bad(ValueError):
    """A cell that cannot be used; the message says why."""


def _quote(value: Cell) -> str:
    text = display(value)
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def read_number(value: Cell) -> Decimal | None:
    """Read a figure: a number, or text of one (commas allowed); None when blank."""
    if isinstance(value, bool):
        raise _Bad(f"{_quote(value)} is not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)).normalize() if value != int(value) else Decimal(int(value))
    text = display(value).replace(",", "").strip()
    if not text:
        return None
    if text.lower() in SUPPRESSED or text.startswith("<"):
        raise _Bad(f"{_quote(value)} is not a figure: enter the actual number (small numbers "
                   "are hidden in anything published)")
    if text.endswith("%"):
        raise _Bad(f"{_quote(value)} is a percentage: enter the number counted here and the "
                   "number it is out of as the Denominator (the percentage is worked out)")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _Bad(f"{_quote(value)} is not a number") from None
    if not number.is_finite():
        raise _Bad(f"{_quote(value)} is not a number")
    return number


def _period_text(value: Cell) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return display(value)


def read_status(value: Cell) -> ValueStatus:
    """Read a status by its name; blank is provisional."""
    text = display(value).strip().lower()
    if not text:
        return ValueStatus.PROVISIONAL
    for status in ValueStatus:
        if text in (status.value, status.label.lower()):
            return status
    raise _Bad(f"{_quote(value)} is not a status: use Provisional or Validated")


# --- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueRow:
    """One checked row of figures."""

    row: int
    indicator_id: int
    period_start: dt.date
    dimension: Dimension
    subject: Subject
    category: str
    number: Decimal
    denominator: Decimal | None
    status: ValueStatus
    note: str

    @property
    def key(self) -> Key:
        """Its place in the period."""
        return (self.dimension, self.subject, self.category)

    @property
    def place(self) -> str:
        """Its place in the dataset, as the sealed file names it."""
        return (f"{self.indicator_id}/{self.period_start.isoformat()}/{self.dimension.value}/"
                f"{self.subject.value}/{self.category}")


@dataclass
class IndicatorSummary:
    """What a file does to one indicator's figures."""

    indicator: Indicator
    periods: set[dt.date] = field(default_factory=set)
    new: int = 0
    corrected: int = 0
    unchanged: int = 0
    unapproved: int = 0  # approved figures that will need approving again

    def period_labels(self, year_start_month: int) -> str:
        """Say which periods the file covers."""
        ordered = sorted(self.periods)
        labels = [Period(start, self.indicator.frequency, year_start_month).label
                  for start in ordered]
        return labels[0] if len(labels) == 1 else f"{labels[0]} to {labels[-1]} ({len(labels)})"


@dataclass
class CheckedValues:
    """A file of figures, checked: its rows, its problems, and what it would change."""

    rows: list[ValueRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    summaries: dict[int, IndicatorSummary] = field(default_factory=dict)
    states: dict[str, int] = field(default_factory=dict)  # a saved value's place -> version

    @property
    def ok(self) -> bool:
        """Every row can be imported, and there is at least one."""
        return not self.problems and bool(self.rows)

    @property
    def bad_rows(self) -> list[int]:
        """The rows with a problem."""
        return sorted({p.row for p in self.problems if p.row is not None})


def indicators_of(partnership: Partnership) -> list[Indicator]:
    """The partnership's indicators, in library order."""
    return list(db.session.scalars(
        sa.select(Indicator).where(Indicator.partnership_id == partnership.id)
        .order_by(Indicator.position, Indicator.reference, Indicator.id)))


def may_enter(user: Any, indicator: Indicator) -> bool:
    """Whether the user may enter the indicator's figures (None: the command line, which
    does the service's own work)."""
    return user is None or can(user, "enter", indicator)


def enterable(partnership: Partnership, user: Any) -> list[Indicator]:
    """The current indicators this user may enter figures for."""
    return [i for i in indicators_of(partnership) if not i.retired and may_enter(user, i)]


def _breakdown_of(indicator: Indicator, text: str) -> tuple[Dimension, Subject] | None:
    """The indicator's breakdown a spreadsheet's words name ('Sex', 'Ethnicity of victims')."""
    words = _key(text)
    for breakdown in indicator.breakdowns:
        names = {_key(breakdown.label), _key(breakdown.dimension.value)}
        if breakdown.subject is not Subject.CHILDREN:
            names.add(_key(f"{breakdown.dimension.value} {breakdown.subject.value}"))
            names.add(_key(f"{breakdown.subject.value} {breakdown.dimension.label}"))
            names.add(_key(f"{breakdown.subject.value} by {breakdown.dimension.label}"))
        if words in names:
            return breakdown.dimension, breakdown.subject
    # The dimension alone names it when the indicator has it for one subject only.
    alone = [b for b in indicator.breakdowns
             if words in (_key(b.dimension.label), _key(b.dimension.value))]
    if len(alone) == 1:
        return alone[0].dimension, alone[0].subject
    return None


def check_values(partnership: Partnership, user: Any, filename: str,
                 content: bytes) -> CheckedValues:
    """Read and check every row of a file of figures (nothing is saved)."""
    try:
        table = read_table(filename, content)
    except SpreadsheetError as problem:
        raise DomainError(str(problem), "spreadsheet") from None
    return check_table(partnership, user, table)


def check_table(partnership: Partnership, user: Any, table: Table) -> CheckedValues:
    """Check every row of a table of figures against the library and the rules."""
    result = CheckedValues()
    columns = match_headings(table.headings, VALUE_HEADINGS)
    missing = missing_columns(table.headings, columns, VALUE_LABELS, REQUIRED, (
        "Name the columns Indicator reference, Period, Breakdown, Category, Value, "
        "Denominator, Status and Note (the template has them)"))
    if missing:
        result.problems.append(missing)
        return result
    index = {name: table.headings.index(heading) for name, heading in columns.items()}
    heading = {name: columns.get(name, VALUE_LABELS[name]) for name in VALUE_LABELS}
    library = {_key(i.reference): i for i in indicators_of(partnership)}
    month = partnership.year_start_month
    today = clock.today()
    seen: dict[tuple[int, dt.date, Key], int] = {}

    def cell(row_values: tuple[Cell, ...], name: str) -> Cell:
        at = index.get(name)
        return row_values[at] if at is not None else None

    for row in table.rows:
        problems: list[Problem] = []

        def bad(name: str, message: str, row: int = row.number,
                problems: list[Problem] = problems) -> None:
            problems.append(Problem(row, heading[name], message))

        values = row.values
        if not display(cell(values, "value")) and not display(cell(values, "denominator")):
            result.skipped.append(row.number)  # a template row left blank: nothing reported
            continue
        reference = display(cell(values, "indicator"))
        indicator = library.get(_key(reference)) if reference else None
        if not reference:
            bad("indicator", "enter the indicator's reference, such as CP2")
        elif indicator is None:
            bad("indicator", f"there is no indicator {_quote(reference)} in the "
                             f"{partnership.name} dataset")
        elif indicator.retired:
            bad("indicator", f"{indicator.reference} is no longer collected")
            indicator = None
        elif not may_enter(user, indicator):
            agency = indicator.source_agency.name if indicator.source_agency else "the team"
            bad("indicator", f"you may enter only your own agency's figures: "
                             f"{indicator.reference} comes from {agency}")
            indicator = None
        period: Period | None = None
        if indicator is not None:
            period_text = _period_text(cell(values, "period"))
            if not period_text:
                bad("period", "enter the period, such as Q1 2025-26")
            else:
                try:
                    period = parse_period(period_text, indicator.frequency, month)
                except PeriodUnreadable as expected:
                    bad("period", f"{_quote(period_text)} is not a period of "
                                  f"{indicator.reference}: it is reported "
                                  f"{indicator.frequency.label.lower()}, so use {expected}")
                else:
                    if period.start > today:
                        bad("period", f"{period.label} has not started yet")
                        period = None
        key: Key | None = TOTAL
        if indicator is not None:
            key = _row_key(indicator, cell(values, "breakdown"), cell(values, "category"),
                           bad)
        number = denominator = None
        status = ValueStatus.PROVISIONAL
        if indicator is not None:
            number, denominator = _row_figures(indicator, key, cell(values, "value"),
                                               cell(values, "denominator"), bad)
        try:
            status = read_status(cell(values, "status"))
        except _Bad as wrong:
            bad("status", str(wrong))
        note = display(cell(values, "note"))
        if len(note) > NOTE_LIMIT:
            bad("note", f"the note is {len(note)} characters long: it must be {NOTE_LIMIT} "
                        "or fewer")
        elif note and key is not None and key != TOTAL:
            bad("note", "put a note on the total row only")
        for problem in identifier_problems(note):
            bad("note", problem.replace(
                "Case records hold a pseudonymous reference only, never a child's or "
                "family member's details.", "The dataset holds counts, never a child's "
                "or family member's details."))
        if (indicator is not None and period is not None and key is not None
                and number is not None):
            place = (indicator.id, period.start, key)
            if place in seen:
                bad("value", f"row {seen[place]} already gives this figure "
                             f"({indicator.reference}, {period.label}"
                             f"{', ' + _key_words(key) if key != TOTAL else ''})")
            else:
                seen[place] = row.number
        result.problems.extend(problems)
        if problems or indicator is None or period is None or key is None or number is None:
            continue
        result.rows.append(ValueRow(row.number, indicator.id, period.start, key[0], key[1],
                                    key[2], number, denominator, status, note))
    if not result.problems and not result.rows:
        result.problems.append(Problem(None, "", "The file has no figures: every row's Value "
                                                 "is blank"))
    if result.problems:
        return result
    _compare_with_saved(partnership, result, list(library.values()), heading["value"])
    return result


def _key_words(key: Key) -> str:
    return f"{breakdown_label(key[0], key[1])}: {category_label(key[0], key[2])}"


def _row_key(indicator: Indicator, breakdown_cell: Cell, category_cell: Cell,
             bad: Any) -> Key | None:
    breakdown_text = display(breakdown_cell)
    category_text = display(category_cell)
    if not breakdown_text or _key(breakdown_text) in ("total", "all", "none", "headline"):
        if category_text and _key(category_text) not in ("total", "all"):
            bad("breakdown", f"say what {_quote(category_text)} is a category of, such as Sex")
            return None
        return TOTAL
    split = _breakdown_of(indicator, breakdown_text)
    if split is None:
        known = ", ".join(b.label for b, _ in split_rows(indicator))
        bad("breakdown", f"{indicator.reference} is not reported by {_quote(breakdown_text)}: "
                         + (f"its breakdowns are {known}" if known
                            else "it has no breakdowns, so leave Breakdown blank"))
        return None
    if not category_text:
        bad("category", f"enter the category of {breakdown_label(*split).lower()}")
        return None
    code = read_category(split[0], category_text)
    if code is None:
        names = ", ".join(categories(split[0]).values())
        bad("category", f"{_quote(category_text)} is not a category of "
                        f"{split[0].label.lower()}: use one of {names}")
        return None
    return (split[0], split[1], code)


def _row_figures(indicator: Indicator, key: Key | None, value_cell: Cell,
                 denominator_cell: Cell, bad: Any) -> tuple[Decimal | None, Decimal | None]:
    number = denominator = None
    try:
        number = read_number(value_cell)
        if number is None:
            bad("value", "enter the figure")
        elif wrong := check_figure(indicator.unit, number, "the figure"):
            bad("value", wrong[0].lower() + wrong[1:])
            number = None
    except _Bad as wrong:
        bad("value", str(wrong))
    try:
        denominator = read_number(denominator_cell)
    except _Bad as wrong:
        bad("denominator", str(wrong))
        return number, None
    if indicator.unit is not Unit.PERCENTAGE:
        if denominator is not None:
            bad("denominator", f"{indicator.reference} is not a percentage: leave the "
                               "denominator blank")
        return number, None
    if denominator is None:
        if key == TOTAL:
            bad("denominator", f"{indicator.reference} is a percentage: enter the number it is "
                               "out of (the percentage is worked out)")
        return number, None
    if denominator <= 0:
        bad("denominator", "the denominator must be more than 0")
    elif number is not None and denominator < number:
        bad("denominator", "the denominator must be at least the Value")
    elif wrong := check_figure(indicator.unit, denominator, "the denominator"):
        bad("denominator", wrong[0].lower() + wrong[1:])
    return number, denominator


def _compare_with_saved(partnership: Partnership, result: CheckedValues,
                        library: list[Indicator], value_heading: str) -> None:
    """Say what each row would change, and check that the children's counts by category add
    up to the total in the figures as they would be after the import."""
    by_id = {indicator.id: indicator for indicator in library}
    touched = {(row.indicator_id, row.period_start) for row in result.rows}
    saved: dict[tuple[int, dt.date], dict[Key, IndicatorValue]] = defaultdict(dict)
    ids = sorted({indicator_id for indicator_id, _ in touched})
    starts = sorted({start for _, start in touched})
    for value in db.session.scalars(sa.select(IndicatorValue).where(
            IndicatorValue.indicator_id.in_(ids), IndicatorValue.period_start.in_(starts))):
        if (value.indicator_id, value.period_start) in touched:
            saved[(value.indicator_id, value.period_start)][
                (value.dimension, value.subject, value.category)] = value
    after: dict[tuple[int, dt.date], dict[Key, tuple[Decimal, int | None]]] = defaultdict(dict)
    for place, values in saved.items():
        for key, value in values.items():
            after[place][key] = (value.number, None)
    for row in result.rows:
        place = (row.indicator_id, row.period_start)
        indicator = by_id[row.indicator_id]
        summary = result.summaries.setdefault(row.indicator_id, IndicatorSummary(indicator))
        summary.periods.add(row.period_start)
        existing = saved[place].get(row.key)
        after[place][row.key] = (row.number, row.row)
        if existing is None:
            summary.new += 1
            continue
        result.states[row.place] = existing.version
        if (existing.number, existing.denominator, existing.status, existing.note) == (
                row.number, row.denominator, row.status, row.note):
            summary.unchanged += 1
        else:
            summary.corrected += 1
            if existing.approved and (existing.number, existing.denominator,
                                      existing.status) != (row.number, row.denominator,
                                                           row.status):
                summary.unapproved += 1
    month = partnership.year_start_month
    for place in sorted(touched):
        indicator = by_id[place[0]]
        figures_after = after[place]
        label = Period(place[1], indicator.frequency, month).label
        total = figures_after.get(TOTAL)
        splits: dict[tuple[Dimension, Subject], list[tuple[Decimal, int | None]]] = (
            defaultdict(list))
        for key, figure in figures_after.items():
            if key != TOTAL:
                splits[(key[0], key[1])].append(figure)
        if total is None:
            first = min(row for counts in splits.values() for _, row in counts if row is not None)
            result.problems.append(Problem(first, value_heading, (
                f"there is no total for {indicator.reference} in {label}: add a row with "
                "the total (Breakdown left blank)")))
            continue
        if indicator.unit is Unit.DAYS:
            continue
        for (dimension, subject), counts in splits.items():
            gap = split_sum_problem(dimension, subject, [n for n, _ in counts], total[0])
            if gap:
                rows = [row for _, row in counts if row is not None]
                at = total[1] if total[1] is not None else min(rows)
                result.problems.append(Problem(at, value_heading,
                                               f"{indicator.reference} {label}: {gap[0].lower()}"
                                               f"{gap[1:]}"))
    result.problems.sort(key=lambda p: (p.row or 0))


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt="dataset-values-upload")


def seal(filename: str, checked: CheckedValues) -> str:
    """Carry the checked rows, and the saved values' versions they were checked against, to
    the confirmation, signed so that what is imported is what the preview showed."""
    return str(_serializer().dumps({
        "file": filename, "states": checked.states,
        "rows": [[r.row, r.indicator_id, r.period_start.isoformat(), r.dimension.value,
                  r.subject.value, r.category, str(r.number),
                  None if r.denominator is None else str(r.denominator), r.status.value,
                  r.note] for r in checked.rows]}))


def unseal(token: str) -> tuple[str, list[ValueRow], dict[str, int]]:
    """Read what ``seal`` carried, or refuse if it was altered."""
    try:
        data = _serializer().loads(token)
        rows = [ValueRow(int(r[0]), int(r[1]), dt.date.fromisoformat(r[2]), Dimension(r[3]),
                         Subject(r[4]), str(r[5]), Decimal(r[6]),
                         None if r[7] is None else Decimal(r[7]), ValueStatus(r[8]), str(r[9]))
                 for r in data["rows"]]
        return str(data["file"]), rows, {str(k): int(v) for k, v in data["states"].items()}
    except (BadSignature, KeyError, TypeError, ValueError, IndexError, InvalidOperation):
        raise DomainError("The checked file could not be read back: upload it again",
                          "spreadsheet") from None


def apply_values(partnership: Partnership, user: User | None, filename: str,
                 rows: Sequence[ValueRow], states: dict[str, int]) -> Saved:
    """Save the checked figures, all or none, unless any was saved by someone (or by an
    earlier click) since the file was checked."""
    library = {i.id: i for i in indicators_of(partnership)}
    places = {(row.indicator_id, row.period_start) for row in rows}
    saved_values: dict[tuple[int, dt.date, Key], IndicatorValue] = {}
    for value in db.session.scalars(sa.select(IndicatorValue).where(
            IndicatorValue.indicator_id.in_({i for i, _ in places}),
            IndicatorValue.period_start.in_({s for _, s in places}))):
        saved_values[(value.indicator_id, value.period_start,
                      (value.dimension, value.subject, value.category))] = value
    changed = ChangedSinceChecked(
        f"Figures in {filename} were saved after the file was checked (it may have been "
        "imported already): check the figures, and upload the file again if it is still "
        "needed", "spreadsheet")
    saved = Saved()
    for row in rows:
        indicator = library.get(row.indicator_id)
        if indicator is None or indicator.retired or not may_enter(user, indicator):
            raise DomainError(f"Row {row.row}: you may no longer enter this indicator's "
                              "figures", "spreadsheet")
        existing = saved_values.get((row.indicator_id, row.period_start, row.key))
        if states.get(row.place) != (None if existing is None else existing.version):
            raise changed
        put_value(indicator, row.period_start, row.key, existing, row.number,
                  row.denominator, row.status, row.note, user, saved)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise changed from None
    record_event("import", record_type="indicator_value", record_id=filename[:60],
                 changes={"new": saved.new, "corrected": saved.corrected,
                          "rows": len(rows)}, commit=False, about=partnership)
    return saved


def template_workbook(partnership: Partnership, user: Any) -> bytes:
    """A workbook to fill in: a row for each figure of the last finished period of every
    indicator this user may enter (the total, then each breakdown's categories)."""
    rows: list[list[Any]] = []
    today = clock.today()
    for indicator in enterable(partnership, user):
        period = period_of(today, indicator.frequency, partnership.year_start_month).shifted(-1)
        rows.append([indicator.reference, indicator.name, period.label, "", "", None, None,
                     "Provisional", ""])
        for breakdown, known in split_rows(indicator):
            for label in known.values():
                rows.append([indicator.reference, indicator.name, period.label,
                             breakdown.label, label, None, None, "Provisional", ""])
    headings = ["Indicator reference", "Indicator", "Period", "Breakdown", "Category", "Value",
                "Denominator", "Status", "Note"]
    return to_xlsx(headings, rows, widths=(12, 40, 14, 24, 36, 10, 12, 12, 30),
                   title="Figures")


# --- the child population ----------------------------------------------------------------------


def populations_of(partnership: Partnership) -> list[Population]:
    """The population estimates, latest year first."""
    return list(db.session.scalars(
        sa.select(Population).where(Population.partnership_id == partnership.id)
        .order_by(Population.year.desc(), Population.area)))


def save_population(partnership: Partnership, area: str, year: int, children: int,
                    source: str) -> tuple[Population, bool]:
    """Add an area's estimate for a year, or correct the one saved; True when new."""
    area = " ".join(area.split())
    existing = db.session.scalar(sa.select(Population).where(
        Population.partnership_id == partnership.id,
        sa.func.lower(Population.area) == area.lower(), Population.year == year))
    if existing is None:
        population = Population(partnership=partnership, area=area, year=year,
                                children=children, source=source.strip())
        db.session.add(population)
        return population, True
    existing.children, existing.source = children, source.strip()
    return existing, False


# --- benchmarks --------------------------------------------------------------------------------


OWN_HEADINGS: dict[str, tuple[str, ...]] = {
    "indicator": VALUE_HEADINGS["indicator"],
    "period": VALUE_HEADINGS["period"],
    "comparator": ("comparator", "compared with", "benchmark", "area", "geography"),
    "value": ("value", "figure", "rate", "benchmark value"),
}
OWN_LABELS = {"indicator": "Indicator", "period": "Period", "comparator": "Comparator",
              "value": "Value"}
COMPARATOR_WORDS = {"england": Comparator.ENGLAND, "national": Comparator.ENGLAND,
                    "region": Comparator.REGION, "regional": Comparator.REGION,
                    "statistical neighbours": Comparator.NEIGHBOURS,
                    "neighbours": Comparator.NEIGHBOURS,
                    "statistical neighbour average": Comparator.NEIGHBOURS,
                    "neighbour average": Comparator.NEIGHBOURS}


@dataclass
class CheckedRelease:
    """A benchmark file, checked: the figures to save and what was found."""

    figures: dict[tuple[int, Comparator, dt.date], Decimal | None] = field(
        default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def read_benchmark_value(value: Cell) -> Decimal | None:
    """Read a published figure; the statistics' symbols for suppressed or not available
    ('c', 'x', 'z', '..') are no figure."""
    text = display(value).replace(",", "").strip()
    if not text or text.lower() in SUPPRESSED:
        return None
    try:
        number = Decimal(text.rstrip("%"))
    except InvalidOperation:
        raise _Bad(f"{_quote(value)} is not a figure (the statistics' symbols c, x, z and .. "
                   "are read as no figure)") from None
    if not number.is_finite() or abs(number) > Decimal("999999999999"):
        raise _Bad(f"{_quote(value)} is not a figure")
    return number.quantize(Decimal("0.01"))


def is_tidy(table: Table) -> bool:
    """Whether a table is in the statistics' own layout (time_period, geographic_level)."""
    keys = {_key(h) for h in table.headings}
    return "time period" in keys and "geographic level" in keys


def check_benchmarks(partnership: Partnership, table: Table, indicator: Indicator | None,
                     column: str) -> CheckedRelease:
    """Check a benchmark file in either layout (nothing is saved)."""
    if is_tidy(table):
        if indicator is None or not column:
            result = CheckedRelease()
            if indicator is None:
                result.problems.append(Problem(None, "Indicator", (
                    "the file is the statistics' own data file: choose the indicator its "
                    "figures are for")))
            if not column:
                result.problems.append(Problem(None, "Column", (
                    "choose the column holding the indicator's figure: the file's headings "
                    f"are {', '.join(table.headings)}")))
            return result
        return _check_tidy(partnership, table, indicator, column)
    return _check_own(partnership, table)


def _benchmark_period(indicator: Indicator, text: str, month: int) -> Period:
    try:
        return parse_period(text, indicator.frequency, month)
    except PeriodUnreadable:
        if indicator.frequency is Frequency.YEARLY:
            raise
        year = parse_period(text, Frequency.YEARLY, month)  # a year's figure, at its end
        return year_end_period(year.reporting_year, indicator.frequency, month)


def _check_own(partnership: Partnership, table: Table) -> CheckedRelease:
    result = CheckedRelease()
    columns = match_headings(table.headings, OWN_HEADINGS)
    missing = missing_columns(table.headings, columns, OWN_LABELS, OWN_LABELS, (
        "Use Indicator, Period, Comparator and Value, or the statistics' own data file "
        "(with time_period and geographic_level)"))
    if missing:
        result.problems.append(missing)
        return result
    index = {name: table.headings.index(heading) for name, heading in columns.items()}
    library = {_key(i.reference): i for i in indicators_of(partnership)}
    month = partnership.year_start_month
    seen: dict[tuple[int, Comparator, dt.date], int] = {}
    for row in table.rows:
        values = row.values
        reference = display(values[index["indicator"]])
        indicator = library.get(_key(reference))
        if indicator is None:
            result.problems.append(Problem(row.number, columns["indicator"], (
                f"there is no indicator {_quote(reference)} in the {partnership.name} dataset"
                if reference else "enter the indicator's reference, such as CP2")))
        comparator = COMPARATOR_WORDS.get(_key(display(values[index["comparator"]])))
        if comparator is None:
            result.problems.append(Problem(row.number, columns["comparator"], (
                f"{_quote(values[index['comparator']])} is not a comparator: use England, "
                "Region or Statistical neighbours")))
        period = None
        if indicator is not None:
            text = _period_text(values[index["period"]])
            try:
                period = _benchmark_period(indicator, text, month)
            except PeriodUnreadable as expected:
                result.problems.append(Problem(row.number, columns["period"], (
                    f"{_quote(text)} is not a period of {indicator.reference}: use {expected}")))
        try:
            figure = read_benchmark_value(values[index["value"]])
        except _Bad as wrong:
            result.problems.append(Problem(row.number, columns["value"], str(wrong)))
            continue
        if indicator is None or comparator is None or period is None:
            continue
        place = (indicator.id, comparator, period.start)
        if place in seen:
            result.problems.append(Problem(row.number, columns["value"], (
                f"row {seen[place]} already gives {comparator.label} for "
                f"{indicator.reference} {period.label}")))
            continue
        seen[place] = row.number
        result.figures[place] = figure
    if not result.problems and not result.figures:
        result.problems.append(Problem(None, "", "The file has no figures"))
    return result


def _tidy_year(time_period: str, time_identifier: str) -> int | None:
    """The reporting year a statistics row is for: 202425 is 2024-25; a 'Reporting year'
    2025 is the year ending March 2025 (2024-25); other single years are that year."""
    digits = time_period.strip()
    if re.fullmatch(r"\d{6}", digits):
        first, second = int(digits[:4]), int(digits[4:])
        return first if second == (first + 1) % 100 else None
    if re.fullmatch(r"\d{4}", digits):
        year = int(digits)
        return year - 1 if "reporting year" in time_identifier.lower() else year
    return None


def _check_tidy(partnership: Partnership, table: Table, indicator: Indicator,
                column: str) -> CheckedRelease:
    result = CheckedRelease()
    headings = {_key(h): h for h in table.headings}
    value_heading = headings.get(_key(column))
    if value_heading is None:
        result.problems.append(Problem(None, "Column", (
            f"the file has no column {_quote(column)}: its headings are "
            f"{', '.join(table.headings)}")))
        return result
    at = {name: table.headings.index(headings[name]) for name in
          ("time period", "time identifier", "geographic level", "region name", "la name")
          if name in headings}
    settings = db.session.get(DatasetSettings, partnership.id)
    region = _key(settings.region) if settings and settings.region else ""
    neighbours = {_key(n): n for n in (settings.neighbour_names if settings else [])}
    month = partnership.year_start_month
    national: dict[int, tuple[Decimal | None, int]] = {}
    regional: dict[int, tuple[Decimal | None, int]] = {}
    local: dict[int, dict[str, tuple[Decimal | None, int]]] = defaultdict(dict)
    value_at = table.headings.index(value_heading)

    def text(values: tuple[Cell, ...], name: str) -> str:
        return display(values[at[name]]) if name in at else ""

    for row in table.rows:
        values = row.values
        level = _key(text(values, "geographic level"))
        is_region = level == "regional" and region and _key(text(values, "region name")) == region
        is_neighbour = (level == "local authority"
                        and _key(text(values, "la name")) in neighbours)
        if level != "national" and not is_region and not is_neighbour:
            continue
        period_text = text(values, "time period")
        year = _tidy_year(period_text, text(values, "time identifier"))
        if year is None:
            result.problems.append(Problem(row.number, headings["time period"], (
                f"{_quote(period_text)} is not a year the statistics use, such as 202425")))
            continue
        try:
            figure = read_benchmark_value(values[value_at])
        except _Bad as wrong:
            result.problems.append(Problem(row.number, value_heading, str(wrong)))
            continue
        if level == "national":
            target = national
        elif is_region:
            target = regional
        else:
            target = local[year]
            name = _key(text(values, "la name"))
            if name in target:
                result.problems.append(Problem(row.number, value_heading, (
                    f"row {target[name][1]} already gives {neighbours[name]} for "
                    f"{year}: keep one row per area and year (the rows for all children)")))
            target[name] = (figure, row.number)
            continue
        if year in target:
            result.problems.append(Problem(row.number, value_heading, (
                f"row {target[year][1]} already gives this area's figure for the year: keep "
                "one row per area and year (the rows for all children)")))
            continue
        target[year] = (figure, row.number)
    if result.problems:
        return result

    def start_of(year: int) -> dt.date:
        return year_end_period(year, indicator.frequency, month).start

    for year, (figure, _) in national.items():
        result.figures[(indicator.id, Comparator.ENGLAND, start_of(year))] = figure
    for year, (figure, _) in regional.items():
        result.figures[(indicator.id, Comparator.REGION, start_of(year))] = figure
    found_names: set[str] = set()
    for year, areas in local.items():
        known = [figure for figure, _ in areas.values() if figure is not None]
        found_names |= set(areas)
        average = (sum(known, Decimal(0)) / len(known)).quantize(Decimal("0.01")) if known else None
        result.figures[(indicator.id, Comparator.NEIGHBOURS, start_of(year))] = average
    result.notes.append(f"England: {len(national)} year{'s' if len(national) != 1 else ''}")
    if region:
        result.notes.append(f"{settings.region if settings else ''}: {len(regional)} "
                            f"year{'s' if len(regional) != 1 else ''}")
    else:
        result.notes.append("Region: none, as the dataset's settings name no region")
    if neighbours:
        missing = [neighbours[k] for k in neighbours if k not in found_names]
        result.notes.append(
            f"Statistical neighbours: {len(found_names)} of {len(neighbours)} found"
            + (f" (not in the file: {', '.join(missing)})" if missing else "")
            + ", averaged where they have a figure")
    else:
        result.notes.append("Statistical neighbours: none, as the dataset's settings list none")
    if not result.figures:
        result.problems.append(Problem(None, "", (
            "The file has no figures for England, the region or the statistical neighbours")))
    return result


def save_release(partnership: Partnership, publication: str, released_on: dt.date, url: str,
                 checked: CheckedRelease, user: User | None) -> tuple[BenchmarkRelease, int]:
    """Save the checked figures in their release (a release already imported with this
    publication and date gains them); refuse figures it already has."""
    release = db.session.scalar(sa.select(BenchmarkRelease).where(
        BenchmarkRelease.partnership_id == partnership.id,
        BenchmarkRelease.publication == publication.strip(),
        BenchmarkRelease.released_on == released_on))
    if release is None:
        release = BenchmarkRelease(partnership=partnership, publication=publication.strip(),
                                   released_on=released_on, url=url.strip(),
                                   imported_by_id=getattr(user, "id", None))
        db.session.add(release)
        db.session.flush()
    have = {(b.indicator_id, b.comparator, b.period_start) for b in release.benchmarks}
    clash = [place for place in checked.figures if place in have]
    if clash:
        raise DomainError(f"{release} already has {len(clash)} of these figures: a revised "
                          "release is imported with its own release date", "released_on")
    for (indicator_id, comparator, start), figure in checked.figures.items():
        release.benchmarks.append(Benchmark(indicator_id=indicator_id, comparator=comparator,
                                            period_start=start, value=figure))
    return release, len(checked.figures)


def releases_of(partnership: Partnership) -> list[tuple[BenchmarkRelease, int]]:
    """The benchmark releases, latest first, with how many figures each holds."""
    count = (sa.select(sa.func.count(Benchmark.id)).where(
        Benchmark.release_id == BenchmarkRelease.id).scalar_subquery())
    return [(release, n) for release, n in db.session.execute(
        sa.select(BenchmarkRelease, count).where(
            BenchmarkRelease.partnership_id == partnership.id)
        .order_by(BenchmarkRelease.released_on.desc(), BenchmarkRelease.id.desc()))]


def release_rows(release: BenchmarkRelease) -> list[tuple[Indicator, Comparator, Period,
                                                          Decimal | None]]:
    """A release's figures, by indicator, comparator and period."""
    month = release.partnership.year_start_month
    rows = []
    for benchmark, indicator in db.session.execute(
            sa.select(Benchmark, Indicator).join(Indicator)
            .where(Benchmark.release_id == release.id)
            .order_by(Indicator.position, Indicator.reference, Benchmark.comparator,
                      Benchmark.period_start)):
        rows.append((indicator, benchmark.comparator,
                     Period(benchmark.period_start, indicator.frequency, month),
                     benchmark.value))
    return rows


def problem_list(problems: Iterable[Problem]) -> list[str]:
    """Each problem as a sentence."""
    return [str(p) for p in problems]

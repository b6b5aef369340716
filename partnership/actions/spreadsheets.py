"""Tracker spreadsheets: export any action list to CSV or XLSX, and import a tracker.

The pages (``views/spreadsheets.py``) and ``flask actions import`` (``cli.py``) share these
functions, so a file is read, checked and imported the same way wherever it comes from:

- :func:`partnership.documents.spreadsheets.read_table` reads the first sheet of an XLSX
  workbook, or a CSV file, into headings and rows (keeping each row's number);
- :func:`suggest_mapping` matches the headings to our fields;
- :func:`validate` checks EVERY row against the plan and the register and returns the
  actions ready to create plus each problem in plain words;
- :func:`commit_import` creates them all in one transaction (all or nothing) and audits it.

A row with an action's ID (as an export writes it) is an update of that action, not a new
one: the preview lists what will change on each such row, only the columns chosen are
compared, and importing the same file again changes nothing.

Exports start from :func:`partnership.actions.queries.tracked`, like the lists, so a file
holds exactly what the list shows, in the same order, written by the shared writers (which
neutralise any text a spreadsheet program could take for a formula).
docs/action-import.md describes both for people.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from partnership import clock
from partnership.accounts.models import User
from partnership.actions.models import Action, ImportUpload, ProgressUpdate, Status
from partnership.actions.queries import ActionFilter, TrackedAction, tracked
from partnership.audit.services import record_event
from partnership.database import utcnow
from partnership.documents.spreadsheets import (
    XLSX_MIMETYPE,
    Cell,
    Row,
    Table,
    blank,
    display,
    extension_of,
    to_csv,
    to_xlsx,
)
from partnership.extensions import db
from partnership.kernel.dates import long_date, parse_year_label, reporting_year, year_label
from partnership.plans.models import Objective, Plan
from partnership.register.models import Agency, Body, Partnership, Person
from partnership.register.services.bodies import bodies_of

TEXT_LIMIT = 10_000  # characters in a detail, outcome, evidence of impact or progress note
TITLE_LIMIT = 300  # Action.title
CHUNK = 10_000  # ids per query when loading the long texts of exported actions

class AlreadyImported(RuntimeError):
    """The upload was imported already (by another click, or another tab)."""


# --- our fields, and matching headings to them ---------------------------------------------


@dataclass(frozen=True)
class ImportField:
    """One of our fields a column can fill, with the headings that suggest it."""

    name: str
    label: str
    hint: str
    synonyms: tuple[str, ...] = ()
    required: bool = False


FIELDS: tuple[ImportField, ...] = (
    ImportField("action_id", "ID", "The action's ID, as a download of the tracker gives it. "
                "A row with an ID changes that action (only the columns chosen here) instead "
                "of adding a new one", ("action id", "tracker id", "id number")),
    ImportField("title", "Title", "Required: what must get done (300 characters or fewer)",
                ("action", "actions", "action title", "title of action", "what", "task"),
                required=True),
    ImportField("detail", "Detail", "More about the action",
                ("details", "description", "action detail", "action details")),
    ImportField("objective", "Objective",
                "Its objective in the plan: a reference such as A1 or B2, or the "
                "objective's exact title", ("reference", "ref", "objective reference",
                                            "objective ref", "priority", "strategic objective",
                                            "activity", "objective title")),
    ImportField("year", "Year", "The reporting year, such as 2024-25 or 2024. When there is "
                "none, the target date (or start date) decides it",
                ("reporting year", "plan year")),
    ImportField("body", "Owning body", "The board, group or panel that owns it: its name or "
                "short name", ("body", "owner body", "group", "subgroup", "sub group",
                               "owning group", "board", "responsible group")),
    ImportField("agency", "Lead agency", "The lead agency's name as the register has it",
                ("lead", "agency", "lead organisation", "organisation", "lead partner",
                 "lead agencies")),
    ImportField("person", "Lead officer", "The lead officer's name as the register has it",
                ("officer", "lead person", "responsible officer", "lead name",
                 "named lead", "action lead", "action owner")),
    ImportField("start_date", "Start date", "A date such as 31/03/2025 or 2025-03-31",
                ("start", "date started", "started", "start by")),
    ImportField("target_date", "Target date", "A date such as 31/03/2025 or 2025-03-31",
                ("due date", "due", "deadline", "target", "due by", "by when", "timescale",
                 "completion by", "target completion date", "date due")),
    ImportField("status", "Status", "Not started, In progress, Complete, Deferred, Ongoing or "
                "Cancelled. When blank: Not started (Complete if there is a completion date)",
                ("action status", "progress status", "current status")),
    ImportField("percent_complete", "% complete", "A whole number from 0 to 100",
                ("percent complete", "percentage complete", "per cent complete", "complete %",
                 "progress %", "%", "% done")),
    ImportField("completed_on", "Completion date", "When it was completed",
                ("date completed", "completed on", "completed", "date of completion",
                 "actual completion date")),
    ImportField("outcome", "Outcome", "What it achieved, or is meant to",
                ("outcomes", "intended outcome", "expected outcome")),
    ImportField("impact", "Evidence of impact", "What shows it made a difference",
                ("impact", "evidence", "impact evidence")),
    ImportField("progress_note", "Latest progress",
                "Imported as one progress update recorded on the day of the import",
                ("progress", "progress update", "update", "latest update", "progress note",
                 "progress notes", "comments", "commentary", "progress to date",
                 "update on progress")),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
FIELDS_BY_NAME = {f.name: f for f in FIELDS}


def _key(heading: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", heading.lower()).split())


def suggest_mapping(headings: Sequence[str]) -> dict[str, str]:
    """Match headings to our fields by name or a common synonym (case and spacing ignored).

    Each heading fills at most one field. Headings such as "RAG" match nothing: the rating
    is worked out, never imported.
    """
    free = {_key(h): h for h in reversed(headings)}  # the first heading wins a tie
    mapping: dict[str, str] = {}
    for each in FIELDS:
        for name in (each.label, each.name.replace("_", " "), *each.synonyms):
            heading = free.get(_key(name))
            if heading is not None:
                mapping[each.name] = heading
                del free[_key(name)]
                break
    return mapping


def clean_mapping(mapping: dict[str, str], headings: Sequence[str]) -> dict[str, str]:
    """Keep only known fields mapped to headings the table has."""
    return {name: heading for name, heading in mapping.items()
            if name in FIELDS_BY_NAME and heading in headings}


def mapping_problems(mapping: dict[str, str]) -> dict[str, str]:
    """Return what is wrong with a mapping, by field name (empty when it can be used)."""
    problems: dict[str, str] = {}
    if not mapping.get("title"):
        problems["title"] = "Choose the column that holds each action's title"
    taken: dict[str, str] = {}
    for each in FIELDS:
        heading = mapping.get(each.name)
        if not heading:
            continue
        if heading in taken:
            problems[each.name] = (f"The column '{heading}' is already chosen for "
                                   f"{FIELDS_BY_NAME[taken[heading]].label}: choose each "
                                   "column once")
        else:
            taken[heading] = each.name
    return problems


# --- checking every row ----------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one row: where, the value, and why, in plain words."""

    row: int
    heading: str
    value: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.heading}: {self.message}"


@dataclass
class Candidate:
    """A row that passed every check: the action it will become."""

    row: int
    title: str
    year: int
    detail: str = ""
    objective: Objective | None = None
    body: Body | None = None
    agency: Agency | None = None
    person: Person | None = None
    start_date: dt.date | None = None
    target_date: dt.date | None = None
    status: Status = Status.NOT_STARTED
    percent_complete: int | None = None
    completed_on: dt.date | None = None
    outcome: str = ""
    impact: str = ""
    progress_note: str = ""
    action: Action | None = None  # the action the row changes (None: a new action)
    changes: list[Change] = field(default_factory=list)

    @property
    def is_update(self) -> bool:
        """The row changes an existing action."""
        return self.action is not None


@dataclass(frozen=True)
class Change:
    """One field a row changes on an existing action, in words and as stored."""

    name: str
    label: str
    before: str
    after: str
    value: Any = None

    def __str__(self) -> str:
        return f"{self.label}: {self.before} to {self.after}"


@dataclass
class Checked:
    """The result of checking every row: the actions ready to create and the problems."""

    candidates: list[Candidate]
    problems: list[Problem]
    skipped: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every row can be imported (and there is at least one)."""
        return not self.problems and bool(self.candidates)

    @property
    def new_rows(self) -> list[Candidate]:
        """The rows that add an action."""
        return [c for c in self.candidates if not c.is_update]

    @property
    def changed_rows(self) -> list[Candidate]:
        """The rows that change an existing action."""
        return [c for c in self.candidates if c.is_update and c.changes]

    @property
    def unchanged_rows(self) -> list[Candidate]:
        """The rows whose action already says what they say."""
        return [c for c in self.candidates if c.is_update and not c.changes]

    @property
    def changes_anything(self) -> bool:
        """Importing would add or change at least one action."""
        return bool(self.new_rows or self.changed_rows)

    @property
    def bad_rows(self) -> list[int]:
        """The spreadsheet rows with a problem, in order."""
        return sorted({p.row for p in self.problems})

    def __iter__(self) -> Iterator[Any]:
        """Unpack as ``candidates, problems``."""
        return iter((self.candidates, self.problems))


class _Bad(ValueError):
    """A cell's value cannot be used; the message says why."""


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y",
                "%d/%m/%y")
EXAMPLE_DATE = "31/03/2025"
STATUS_WORDS = {"completed": Status.COMPLETE, "done": Status.COMPLETE,
                "not yet started": Status.NOT_STARTED, "on going": Status.ONGOING,
                "in hand": Status.IN_PROGRESS, "started": Status.IN_PROGRESS}


def _quote(value: Cell) -> str:
    text = display(value)
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def parse_date(value: Cell) -> dt.date | None:
    """Read a date from a real date cell, ISO text or dd/mm/yyyy; None when blank."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = display(value)
    if not text:
        return None
    if isinstance(value, str):
        text = " ".join(text.split())
        head = text[:10] if re.match(r"^\d{4}-\d\d-\d\d[T ]\d", text) else text
        for pattern in DATE_FORMATS:
            try:
                day = dt.datetime.strptime(head, pattern).date()
            except ValueError:
                continue
            if 1900 <= day.year <= 2200:
                return day
    raise _Bad(f"{_quote(value)} is not a date. Use a date such as {EXAMPLE_DATE}")


def parse_status(value: Cell) -> Status | None:
    """Read a status by its label or value, in any case; None when blank."""
    text = " ".join(display(value).lower().replace("_", " ").replace("-", " ").split())
    if not text:
        return None
    for status in Status:
        if text in (status.value.replace("_", " "), status.label.lower()):
            return status
    if text in STATUS_WORDS:
        return STATUS_WORDS[text]
    labels = ", ".join(s.label for s in Status)
    raise _Bad(f"{_quote(value)} is not a status. Use one of: {labels}")


def parse_percent(value: Cell) -> int | None:
    """Read a whole number from 0 to 100 (a trailing % is allowed); None when blank."""
    if isinstance(value, bool):
        raise _Bad(f"{_quote(value)} is not a number from 0 to 100")
    if isinstance(value, int | float):
        number: float = value
    else:
        text = display(value).rstrip("%").strip()
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            raise _Bad(f"{_quote(value)} is not a number from 0 to 100") from None
    if not float(number).is_integer() or not 0 <= number <= 100:
        raise _Bad(f"{_quote(value)} is not a whole number from 0 to 100")
    return int(number)


def parse_id(value: Cell) -> int | None:
    """Read an action's ID (a whole number); None when blank."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = display(value).strip().lstrip("#")
    if not text:
        return None
    if not text.isdigit() or len(text) > 9 or int(text) < 1:
        raise _Bad(f"{_quote(value)} is not an action's ID. Use the ID a download of the "
                   "tracker gives, or leave it blank for a new action")
    return int(text)


def parse_year(value: Cell) -> int | None:
    """Read a reporting year such as "2024-25", "2024/25" or 2024; None when blank."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value == int(value):
        value = str(int(value))
    text = display(value)
    if not text:
        return None
    year = parse_year_label(text)
    if year is None:
        raise _Bad(f"{_quote(value)} is not a reporting year. Use a year such as 2024-25")
    return year


def _text(value: Cell, limit: int, what: str) -> str:
    text = display(value) if not isinstance(value, str) else value.strip()
    if len(text) > limit:
        raise _Bad(f"the {what} is {len(text):,} characters long. It must be {limit:,} "
                   "characters or fewer")
    return text


def _name_key(text: str) -> str:
    return " ".join(text.lower().split())


def _close(text: str, names: Iterable[str]) -> str:
    """Suggest the name meant: the one that contains the text, or the closest spelling."""
    names = list(dict.fromkeys(names))
    found = [n for n in names if _name_key(text) in _name_key(n)][:1]
    found = found or difflib.get_close_matches(text, names, n=1, cutoff=0.6)
    if not found:
        lowered = {n.lower(): n for n in names}
        found = [lowered[m] for m in difflib.get_close_matches(text.lower(), list(lowered),
                                                                 n=1, cutoff=0.6)]
    return f". Did you mean '{found[0]}'?" if found else ""


@dataclass
class _Register:
    """Everything the rows are matched against, loaded once (a fixed number of queries)."""

    plan: Plan
    partnership: Partnership
    objectives: list[Objective]
    bodies: list[Body]
    agencies: list[Agency]
    people: dict[str, list[Person]]
    actions: dict[int, Action] = field(default_factory=dict)  # rows' IDs, of this partnership
    latest_notes: dict[int, str] = field(default_factory=dict)  # each one's latest update

    @classmethod
    def load(cls, plan: Plan, names: set[str], ids: set[int] | None = None) -> _Register:
        partnership = plan.partnership
        objectives = sorted(
            db.session.scalars(sa.select(Objective).where(Objective.plan_id == plan.id)),
            key=lambda o: (o.reference[0], o.position, o.id))  # A1, A2, B1, P1
        agencies = list(db.session.scalars(
            sa.select(Agency).where(Agency.partnership_id == partnership.id)
            .order_by(Agency.name)))
        people: dict[str, list[Person]] = {}
        keys = sorted(names)
        for start in range(0, len(keys), 500):
            for person in db.session.scalars(
                    sa.select(Person).where(sa.func.lower(Person.name).in_(keys[start:start + 500]))
                    .order_by(Person.id)):
                people.setdefault(_name_key(person.name), []).append(person)
        register = cls(plan, partnership, objectives, bodies_of(partnership), agencies, people)
        wanted = sorted(ids or ())
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            register.actions.update((a.id, a) for a in db.session.scalars(
                sa.select(Action).where(Action.id.in_(chunk),
                                        Action.partnership_id == partnership.id)
                .options(joinedload(Action.objective), joinedload(Action.body),
                         joinedload(Action.lead_agency), joinedload(Action.lead_person))))
            for row in db.session.execute(
                    sa.select(ProgressUpdate.action_id, ProgressUpdate.narrative)
                    .where(ProgressUpdate.action_id.in_(chunk))
                    .order_by(ProgressUpdate.action_id, ProgressUpdate.recorded_on,
                              ProgressUpdate.id)):
                register.latest_notes[row.action_id] = row.narrative
        return register

    def action(self, value: Cell) -> Action | None:
        number = parse_id(value)
        if number is None:
            return None
        found = self.actions.get(number)
        if found is None:
            raise _Bad(f"there is no action with ID {number} in {self.partnership.name}. Leave "
                       "the ID blank to add the row as a new action")
        if found.objective is not None and found.objective.plan_id != self.plan.id:
            raise _Bad(f"action {number} belongs to another plan ({found.objective.plan.title}): "
                       "import it with that plan")
        return found

    def objective(self, value: Cell) -> Objective | None:
        text = " ".join(display(value).split())
        if not text:
            return None
        by_reference = {o.reference.lower(): o for o in self.objectives}
        reference = text.replace(" ", "").lower()
        if reference in by_reference:
            return by_reference[reference]
        by_title = [o for o in self.objectives if _name_key(o.title) == _name_key(text)]
        if len(by_title) == 1:
            return by_title[0]
        head, _, rest = text.partition(" ")
        found = by_reference.get(head.rstrip(".:").lower())
        if found is not None and _name_key(found.title) == _name_key(rest):
            return found  # "A1 Title", as the export's source column writes it
        if len(by_title) > 1:
            raise _Bad(f"more than one objective in {self.plan.title} is called {_quote(text)}: "
                       "use its reference, such as " + by_title[0].reference)
        references = ", ".join(o.reference for o in self.objectives[:12])
        more = f" (and {len(self.objectives) - 12} more)" if len(self.objectives) > 12 else ""
        known = (f" Its objectives are {references}{more}" if self.objectives
                 else " The plan has no objectives yet")
        return self._missing(f"no objective {_quote(text)} in {self.plan.title}.{known}")

    def body(self, value: Cell) -> Body | None:
        text = " ".join(display(value).split())
        if not text:
            return None
        found = [b for b in self.bodies
                 if _name_key(text) in (_name_key(b.name), _name_key(b.short_name or ""))]
        if len(found) > 1:
            raise _Bad(f"more than one body in {self.partnership.name} is called {_quote(text)}: "
                       "use its full name")
        if found:
            return found[0]
        hint = _close(text, [b.name for b in self.bodies] +
                      [b.short_name for b in self.bodies if b.short_name])
        return self._missing(f"no body called {_quote(text)} in {self.partnership.name}{hint}")

    def agency(self, value: Cell) -> Agency | None:
        text = " ".join(display(value).split())
        if not text:
            return None
        found = [a for a in self.agencies if _name_key(a.name) == _name_key(text)]
        if found:
            return found[0]
        hint = _close(text, [a.name for a in self.agencies])
        return self._missing(f"no agency called {_quote(text)} in {self.partnership.name}"
                             f"{hint}")

    def person(self, value: Cell, agency: Agency | None) -> Person | None:
        text = " ".join(display(value).split())
        if not text:
            return None
        found = self.people.get(_name_key(text), [])
        if len(found) > 1 and agency is not None:
            found = [p for p in found if p.agency_id == agency.id] or found
        if len(found) > 1:
            ours = {a.id for a in self.agencies}
            found = [p for p in found if p.agency_id in ours] or found
        if len(found) > 1:
            raise _Bad(f"{len(found)} people in the register are called {_quote(text)}: leave "
                       "the lead officer blank here and choose them on the action afterwards")
        if found:
            return found[0]
        return self._missing(f"no person called {_quote(text)} in the register. Add them to "
                             "the register first, or leave the lead officer blank")

    @staticmethod
    def _missing(message: str) -> Any:
        raise _Bad(message)


def _row_values(row: Row, mapping: dict[str, str], table_headings: Sequence[str]
                ) -> dict[str, Cell]:
    index = {heading: i for i, heading in enumerate(table_headings)}
    return {name: row.values[index[heading]] for name, heading in mapping.items()
            if heading in index}


def validate(plan: Plan, mapping: dict[str, str], table: Table,
             today: dt.date | None = None) -> Checked:
    """Check every row; return the actions ready to create and each problem found.

    Nothing is written. A row blank in every chosen column is skipped, not a problem.
    The result unpacks as ``candidates, problems``.
    """
    today = today or clock.today()
    mapping = clean_mapping(mapping, table.headings)
    names = set()
    if "person" in mapping:
        column = table.headings.index(mapping["person"])
        names = {_name_key(display(r.values[column])) for r in table.rows} - {""}
    ids: set[int] = set()
    if "action_id" in mapping:
        column = table.headings.index(mapping["action_id"])
        for r in table.rows:
            try:
                number = parse_id(r.values[column])
            except _Bad:
                continue
            if number is not None:
                ids.add(number)
    register = _Register.load(plan, names, ids)
    checked = Checked([], [])
    rows_of: dict[int, int] = {}  # action id -> the first row naming it
    for row in table.rows:
        values = _row_values(row, mapping, table.headings)
        if blank(values.values()):
            checked.skipped.append(row.number)
            continue
        candidate, problems = _check_row(register, row.number, values, mapping, today)
        if candidate is not None and candidate.action is not None:
            first = rows_of.setdefault(candidate.action.id, row.number)
            if first != row.number:
                problems.append(Problem(row.number, mapping["action_id"],
                                        str(candidate.action.id),
                                        f"row {first} changes action {candidate.action.id} "
                                        "already: give each action one row"))
                candidate = None
        checked.problems += problems
        if candidate is not None:
            checked.candidates.append(candidate)
    return checked


def _check_row(register: _Register, number: int, values: dict[str, Cell],
               mapping: dict[str, str], today: dt.date
               ) -> tuple[Candidate | None, list[Problem]]:
    problems: list[Problem] = []
    found: dict[str, Any] = {}

    def read(name: str, parse: Any) -> None:
        if name not in mapping:
            return
        try:
            found[name] = parse(values.get(name))
        except _Bad as bad:
            problems.append(Problem(number, mapping[name], display(values.get(name))[:200],
                                    str(bad)))

    def complain(name: str, message: str) -> None:
        problems.append(Problem(number, mapping[name], display(values.get(name))[:200], message))

    read("action_id", register.action)
    read("title", lambda v: _text(v, TITLE_LIMIT, "title"))
    if found.get("title") == "":
        complain("title", "the title is blank. Every action needs a title")
    for name, what in (("detail", "detail"), ("outcome", "outcome"),
                       ("impact", "evidence of impact"), ("progress_note", "progress note")):
        read(name, lambda v, what=what: _text(v, TEXT_LIMIT, what))
    read("objective", register.objective)
    read("year", parse_year)
    read("body", register.body)
    read("agency", register.agency)
    read("person", lambda v: register.person(v, found.get("agency")))
    for name in ("start_date", "target_date", "completed_on"):
        read(name, parse_date)
    read("status", parse_status)
    read("percent_complete", parse_percent)

    plan, partnership = register.plan, register.partnership
    existing: Action | None = found.get("action_id")
    start, target = found.get("start_date"), found.get("target_date")
    if existing is not None:  # dates not in the file stay as the action has them
        start = start if "start_date" in mapping else existing.start_date
        target = target if "target_date" in mapping else existing.target_date
    if start and target and target < start:
        complain("target_date", f"{_quote(values.get('target_date'))} is before the start date "
                 f"{start:%d/%m/%Y}. The target date must be on or after the start date")
    completed = found.get("completed_on")
    if completed and completed > today:
        complain("completed_on", f"{_quote(values.get('completed_on'))} is in the future. A "
                 "completion date is the day it was completed (is this the target date?)")
    year = found.get("year")
    if year is not None and year not in plan.years:
        first = year_label(plan.first_year, partnership.year_start_month)
        last = year_label(plan.last_year, partnership.year_start_month)
        complain("year", f"{year_label(year, partnership.year_start_month)} is outside the "
                 f"plan's years ({first} to {last})")
    if problems:
        return None, problems

    if existing is not None:
        return _update_of(existing, register, number, found, mapping, today), []
    if year is None:
        day = target or start
        year = (reporting_year(day, partnership.year_start_month) if day
                else plan.first_year)
    status = found.get("status") or (Status.COMPLETE if completed else Status.NOT_STARTED)
    return Candidate(
        row=number, title=found["title"], year=year, detail=found.get("detail", ""),
        objective=found.get("objective"), body=found.get("body"), agency=found.get("agency"),
        person=found.get("person"), start_date=start, target_date=target, status=status,
        percent_complete=found.get("percent_complete"), completed_on=completed,
        outcome=found.get("outcome", ""), impact=found.get("impact", ""),
        progress_note=found.get("progress_note", "")), []


# What each compared field is on the action, and how it is written in the preview.
COMPARED = ("title", "detail", "objective", "year", "body", "agency", "person", "start_date",
            "target_date", "status", "percent_complete", "completed_on", "outcome", "impact")
ACTION_ATTRIBUTE = {"agency": "lead_agency", "person": "lead_person"}
KEPT_WHEN_BLANK = frozenset({"year", "status"})  # a blank cell leaves these as they are
TEXTS = frozenset({"title", "detail", "outcome", "impact"})


def _plain(text: str | None) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _words(name: str, value: Any, start_month: int) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, Status):
        return value.label
    if name == "year":
        return year_label(value, start_month)
    if name == "percent_complete":
        return f"{value}%"
    if isinstance(value, Objective):
        return f"{value.reference} {value.title}"
    text = str(value)
    if name not in TEXTS:
        return text
    return f"'{text[:60]}…'" if len(text) > 60 else f"'{text}'"


def _update_of(action: Action, register: _Register, number: int, found: dict[str, Any],
               mapping: dict[str, str], today: dt.date) -> Candidate:
    """The row as a change to an existing action: only the columns chosen are compared."""
    month = register.partnership.year_start_month
    changes: list[Change] = []
    for name in COMPARED:
        if name not in mapping or (name in KEPT_WHEN_BLANK and found.get(name) is None):
            continue
        new = found.get(name, "" if name in TEXTS else None)
        if name == "percent_complete" and new is None and found.get(
                "status", action.status) is Status.COMPLETE:
            new = 100  # a complete action is 100% complete, as a blank cell means
        old = getattr(action, ACTION_ATTRIBUTE.get(name, name))
        if name in TEXTS:  # as a spreadsheet gives text back: trimmed, one kind of line end
            old, new = _plain(old), _plain(new)
        if new != old:
            changes.append(Change(name, FIELDS_BY_NAME[name].label, _words(name, old, month),
                                  _words(name, new, month), new))
    # A status change brings the completion date with it, as a change made on the page does.
    values = {change.name: change.value for change in changes}
    status = values.get("status", action.status)
    completed = values.get("completed_on", action.completed_on)
    if (status is Status.COMPLETE) != (completed is not None):
        completed = today if status is Status.COMPLETE else None
        changes = [c for c in changes if c.name != "completed_on"]
        if completed != action.completed_on:
            changes.append(Change("completed_on", FIELDS_BY_NAME["completed_on"].label,
                                  _words("completed_on", action.completed_on, month),
                                  _words("completed_on", completed, month), completed))
    note = found.get("progress_note", "")
    if note and note != register.latest_notes.get(action.id, ""):
        changes.append(Change("progress_note", "New progress update", "(none)",
                              _words("detail", note, month), note))
    return Candidate(row=number, title=found.get("title") or action.title, year=action.year,
                     action=action, changes=changes, progress_note=note)


# --- importing -------------------------------------------------------------------------------


def import_rows(plan: Plan, candidates: Sequence[Candidate], *, user: User | None,
                author_name: str, today: dt.date | None = None) -> list[Action]:
    """Add an action (and its progress note, if any) for each candidate; the caller commits."""
    today = today or clock.today()
    actions = []
    for each in candidates:
        if each.action is not None:
            if each.changes:
                actions.append(_apply_changes(each, user=user, author_name=author_name,
                                              today=today))
            continue
        action = Action(
            partnership_id=plan.partnership_id, year=each.year, title=each.title,
            detail=each.detail, objective=each.objective, body=each.body,
            lead_agency=each.agency, lead_person=each.person, start_date=each.start_date,
            target_date=each.target_date, status=each.status,
            percent_complete=each.percent_complete, completed_on=each.completed_on,
            outcome=each.outcome, impact=each.impact)
        if each.progress_note:
            action.updates.append(ProgressUpdate(
                recorded_on=today, author=user, author_name=author_name[:120],
                narrative=each.progress_note, status=each.status,
                percent_complete=each.percent_complete))
        actions.append(action)
    db.session.add_all(actions)
    db.session.flush()
    return actions


def _apply_changes(each: Candidate, *, user: User | None, author_name: str,
                   today: dt.date) -> Action:
    """Make a row's changes to its action (audited as the action's own change)."""
    action = each.action
    assert action is not None
    for change in each.changes:
        if change.name == "progress_note":
            action.updates.append(ProgressUpdate(
                recorded_on=today, author=user, author_name=author_name[:120],
                narrative=change.value, status=action.status,
                percent_complete=action.percent_complete))
        else:
            setattr(action, ACTION_ATTRIBUTE.get(change.name, change.name), change.value)
    return action


def commit_import(plan: Plan, checked: Checked, *, filename: str, user: User | None,
                  author_name: str, upload: ImportUpload | None = None,
                  today: dt.date | None = None) -> list[Action]:
    """Create every checked row in ONE transaction, audit it, and commit: all or nothing.

    With an upload, it is marked imported in the same transaction, and only if it was not
    imported already (two clicks import once): otherwise AlreadyImported is raised.
    """
    if not checked.ok:
        raise ValueError("only a file with no problems can be imported")
    try:
        if upload is not None:
            claimed = db.session.execute(
                sa.update(ImportUpload)
                .where(ImportUpload.id == upload.id, ImportUpload.imported_at.is_(None))
                .values(imported_at=utcnow())
                .execution_options(synchronize_session=False))
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                raise AlreadyImported(filename)
        actions = import_rows(plan, checked.candidates, user=user, author_name=author_name,
                              today=today)
        record_event("import", record_type="action",
                     changes={"plan_id": plan.id, "plan": plan.title, "file": filename,
                              "actions": len(actions), "added": len(checked.new_rows),
                              "changed": len(checked.changed_rows),
                              "unchanged": len(checked.unchanged_rows),
                              "upload_id": upload.id if upload is not None else None},
                     commit=False)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    if upload is not None:
        db.session.refresh(upload)
    return actions


def import_summary(checked: Checked, filename: str, plan: Plan) -> str:
    """Say what an import did, in words: how many actions it added and changed."""
    added, changed = len(checked.new_rows), len(checked.changed_rows)
    if not added and not changed:
        return f"Nothing changed: every row of {filename} matches the tracker already"
    parts = []
    if added:
        parts.append(f"{added} action{'s' if added != 1 else ''} imported")
    if changed:
        parts.append(f"{changed} action{'s' if changed != 1 else ''} changed")
    return f"{' and '.join(parts)} from {filename} into {plan.title}"


# --- exporting -------------------------------------------------------------------------------

EXPORT_HEADINGS = (
    "ID", "Reference", "Source", "Title", "Detail", "Partnership", "Year", "Owning body",
    "Lead agency", "Lead officer", "Start date", "Target date", "Status", "% complete", "RAG",
    "Update overdue", "Reasons", "Last update", "Completion date", "Outcome",
    "Evidence of impact")
EXPORT_WIDTHS = (8, 11, 40, 50, 50, 30, 10, 30, 30, 24, 12, 12, 14, 11, 18, 10, 50, 12, 12,
                 50, 50)


@dataclass(frozen=True)
class Export:
    """A finished export: the file, its name and type, and how many actions it holds."""

    filename: str
    mimetype: str
    data: bytes
    count: int


def _long_texts(ids: Sequence[int]) -> dict[int, tuple[str, str, str]]:
    """Detail, outcome and evidence of impact for these actions (one query per 10,000)."""
    texts: dict[int, tuple[str, str, str]] = {}
    for start in range(0, len(ids), CHUNK):
        for row in db.session.execute(
                sa.select(Action.id, Action.detail, Action.outcome, Action.impact)
                .where(Action.id.in_(ids[start:start + CHUNK]))):
            texts[row.id] = (row.detail or "", row.outcome or "", row.impact or "")
    return texts


def export_rows(actions: Sequence[TrackedAction]) -> list[list[Any]]:
    """Return one row of values per action, in the order of ``EXPORT_HEADINGS``.

    Values are typed (dates are dates, numbers numbers); text is not neutralised yet.
    """
    texts = _long_texts([a.id for a in actions])
    partnership_ids = sorted({a.partnership_id for a in actions})
    partnerships = {p.id: p for p in db.session.scalars(
        sa.select(Partnership).where(Partnership.id.in_(partnership_ids)))} if actions else {}
    rows = []
    for a in actions:
        detail, outcome, impact = texts.get(a.id, ("", "", ""))
        partnership = partnerships.get(a.partnership_id)
        start_month = partnership.year_start_month if partnership else 4
        rows.append([
            a.id, a.objective_reference, a.source_label, a.title, detail,
            partnership.name if partnership else "", year_label(a.year, start_month),
            a.body_name, a.lead_agency_name, a.lead_person_name, a.start_date, a.target_date,
            a.status.label, a.percent_complete, a.rag.label,
            "Yes" if a.judgement.update_overdue else "No", "; ".join(a.judgement.reasons),
            a.last_update_on, a.completed_on, outcome, impact])
    return rows


def export_actions(flt: ActionFilter, fmt: str, today: dt.date | None = None) -> Export:
    """Export every action the filter matches (all of them, in the list's order)."""
    today = today or clock.today()
    actions = tracked(flt, today)
    rows = export_rows(actions)
    if fmt == "xlsx":
        data = to_xlsx(EXPORT_HEADINGS, rows, EXPORT_WIDTHS)
        mimetype = XLSX_MIMETYPE
    else:
        data = to_csv(EXPORT_HEADINGS, rows)
        mimetype = "text/csv"
    return Export(filename=f"actions-{today.isoformat()}.{fmt}", mimetype=mimetype, data=data,
                  count=len(actions))


def audit_export(flt: ActionFilter, export: Export) -> None:
    """Record an export in the audit trail: the filter and how many actions it held."""
    record_event("export", record_type="action",
                 changes={"format": extension_of(export.filename), "filter": flt.to_args(),
                          "rows": export.count})

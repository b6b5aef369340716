"""Attendance from a booking system's spreadsheet (CSV or XLSX): one booking a row, or a
number of places a row, by course and date, agency and role.

Files are read with the shared ``documents.spreadsheets.read_table`` and their headings
matched, and their problems named, as the dataset's imports do (``dataset.services.imports``:
``match_headings``, ``Problem``). Every row is checked before anything is saved; any problem
refuses the whole file. The rows add up to lines of attendance (session, agency, role:
booked, attended); a line the file names replaces the line saved for it, and lines it does
not name are left as they are, so importing the same file twice changes nothing.

Names and email addresses in the export are never read: the tracker counts attendees.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from partnership import clock
from partnership.actions.spreadsheets import parse_date
from partnership.dataset.services.imports import Problem, match_headings, missing_columns
from partnership.documents.spreadsheets import (
    Cell,
    SpreadsheetError,
    Table,
    display,
    read_table,
    to_csv,
)
from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.kernel.identifiers import identifier_problems
from partnership.register.models import Agency, Partnership
from partnership.training.models import Course, SessionAttendance, TrainingSession
from partnership.training.services.programme import agency_options

ROLE_LIMIT = 120
MAX_NUMBER = 1000

HEADINGS: dict[str, tuple[str, ...]] = {
    "course": ("course", "course title", "course name", "event", "event title", "event name",
               "training", "training title"),
    "date": ("date", "session date", "event date", "course date", "start date", "starts on"),
    "agency": ("agency", "organisation", "organization", "employer", "organisation name",
               "agency name", "service"),
    "role": ("role", "job role", "job title", "position", "role type"),
    "status": ("status", "attendance", "attendance status", "booking status", "attended"),
    "number": ("number", "places", "number of places", "count", "attendees", "quantity"),
}
LABELS = {"course": "Course", "date": "Date", "agency": "Agency", "role": "Role",
          "status": "Status", "number": "Number"}
REQUIRED = ("course", "date", "agency", "role", "status")
NEVER_READ = ("name", "first name", "last name", "surname", "full name", "email",
              "email address", "delegate", "delegate name", "attendee", "attendee name",
              "phone", "telephone", "mobile")

ATTENDED = {"attended", "present", "yes", "y", "completed", "attended in full",
            "attended part", "passed"}
ABSENT = {"did not attend", "dna", "no show", "no-show", "absent", "no", "n", "not attended"}
BOOKED = {"booked", "confirmed", "registered", "place confirmed", "reserved"}
WITHDRAWN = {"cancelled", "canceled", "withdrawn", "cancelled by delegate", "refunded"}


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


@dataclass(frozen=True)
class Line:
    """A line of attendance the file gives: a session, an agency and a role's counts."""

    session_id: int
    agency_id: int
    role: str
    booked: int
    attended: int

    @property
    def place(self) -> str:
        """Its place, as the sealed file names it."""
        return f"{self.session_id}/{self.agency_id}/{_key(self.role)}"


@dataclass
class SessionSummary:
    """What a file does to one session's attendance."""

    session: TrainingSession
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    booked: int = 0
    attended: int = 0


@dataclass
class CheckedAttendance:
    """A checked file: its lines, its problems, and what it would change."""

    lines: list[Line] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # withdrawn bookings
    ignored: list[str] = field(default_factory=list)  # columns never read (names, emails)
    summaries: dict[int, SessionSummary] = field(default_factory=dict)
    states: dict[str, int] = field(default_factory=dict)  # saved line's place -> version

    @property
    def ok(self) -> bool:
        """Every row can be imported, and there is at least one line."""
        return not self.problems and bool(self.lines)


def check_attendance(partnership: Partnership, filename: str, content: bytes
                     ) -> CheckedAttendance:
    """Read and check every row of a booking system's file (nothing is saved)."""
    try:
        table = read_table(filename, content)
    except SpreadsheetError as problem:
        raise DomainError(str(problem), "spreadsheet") from None
    return check_table(partnership, table)


def _sessions(partnership: Partnership) -> dict[tuple[str, dt.date], list[TrainingSession]]:
    found: dict[tuple[str, dt.date], list[TrainingSession]] = defaultdict(list)
    for session, title in db.session.execute(
            sa.select(TrainingSession, Course.title).join(Course)
            .where(Course.partnership_id == partnership.id)):
        found[(_key(title), session.starts_on)].append(session)
    return found


def check_table(partnership: Partnership, table: Table) -> CheckedAttendance:
    """Check every row against the programme and the register, and add the rows up."""
    result = CheckedAttendance()
    columns = match_headings(table.headings, HEADINGS)
    missing = missing_columns(table.headings, columns, LABELS, REQUIRED, (
        "Name the columns Course, Date, Agency, Role and Status, and Number if a row is more "
        "than one place (the template has them)"))
    if missing:
        result.problems.append(missing)
        return result
    used = set(columns.values())
    result.ignored = [h for h in table.headings if h not in used and _key(h) in NEVER_READ]
    index = {name: table.headings.index(heading) for name, heading in columns.items()}
    heading = {name: columns.get(name, LABELS[name]) for name in LABELS}
    sessions = _sessions(partnership)
    agencies = {_key(a.name): a for a in agency_options(partnership)}
    today = clock.today()
    totals: dict[tuple[int, int, str], list[int]] = {}
    roles: dict[tuple[int, int, str], str] = {}
    by_id: dict[int, TrainingSession] = {}

    def cell(values: tuple[Cell, ...], name: str) -> Cell:
        at = index.get(name)
        return values[at] if at is not None else None

    for row in table.rows:
        problems: list[Problem] = []

        def bad(name: str, message: str, row: int = row.number,
                problems: list[Problem] = problems) -> None:
            problems.append(Problem(row, heading[name], message))

        values = row.values
        status_text = _key(display(cell(values, "status")))
        if not status_text and not display(cell(values, "agency")) and not display(
                cell(values, "role")):
            continue  # a template row left blank: no booking
        if status_text in WITHDRAWN:
            result.skipped.append(row.number)
            continue
        title = display(cell(values, "course"))
        day: dt.date | None = None
        try:
            day = parse_date(cell(values, "date"))
        except ValueError as wrong:
            bad("date", str(wrong))
        if day is None and not problems:
            bad("date", "enter the date of the session, such as 31/03/2025")
        session: TrainingSession | None = None
        if not title:
            bad("course", "enter the course's title as the programme names it")
        elif day is not None:
            matches = sessions.get((_key(title), day), [])
            if not matches:
                bad("course", f"there is no session of '{title[:80]}' on {day:%d/%m/%Y} in "
                              f"the programme: add the session first, or check the title "
                              "and date")
            elif len(matches) > 1:
                bad("course", f"'{title[:80]}' has {len(matches)} sessions on "
                              f"{day:%d/%m/%Y}: record their attendance on each session's "
                              "page")
            elif matches[0].cancelled:
                bad("course", f"the session of '{title[:80]}' on {day:%d/%m/%Y} was "
                              "cancelled")
            else:
                session = matches[0]
        agency_text = display(cell(values, "agency"))
        agency = agencies.get(_key(agency_text)) if agency_text else None
        if not agency_text:
            bad("agency", "enter the attendee's agency as the register names it")
        elif agency is None:
            bad("agency", f"there is no agency '{agency_text[:80]}' in the register: use its "
                          "name as the register has it")
        role = " ".join(display(cell(values, "role")).split())
        if not role:
            bad("role", "enter the attendee's role, such as Social worker")
        elif len(role) > ROLE_LIMIT:
            bad("role", f"the role must be {ROLE_LIMIT} characters or fewer")
        for problem in identifier_problems(role):
            bad("role", problem)
        number = 1
        number_text = display(cell(values, "number"))
        if number_text:
            if not number_text.isdigit() or not 1 <= int(number_text) <= MAX_NUMBER:
                bad("number", f"'{number_text[:20]}' is not a number of places from 1 to "
                              f"{MAX_NUMBER:,}")
            else:
                number = int(number_text)
        came = False
        if status_text in ATTENDED:
            came = True
        elif status_text not in ABSENT and status_text not in BOOKED:
            bad("status", f"'{display(cell(values, 'status'))[:40]}' is not a status: use "
                          "Attended, Did not attend, Booked or Cancelled")
        if came and session is not None and session.starts_on > today:
            bad("status", "the session has not taken place yet, so nobody can have attended")
        result.problems.extend(problems)
        if problems or session is None or agency is None:
            continue
        by_id[session.id] = session
        key = (session.id, agency.id, _key(role))
        roles.setdefault(key, role)
        counts = totals.setdefault(key, [0, 0])
        counts[0] += number
        counts[1] += number if came else 0
    if not result.problems and not totals:
        result.problems.append(Problem(None, "", "The file has no bookings: every row is "
                                                 "blank or cancelled"))
    if result.problems:
        return result
    result.lines = [Line(s, a, roles[(s, a, r)], booked, came)
                    for (s, a, r), (booked, came) in sorted(totals.items())]
    _compare_with_saved(result, by_id)
    return result


def _compare_with_saved(result: CheckedAttendance, sessions: dict[int, TrainingSession]) -> None:
    saved = {f"{line.session_id}/{line.agency_id}/{_key(line.role)}": line
             for line in db.session.scalars(sa.select(SessionAttendance).where(
                 SessionAttendance.session_id.in_(list(sessions))))}
    for line in result.lines:
        summary = result.summaries.setdefault(line.session_id,
                                              SessionSummary(sessions[line.session_id]))
        summary.booked += line.booked
        summary.attended += line.attended
        before = saved.get(line.place)
        if before is None:
            summary.new += 1
            continue
        result.states[line.place] = before.version
        if (before.booked, before.attended) == (line.booked, line.attended):
            summary.unchanged += 1
        else:
            summary.changed += 1
    result.summaries = dict(sorted(result.summaries.items(),
                                   key=lambda item: (item[1].session.starts_on, item[0])))


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt="training-attendance-upload")


def seal(filename: str, checked: CheckedAttendance) -> str:
    """Carry the checked lines, and the saved lines' versions, to the confirmation, signed
    so that what is imported is what the preview showed."""
    return str(_serializer().dumps({
        "file": filename, "states": checked.states,
        "lines": [[x.session_id, x.agency_id, x.role, x.booked, x.attended]
                  for x in checked.lines]}))


def unseal(token: str) -> tuple[str, list[Line], dict[str, int]]:
    """Read what ``seal`` carried, or refuse if it was altered."""
    try:
        data = _serializer().loads(token)
        lines = [Line(int(x[0]), int(x[1]), str(x[2]), int(x[3]), int(x[4]))
                 for x in data["lines"]]
        return str(data["file"]), lines, {str(k): int(v) for k, v in data["states"].items()}
    except (BadSignature, KeyError, TypeError, ValueError, IndexError):
        raise DomainError("The checked file could not be read back: upload it again",
                          "spreadsheet") from None


@dataclass(frozen=True)
class Imported:
    """What an import saved."""

    new: int
    changed: int
    sessions: int


def apply_attendance(partnership: Partnership, filename: str, lines: Sequence[Line],
                     states: dict[str, int]) -> Imported:
    """Save the checked lines, all or none, unless any was saved by someone (or by an earlier
    click) since the file was checked."""
    session_ids = sorted({line.session_id for line in lines})
    owned = set(db.session.scalars(sa.select(TrainingSession.id).join(Course).where(
        TrainingSession.id.in_(session_ids), Course.partnership_id == partnership.id,
        TrainingSession.cancelled.is_(False))))
    agencies = {a.id: a for a in db.session.scalars(sa.select(Agency).where(
        Agency.partnership_id == partnership.id))}
    saved = {f"{line.session_id}/{line.agency_id}/{_key(line.role)}": line
             for line in db.session.scalars(sa.select(SessionAttendance).where(
                 SessionAttendance.session_id.in_(session_ids)))}
    changed_since = DomainError(
        f"SessionAttendance in {filename} was saved after the file was checked (it may have been "
        "imported already): check the sessions, and upload the file again if it is still "
        "needed", "spreadsheet")
    if {place: line.version for place, line in saved.items()
            if place in {x.place for x in lines}} != states:
        raise changed_since
    new = changed = 0
    for line in lines:
        if line.session_id not in owned or line.agency_id not in agencies:
            raise changed_since
        before = saved.get(line.place)
        if before is None:
            db.session.add(SessionAttendance(session_id=line.session_id, agency_id=line.agency_id,
                                      role=line.role, booked=line.booked,
                                      attended=line.attended))
            new += 1
        elif (before.booked, before.attended) != (line.booked, line.attended):
            before.booked, before.attended = line.booked, line.attended
            changed += 1
    db.session.flush()
    return Imported(new, changed, len(session_ids))


def template_csv(partnership: Partnership, today: dt.date | None = None) -> bytes:
    """A CSV to fill in: a row for each session of the last and next three months (one
    booking a row; copy a row for each booking, or give the Number of places)."""
    day = today or clock.today()
    rows = db.session.execute(
        sa.select(Course.title, TrainingSession.starts_on).join(Course)
        .where(Course.partnership_id == partnership.id, TrainingSession.cancelled.is_(False),
               TrainingSession.starts_on >= day - dt.timedelta(days=92),
               TrainingSession.starts_on <= day + dt.timedelta(days=92))
        .order_by(TrainingSession.starts_on, Course.title)).all()
    return to_csv(["Course", "Date", "Agency", "Role", "Status", "Number"],
                  [[title, starts_on.strftime("%d/%m/%Y"), "", "", "", ""]
                   for title, starts_on in rows])

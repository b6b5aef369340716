"""Meetings of a body: scheduling (by hand or from its frequency), agenda, attendance,
decisions with the statutory partners' votes, minutes and their approval, and attendance
figures per agency.

Approved minutes lock a meeting: every change below goes through :func:`check_unlocked`,
so a locked meeting refuses changes here, whatever a page shows or hides.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified

from partnership.actions.models import Action
from partnership.audit.models import AuditEvent
from partnership.audit.services import record_type_of
from partnership.editing import apply_edit
from partnership.extensions import db
from partnership.kernel.dates import long_date, reporting_year, year_label, year_span
from partnership.kernel.errors import DomainError
from partnership.kernel.numbers import percent_words
from partnership.meetings.models import (
    AgendaItem,
    Attendance,
    Decision,
    DecisionMethod,
    Meeting,
    MeetingStatus,
    MinutesStatus,
    Presence,
    Vote,
    VoteChoice,
)
from partnership.policy import can, readable, scope, served_to_reader
from partnership.register.models import (
    Agency,
    Body,
    BodyMember,
    Frequency,
    Partnership,
    StatutoryPartner,
)
from partnership.register.services.bodies import bodies_of

DEFAULT_YEAR_START = 4  # April: a collaboration's bodies have no partnership to ask
UPCOMING_WEEKS = 8
RECENT_DRAFT_WEEKS = 26
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
WEEKS = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", 5: "Last"}
SIX_WEEKS = dt.timedelta(days=42)
# How many months apart meetings fall, for the frequencies that repeat by the month.
MONTHS_APART = {
    Frequency.MONTHLY: 1,
    Frequency.BIMONTHLY: 2,
    Frequency.QUARTERLY: 3,
    Frequency.FOUR_MONTHLY: 4,
    Frequency.TWICE_YEARLY: 6,
}
# A termly body meets once in each school term: in October (autumn), February (spring)
# and June (summer), months clear of the term's start, end and half-term holidays.
TERM_MONTHS = {10: "Autumn term", 2: "Spring term", 6: "Summer term"}
AD_HOC_MESSAGE = ("This body meets as needed, so no dates can be generated from how often it "
                  "meets: add each meeting by hand, or change how often it meets on its page "
                  "in the register")
NOT_STATED_MESSAGE = ("How often this body meets is not stated, so no dates can be generated: "
                      "add each meeting by hand, or record how often it meets on its page in "
                      "the register")


class MeetingError(DomainError):
    """A change that breaks one of the meetings' rules; the message is for the user."""


class MeetingLocked(MeetingError):
    """The meeting's minutes are approved: it, its agenda, attendance and decisions are final."""

    def __init__(self, meeting: Meeting) -> None:
        approved_at = meeting.minutes_approved_at
        when = f" at the meeting on {long_date(approved_at.held_on)}" if approved_at else ""
        super().__init__(
            f"The minutes of this meeting were approved{when}, so the meeting, its agenda, "
            "attendance and decisions can no longer be changed")


class DecisionProblems(MeetingError):
    """Every rule a decision's values break, to show next to their fields."""

    def __init__(self, problems: list[MeetingError]) -> None:
        super().__init__(str(problems[0]), problems[0].field)
        self.problems = problems


class CannotGenerate(MeetingError):
    """The body's frequency gives no dates to generate (it meets as needed)."""


@dataclass(frozen=True)
class MeetingsOf:
    """A body's meetings as a whole, for asking the policy who may record them.

    The policy finds the owning body by ``body_id``; the Body itself belongs to the register.
    """

    body_id: int
    __realm__: ClassVar[str] = "meetings"


def meetings_of(body: Body) -> MeetingsOf:
    """Return the target the policy is asked about for a body's meetings (new, generate)."""
    return MeetingsOf(body.id)


@dataclass(frozen=True)
class ActionsArising:
    """The actions arising from a meeting of a body, for asking who may create one."""

    body_id: int
    __realm__: ClassVar[str] = "actions"


def actions_arising(meeting: Meeting) -> ActionsArising:
    """Return the target the policy is asked about for adding an action arising."""
    return ActionsArising(meeting.body_id)


# --- reporting years -------------------------------------------------------------------------


def owning_partnership(body: Body) -> Partnership | None:
    """Return the partnership a body belongs to (None for a collaboration's body)."""
    return body.partnership


def owner_name(body: Body) -> str:
    """Name what a body belongs to: its partnership, or the collaboration sharing it."""
    if body.partnership is not None:
        return body.partnership.name
    return body.collaboration.name if body.collaboration is not None else ""


def year_start_month(body: Body) -> int:
    """Return the month the body's reporting year starts: its partnership's, else April."""
    partnership = owning_partnership(body)
    return partnership.year_start_month if partnership is not None else DEFAULT_YEAR_START


def body_year(body: Body, day: dt.date) -> int:
    """Return the reporting year a date falls in, for this body."""
    return reporting_year(day, year_start_month(body))


def body_year_span(body: Body, year: int) -> tuple[dt.date, dt.date]:
    """Return the first and last day of one of the body's reporting years."""
    return year_span(year, year_start_month(body))


def body_year_label(body: Body, year: int) -> str:
    """Name one of the body's reporting years: "2025-26" (with an en dash)."""
    return year_label(year, year_start_month(body))


def body_slug(body: Body) -> str:
    """Return a partnership slug under which the body's register page can be shown."""
    if body.partnership is not None:
        return body.partnership.slug
    assert body.collaboration is not None
    partnerships = body.collaboration.partnerships
    return partnerships[0].slug if partnerships else ""


# --- generating a year's meetings ------------------------------------------------------------


def nth_weekday(year: int, month: int, weekday: int, week: int) -> dt.date:
    """Return the first..fourth (1-4) or last (5) ``weekday`` (Monday 0) of a month."""
    days = [day for day in calendar.Calendar().itermonthdates(year, month)
            if day.month == month and day.weekday() == weekday]
    return days[-1] if week >= len(WEEKS) else days[week - 1]


def _months(first_day: dt.date) -> list[tuple[int, int]]:
    """The twelve (year, month) pairs of a reporting year, in order."""
    return [(first_day.year + (first_day.month - 1 + n) // 12, (first_day.month - 1 + n) % 12 + 1)
            for n in range(12)]


def meeting_dates(frequency: Frequency | None, first_day: dt.date, last_day: dt.date, *,
                  weekday: int, week: int, first_month: int | None = None) -> list[dt.date]:
    """Return the dates a body meeting at ``frequency`` meets in a reporting year.

    Meetings fall on the chosen weekday and week of the month ("second Tuesday"). Monthly,
    bimonthly, quarterly, four-monthly and twice-yearly bodies meet every 1, 2, 3, 4 or 6
    months counting from ``first_month`` (default: the year's first month), wrapping round
    the year, so the count is always 12, 6, 4, 3 or 2. A six-weekly body meets every 42
    days from its first meeting in ``first_month``, forwards and backwards across the year.
    A termly body meets once a term (October, February, June). An ad hoc body has no dates.
    """
    if frequency is None:
        raise CannotGenerate(NOT_STATED_MESSAGE)
    if frequency is Frequency.AD_HOC:
        raise CannotGenerate(AD_HOC_MESSAGE)
    months = _months(first_day)
    start = next((i for i, (_, month) in enumerate(months) if month == first_month), 0)
    if frequency is Frequency.TERMLY:
        chosen = [(year, month) for year, month in months if month in TERM_MONTHS]
        dates = [nth_weekday(year, month, weekday, week) for year, month in chosen]
    elif frequency is Frequency.SIX_WEEKLY:
        anchor = nth_weekday(*months[start], weekday, week)
        while anchor - SIX_WEEKS >= first_day:
            anchor -= SIX_WEEKS
        dates = []
        while anchor <= last_day:
            dates.append(anchor)
            anchor += SIX_WEEKS
    else:
        step = MONTHS_APART[frequency]
        chosen = [months[(start + n * step) % 12] for n in range(12 // step)]
        dates = [nth_weekday(year, month, weekday, week) for year, month in chosen]
    return sorted(day for day in dates if first_day <= day <= last_day)


def check_can_generate(body: Body) -> None:
    """Refuse to generate meetings for a body that meets as needed, or whose frequency is not
    stated."""
    if body.frequency is None:
        raise CannotGenerate(NOT_STATED_MESSAGE)
    if body.frequency is Frequency.AD_HOC:
        raise CannotGenerate(AD_HOC_MESSAGE)


@dataclass(frozen=True)
class PlannedDate:
    """A date the generator proposes, and whether the body already meets that day."""

    day: dt.date
    existing: bool


def plan_year(body: Body, year: int, *, weekday: int, week: int,
              first_month: int | None = None) -> list[PlannedDate]:
    """Propose a reporting year's meetings for a body, marking dates it already meets on."""
    first_day, last_day = body_year_span(body, year)
    dates = meeting_dates(body.frequency, first_day, last_day, weekday=weekday, week=week,
                          first_month=first_month)
    taken = set(db.session.scalars(
        sa.select(Meeting.held_on).where(Meeting.body_id == body.id,
                                         Meeting.held_on.between(first_day, last_day))))
    return [PlannedDate(day, day in taken) for day in dates]


def generate_meetings(body: Body, planned: Iterable[PlannedDate], *,
                      starts_at: dt.time | None, location: str) -> list[Meeting]:
    """Schedule the proposed meetings that the body does not already have."""
    created = []
    taken = set(db.session.scalars(sa.select(Meeting.held_on).where(Meeting.body_id == body.id)))
    for entry in planned:
        if entry.day in taken:
            continue
        meeting = Meeting(body=body, held_on=entry.day, starts_at=starts_at, location=location,
                          status=MeetingStatus.SCHEDULED)
        db.session.add(meeting)
        created.append(meeting)
        taken.add(entry.day)
    db.session.flush()
    return created


# --- reading ---------------------------------------------------------------------------------


def body_or_404(body_id: int) -> Body:
    """Return a body, or answer 404."""
    body = db.session.get(Body, body_id)
    if body is None or not served_to_reader(body):
        abort(404)
    return body


def meeting_or_404(meeting_id: int) -> Meeting:
    """Return a meeting with everything its page shows loaded up front, or answer 404."""
    meeting = db.session.scalars(
        sa.select(Meeting).where(Meeting.id == meeting_id).options(
            selectinload(Meeting.body).selectinload(Body.partnership)
            .selectinload(Partnership.partners).selectinload(StatutoryPartner.names),
            selectinload(Meeting.minutes_approved_at),
            selectinload(Meeting.agenda),
            selectinload(Meeting.attendance).selectinload(Attendance.agency),
            selectinload(Meeting.decisions).selectinload(Decision.agenda_item),
            selectinload(Meeting.decisions).selectinload(Decision.votes)
            .selectinload(Vote.partner).selectinload(StatutoryPartner.names),
            selectinload(Meeting.decisions).selectinload(Decision.votes)
            .selectinload(Vote.confirmed_by),
        )).first()
    if meeting is None or not served_to_reader(meeting):
        abort(404)
    return meeting


def agenda_item_or_404(item_id: int) -> AgendaItem:
    """Return an agenda item, or answer 404."""
    item = db.session.get(AgendaItem, item_id)
    if item is None or not served_to_reader(item):
        abort(404)
    return item


def decision_or_404(decision_id: int) -> Decision:
    """Return a decision, or answer 404."""
    decision = db.session.get(Decision, decision_id)
    if decision is None or not served_to_reader(decision):
        abort(404)
    return decision


def vote_or_404(vote_id: int) -> Vote:
    """Return a vote, or answer 404."""
    vote = db.session.get(Vote, vote_id)
    if vote is None or not served_to_reader(vote):
        abort(404)
    return vote


@dataclass(frozen=True)
class MeetingRow:
    """A meeting in a list, with how many decisions and actions arising it has."""

    meeting: Meeting
    decisions: int
    actions: int


def _counts(meeting_ids: list[int]) -> tuple[dict[int, int], dict[int, int]]:
    if not meeting_ids:
        return {}, {}
    decisions = {meeting_id: count for meeting_id, count in db.session.execute(
        sa.select(Decision.meeting_id, sa.func.count(Decision.id))
        .where(Decision.meeting_id.in_(meeting_ids)).group_by(Decision.meeting_id))}
    actions = {meeting_id: count for meeting_id, count in db.session.execute(
        sa.select(Action.meeting_id, sa.func.count(Action.id))
        .where(Action.meeting_id.in_(meeting_ids), readable(Action))
        .group_by(Action.meeting_id))}
    return decisions, actions


def body_meetings(body: Body, first_day: dt.date, last_day: dt.date) -> list[MeetingRow]:
    """Return a body's meetings between two dates, earliest first, with their counts."""
    meetings = list(db.session.scalars(
        sa.select(Meeting).where(Meeting.body_id == body.id,
                                 Meeting.held_on.between(first_day, last_day))
        .options(selectinload(Meeting.minutes_approved_at))
        .order_by(Meeting.held_on, Meeting.id)))
    decisions, actions = _counts([m.id for m in meetings])
    return [MeetingRow(m, decisions.get(m.id, 0), actions.get(m.id, 0)) for m in meetings]


@dataclass(frozen=True)
class DayOfMeetings:
    """The meetings on one day, for a list grouped by date."""

    day: dt.date
    meetings: list[Meeting]


def _by_day(meetings: Iterable[Meeting]) -> list[DayOfMeetings]:
    days: dict[dt.date, list[Meeting]] = {}
    for meeting in meetings:
        days.setdefault(meeting.held_on, []).append(meeting)
    return [DayOfMeetings(day, listed) for day, listed in days.items()]


def upcoming(today: dt.date, partnership: Partnership | None = None
             ) -> tuple[list[DayOfMeetings], list[DayOfMeetings]]:
    """Return the next weeks' meetings, and recent ones whose minutes are still in draft.

    Both are grouped by date (upcoming soonest first, drafts most recent first); with a
    partnership, only the bodies it takes part in (its own, joint and shared ones).
    """
    conditions: list[sa.ColumnElement[bool]] = [readable(Meeting)]
    if partnership is not None:
        conditions.append(Meeting.body_id.in_([b.id for b in bodies_of(partnership)]))
    options = (selectinload(Meeting.body).selectinload(Body.partnership),
               selectinload(Meeting.body).selectinload(Body.collaboration))
    soon = db.session.scalars(
        sa.select(Meeting).where(
            *conditions, Meeting.held_on.between(today, today + dt.timedelta(weeks=UPCOMING_WEEKS)),
            Meeting.status != MeetingStatus.CANCELLED)
        .options(*options).order_by(Meeting.held_on, Meeting.starts_at, Meeting.id))
    drafts = db.session.scalars(
        sa.select(Meeting).where(
            *conditions,
            Meeting.held_on.between(today - dt.timedelta(weeks=RECENT_DRAFT_WEEKS),
                                    today - dt.timedelta(days=1)),
            Meeting.status != MeetingStatus.CANCELLED,
            Meeting.minutes_status == MinutesStatus.DRAFT)
        .options(*options).order_by(Meeting.held_on.desc(), Meeting.starts_at, Meeting.id))
    return _by_day(soon), _by_day(drafts)


def meeting_history(meeting: Meeting) -> list[AuditEvent]:
    """Return the changes to a meeting, its agenda, attendance, decisions and votes.

    Two queries whatever the meeting holds: one for its records' rows, one for the rows of
    parts deleted since (attendance replaced, votes removed), found by the parent they name.
    """
    decisions = list(meeting.decisions)
    parts: list[Any] = [*meeting.agenda, *meeting.attendance, *decisions,
                        *(vote for decision in decisions for vote in decision.votes)]
    keys: dict[str, set[str]] = {record_type_of(meeting): {str(meeting.id)}}
    for part in parts:
        keys.setdefault(record_type_of(part), set()).add(str(part.id))
    events = list(db.session.scalars(sa.select(AuditEvent).where(sa.or_(*(
        sa.and_(AuditEvent.record_type == kind, AuditEvent.record_id.in_(sorted(ids)))
        for kind, ids in keys.items())))))
    decision_ids = {d.id for d in decisions}
    removed = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "delete",
        AuditEvent.record_type.in_(["agenda_item", "attendance", "decision", "vote"])))
    for event in removed:
        changes = event.changes or {}
        parent = (changes.get("meeting_id") or [None])[0]
        decision = (changes.get("decision_id") or [None])[0]
        if parent == meeting.id or decision in decision_ids:
            events.append(event)
    unique = {event.id: event for event in events}
    return sorted(unique.values(), key=lambda event: (event.at, event.id), reverse=True)


def minutes_words(meeting: Meeting) -> str:
    """Say where the minutes stand, beside their tag: "Approved at the meeting on 9 July 2025"."""
    if meeting.minutes_status is MinutesStatus.APPROVED:
        approved_at = meeting.minutes_approved_at
        return (f"Approved at the meeting on {long_date(approved_at.held_on)}" if approved_at
                else "Approved")
    return "" if meeting.minutes.strip() else "Not written yet."


# --- changing a meeting ----------------------------------------------------------------------


def check_unlocked(meeting: Meeting) -> None:
    """Refuse any change to a meeting whose minutes are approved."""
    if meeting.locked:
        raise MeetingLocked(meeting)


def _check_free_date(body: Body, day: dt.date, meeting: Meeting | None = None) -> None:
    clash = db.session.scalars(sa.select(Meeting.id).where(
        Meeting.body_id == body.id, Meeting.held_on == day,
        Meeting.id != (meeting.id if meeting is not None and meeting.id else -1))).first()
    if clash is not None:
        raise MeetingError(f"{body.name} already has a meeting on {long_date(day)}", "held_on")


def create_meeting(body: Body, values: Mapping[str, Any]) -> Meeting:
    """Schedule (or record) one meeting of a body."""
    _check_free_date(body, values["held_on"])
    meeting = Meeting(body=body, **values)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def update_meeting(meeting: Meeting, started_from: object, values: Mapping[str, Any]) -> bool:
    """Change a meeting's date, time, place, status or minutes, unless it is locked."""
    check_unlocked(meeting)
    if values.get("held_on") not in (None, meeting.held_on):
        _check_free_date(meeting.body, values["held_on"], meeting)
    return apply_edit(meeting, started_from, values)


def next_position(items: Iterable[Any]) -> int:
    """Return the position that puts a new agenda item or decision last."""
    return max((item.position for item in items), default=0) + 1


def add_agenda_item(meeting: Meeting, values: Mapping[str, Any]) -> AgendaItem:
    """Add an item to a meeting's agenda (last, unless a position is given)."""
    check_unlocked(meeting)
    fields = dict(values)
    if fields.get("position") is None:
        fields["position"] = next_position(meeting.agenda)
    item = AgendaItem(meeting=meeting, **fields)
    db.session.add(item)
    db.session.flush()
    return item


def update_agenda_item(item: AgendaItem, started_from: object,
                       values: Mapping[str, Any]) -> bool:
    """Change an agenda item, unless its meeting is locked."""
    check_unlocked(item.meeting)
    fields = dict(values)
    if fields.get("position") is None:
        fields["position"] = item.position
    return apply_edit(item, started_from, fields)


# --- attendance ------------------------------------------------------------------------------


def attendance_agencies(meeting: Meeting) -> list[Agency]:
    """Return the agencies the attendance form lists: the body's members, then any others
    already recorded for this meeting, each once, by name."""
    members = db.session.scalars(
        sa.select(Agency).join(BodyMember, BodyMember.agency_id == Agency.id)
        .where(BodyMember.body_id == meeting.body_id)).unique()
    agencies = {agency.id: agency for agency in members}
    for row in meeting.attendance:
        agencies.setdefault(row.agency_id, row.agency)
    return sorted(agencies.values(), key=lambda agency: (agency.name.lower(), agency.id))


# {agency id: (presence, who attended, reason for absence)}
AttendanceEntries = Mapping[int, tuple[Presence, str, str]]


def member_seats(meeting: Meeting) -> dict[int, list[str]]:
    """Return each member agency's seats on the meeting's body (roles, and who holds them)."""
    seats: dict[int, list[str]] = {}
    members = db.session.scalars(
        sa.select(BodyMember).where(BodyMember.body_id == meeting.body_id,
                                    BodyMember.agency_id.is_not(None))
        .options(selectinload(BodyMember.person)).order_by(BodyMember.id))
    for member in members:
        assert member.agency_id is not None
        holder = f" ({member.person.name})" if member.person is not None else ""
        seats.setdefault(member.agency_id, []).append(f"{member.role}{holder}")
    return seats


def previous_attendance(meeting: Meeting) -> tuple[Meeting, AttendanceEntries] | None:
    """Return the body's latest earlier meeting with attendance recorded, and its entries."""
    earlier = db.session.scalars(
        sa.select(Meeting).where(
            Meeting.body_id == meeting.body_id, Meeting.id != meeting.id,
            Meeting.held_on <= meeting.held_on,
            Meeting.attendance.any())
        .options(selectinload(Meeting.attendance))
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())).first()
    if earlier is None:
        return None
    return earlier, {row.agency_id: (row.presence, row.attendee, row.reason)
                     for row in earlier.attendance}


def save_attendance(meeting: Meeting, entries: AttendanceEntries, today: dt.date) -> None:
    """Replace the meeting's attendance with ``{agency id: (presence, attendee, reason)}``.

    Recording attendance for a scheduled meeting whose day has come marks it held.
    """
    check_unlocked(meeting)
    current = {row.agency_id: row for row in meeting.attendance}
    for agency_id, (presence, attendee, reason) in entries.items():
        row = current.pop(agency_id, None)
        if row is None:
            meeting.attendance.append(Attendance(agency_id=agency_id, presence=presence,
                                                 attendee=attendee, reason=reason))
        else:
            row.presence, row.attendee, row.reason = presence, attendee, reason
    for row in current.values():
        meeting.attendance.remove(row)  # delete-orphan: an explicit delete, audited
    if entries and meeting.status is MeetingStatus.SCHEDULED and meeting.held_on <= today:
        meeting.status = MeetingStatus.HELD
    db.session.flush()


@dataclass(frozen=True)
class AgencyAttendance:
    """How an agency was represented at a set of bodies' held meetings in a period."""

    agency_id: int
    agency_name: str
    held: int
    present: int
    deputy: int
    apologies: int
    absent: int

    @property
    def not_recorded(self) -> int:
        """Held meetings at which nothing was recorded for the agency."""
        return self.held - self.present - self.deputy - self.apologies - self.absent

    @property
    def rate(self) -> float | None:
        """Present or by deputy, as a share of the held meetings (None with none held)."""
        return (self.present + self.deputy) / self.held if self.held else None

    @property
    def rate_words(self) -> str:
        """The attendance rate as a whole percentage, or "No meetings held"."""
        return percent_words(self.present + self.deputy, self.held, nothing="No meetings held")


def attendance_by_agency(body_ids: Iterable[int], start: dt.date,
                         end: dt.date) -> list[AgencyAttendance]:
    """Count, per agency, the bodies' held meetings in a period and how it was represented.

    An agency counts a held meeting if it sits on that meeting's body or its attendance
    there was recorded. One query; the yearly report uses it over all of a partnership's
    bodies.
    """
    ids = sorted(set(body_ids))
    if not ids:
        return []
    held = (sa.select(Meeting.id, Meeting.body_id)
            .where(Meeting.body_id.in_(ids), Meeting.held_on.between(start, end),
                   Meeting.status == MeetingStatus.HELD).subquery("held"))
    pairs = sa.union(
        sa.select(BodyMember.agency_id.label("agency_id"), held.c.id.label("meeting_id"))
        .join(held, held.c.body_id == BodyMember.body_id)
        .where(BodyMember.agency_id.is_not(None)),
        sa.select(Attendance.agency_id.label("agency_id"),
                  Attendance.meeting_id.label("meeting_id"))
        .join(held, held.c.id == Attendance.meeting_id),
    ).subquery("pairs")

    def count(presence: Presence) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(
            sa.case((Attendance.presence == presence, 1), else_=0)), 0)

    rows = db.session.execute(
        sa.select(Agency.id, Agency.name, sa.func.count().label("held"),
                  count(Presence.PRESENT), count(Presence.DEPUTY), count(Presence.APOLOGIES),
                  count(Presence.ABSENT))
        .select_from(pairs)
        .join(Agency, Agency.id == pairs.c.agency_id)
        .outerjoin(Attendance, sa.and_(Attendance.meeting_id == pairs.c.meeting_id,
                                       Attendance.agency_id == pairs.c.agency_id))
        .group_by(Agency.id, Agency.name)
        .order_by(Agency.name, Agency.id))
    return [AgencyAttendance(agency_id=agency_id, agency_name=name, held=int(held),
                             present=int(present), deputy=int(deputy),
                             apologies=int(apologies), absent=int(absent))
            for agency_id, name, held, present, deputy, apologies, absent in rows]


# --- decisions and votes ---------------------------------------------------------------------


def statutory_partners(body: Body) -> list[StatutoryPartner]:
    """Return the three statutory partners who vote on a body's majority decisions.

    A collaboration's body has none of its own (it decides by consensus).
    """
    partnership = owning_partnership(body)
    return list(partnership.partners) if partnership is not None else []


def partner_name(partner: StatutoryPartner, meeting: Meeting) -> str:
    """Name a partner organisation as it was called on the day of the meeting."""
    return partner.name_on(meeting.held_on)


def vote_field(partner: StatutoryPartner) -> str:
    """Name the form field that holds a partner's vote."""
    return f"vote_{partner.id}"


def decision_problems(meeting: Meeting, values: Mapping[str, Any]) -> list[MeetingError]:
    """Return every rule a decision's values break: the majority method needs all three votes."""
    problems: list[MeetingError] = []
    item: AgendaItem | None = values.get("agenda_item")
    if item is not None and item.meeting_id != meeting.id:
        problems.append(MeetingError("Select an item on this meeting's agenda", "agenda_item"))
    if values["method"] is not DecisionMethod.PARTNER_MAJORITY:
        return problems
    partners = statutory_partners(meeting.body)
    if not partners:
        problems.append(MeetingError(
            f"{meeting.body.name} is shared by a collaboration and has no statutory partners "
            "of its own to vote, so its decisions are made by consensus", "method"))
        return problems
    votes: Mapping[int, VoteChoice | None] = values.get("votes") or {}
    for partner in partners:
        if votes.get(partner.id) is None:
            problems.append(MeetingError(
                f"Select how {partner_name(partner, meeting)} voted: a majority decision "
                "needs the votes of all three safeguarding partners", vote_field(partner)))
    return problems


def _sync_votes(decision: Decision, values: Mapping[str, Any]) -> bool:
    """Make the decision's votes match the values; a changed vote loses its confirmation."""
    changed = False
    if values["method"] is not DecisionMethod.PARTNER_MAJORITY:
        for vote in list(decision.votes):
            decision.votes.remove(vote)
            changed = True
        return changed
    wanted: Mapping[int, VoteChoice] = values["votes"]
    current = {vote.partner_id: vote for vote in decision.votes}
    for partner_id, choice in wanted.items():
        vote = current.pop(partner_id, None)
        if vote is None:
            decision.votes.append(Vote(partner_id=partner_id, choice=choice))
            changed = True
        elif vote.choice is not choice:
            vote.choice = choice
            vote.confirmed_by = None
            vote.confirmed_at = None
            changed = True
    for vote in current.values():
        decision.votes.remove(vote)
        changed = True
    return changed


def _decision_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    return {"text": values["text"], "agenda_item": values.get("agenda_item"),
            "method": values["method"]}


def _check_decision(meeting: Meeting, values: Mapping[str, Any]) -> None:
    check_unlocked(meeting)
    problems = decision_problems(meeting, values)
    if problems:
        raise DecisionProblems(problems)


def add_decision(meeting: Meeting, values: Mapping[str, Any]) -> Decision:
    """Record a decision and, for a majority decision, each partner's vote; or raise."""
    _check_decision(meeting, values)
    decision = Decision(meeting=meeting, position=next_position(meeting.decisions),
                        **_decision_fields(values))
    db.session.add(decision)
    _sync_votes(decision, values)
    db.session.flush()
    return decision


def update_decision(decision: Decision, started_from: object,
                    values: Mapping[str, Any]) -> bool:
    """Change a decision and its votes, if the editor saw its current version; or raise.

    Votes live in their own rows, so a change to them alone still moves the decision's
    version on (an editor who opened the decision before then gets the conflict page).
    """
    _check_decision(decision.meeting, values)
    changed = apply_edit(decision, started_from, _decision_fields(values))
    if _sync_votes(decision, values):
        if not changed:
            flag_modified(decision, "text")
        changed = True
    return changed


def confirm_vote(vote: Vote, user: Any, now: dt.datetime) -> bool:
    """Record that the partner's representative confirmed the minuted vote; False if it was."""
    if vote.confirmed_at is not None:
        return False
    vote.confirmed_by_id = user.id
    vote.confirmed_at = now
    db.session.flush()
    return True


# --- minutes ---------------------------------------------------------------------------------


def later_meetings(meeting: Meeting) -> list[Meeting]:
    """Return the body's later meetings that were not cancelled, soonest first."""
    return list(db.session.scalars(
        sa.select(Meeting).where(Meeting.body_id == meeting.body_id,
                                 Meeting.held_on > meeting.held_on,
                                 Meeting.status != MeetingStatus.CANCELLED)
        .order_by(Meeting.held_on, Meeting.id)))


def approve_minutes(meeting: Meeting, approved_at: Meeting | None, today: dt.date) -> None:
    """Approve a meeting's draft minutes at a later meeting of the body; they are then final."""
    check_unlocked(meeting)
    if not meeting.minutes.strip():
        raise MeetingError("Write the minutes before they can be approved", "approved_at")
    if approved_at is None:
        raise MeetingError("Select the meeting at which the minutes were approved",
                           "approved_at")
    if approved_at.body_id != meeting.body_id or approved_at.held_on <= meeting.held_on:
        raise MeetingError(f"Select a later meeting of {meeting.body.name}", "approved_at")
    if approved_at.status is MeetingStatus.CANCELLED:
        raise MeetingError("Select a meeting that was not cancelled", "approved_at")
    if approved_at.held_on > today:
        raise MeetingError(
            f"The meeting on {long_date(approved_at.held_on)} has not happened yet: minutes "
            "are approved at a meeting that has taken place", "approved_at")
    meeting.minutes_status = MinutesStatus.APPROVED
    meeting.minutes_approved_at = approved_at
    if approved_at.status is MeetingStatus.SCHEDULED:
        approved_at.status = MeetingStatus.HELD
    db.session.flush()


def describe_year(body: Body, year: int) -> str:
    """Say a reporting year with its dates: "2025-26 (1 April 2025 to 31 March 2026)"."""
    first_day, last_day = body_year_span(body, year)
    return f"{body_year_label(body, year)} ({long_date(first_day)} to {long_date(last_day)})"


@dataclass(frozen=True)
class VoteToConfirm:
    """A minuted vote of the user's organisation that they have not yet confirmed."""

    meeting: Meeting
    decision: Decision
    vote: Vote


def votes_to_confirm(user: Any) -> list[VoteToConfirm]:
    """The unconfirmed votes of the partners the user represents, latest meeting first."""
    partner_ids = scope(user).partner_ids
    if not partner_ids:
        return []
    votes = db.session.scalars(
        sa.select(Vote).join(Decision, Vote.decision_id == Decision.id)
        .join(Meeting, Decision.meeting_id == Meeting.id)
        .where(Vote.partner_id.in_(sorted(partner_ids)), Vote.confirmed_at.is_(None))
        .options(selectinload(Vote.decision).selectinload(Decision.meeting)
                 .selectinload(Meeting.body))
        .order_by(Meeting.held_on.desc(), Decision.position, Decision.id))
    return [VoteToConfirm(vote.decision.meeting, vote.decision, vote) for vote in votes]


def recordable_bodies(user: Any, today: dt.date) -> list[tuple[str, list[Body]]]:
    """The bodies still running whose meetings the user may record, by what they belong to."""
    bodies = db.session.scalars(
        sa.select(Body).where(readable(Body), sa.or_(Body.ends_on.is_(None),
                                                     Body.ends_on >= today))
        .options(selectinload(Body.partnership), selectinload(Body.collaboration))
        .order_by(Body.position, Body.name, Body.id))
    grouped: dict[str, list[Body]] = {}
    for body in bodies:
        if can(user, "edit", meetings_of(body)):
            grouped.setdefault(owner_name(body), []).append(body)
    return sorted(grouped.items(), key=lambda entry: entry[0].lower())


def chaired_bodies(user: Any) -> list[Body]:
    """The bodies the user chairs, by name (for their home page)."""
    body_ids = scope(user).chaired_body_ids
    if not body_ids:
        return []
    return list(db.session.scalars(
        sa.select(Body).where(Body.id.in_(sorted(body_ids))).order_by(Body.name, Body.id)))

"""How a demo action's year went: its dates, status and progress updates, relative to today.

Every demo action (and every synthetic one) follows a *scenario*: finished last year, carried
forward, on track, past its target, waiting too long for an update, and so on. A scenario is
turned into a :class:`Timeline` of dates counted back from the day the demo is loaded, so the
tracker shows the same live mix of ratings whenever it is loaded. The ratings themselves are
never set here: the documented rule in :mod:`partnership.actions.rag` derives them.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from enum import StrEnum
from functools import partial

import sqlalchemy as sa

from partnership.accounts.models import User
from partnership.actions.models import Action, ProgressUpdate, Rating, Status
from partnership.demo.register import (
    ACCOUNT_PEOPLE,
    IOM_AGENCIES,
    IOM_PEOPLE,
    NEIGHBOUR_PEOPLE,
    SAL_AGENCIES,
    THB_AGENCIES,
    WSCP_AGENCIES,
    WSCP_PEOPLE,
)
from partnership.extensions import db
from partnership.kernel.dates import reporting_year, year_span
from partnership.meetings.models import Meeting
from partnership.plans.models import Objective, Phase
from partnership.register.models import (
    Agency,
    Body,
    PartnerKind,
    Partnership,
    Person,
    StatutoryPartner,
)

DAY = dt.timedelta(days=1)


class Scenario(StrEnum):
    """How an action's year goes."""

    # Actions of a finished reporting year.
    DONE = "done"                  # completed within the year
    DONE_LATE = "done_late"        # completed, but only after the year had ended
    CARRIED = "carried"            # unfinished at the year end: carried into the next year
    CANCELLED = "cancelled"        # stopped part-way, with the reason
    # Actions of the current reporting year.
    GREEN = "green"                # on track, updated every six weeks or so
    AMBER = "amber"                # due within the warning window with little progress
    LATE_START = "late_start"      # not started though its start date has passed (amber)
    RED = "red"                    # past its target date, still being updated
    RED_STALE = "red_stale"        # past its target and no recent update
    STALE = "stale"                # on track on dates, but no update for too long
    COMPLETE = "complete"          # finished earlier this year
    DEFERRED = "deferred"          # put off, with the reason
    ONGOING = "ongoing"            # continuous work, not judged on dates
    ONGOING_STALE = "ongoing_stale"
    # Actions of a later reporting year.
    PLANNED = "planned"            # agreed, due to start later


PAST = frozenset({Scenario.DONE, Scenario.DONE_LATE, Scenario.CARRIED, Scenario.CANCELLED})


@dataclass(frozen=True)
class UpdatePoint:
    """One progress update's date and figures (the words are added by :func:`narrate`)."""

    day: dt.date
    status: Status
    percent: int | None
    rating: Rating | None


@dataclass(frozen=True)
class Timeline:
    """An action's dates, where it stands today, and its progress updates, oldest first."""

    status: Status
    start: dt.date | None
    target: dt.date | None
    created: dt.date
    percent: int | None
    completed_on: dt.date | None
    updates: tuple[UpdatePoint, ...]

    @property
    def last_update(self) -> dt.date | None:
        """The date of the latest update, if any."""
        return self.updates[-1].day if self.updates else None


def _between(rng: random.Random, low: int, high: int) -> int:
    return rng.randint(low, high)


SIX_WEEKLY = (35, 49)  # days between updates, most of the time


def _cadence(rng: random.Random, first: dt.date, last: dt.date,
             every: tuple[int, int] = SIX_WEEKLY) -> list[dt.date]:
    """Update dates every ``every`` days or so from ``first``, always ending on ``last``."""
    if last < first:
        return [last]
    days = [first]
    while True:
        step = first + _between(rng, *every) * DAY
        if step >= last - 20 * DAY:
            break
        days.append(step)
        first = step
    if days[-1] != last:
        days.append(last)
    return days


def _points(days: list[dt.date], final_percent: int | None, status: Status,
            final_status: Status, ratings: tuple[Rating | None, ...] = ()) -> tuple[
                UpdatePoint, ...]:
    """Spread progress over the updates; the last ones carry ``ratings`` (oldest first)."""
    count = len(days)
    points = []
    for i, day in enumerate(days):
        percent = None if final_percent is None else max(
            5 if final_percent else 0, round(final_percent * (i + 1) / count))
        from_end = count - i
        rating = ratings[-from_end] if from_end <= len(ratings) else Rating.GREEN
        points.append(UpdatePoint(day, final_status if i == count - 1 else status, percent,
                                  rating))
    return tuple(points)


def timeline(scenario: Scenario, year: int, today: dt.date, rng: random.Random,
             start_month: int = 4, every: tuple[int, int] = SIX_WEEKLY) -> Timeline:
    """Lay out an action of reporting ``year`` following ``scenario``, as seen on ``today``,
    with an update every ``every`` days or so."""
    if scenario in PAST:
        return _past(scenario, year, rng, start_month, today, every)
    if scenario is Scenario.PLANNED:
        first, last = year_span(year, start_month)
        start = first + _between(rng, 0, 120) * DAY
        target = min(last, start + _between(rng, 120, 300) * DAY)
        current_start = year_span(reporting_year(today, start_month), start_month)[0]
        return Timeline(Status.NOT_STARTED, start, target, min(today, current_start - 14 * DAY),
                        None, None, ())
    return _current(scenario, year, today, rng, start_month, every)


def _past(scenario: Scenario, year: int, rng: random.Random, start_month: int,
          today: dt.date, every: tuple[int, int]) -> Timeline:
    cadence = partial(_cadence, every=every)
    first, year_end = year_span(year, start_month)
    last = min(year_end, today - DAY)
    created = first - 14 * DAY
    if scenario is Scenario.DONE:
        start = first + _between(rng, 0, 75) * DAY
        target = min(last, start + _between(rng, 120, 300) * DAY)
        late = rng.random() < 0.2
        done = target + _between(rng, 3, 21) * DAY if late else target - _between(
            rng, 0, 40) * DAY
        done = max(start + 30 * DAY, min(done, last))
        days = cadence(rng, start + _between(rng, 14, 30) * DAY, done)
        return Timeline(Status.COMPLETE, start, target, created, 100, done,
                        _points(days, 100, Status.IN_PROGRESS, Status.COMPLETE))
    if scenario is Scenario.DONE_LATE:
        # Due near the year end and finished some weeks into the next year (never on or
        # after today: loaded on the new year's first day, it finishes on the old one's last).
        start = first + _between(rng, 20, 90) * DAY
        target = year_end - _between(rng, 10, 45) * DAY
        done = max(year_end, min(year_end + _between(rng, 12, 60) * DAY, today - DAY))
        days = cadence(rng, start + _between(rng, 14, 30) * DAY, done)
        return Timeline(Status.COMPLETE, start, target, created, 100, done,
                        _points(days, 100, Status.IN_PROGRESS, Status.COMPLETE,
                                (Rating.AMBER, Rating.AMBER, Rating.GREEN)))
    if scenario is Scenario.CARRIED:
        start = first + _between(rng, 30, 120) * DAY
        target = max(start + 60 * DAY, last - _between(rng, 0, 30) * DAY)
        percent = _between(rng, 35, 65)
        days = cadence(rng, start + _between(rng, 14, 30) * DAY,
                        last - _between(rng, 5, 25) * DAY)
        return Timeline(Status.IN_PROGRESS, start, target, created, percent, None,
                        _points(days, percent, Status.IN_PROGRESS, Status.IN_PROGRESS,
                                (Rating.AMBER, Rating.AMBER)))
    # Cancelled part-way through the year.
    start = first + _between(rng, 0, 60) * DAY
    target = min(last, start + _between(rng, 150, 280) * DAY)
    stopped = start + _between(rng, 90, 140) * DAY
    days = cadence(rng, start + _between(rng, 14, 30) * DAY, min(stopped, last))
    percent = _between(rng, 15, 35)
    return Timeline(Status.CANCELLED, start, target, created, percent, None,
                    _points(days, percent, Status.IN_PROGRESS, Status.CANCELLED))


def _current(scenario: Scenario, year: int, today: dt.date, rng: random.Random,
             start_month: int, every: tuple[int, int]) -> Timeline:
    """An action of the current year, with dates counted back from ``today``."""
    cadence = partial(_cadence, every=every)
    year_start = year_span(year, start_month)[0]
    created = min(today, year_start - 14 * DAY)
    S = Scenario

    def start_back(low: int, high: int, latest: dt.date) -> dt.date:
        # Start within the year if there is room, but never after ``latest``.
        return min(max(today - _between(rng, low, high) * DAY, year_start), latest)

    def since(low: int, high: int) -> dt.date:
        return today - _between(rng, low, high) * DAY

    if scenario in (S.RED, S.RED_STALE):
        target = since(18, 60)
        start = start_back(150, 230, target - 45 * DAY)
        last = since(8, 30) if scenario is S.RED else since(50, 75)
        last = max(last, start + DAY)
        percent = _between(rng, 40, 65)
        ratings = (Rating.AMBER, Rating.RED) if scenario is S.RED else (Rating.AMBER,)
        days = cadence(rng, start + _between(rng, 10, 25) * DAY, last)
        return Timeline(Status.IN_PROGRESS, start, target, min(created, start), percent, None,
                        _points(days, percent, Status.IN_PROGRESS, Status.IN_PROGRESS, ratings))
    if scenario is S.AMBER:
        target = today + _between(rng, 7, 24) * DAY
        start = start_back(110, 170, today - 30 * DAY)
        percent = _between(rng, 20, 50)
        days = cadence(rng, start + _between(rng, 10, 25) * DAY, since(6, 25))
        return Timeline(Status.IN_PROGRESS, start, target, min(created, start), percent, None,
                        _points(days, percent, Status.IN_PROGRESS, Status.IN_PROGRESS,
                                (Rating.AMBER,)))
    if scenario is S.LATE_START:
        start = since(10, 30)
        target = today + _between(rng, 90, 150) * DAY
        return Timeline(Status.NOT_STARTED, start, target, min(created, start), 0, None, ())
    if scenario in (S.STALE, S.ONGOING_STALE):
        start = start_back(130, 210, today - 60 * DAY)
        last = max(since(55, 100), start + DAY)
        days = cadence(rng, start + _between(rng, 10, 25) * DAY, last)
        if scenario is S.ONGOING_STALE:
            return Timeline(Status.ONGOING, start, None, min(created, start), None, None,
                            _points(days, None, Status.ONGOING, Status.ONGOING))
        target = today + _between(rng, 60, 140) * DAY
        percent = _between(rng, 20, 45)
        return Timeline(Status.IN_PROGRESS, start, target, min(created, start), percent, None,
                        _points(days, percent, Status.IN_PROGRESS, Status.IN_PROGRESS))
    if scenario is S.COMPLETE:
        done = since(7, 80)
        start = start_back(150, 240, done - 40 * DAY)
        target = done + _between(rng, 0, 30) * DAY
        days = cadence(rng, start + _between(rng, 10, 25) * DAY, done)
        return Timeline(Status.COMPLETE, start, target, min(created, start), 100, done,
                        _points(days, 100, Status.IN_PROGRESS, Status.COMPLETE))
    if scenario is S.DEFERRED:
        start = start_back(120, 180, today - 40 * DAY)
        target = today + _between(rng, 30, 120) * DAY
        percent = _between(rng, 10, 30)
        days = cadence(rng, start + _between(rng, 10, 25) * DAY, since(15, 35))
        return Timeline(Status.DEFERRED, start, target, min(created, start), percent, None,
                        _points(days, percent, Status.IN_PROGRESS, Status.DEFERRED, (None,)))
    if scenario is S.ONGOING:
        start = start_back(150, 230, today - 30 * DAY)
        days = cadence(rng, start + _between(rng, 10, 25) * DAY, since(4, 28))
        return Timeline(Status.ONGOING, start, None, min(created, start), None, None,
                        _points(days, None, Status.ONGOING, Status.ONGOING))
    # Green: on track, regular updates, progress in step with the time gone.
    start = start_back(40, 200, today)
    target = today + _between(rng, 50, 200) * DAY
    gone = (today - start).days / max(1, (target - start).days)
    percent = max(10, min(70, round(100 * gone * rng.uniform(0.8, 1.1))))
    days = cadence(rng, start + _between(rng, 10, 25) * DAY, since(3, 28)) if (
        today - start).days > 30 else []
    return Timeline(Status.IN_PROGRESS, start, target, min(created, start),
                    percent if days else 5, None,
                    _points(days, percent, Status.IN_PROGRESS, Status.IN_PROGRESS))


# Updates between the ones an action's own story tells: plausible, and deliberately dull.
FILLERS = (
    "Progress reported to the {body}. Work is on track and no risks were raised.",
    "{lead} gave a verbal update at the {body}; next steps agreed and to be reported at the "
    "following meeting.",
    "Work continues. Contributions received from most agencies; the partnership team is "
    "chasing the rest.",
    "Little movement this period: the lead's time went on a rapid review. Expected to pick "
    "up again next month.",
    "Draft circulated to members of the {body} for comment by the end of the month.",
    "Task group met and worked through the comments received. A revised version is being "
    "prepared.",
    "Checked against the timetable at the {body}: still on course for the target date.",
    "Short delay while {agency} confirmed who would lead the work after a change of staff; "
    "now resolved.",
    "Met with colleagues from {agency} to agree the next steps. Notes shared with the {body}.",
    "No change to report since the last update. Next meeting of the task group is booked.",
)


@dataclass(frozen=True)
class Beat:
    """One progress update in an action's story: the words, any impact, and whether it shows
    feedback from children and families."""

    text: str
    impact: str = ""
    voice: bool = False


def voice(text: str, impact: str = "") -> Beat:
    """An update that shows feedback from children and families."""
    return Beat(text, impact, voice=True)


def narrate(beats: tuple[Beat | str, ...], count: int, rng: random.Random,
            **context: str) -> list[Beat]:
    """Words for ``count`` updates: the story's first and last beats at the ends, the middle
    ones spread between, dull fillers elsewhere."""
    story = [b if isinstance(b, Beat) else Beat(b) for b in beats]
    if count == 0:
        return []
    if len(story) >= count:
        # Keep the opening and the latest beats; drop from the middle.
        kept = story[:1] + story[len(story) - count + 1:] if count > 1 else story[-1:]
        return kept
    slots: list[Beat | None] = [None] * count
    if story:
        slots[0] = story[0]
        if len(story) > 1:
            slots[-1] = story[-1]
        middle = story[1:-1]
        for n, beat in enumerate(middle, start=1):
            slots[round(n * (count - 1) / (len(middle) + 1))] = beat
    fillers = list(FILLERS)
    rng.shuffle(fillers)
    result = []
    for i, slot in enumerate(slots):
        result.append(slot or Beat(fillers[i % len(fillers)].format(**context)))
    return result


def arising(held_on: dt.date, today: dt.date, rng: random.Random, stuck: bool = False,
            weeks: tuple[int, int] = (4, 8)) -> Timeline:
    """An action arising from a meeting on ``held_on``, due ``weeks`` later: usually done by
    then; a ``stuck`` one is still open past its target."""
    target = held_on + _between(rng, 7 * weeks[0], 7 * weeks[1]) * DAY
    if target < today - 10 * DAY and not stuck:
        done = max(held_on + 7 * DAY, min(today - DAY, target + _between(rng, -20, 7) * DAY))
        days = _cadence(rng, held_on + _between(rng, 7, 20) * DAY, done)
        return Timeline(Status.COMPLETE, None, target, held_on, 100, done,
                        _points(days, 100, Status.IN_PROGRESS, Status.COMPLETE))
    if target < today:
        last = min(today - DAY, held_on + _between(rng, 10, 30) * DAY)
        days = [last] if last > held_on else []
        return Timeline(Status.IN_PROGRESS, None, target, held_on, 50, None,
                        _points(days, 50, Status.IN_PROGRESS, Status.IN_PROGRESS,
                                (Rating.AMBER,)))
    if (today - held_on).days > 14:
        percent = _between(rng, 10, 40)
        day = held_on + _between(rng, 7, (today - held_on).days - 1) * DAY
        return Timeline(Status.IN_PROGRESS, None, target, held_on, percent, None,
                        _points([day], percent, Status.IN_PROGRESS, Status.IN_PROGRESS))
    return Timeline(Status.NOT_STARTED, None, target, held_on, 0, None, ())


class Directory:
    """The loaded demo register, found again by the short keys the register module uses."""

    def __init__(self) -> None:
        self.partnerships = {p.slug: p for p in db.session.scalars(sa.select(Partnership))}
        by_name = {p.name: p for p in db.session.scalars(sa.select(Person))}
        self.people = {key: by_name[name]
                       for key, name, *_ in (*WSCP_PEOPLE, *IOM_PEOPLE, *NEIGHBOUR_PEOPLE)}
        self.agencies: dict[str, Agency] = {}
        for slug, specs in (("wscp", WSCP_AGENCIES), ("imscp", IOM_AGENCIES),
                            ("sscp", SAL_AGENCIES), ("tscp", THB_AGENCIES)):
            here = {a.name: a for a in self.partnerships[slug].agencies}
            self.agencies.update({key: here[name] for key, name, *_ in specs})
        self.bodies = {(b.partnership.slug, b.name): b for b in db.session.scalars(
            sa.select(Body).where(Body.partnership_id.is_not(None)))}
        self.users = {u.email: u for u in db.session.scalars(sa.select(User))}
        self.officer = self.users[next(email for email, key in ACCOUNT_PEOPLE.items()
                                       if key == "wscp-officer")]

    def body(self, slug: str, name: str) -> Body:
        """A partnership's body by name."""
        return self.bodies[(slug, name)]

    def partner(self, slug: str, kind: PartnerKind) -> StatutoryPartner:
        """A partnership's statutory partner of one kind."""
        return next(p for p in self.partnerships[slug].partners if p.kind is kind)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


def add_action(d: Directory, line: Timeline, *, partnership: Partnership, year: int, title: str,
               beats: tuple[Beat | str, ...], rng: random.Random, body: Body | None,
               agency: str | None, person: str | None, detail: str = "", impact: str = "",
               outcome: str = "", objective: Objective | None = None,
               phase: Phase | None = None, meeting: Meeting | None = None,
               carried_from: Action | None = None) -> Action:
    """Add one demo action and its progress updates (through the ORM, so they are audited)."""
    lead = d.people[person] if person else None
    lead_agency = d.agencies[agency] if agency else None
    words = narrate(beats, len(line.updates), rng,
                    body=body.name if body else "partnership team",
                    lead=lead.name if lead else "The lead",
                    agency=lead_agency.name if lead_agency else "the lead agency")
    if words and impact and line.status is Status.COMPLETE and not words[-1].impact:
        words[-1] = Beat(words[-1].text, impact, words[-1].voice)  # the closing update shows it
    author = d.users.get(lead.email or "") if lead else None
    action = Action(
        partnership=partnership, year=year, title=title, detail=detail, objective=objective,
        phase=phase, meeting=meeting, body=body, lead_agency=lead_agency, lead_person=lead,
        start_date=line.start, target_date=line.target, status=line.status,
        percent_complete=line.percent, completed_on=line.completed_on,
        outcome=(outcome or words[-1].text) if line.status is Status.COMPLETE else "",
        impact=impact if line.status is Status.COMPLETE else "",
        carried_from=carried_from, created_at=_at(line.created, 9))
    action.updates = [
        ProgressUpdate(
            recorded_on=point.day, created_at=_at(point.day, 15),
            author=author or d.officer,
            author_name=lead.name if lead else (lead_agency.name if lead_agency else ""),
            narrative=beat.text, proposed_rating=point.rating, status=point.status,
            percent_complete=point.percent, impact=beat.impact,
            children_and_families=beat.voice)
        for point, beat in zip(line.updates, words, strict=True)
    ]
    db.session.add(action)
    return action


def synthetic_partnerships(scale: int) -> list[Partnership]:
    """The benchmark's synthetic partnerships (the first ``scale`` of them), in order."""
    return list(db.session.scalars(
        sa.select(Partnership).where(Partnership.slug.like("synthetic-%"))
        .order_by(Partnership.id).limit(scale)))


def last_complete_year(partnership: Partnership, today: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last days of the partnership's last complete reporting year (the one
    its yearly report is written on)."""
    month = partnership.year_start_month
    return year_span(reporting_year(today, month) - 1, month)


def add_followup(partnership: Partnership, line: Timeline, *, title: str, detail: str,
                 beats: tuple[Beat | str, ...], rng: random.Random, body: Body | None,
                 agency: Agency | None, impact: str = "", **came_of: object) -> Action:
    """Add an action that came of a piece of work (an audit, a scrutiny recommendation, what
    children said, a review from elsewhere: ``came_of`` names it, e.g. ``case_audit=audit``)
    to a partnership outside the demo's directory (the synthetic ones), with its updates; it
    belongs to the reporting year of its target date. The closing update of a completed one
    carries its evidence of impact."""
    words = narrate(beats, len(line.updates), rng,
                    body=body.name if body else "partnership team", lead="The lead",
                    agency=agency.name if agency else "the lead agency")
    done = line.status is Status.COMPLETE
    if words and impact and done and not words[-1].impact:
        words[-1] = Beat(words[-1].text, impact, words[-1].voice)
    day = line.target or line.created
    action = Action(
        partnership=partnership, title=title, detail=detail,
        year=reporting_year(day, partnership.year_start_month), body=body, lead_agency=agency,
        start_date=line.start, target_date=line.target, status=line.status,
        percent_complete=line.percent, completed_on=line.completed_on,
        outcome=words[-1].text if done and words else "", impact=impact if done else "",
        created_at=_at(line.created, 9), **came_of)
    action.updates = [
        ProgressUpdate(recorded_on=point.day, created_at=_at(point.day, 15),
                       author_name=agency.name if agency else "", narrative=beat.text,
                       proposed_rating=point.rating, status=point.status,
                       percent_complete=point.percent, impact=beat.impact,
                       children_and_families=beat.voice)
        for point, beat in zip(line.updates, words, strict=True)]
    db.session.add(action)
    return action


def phase_timeline(start: dt.date, end: dt.date, today: dt.date,
                   rng: random.Random) -> Timeline:
    """An action for one phase of a hub priority: done, under way or still to come."""
    created = min(today, start - 30 * DAY)
    if end < today:
        done = min(today - DAY, end - _between(rng, 0, 5) * DAY)
        days = sorted({start + _between(rng, 8, 16) * DAY, done})
        return Timeline(Status.COMPLETE, start, end, created, 100, done,
                        _points(days, 100, Status.IN_PROGRESS, Status.COMPLETE))
    if start <= today:
        gone = (today - start).days
        percent = max(10, min(90, round(100 * gone / max(1, (end - start).days))))
        days = [start + _between(rng, 3, gone - 1) * DAY] if gone > 7 else []
        return Timeline(Status.IN_PROGRESS, start, end, created, percent, None,
                        _points(days, percent, Status.IN_PROGRESS, Status.IN_PROGRESS))
    return Timeline(Status.NOT_STARTED, start, end, created, 0, None, ())

"""Reading the tracker: filtered, judged, sorted lists in a fixed number of SQL queries.

Every list, dashboard panel, roll-up and export starts from :func:`tracked`, which reads
the columns a list shows for all matching actions in one query (with each action's latest
update and its plan's settings), then rates each with
:func:`partnership.actions.rules.rating_as_at` (the one RAG rule, :mod:`partnership.actions.rag`,
given the facts as they stood on the day asked about).
Ratings are derived, so filtering and sorting by them happens here, after the query.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from partnership import clock, derived
from partnership.actions.models import Action, ProgressUpdate, Rating, Status
from partnership.actions.rag import Judgement, Rag, Settings
from partnership.actions.rules import Step, carried_on, rating_as_at, steps
from partnership.database import contains
from partnership.extensions import db
from partnership.kernel.dates import year_span
from partnership.meetings.models import Meeting
from partnership.plans.models import Objective, Phase, Plan
from partnership.policy import readable
from partnership.register.models import Agency, Body, LabelledEnum, Partnership, Person
from partnership.reviews.models import Recommendation, Review


class Source(LabelledEnum):
    """Where actions came from, as the lists filter them."""

    PLAN = "plan"
    MEETING = "meeting"
    REVIEW = "review"
    OTHER = "other"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"plan": "Business plan", "meeting": "Meeting (action arising)",
                "review": "Review recommendation",
                "other": "Elsewhere (audit follow-up, say)"}


class DueWindow(LabelledEnum):
    """Target-date windows the lists filter by."""

    OVERDUE = "overdue"
    NEXT_30 = "next_30"
    NEXT_90 = "next_90"
    NO_DATE = "no_date"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"overdue": "Past its target date", "next_30": "Due in the next 30 days",
                "next_90": "Due in the next 90 days", "no_date": "No target date"}


class SortOrder(LabelledEnum):
    """The orders a list can be sorted in."""

    DUE = "due"
    RATING = "rating"
    STALEST = "stalest"
    TITLE = "title"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"due": "Target date, soonest first", "rating": "Rating, worst first",
                "stalest": "Last update, oldest first", "title": "Title, A to Z"}


OPEN_STATUSES = frozenset({Status.NOT_STARTED, Status.IN_PROGRESS, Status.ONGOING})


@dataclass(frozen=True)
class ActionFilter:
    """What a list shows. Every field is optional; ``from_args`` reads it from a query string."""

    partnership_id: int | None = None
    plan_id: int | None = None
    objective_id: int | None = None
    meeting_id: int | None = None
    body_id: int | None = None
    agency_id: int | None = None
    person_id: int | None = None
    status: Status | None = None
    rag: Rag | None = None
    attention: bool = False
    update_overdue: bool = False
    due: DueWindow | None = None
    source: Source | None = None
    year: int | None = None
    search: str = ""
    sort: SortOrder = SortOrder.DUE
    # "My actions": led by this person, by this agency, or owned by these bodies.
    mine_person_id: int | None = None
    mine_agency_id: int | None = None
    mine_body_ids: frozenset[int] = field(default_factory=frozenset)
    mine: bool = False
    # One action (its page), never read from a query string.
    action_id: int | None = None
    # A review's action plan, one recommendation's actions.
    review_id: int | None = None
    recommendation_id: int | None = None
    # The action plans of these cases' reviews (a page of the case board), never from a
    # query string.
    case_ids: frozenset[int] | None = None
    # The actions raised from a dataset indicator's exceptions.
    indicator_id: int | None = None

    _INTS: ClassVar[tuple[str, ...]] = (
        "partnership_id", "plan_id", "objective_id", "meeting_id", "body_id", "agency_id",
        "person_id", "year")
    _ENUMS: ClassVar[Mapping[str, type[LabelledEnum]]] = {
        "status": Status, "rag": Rag, "due": DueWindow, "source": Source, "sort": SortOrder}
    _FLAGS: ClassVar[tuple[str, ...]] = ("attention", "update_overdue")
    _ARGS: ClassVar[tuple[str, ...]] = (*_INTS, *_ENUMS, *_FLAGS, "search")

    @classmethod
    def from_args(cls, args: Mapping[str, str], **fixed: Any) -> ActionFilter:
        """Read a filter from request arguments, ignoring values that make no sense."""
        values: dict[str, Any] = {}
        for name in cls._INTS:
            raw = (args.get(name) or "").strip()
            if raw.isdigit() and len(raw) < 10:
                values[name] = int(raw)
        for name, enum in cls._ENUMS.items():
            raw = (args.get(name) or "").strip()
            if raw in {member.value for member in enum}:
                values[name] = enum(raw)
        for name in cls._FLAGS:
            values[name] = args.get(name) in ("1", "yes", "true")
        values["search"] = (args.get("search") or "").strip()[:200]
        values.update(fixed)
        return cls(**values)

    def to_args(self, **changes: Any) -> dict[str, str]:
        """Return the query-string arguments that reproduce this filter (for links)."""
        current = replace(self, **changes) if changes else self
        args: dict[str, str] = {}
        for name in self._ARGS:
            value = getattr(current, name)
            if value in (None, "", False) or (name == "sort" and value is SortOrder.DUE):
                continue
            args[name] = "1" if value is True else str(value)
        return args

    @property
    def is_filtered(self) -> bool:
        """Say whether anything narrows the list (the sort order does not)."""
        return bool(self.to_args(sort=SortOrder.DUE))


@dataclass(slots=True)
class TrackedAction:
    """One action as lists, panels and exports show it, with its derived rating."""

    __realm__: ClassVar[str] = "actions"  # the policy can judge a row without loading the action
    id: int
    partnership_id: int
    year: int
    title: str
    status: Status
    percent_complete: int | None
    start_date: dt.date | None
    target_date: dt.date | None
    completed_on: dt.date | None
    body_id: int | None
    body_name: str
    lead_agency_id: int | None
    lead_agency_name: str
    lead_person_id: int | None
    lead_person_name: str
    plan_id: int | None
    objective_id: int | None
    objective_reference: str
    objective_title: str
    phase_name: str
    meeting_id: int | None
    meeting_body_name: str
    meeting_held_on: dt.date | None
    recommendation_id: int | None
    recommendation_number: int | None
    review_id: int | None
    review_title: str
    case_id: int | None
    source_note: str
    last_update_on: dt.date | None
    latest_proposed: Rating | None
    created_on: dt.date
    carried_on: dt.date | None  # when carrying it forward took effect (actions.rules)
    judgement: Judgement
    log: tuple[Step, ...] | None = None  # its progress log, read only to rate a past day

    @property
    def rag(self) -> Rag:
        """The derived rating."""
        return self.judgement.rag

    @property
    def source(self) -> Source:
        """Where the action came from."""
        if self.objective_id is not None:
            return Source.PLAN
        if self.meeting_id is not None:
            return Source.MEETING
        if self.recommendation_id is not None:
            return Source.REVIEW
        return Source.OTHER

    @property
    def source_label(self) -> str:
        """Say in words where the action came from."""
        if self.objective_id is not None:
            label = f"{self.objective_reference} {self.objective_title}"
            return f"{label}, {self.phase_name} phase" if self.phase_name else label
        if self.meeting_id is not None and self.meeting_held_on is not None:
            return f"Action arising: {self.meeting_body_name}, {self.meeting_held_on:%-d %B %Y}"
        if self.recommendation_id is not None:
            return f"{self.review_title}, recommendation {self.recommendation_number}"
        return self.source_note or "Not recorded"

    @property
    def is_open(self) -> bool:
        """Still to be done (not complete, cancelled, deferred or carried forward)."""
        return self.rag not in (Rag.COMPLETE, Rag.CLOSED) and self.status in OPEN_STATUSES


def _objective_reference() -> sa.ColumnElement[str]:
    letter = sa.case((Objective.part == "strategic", "A"), (Objective.part == "activity", "B"),
                     else_="P")
    return sa.func.coalesce(letter + sa.cast(Objective.position, sa.String), "")


def statement(flt: ActionFilter) -> sa.Select[Any]:
    """Every column a list shows, for the actions the filter's record conditions match
    (unscoped: callers add the reader's ``readable``)."""
    return _columns().where(*_conditions(flt))


@functools.cache
def _columns() -> sa.Select[Any]:
    """The list's columns and joins, built once (a statement is immutable; building its
    aliases costs more than running it for a page)."""
    # Each action's latest update, found through the (action_id, recorded_on) index.
    latest_update = (
        sa.select(ProgressUpdate.id)
        .where(ProgressUpdate.action_id == Action.id)
        .order_by(ProgressUpdate.recorded_on.desc(), ProgressUpdate.id.desc())
        .limit(1).correlate(Action).scalar_subquery()
    )
    latest = aliased(ProgressUpdate, name="latest")
    successor = aliased(Action, name="successor")
    meeting_body = aliased(Body, name="meeting_body")
    return (
        sa.select(
            Action.id, Action.partnership_id, Action.year, Action.title, Action.status,
            Action.percent_complete, Action.start_date, Action.target_date,
            Action.completed_on, Action.created_at, Action.body_id,
            sa.func.coalesce(Body.name, "").label("body_name"), Action.lead_agency_id,
            sa.func.coalesce(Agency.name, "").label("lead_agency_name"), Action.lead_person_id,
            sa.func.coalesce(Person.name, "").label("lead_person_name"),
            Objective.plan_id, Action.objective_id,
            sa.case((Objective.id.is_(None), ""), else_=_objective_reference())
            .label("objective_reference"),
            sa.func.coalesce(Objective.title, "").label("objective_title"),
            sa.func.coalesce(Phase.name, "").label("phase_name"), Action.meeting_id,
            sa.func.coalesce(meeting_body.name, "").label("meeting_body_name"),
            Meeting.held_on.label("meeting_held_on"), Action.recommendation_id,
            Recommendation.number.label("recommendation_number"),
            Review.id.label("review_id"),
            sa.func.coalesce(Review.title, "").label("review_title"), Review.case_id,
            Action.source_note,
            latest.recorded_on.label("last_update_on"),
            latest.proposed_rating.label("latest_proposed"),
            Plan.update_interval_days, Plan.warning_days,
            successor.id.label("successor_id"),
            successor.created_at.label("successor_created_at"),
            Partnership.year_start_month,
        )
        .select_from(Action)
        .outerjoin(Body, Body.id == Action.body_id)
        .outerjoin(Agency, Agency.id == Action.lead_agency_id)
        .outerjoin(Person, Person.id == Action.lead_person_id)
        .outerjoin(Objective, Objective.id == Action.objective_id)
        .outerjoin(Plan, Plan.id == Objective.plan_id)
        .outerjoin(Phase, Phase.id == Action.phase_id)
        .outerjoin(Meeting, Meeting.id == Action.meeting_id)
        .outerjoin(meeting_body, meeting_body.id == Meeting.body_id)
        .outerjoin(Recommendation, Recommendation.id == Action.recommendation_id)
        .outerjoin(Review, Review.id == Recommendation.review_id)
        .outerjoin(latest, latest.id == latest_update)
        .outerjoin(successor, successor.carried_from_id == Action.id)
        .outerjoin(Partnership, Partnership.id == Action.partnership_id)
    )


def _conditions(flt: ActionFilter) -> list[sa.ColumnElement[bool]]:
    """The filter's record conditions, on the action's own columns (so an id-only query
    needs no join); the rating's conditions are :func:`_rating_conditions`."""
    conditions: list[sa.ColumnElement[bool]] = []
    for name, column in (("action_id", Action.id), ("partnership_id", Action.partnership_id),
                         ("objective_id", Action.objective_id),
                         ("meeting_id", Action.meeting_id), ("body_id", Action.body_id),
                         ("agency_id", Action.lead_agency_id),
                         ("person_id", Action.lead_person_id), ("year", Action.year),
                         ("status", Action.status), ("indicator_id", Action.indicator_id),
                         ("recommendation_id", Action.recommendation_id)):
        value = getattr(flt, name)
        if value is not None:
            conditions.append(column == value)
    if flt.plan_id is not None:
        conditions.append(Action.objective_id.in_(
            sa.select(Objective.id).where(Objective.plan_id == flt.plan_id)))
    if flt.review_id is not None:
        conditions.append(Action.recommendation_id.in_(
            sa.select(Recommendation.id).where(Recommendation.review_id == flt.review_id)))
    if flt.case_ids is not None:
        conditions.append(Action.recommendation_id.in_(
            sa.select(Recommendation.id).join(Review, Review.id == Recommendation.review_id)
            .where(Review.case_id.in_(sorted(flt.case_ids)))))
    if flt.source is Source.PLAN:
        conditions.append(Action.objective_id.is_not(None))
    elif flt.source is Source.MEETING:
        conditions.append(sa.and_(Action.objective_id.is_(None), Action.meeting_id.is_not(None)))
    elif flt.source is Source.REVIEW:
        conditions.append(sa.and_(Action.objective_id.is_(None), Action.meeting_id.is_(None),
                                  Action.recommendation_id.is_not(None)))
    elif flt.source is Source.OTHER:
        conditions.append(sa.and_(Action.objective_id.is_(None), Action.meeting_id.is_(None),
                                  Action.recommendation_id.is_(None)))
    if flt.search:
        conditions.append(sa.or_(contains(Action.title, flt.search),
                                 contains(Action.detail, flt.search)))
    if flt.mine:
        mine: list[sa.ColumnElement[bool]] = [sa.false()]
        if flt.mine_person_id is not None:
            mine.append(Action.lead_person_id == flt.mine_person_id)
        if flt.mine_agency_id is not None:
            mine.append(Action.lead_agency_id == flt.mine_agency_id)
        if flt.mine_body_ids:
            mine.append(Action.body_id.in_(sorted(flt.mine_body_ids)))
        conditions.append(sa.or_(*mine))
    return conditions


_ROW_FIELDS = tuple(f.name for f in fields(TrackedAction)
                    if f.name not in ("judgement", "latest_proposed", "created_on", "carried_on",
                                      "log"))


def rate(rows: Sequence[sa.Row[Any]], today: dt.date,
         logs: Mapping[int, tuple[Step, ...]] | None = None) -> list[TrackedAction]:
    """Turn rows of :func:`statement` into actions rated on ``today`` by the one rule (the
    settings come from each action's plan); with ``logs``, as they stood on that day, read
    back from their progress logs."""
    if not rows:
        return []
    names = list(rows[0]._fields)
    positions = [(name, names.index(name)) for name in _ROW_FIELDS]
    settings_for: dict[tuple[int | None, int | None], Settings] = {}
    rated = []
    for row in rows:
        key = (row.update_interval_days, row.warning_days)
        settings = settings_for.get(key)
        if settings is None:
            settings = settings_for[key] = Settings(
                update_interval_days=key[0] or Settings.update_interval_days,
                warning_days=key[1] if key[1] is not None else Settings.warning_days)
        latest = Rating(row.latest_proposed) if row.latest_proposed else None
        carried = None
        if row.successor_id is not None:
            year_end = year_span(row.year, row.year_start_month or 4)[1]
            made = row.successor_created_at
            carried = carried_on(made.date() if made is not None else year_end, year_end)
        action = TrackedAction(
            **{name: row[i] for name, i in positions}, latest_proposed=latest,
            created_on=row.created_at.date() if row.created_at else today,
            carried_on=carried, judgement=_UNJUDGED,
            log=None if logs is None else logs.get(row.id, ()))
        action.judgement = rating_as_at(action, today, settings)
        rated.append(action)
    return rated


_UNJUDGED = Judgement(Rag.NOT_JUDGED, False, ())


def _logs(stmt: sa.Select[Any]) -> dict[int, tuple[Step, ...]]:
    """Read the progress logs of the actions ``stmt`` finds, in one query."""
    rows: dict[int, list[Any]] = {}
    for row in db.session.execute(
            sa.select(ProgressUpdate.action_id, ProgressUpdate.id, ProgressUpdate.recorded_on,
                      ProgressUpdate.status, ProgressUpdate.percent_complete,
                      ProgressUpdate.proposed_rating, ProgressUpdate.corrects_id)
            .where(ProgressUpdate.action_id.in_(stmt.with_only_columns(Action.id)))
            .order_by(ProgressUpdate.action_id, ProgressUpdate.recorded_on, ProgressUpdate.id)):
        rows.setdefault(row.action_id, []).append(tuple(row)[1:])
    return {action_id: steps(log) for action_id, log in rows.items()}


def _in_window(action: TrackedAction, window: DueWindow, today: dt.date) -> bool:
    target = action.target_date
    if window is DueWindow.NO_DATE:
        return target is None
    if target is None or not action.is_open:
        return False
    if window is DueWindow.OVERDUE:
        return target < today
    days = 30 if window is DueWindow.NEXT_30 else 90
    return today <= target <= today + dt.timedelta(days=days)


def _sort_key(order: SortOrder) -> Any:
    far = dt.date.max
    if order is SortOrder.RATING:
        return lambda a: (a.rag.severity, not a.judgement.update_overdue,
                          a.target_date or far, a.id)
    if order is SortOrder.STALEST:
        return lambda a: (not a.is_open, a.last_update_on or dt.date.min, a.id)
    if order is SortOrder.TITLE:
        return lambda a: (a.title.lower(), a.id)
    return lambda a: (not a.is_open, a.target_date or far, a.id)


def tracked(flt: ActionFilter | None = None, today: dt.date | None = None, *,
            from_log: bool = False) -> list[TrackedAction]:
    """Return every action the filter matches, rated on ``today`` and sorted: one query.

    ``from_log`` rates each action as it stood on ``today`` (a day in the past), read back
    from its progress log by :mod:`partnership.actions.rules` (one more query); otherwise
    each is rated as it stands now.
    """
    flt = flt or ActionFilter()
    today = today or clock.today()
    # Only what the reader may view (need-to-know: actions of cases they may not see are left
    # out): the policy's view rule in SQL.
    stmt = statement(flt).where(readable(Action))
    logs = _logs(stmt) if from_log else None
    actions = rate(db.session.connection().execute(stmt).all(), today, logs)
    if flt.rag is not None:
        actions = [a for a in actions if a.rag is flt.rag]
    if flt.attention:
        actions = [a for a in actions if a.judgement.needs_attention]
    if flt.update_overdue:
        actions = [a for a in actions if a.judgement.update_overdue]
    if flt.due is not None:
        window = flt.due
        actions = [a for a in actions if _in_window(a, window, today)]
    return sorted(actions, key=_sort_key(flt.sort))


# --- lists paged in SQL, by the ratings kept in each row ---------------------------------------


RATINGS = "action ratings"  # the keeper of each action's stored rating (actions.ratings)


def ratings_current(today: dt.date) -> bool:
    """Say whether every action's stored rating was made for ``today`` (one read by key)."""
    return derived.current(RATINGS, today)


def _open() -> sa.ColumnElement[bool]:
    """Still to be done, by the stored rating: :attr:`TrackedAction.is_open` in SQL."""
    return sa.and_(Action.status.in_([s for s in Status if s in OPEN_STATUSES]),
                   Action.rag.not_in([Rag.COMPLETE.value, Rag.CLOSED.value]))


def _rating_conditions(flt: ActionFilter, today: dt.date) -> list[sa.ColumnElement[bool]]:
    """The filter's rating, attention and due-window conditions on the stored rating."""
    conditions: list[sa.ColumnElement[bool]] = []
    if flt.rag is not None:
        conditions.append(Action.rag == flt.rag.value)
    if flt.attention:
        conditions.append(sa.or_(Action.rag.in_([Rag.RED.value, Rag.AMBER.value]),
                                 Action.update_overdue.is_(True)))
    if flt.update_overdue:
        conditions.append(Action.update_overdue.is_(True))
    if flt.due is DueWindow.NO_DATE:
        conditions.append(Action.target_date.is_(None))
    elif flt.due is DueWindow.OVERDUE:
        conditions.append(sa.and_(_open(), Action.target_date < today))
    elif flt.due is not None:
        days = 30 if flt.due is DueWindow.NEXT_30 else 90
        conditions.append(sa.and_(_open(), Action.target_date.between(
            today, today + dt.timedelta(days=days))))
    return conditions


def worst_first(action: TrackedAction) -> tuple[Any, ...]:
    """Red first, then amber..., each the longest without an update first (home panels)."""
    return (action.rag.severity, action.last_update_on or dt.date.min, action.id)


def _order(order: SortOrder | None) -> list[sa.ColumnElement[Any]]:
    """:func:`_sort_key` in SQL (None dates last, as ``date.max`` sorts them); None:
    :func:`worst_first`."""
    closed_last = sa.case((_open(), 0), else_=1)
    undated_last = [sa.case((Action.target_date.is_(None), 1), else_=0), Action.target_date]
    severity = sa.case({rag.value: rag.severity for rag in Rag}, value=Action.rag,
                       else_=len(Rag))
    last = (sa.select(sa.func.max(ProgressUpdate.recorded_on))
            .where(ProgressUpdate.action_id == Action.id).scalar_subquery())
    never_updated_first = [sa.case((last.is_(None), 0), else_=1), last]
    if order is None:
        return [severity, *never_updated_first, Action.id]
    if order is SortOrder.RATING:
        return [severity, sa.case((Action.update_overdue.is_(True), 0), else_=1),
                *undated_last, Action.id]
    if order is SortOrder.STALEST:
        return [closed_last, *never_updated_first, Action.id]
    if order is SortOrder.TITLE:
        return [sa.func.lower(Action.title), Action.id]
    # Open first, then by target date, the undated last: kept in the row, so the page is
    # read off the index (ix_action_due_order) rather than sorted from every action.
    return [Action.list_closed, Action.due_sort, Action.id]


def listed(flt: ActionFilter, number: int, size: int, today: dt.date | None = None, *,
           worst: bool = False) -> Page:
    """Return one page of the actions the filter matches, rated and sorted as
    :func:`tracked` does, costing what the page costs: the database filters, sorts, counts
    and cuts the page by each action's stored rating (three statements), and only the
    page's actions are rated again, for their reasons. Until today's ratings are stored
    (``ratings_current``) every action is rated here instead. ``worst`` orders them
    :func:`worst_first` instead of by the filter's order."""
    today = today or clock.today()
    if not ratings_current(today):
        everything = tracked(flt, today)
        return page_of(sorted(everything, key=worst_first) if worst else everything, number,
                       size)
    ids = (sa.select(Action.id)
           .where(*_conditions(flt), *_rating_conditions(flt, today), readable(Action)))
    total = db.session.scalar(sa.select(sa.func.count()).select_from(ids.subquery())) or 0
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    chosen = list(db.session.scalars(ids.order_by(*_order(None if worst else flt.sort))
                                     .limit(size).offset((number - 1) * size)))
    rows = {a.id: a for a in rate(db.session.connection().execute(
        statement(ActionFilter()).where(Action.id.in_(chosen))).all(), today)} if chosen else {}
    return Page(items=[rows[i] for i in chosen if i in rows], number=number, size=size,
                total=total)


@dataclass(frozen=True)
class Tally:
    """How many of the actions a filter matches are open, red, amber or overdue an update."""

    total: int
    open: int
    red: int
    amber: int
    update_overdue: int
    needing_attention: int


def tally(flt: ActionFilter, today: dt.date | None = None) -> Tally:
    """Count the actions the filter matches by rating: one statement by the stored ratings
    (every action rated here until today's are stored)."""
    today = today or clock.today()
    if not ratings_current(today):
        rows = tracked(flt, today)
        return Tally(total=len(rows), open=sum(a.is_open for a in rows),
                     red=sum(a.rag is Rag.RED for a in rows),
                     amber=sum(a.rag is Rag.AMBER for a in rows),
                     update_overdue=sum(a.judgement.update_overdue for a in rows),
                     needing_attention=sum(a.judgement.needs_attention for a in rows))

    def how_many(condition: sa.ColumnElement[bool]) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    overdue = Action.update_overdue.is_(True)
    row = db.session.execute(
        sa.select(sa.func.count(), how_many(_open()), how_many(Action.rag == Rag.RED.value),
                  how_many(Action.rag == Rag.AMBER.value), how_many(overdue),
                  how_many(sa.or_(Action.rag.in_([Rag.RED.value, Rag.AMBER.value]), overdue)))
        .select_from(Action)
        .where(*_conditions(flt), *_rating_conditions(flt, today), readable(Action))).one()
    return Tally(*(int(value) for value in row))


@dataclass(frozen=True)
class Page:
    """One page of a list."""

    items: Sequence[Any]
    number: int
    size: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.size))

    # What the pagination macro (written for Flask-SQLAlchemy's pages) asks of a page.
    @property
    def page(self) -> int:
        """The page's number, counting from 1."""
        return self.number

    @property
    def has_prev(self) -> bool:
        """Say whether a page comes before this one."""
        return self.number > 1

    @property
    def has_next(self) -> bool:
        """Say whether a page follows this one."""
        return self.number < self.pages

    @property
    def prev_num(self) -> int | None:
        """The previous page's number, if any."""
        return self.number - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        """The next page's number, if any."""
        return self.number + 1 if self.has_next else None

    def iter_pages(self, *, left_edge: int = 2, left_current: int = 2, right_current: int = 4,
                   right_edge: int = 2) -> Iterator[int | None]:
        """Yield the page numbers to link to, None where a run of them is left out."""
        previous = 0
        for number in range(1, self.pages + 1):
            if (number <= left_edge or number > self.pages - right_edge
                    or self.number - left_current <= number < self.number + right_current):
                if number != previous + 1:
                    yield None
                yield number
                previous = number


def page_of(items: Sequence[Any], number: int, size: int) -> Page:
    """Cut one page out of a list; a page number past the end gives the last page."""
    pages = max(1, -(-len(items) // size))
    number = min(max(1, number), pages)
    start = (number - 1) * size
    return Page(items=items[start:start + size], number=number, size=size, total=len(items))


@dataclass(frozen=True)
class Rollup:
    """Actions summed up: counts by rating and the average per cent complete."""

    total: int
    counts: Mapping[Rag, int]
    percent_complete: int | None
    needing_attention: int

    def count(self, rag: Rag | str) -> int:
        """How many actions have this rating."""
        return self.counts.get(Rag(rag), 0)


def rollup(actions: Iterable[TrackedAction]) -> Rollup:
    """Count actions by rating; average per cent complete over those still counted.

    Cancelled and carried-forward actions are left out of the average; a complete action
    counts as 100 and an action with no figure as 0.
    """
    actions = list(actions)
    counts = Counter(a.rag for a in actions)
    counted = [a for a in actions if a.rag is not Rag.CLOSED]
    percents = [100 if a.status is Status.COMPLETE else (a.percent_complete or 0)
                for a in counted]
    return Rollup(total=len(actions), counts=dict(counts),
                  percent_complete=round(sum(percents) / len(percents)) if percents else None,
                  needing_attention=sum(a.judgement.needs_attention for a in actions))


def rollups_by(actions: Iterable[TrackedAction], key: str) -> dict[Any, Rollup]:
    """Roll actions up by one of their fields (``objective_id``, ``body_id``...)."""
    groups: dict[Any, list[TrackedAction]] = {}
    for action in actions:
        groups.setdefault(getattr(action, key), []).append(action)
    return {group: rollup(items) for group, items in groups.items()}

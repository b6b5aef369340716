"""Where every case stands: the chair's board, the list of cases and each case's timeline.

Reading is need-to-know (``visible(user, Case)``, the policy's view rule in SQL) and takes a
fixed number of SQL queries whatever the number of cases: the cases with everything the
board shows are loaded together, the settings and closure days of their partnerships in one
query each, and the actions of every review in one :func:`tracked` call.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from partnership import derived
from partnership.actions.queries import ActionFilter, Page, Source, TrackedAction, tracked
from partnership.actions.rag import Rag
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.policy import visible
from partnership.register.models import Partnership, StatutoryPartner
from partnership.register.services.partnerships import partners_in_order
from partnership.reviews.models import (
    Case,
    InformationRequest,
    LocalReview,
    MilestoneKind,
    RapidReview,
    RapidReviewSignOff,
    ReviewSettings,
    Stage,
)
from partnership.reviews.services.deadlines import (
    Checkpoint,
    Deadline,
    DeadlineKind,
    Slippage,
    checkpoint,
    closures_by_partnership,
    deadlines_of,
    left_in_words,
    notification_due,
    settings_by_partnership,
    slippage,
)

OPEN_STAGES = tuple(stage for stage in Stage if stage is not Stage.CLOSED)
URGENCY = "case urgency"  # the keeper of each open case's urgency (services.urgency)
# Sign-offs are chased while the Rapid Review's decision is still to be made.
SIGN_OFF_STAGES = (Stage.NOTIFICATION, Stage.RAPID_REVIEW)


def _loaded() -> list[Any]:
    """Everything the list, the board and the timelines read, loaded with the cases."""
    rapid = selectinload(Case.rapid_review)
    local = selectinload(Case.local_review)
    return [
        selectinload(Case.members),
        joinedload(Case.partnership).selectinload(Partnership.partners)
        .selectinload(StatutoryPartner.names),
        joinedload(Case.reviewing_body),
        rapid.selectinload(RapidReview.requests).joinedload(InformationRequest.agency),
        # The partner again with its names: a sign-off names its partner as it was called.
        rapid.selectinload(RapidReview.sign_offs).joinedload(RapidReviewSignOff.partner)
        .selectinload(StatutoryPartner.names),
        local.selectinload(LocalReview.milestones),
        local.selectinload(LocalReview.reviewers),
        local.selectinload(LocalReview.monitoring),
        selectinload(Case.national_referral),
        selectinload(Case.moves),
    ]


def _chosen(user: Any, partnership_id: int | None, stage: Stage | None, open_only: bool
            ) -> list[sa.ColumnElement[bool]]:
    """The cases the user may see (need-to-know), filtered."""
    where = [visible(user, Case)]
    if partnership_id is not None:
        where.append(Case.partnership_id == partnership_id)
    if stage is not None:
        where.append(Case.stage == stage)
    if open_only:
        where.append(Case.stage != Stage.CLOSED)
    return where


def _with_everything(where: Iterable[sa.ColumnElement[bool]]) -> list[Case]:
    return list(db.session.scalars(
        sa.select(Case).where(*where).options(*_loaded()).order_by(Case.reference, Case.id)
        .execution_options(populate_existing=True)).unique())


def cases_for(user: Any, *, partnership_id: int | None = None, stage: Stage | None = None,
              open_only: bool = False) -> list[Case]:
    """The cases the user may see (need-to-know), filtered, with what the pages show loaded."""
    return _with_everything(_chosen(user, partnership_id, stage, open_only))


def cases_for_refresh(ids: Sequence[int] | None) -> list[Case]:
    """Open cases (these, or every one), whoever may see them, with what a standing reads."""
    where = [Case.stage.in_(OPEN_STAGES)]
    if ids is not None:
        where.append(Case.id.in_(ids))
    return _with_everything(where)


@dataclass(frozen=True)
class CasePage:
    """One page of cases: their standings in the page's order, the page for the page links,
    and how many of all the cases have something to chase."""

    rows: list[Standing]
    page: Page
    chasing: int = 0

    @property
    def cases(self) -> list[Case]:
        """The page's cases."""
        return [row.case for row in self.rows]


def _page(rows: list[Standing], number: int, size: int, total: int) -> Page:
    return Page(items=rows, number=number, size=size, total=total)


def _page_number(number: int, total: int, size: int) -> int:
    return min(max(1, number), max(1, -(-total // size)))


def case_list_page(user: Any, today: dt.date, number: int, size: int, *,
                   partnership_id: int | None = None, stage: Stage | None = None) -> CasePage:
    """One page of the case list, by reference: the database counts and cuts the page, and
    only the page's cases are loaded (a fixed number of statements at any size)."""
    where = _chosen(user, partnership_id, stage, False)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(*where)) or 0
    number = _page_number(number, total, size)
    ids = list(db.session.scalars(sa.select(Case.id).where(*where)
                                  .order_by(Case.reference, Case.id)
                                  .limit(size).offset((number - 1) * size)))
    rows = standings(_with_everything([Case.id.in_(ids)]) if ids else [], today)
    return CasePage(rows=rows, page=_page(rows, number, size, total))


def board_page(user: Any, today: dt.date, number: int, size: int, *,
               partnership_id: int | None = None) -> CasePage:
    """One page of the board, most urgent first (:func:`board_order`).

    While each case's urgency is kept for today (:mod:`partnership.reviews.services.urgency`)
    the database orders, counts and cuts the page and only its cases are worked out; until
    then every open case is, as the board always did."""
    where = _chosen(user, partnership_id, None, True)
    if not derived.current(URGENCY, today):
        rows = board_order(standings(_with_everything(where), today, with_actions=True))
        number = _page_number(number, len(rows), size)
        shown = rows[(number - 1) * size:number * size]
        return CasePage(rows=shown, page=_page(shown, number, size, len(rows)),
                        chasing=sum(1 for row in rows if row.chase))
    total, chasing = db.session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(
            sa.case((Case.chasing.is_(True), 1), else_=0)), 0))
        .select_from(Case).where(*where)).one()
    number = _page_number(number, total, size)
    ids = list(db.session.scalars(
        sa.select(Case.id).where(*where)
        .order_by(sa.case((Case.chasing.is_(True), 0), else_=1),
                  sa.case((Case.next_due.is_(None), 1), else_=0), Case.next_due,
                  sa.func.lower(Case.reference), Case.id)
        .limit(size).offset((number - 1) * size)))
    cases = _with_everything([Case.id.in_(ids)]) if ids else []
    rows = board_order(standings(cases, today, with_actions=True))
    return CasePage(rows=rows, page=_page(rows, number, size, int(total)), chasing=int(chasing))


@dataclass(frozen=True)
class Event:
    """A key date in a case's life: done (it happened) or due (an open deadline)."""

    on: dt.date
    what: str
    done: bool = True


@dataclass(frozen=True)
class Chase:
    """Something overdue the chair must chase; an action links to its page."""

    text: str
    action_id: int | None = None


@dataclass
class Standing:
    """Where one case stands."""

    case: Case
    settings: ReviewSettings
    closures: frozenset[dt.date]
    deadlines: list[Deadline]  # open ones, soonest first
    timeline: list[Event]
    chase: list[Chase] = field(default_factory=list)
    red_actions: list[TrackedAction] = field(default_factory=list)
    slippage: Slippage | None = None
    checkpoint: Checkpoint | None = None

    @property
    def next(self) -> Deadline | None:
        """The soonest open deadline."""
        return self.deadlines[0] if self.deadlines else None

    @property
    def notification_late(self) -> bool:
        """Notified after the 5 working days, or not yet notified and past them."""
        due = notification_due(self.case, self.closures)
        notified = self.case.notified_on
        return (notified is not None and notified > due) or any(
            d.kind == DeadlineKind.NOTIFICATION and d.overdue for d in self.deadlines)


def timeline_of(case: Case, deadlines: Sequence[Deadline], closures: frozenset[dt.date]
                ) -> list[Event]:
    """The case's key dates in order: what happened, then what is due."""
    events = [Event(case.aware_on, "Partners became aware of the serious incident")]
    if case.notified_on is not None:
        late = case.notified_on > notification_due(case, closures)
        events.append(Event(case.notified_on, "Notified to the national panel"
                            + (" (late)" if late else "")))
    rapid = case.rapid_review
    if rapid is not None:
        if rapid.started_on is not None:
            events.append(Event(rapid.started_on, "Rapid Review clock started"))
        for request in rapid.requests:
            events.append(Event(request.requested_on,
                                f"Information requested from {request.agency.name}"))
            if request.received_on is not None:
                events.append(Event(request.received_on,
                                    f"Information received from {request.agency.name}"))
            elif request.waived_on is not None and request.waived_reason.strip():
                events.append(Event(request.waived_on,
                                    f"Information from {request.agency.name} waived: "
                                    f"{request.waived_reason.strip()}"))
        for sign_off in rapid.sign_offs:
            partner = sign_off.partner.name_on(sign_off.signed_at.date())
            events.append(Event(sign_off.signed_at.date(),
                                f"Rapid Review signed off for {partner} by {sign_off.signed_by}"))
        for day, what in ((rapid.shared_with_scrutineer_on, "Shared with the independent "
                           "scrutineer"), (rapid.sent_to_panel_on, "Rapid Review sent to the "
                           "national panel"), (rapid.panel_response_on, "The national panel "
                           "responded")):
            if day is not None:
                events.append(Event(day, what))
    referral = case.national_referral
    if referral is not None:
        events.append(Event(referral.referred_on, "Referred for a national review"))
        if referral.outcome_on is not None:
            events.append(Event(referral.outcome_on, "Outcome of the national referral"))
    local = case.local_review
    if local is not None:
        events.append(Event(local.decided_on, "Decision to carry out a local review"))
        for reviewer in local.reviewers:
            if reviewer.commissioned_on is not None:
                events.append(Event(reviewer.commissioned_on,
                                    f"Reviewer commissioned: {reviewer.name}"))
        for milestone in local.milestones:
            if milestone.done_on is not None:
                events.append(Event(milestone.done_on, milestone.kind.label))
        if local.published_on is not None and not any(
                m.done_on == local.published_on and m.kind is MilestoneKind.PUBLISHED
                for m in local.milestones):
            events.append(Event(local.published_on, "Published"))
        for entry in local.monitoring:
            events.append(Event(entry.recorded_on, "Monitoring check: "
                                + ("on time" if entry.on_time else "behind time")))
    for day, who in ((case.secretary_of_state_notified_on, "the Secretary of State"),
                     (case.ofsted_notified_on, "Ofsted")):
        if day is not None:
            events.append(Event(day, f"Looked-after child's death notified to {who}"))
    for move in case.moves:
        what = f"Moved from {move.from_stage.label} to {move.to_stage.label}"
        if move.overridden:
            what += (f" by the partnership team before the stage was complete (still to do: "
                     f"{'; '.join(move.missing_items)}). Reason: {move.override_reason}")
        if move.closed_items:
            what += f". Closed: {'; '.join(move.closed_items)}"
        events.append(Event(move.moved_on, what))
    if case.closed_on is not None:
        events.append(Event(case.closed_on, "Case closed"))
    events.extend(Event(d.due, d.name, done=False) for d in deadlines)
    return sorted(events, key=lambda e: (e.on, not e.done))


def _chase(case: Case, deadlines: Sequence[Deadline], closures: frozenset[dt.date],
           today: dt.date) -> list[Chase]:
    """What is overdue on a case, in words."""
    found = []
    for deadline in deadlines:
        if deadline.overdue:
            found.append(Chase(f"{deadline.name}: due {long_date(deadline.due)}, "
                               f"{left_in_words(deadline).lower()}"))
    if case.notified_on is not None and not case.late_notification_reason.strip():
        due = notification_due(case, closures)
        if case.notified_on > due:
            found.append(Chase(f"Notified late ({long_date(case.notified_on)}, due "
                               f"{long_date(due)}) with no reason recorded"))
    if case.looked_after_death and case.stage is not Stage.CLOSED:
        for day, who in ((case.secretary_of_state_notified_on, "the Secretary of State"),
                         (case.ofsted_notified_on, "Ofsted")):
            if day is None:
                found.append(Chase(f"Looked-after child's death not yet notified to {who}"))
    rapid = case.rapid_review
    # Sign-offs are chased while the decision is being made, and after a move the team made
    # before every partner had signed, until the case closes.
    if rapid is not None and (case.stage in SIGN_OFF_STAGES or (
            case.stage is not Stage.CLOSED and rapid.outcome is not None)):
        rapid_due = next((d for d in deadlines if d.kind == DeadlineKind.RAPID_REVIEW), None)
        if rapid_due is None or rapid_due.due <= today:
            signed = {s.partner_id for s in rapid.sign_offs}
            for partner in partners_in_order(case.partnership):
                if partner.id not in signed:
                    found.append(Chase(f"Rapid Review sign-off missing from "
                                       f"{partner.name_on(today)}"))
    return found


def standings(cases: Iterable[Case], today: dt.date, *, with_actions: bool = False
              ) -> list[Standing]:
    """Where each case stands: deadlines, what to chase and its timeline (fixed queries)."""
    cases = list(cases)
    pids = {case.partnership_id for case in cases}
    settings = settings_by_partnership(pids)
    closures = closures_by_partnership(pids)
    red: dict[int, list[TrackedAction]] = defaultdict(list)
    if with_actions and cases:
        ids = {case.id for case in cases}
        # Only these cases' actions: a page of the board costs what the page holds.
        flt = ActionFilter(source=Source.REVIEW, case_ids=frozenset(ids))
        for action in tracked(flt, today):
            if action.case_id in ids and action.rag is Rag.RED and action.is_open:
                red[action.case_id].append(action)
    found = []
    for case in cases:
        closed = closures[case.partnership_id]
        deadlines = deadlines_of(case, settings[case.partnership_id], closed, today)
        standing = Standing(case=case, settings=settings[case.partnership_id], closures=closed,
                            deadlines=deadlines,
                            timeline=timeline_of(case, deadlines, closed))
        standing.chase = _chase(case, deadlines, closed, today)
        standing.slippage = slippage(case, settings[case.partnership_id], today)
        standing.checkpoint = checkpoint(case, settings[case.partnership_id], today)
        standing.red_actions = red.get(case.id, [])
        for action in standing.red_actions:
            where = (f" (recommendation {action.recommendation_number})"
                     if action.recommendation_number else "")
            standing.chase.append(Chase(f"Action rated red: {action.title}{where}", action.id))
        found.append(standing)
    return found


def board_order(rows: list[Standing]) -> list[Standing]:
    """Most urgent first: anything to chase, then the soonest deadline, then the reference."""
    far = dt.date.max
    return sorted(rows, key=lambda s: (not s.chase, s.next.due if s.next else far,
                                       s.case.reference.lower(), s.case.id))

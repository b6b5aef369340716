"""Cases: recording a serious incident, its notification, its stages and who may see it.

A case moves only along ``TRANSITIONS``; :func:`move_case` holds that rule and what each
move brings (the Rapid Review and its clock, the local review and its target, the national
referral, the closure and the retention date). The partnership's settings and closure days
are kept here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from partnership.accounts.models import User
from partnership.editing import apply_edit
from partnership.extensions import db
from partnership.kernel.dates import add_months, is_working_day, long_date
from partnership.policy import Role, can
from partnership.register.models import Agency, Body, BodyMember, Partnership, Person
from partnership.register.services import record_membership_change, same_members
from partnership.register.services.bodies import bodies_of
from partnership.reviews.models import (
    TRANSITIONS,
    Case,
    CaseMember,
    ClockStart,
    ClosureDay,
    LocalReview,
    NationalReferral,
    RapidReview,
    ReviewSettings,
    Stage,
    StageMove,
)
from partnership.reviews.services import ReviewError, gates, settings_for
from partnership.reviews.services.deadlines import closures_of, notification_due

REFERENCE_TAKEN = "{partnership} already has a case called {reference}: choose another reference"
# Roles whose view of a case depends on need-to-know (the team sees every case; the admin
# and the scrutineer never see case pages, so adding them would give them nothing).
ADDABLE_ROLES = (Role.CHAIR, Role.AGENCY, Role.PARTNER)


def case_or_404(case_id: int) -> Case:
    """Return the case, or answer 404."""
    return db.get_or_404(Case, case_id)


def body_options(partnership: Partnership) -> list[Body]:
    """The bodies that may review a partnership's cases (its own, joint and shared ones)."""
    return bodies_of(partnership)


def agency_options(partnership: Partnership) -> list[Agency]:
    """The partnership's agencies, by name."""
    return list(db.session.scalars(
        sa.select(Agency).where(Agency.partnership_id == partnership.id)
        .order_by(Agency.name, Agency.id)))


def agencies_with_ids(partnership: Partnership, ids: list[int]) -> list[Agency]:
    """The partnership's agencies with these ids (anything else is ignored)."""
    return [a for a in agency_options(partnership) if a.id in set(ids)]


def retention_date(case: Case, settings: ReviewSettings) -> dt.date:
    """Keep a case's records until this date: years after closure (provisionally, while the
    case is open, after awareness)."""
    base = case.closed_on or case.aware_on
    return add_months(base, 12 * settings.retention_years)


# --- recording a case ------------------------------------------------------------------------


def _check_case(partnership: Partnership, values: Mapping[str, Any], on: dt.date,
                case: Case | None = None) -> None:
    reference = values["reference"]
    taken = db.session.scalar(
        sa.select(Case.id).where(Case.partnership_id == partnership.id,
                                 sa.func.lower(Case.reference) == reference.lower(),
                                 Case.id != (case.id if case else -1)))
    if taken is not None:
        raise ReviewError(REFERENCE_TAKEN.format(partnership=partnership.name,
                                                 reference=reference), "reference")
    if values["aware_on"] > on:
        raise ReviewError("The date the partners became aware must be today or in the past",
                          "aware_on")
    body = values.get("reviewing_body")
    if body is not None and body.id not in {b.id for b in body_options(partnership)}:
        raise ReviewError("Select one of the partnership's groups", "reviewing_body")
    if case is not None and case.notified_on and values["aware_on"] > case.notified_on:
        raise ReviewError("The date the partners became aware must be on or before the "
                          f"notification ({long_date(case.notified_on)})", "aware_on")


def create_case(partnership: Partnership, values: Mapping[str, Any], on: dt.date) -> Case:
    """Record a serious incident as a new case at the notification stage."""
    _check_case(partnership, values, on)
    settings = settings_for(partnership)
    case = Case(partnership=partnership, stage=Stage.NOTIFICATION, **values)
    case.retention_until = retention_date(case, settings)
    db.session.add(case)
    try:
        db.session.flush()
    except IntegrityError:  # the reference was taken between the check and the save
        raise ReviewError(REFERENCE_TAKEN.format(partnership=partnership.name,
                                                 reference=values["reference"]),
                          "reference") from None
    record_membership_change(case, "agencies", [], case.agencies, new_record=True)
    return case


def update_case(case: Case, started_from: object, values: Mapping[str, Any],
                on: dt.date) -> bool:
    """Change a case's details if the editor saw the current version; return if it changed."""
    _check_case(case.partnership, values, on, case)
    values = {**values, "agencies": same_members(case.agencies, values["agencies"])}
    before = list(case.agencies)
    changed = apply_edit(case, started_from, values)
    record_membership_change(case, "agencies", before, case.agencies)
    retention = retention_date(case, settings_for(case.partnership))
    if case.retention_until != retention:
        case.retention_until = retention
        changed = True
    return changed


# --- moving between stages -------------------------------------------------------------------


def allowed_moves(case: Case) -> list[Stage]:
    """The stages the case may move to next, in the order of the process."""
    return [stage for stage in Stage if stage in TRANSITIONS[case.stage]]


def _stage_list(stages: list[Stage]) -> str:
    names = [s.label for s in stages]
    if not names:
        return "nowhere: it is closed"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _past_date(value: dt.date | None, field: str, what: str, case: Case,
               on: dt.date) -> dt.date:
    if value is None:
        raise ReviewError(f"Enter {what}", field)
    if value > on:
        raise ReviewError(f"{what[0].upper()}{what[1:]} must be today or in the past", field)
    if value < case.aware_on:
        raise ReviewError(f"{what[0].upper()}{what[1:]} must be on or after the day the "
                          f"partners became aware ({long_date(case.aware_on)})", field)
    return value


@dataclass
class Move:
    """What a stage change brings with it (dates the form asked for), and the team's
    override of the stage's rules, with its reason."""

    stage: Stage | str | None
    decided_on: dt.date | None = None
    referred_on: dt.date | None = None
    closed_on: dt.date | None = None
    override: bool = False
    override_reason: str = ""


class StageRefused(ReviewError):
    """The move's rules are not met: ``missing`` names each item still to do."""

    def __init__(self, case: Case, stage: Stage, missing: list[str]) -> None:
        super().__init__(gates.still_to_do(case, stage, missing), "stage")
        self.stage = stage
        self.missing = missing
        self.problems = [self]  # one message naming every item (a summary shows one a field)


def _close_stage(case: Case, left: Stage, stage: Stage, on: dt.date) -> list[str]:
    """Close what belonged to the stage the case leaves; return what was closed, in words.

    Leaving the Rapid Review closes every agency's information request still open (marked
    waived, with the move as the reason), so nothing of that stage is chased any more; the
    Rapid Review's own deadline and a local review's milestones and checkpoints stop being
    live with their stage (``deadlines.deadlines_of``); the notification, a duty of the
    whole case, carries over until it is made.
    """
    closed: list[str] = []
    rapid = case.rapid_review
    if left in gates.RAPID_STAGES and stage not in gates.RAPID_STAGES and rapid:
        for request in rapid.requests:
            if not request.settled:
                request.waived_reason = (f"Closed unanswered when the case moved to "
                                         f"{stage.label} on {long_date(on)}")
                request.waived_on = on
                closed.append(f"Information request to {request.agency.name} (due "
                              f"{long_date(request.due_on)}), closed unanswered")
        if rapid.sent_to_panel_on is None:
            closed.append("Rapid Review deadline, closed without the review being sent to "
                          "the national panel")
    return closed


def move_case(case: Case, started_from: object, move: Move, on: dt.date,
              user: User | None = None) -> StageMove:
    """Move the case to the next stage, if the process allows it and the stage's rules are
    met; refuse with a reason (naming everything missing) and change nothing otherwise.

    The team may override the rules with a reason: the move then records what was missing,
    and is in the audit trail and on the case's timeline like every move.
    """
    try:
        stage = Stage(move.stage) if move.stage else None
    except ValueError:
        stage = None
    if stage is None:
        raise ReviewError("Select the stage the case moves to", "stage")
    if stage not in TRANSITIONS[case.stage]:
        raise ReviewError(f"A case at {case.stage.label} cannot move to {stage.label}; "
                          f"it can move to {_stage_list(allowed_moves(case))}", "stage")
    settings = settings_for(case.partnership)
    rapid = local = referral = None
    closed = None
    if stage is Stage.RAPID_REVIEW and case.rapid_review is None:
        if settings.rapid_review_clock is ClockStart.NOTIFICATION:
            if case.notified_on is None:
                raise ReviewError(
                    "Record the notification to the national panel first: this partnership "
                    "starts the Rapid Review's 15 working days on the day of notification",
                    "stage")
            rapid = RapidReview(started_on=case.notified_on)
        else:
            rapid = RapidReview(started_on=case.aware_on)
    elif stage is Stage.LOCAL_REVIEW and case.local_review is None:
        decided = _past_date(move.decided_on, "decided_on",
                             "the date of the decision to carry out a local review", case, on)
        local = LocalReview(decided_on=decided,
                            target_on=add_months(decided, settings.local_review_months))
    elif stage is Stage.NATIONAL_REVIEW and case.national_referral is None:
        referred = _past_date(move.referred_on, "referred_on",
                              "the date of the referral for a national review", case, on)
        referral = NationalReferral(referred_on=referred)
    elif stage is Stage.CLOSED:
        closed = _past_date(move.closed_on, "closed_on", "the date the case closed", case, on)
    missing = gates.missing_for(case, stage)
    reason = move.override_reason.strip()
    if missing and not move.override:
        raise StageRefused(case, stage, missing)
    if missing:
        if user is None or not can(user, "override", case):
            raise ReviewError("Only the partnership team can move a case on before its "
                              "stage is complete", "override")
        if not reason:
            raise ReviewError("Give the reason the case moves on before its stage is complete",
                              "override_reason")
    from_stage = case.stage
    apply_edit(case, started_from, {"stage": stage})  # refuses a move from a stale page
    left = _close_stage(case, from_stage, stage, on)
    if rapid is not None:
        case.rapid_review = rapid
    if local is not None:
        case.local_review = local
    if referral is not None:
        case.national_referral = referral
    if closed is not None:
        case.closed_on = closed
        case.retention_until = retention_date(case, settings)
    row = StageMove(from_stage=from_stage, to_stage=stage, moved_on=on,
                    user_id=user.id if user is not None else None,
                    moved_by=(user.name or "")[:120] if user is not None else "",
                    missing="\n".join(missing), override_reason=reason if missing else "",
                    closed="\n".join(left))
    case.moves.append(row)
    return row


# --- the notification and the national referral ----------------------------------------------


def record_notification(case: Case, started_from: object, values: Mapping[str, Any],
                        on: dt.date) -> bool:
    """Record the notification to the national panel; a late one needs its reason."""
    notified = values["notified_on"]
    if notified > on:
        raise ReviewError("The date notified must be today or in the past", "notified_on")
    if notified < case.aware_on:
        raise ReviewError("The date notified must be on or after the day the partners became "
                          f"aware ({long_date(case.aware_on)})", "notified_on")
    due = notification_due(case, closures_of(case.partnership_id))
    reason = values["late_notification_reason"]
    if notified > due and not reason:
        raise ReviewError(f"Give the reason the notification was late: it was due by "
                          f"{long_date(due)}, 5 working days after the partners became aware",
                          "late_notification_reason")
    stored = {"notified_on": notified, "late_notification_reason": reason}
    for field, who in (("secretary_of_state_notified_on", "the Secretary of State was told"),
                       ("ofsted_notified_on", "Ofsted was told")):
        day = values.get(field)
        if day is not None and day > on:
            raise ReviewError(f"The date {who} must be today or in the past", field)
        if day is not None and day < case.aware_on:
            raise ReviewError(f"The date {who} must be on or after the day the partners became "
                              f"aware ({long_date(case.aware_on)})", field)
        stored[field] = day
    return apply_edit(case, started_from, stored)


def save_referral(case: Case, started_from: object, values: Mapping[str, Any],
                  on: dt.date) -> bool:
    """Record (or change) the referral for a national review and its outcome."""
    referred = _past_date(values["referred_on"], "referred_on", "the date referred", case, on)
    outcome_on = values["outcome_on"]
    if outcome_on is not None and outcome_on < referred:
        raise ReviewError("The date of the outcome must be on or after the referral",
                          "outcome_on")
    if outcome_on is not None and outcome_on > on:
        raise ReviewError("The date of the outcome must be today or in the past", "outcome_on")
    referral = case.national_referral
    if referral is None:
        case.national_referral = NationalReferral(referred_on=referred, outcome_on=outcome_on,
                                                  outcome=values["outcome"])
        return True
    return apply_edit(referral, started_from, {"referred_on": referred, "outcome_on": outcome_on,
                                               "outcome": values["outcome"]})


# --- who may see a case ----------------------------------------------------------------------


@dataclass
class Seer:
    """Someone who may see a case, and why."""

    user: User
    reasons: list[str]
    member: CaseMember | None = None


def people_who_see(case: Case, on: dt.date) -> list[Seer]:
    """Everyone with an active account who may see the case, and why (the policy decides)."""
    reasons: dict[int, list[str]] = {}

    def because(user_id: int | None, why: str) -> None:
        if user_id is not None:
            reasons.setdefault(user_id, [])
            if why not in reasons[user_id]:
                reasons[user_id].append(why)

    for user_id in db.session.scalars(sa.select(User.id).where(User.role == Role.TEAM)):
        because(user_id, "Partnership team")
    body = case.reviewing_body
    if body is not None:
        if body.chair is not None:
            because(body.chair.user_id, f"Chair of {body.name}")
        for seat in db.session.scalars(sa.select(BodyMember).where(BodyMember.body_id == body.id)):
            if seat.person is not None:
                because(seat.person.user_id, f"Member of {body.name} ({seat.role})")
    for partner in case.partnership.partners:
        for representative in partner.representatives_on(on):
            if representative.person is not None:  # a post recorded with no one named
                because(representative.person.user_id,
                        f"Represents {partner.name_on(on)}")
    members = {m.user_id: m for m in case.members}
    for member in case.members:
        because(member.user_id, f"Added to the case: {member.reason}" if member.reason
                else "Added to the case")
    users = {u.id: u for u in db.session.scalars(
        sa.select(User).where(User.id.in_(sorted(reasons))))} if reasons else {}
    seers = [Seer(users[uid], why, members.get(uid)) for uid, why in reasons.items()
             if uid in users and (can(users[uid], "view", case) or uid in members)]
    return sorted(seers, key=lambda s: (s.user.name.lower(), s.user.id))


def addable_users(case: Case, seers: list[Seer]) -> list[User]:
    """Active accounts that could be added to the case (those who see it already are not)."""
    seeing = {seer.user.id for seer in seers}
    return [u for u in db.session.scalars(
        sa.select(User).where(User.role.in_(ADDABLE_ROLES)).order_by(User.name, User.id))
        if u.is_active and u.id not in seeing]


def add_member(case: Case, user: User | None, reason: str) -> CaseMember:
    """Add someone to the case (need-to-know), saying why."""
    if user is None:
        raise ReviewError("Select the person to add", "user")
    if any(m.user_id == user.id for m in case.members):
        raise ReviewError(f"{user.name} has already been added to {case.reference}", "user")
    if user.role not in ADDABLE_ROLES:
        raise ReviewError(f"{user.name} cannot be added: only chairs, agency leads and partners' "
                          "representatives can be given access to a case", "user")
    member = CaseMember(user_id=user.id, reason=reason)
    case.members.append(member)
    return member


def remove_member(case: Case, member_id: int | None) -> CaseMember | None:
    """Take someone added to the case off it; return the row removed (None if not found)."""
    member = next((m for m in case.members if m.id == member_id), None)
    if member is not None:
        case.members.remove(member)
    return member


def person_name(user: User) -> str:
    """The name to show for an account."""
    person = db.session.scalar(sa.select(Person).where(Person.user_id == user.id))
    return person.name if person else user.name


# --- settings and closure days ---------------------------------------------------------------


def update_settings(partnership: Partnership, started_from: object,
                    values: Mapping[str, Any]) -> bool:
    """Change the partnership's review settings; retention dates follow the new years."""
    settings = settings_for(partnership)
    changed = apply_edit(settings, started_from, values)
    if changed:
        for case in db.session.scalars(sa.select(Case).where(
                Case.partnership_id == partnership.id)):
            case.retention_until = retention_date(case, settings)
    return changed


def closure_days(partnership: Partnership) -> list[ClosureDay]:
    """The partnership's closure days, latest first."""
    return list(db.session.scalars(
        sa.select(ClosureDay).where(ClosureDay.partnership_id == partnership.id)
        .order_by(ClosureDay.day.desc())))


def add_closure(partnership: Partnership, day: dt.date, reason: str) -> ClosureDay:
    """Add a day the partnership does not count as a working day."""
    if any(c.day == day for c in closure_days(partnership)):
        raise ReviewError(f"{long_date(day)} is already a closure day", "day")
    if not is_working_day(day):
        raise ReviewError(f"{long_date(day)} is a weekend or a bank holiday: it is never "
                          "counted as a working day", "day")
    closure = ClosureDay(partnership_id=partnership.id, day=day, reason=reason)
    db.session.add(closure)
    return closure


def remove_closure(partnership: Partnership, closure_id: int | None) -> ClosureDay | None:
    """Count a closure day as a working day again; return it (None if not found)."""
    closure = next((c for c in closure_days(partnership) if c.id == closure_id), None)
    if closure is not None:
        db.session.delete(closure)
    return closure

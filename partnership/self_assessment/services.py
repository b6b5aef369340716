"""Self-assessment rounds: standards libraries, rounds and their organisations, each
organisation's return, moderation, and the report's summary.

Rounds run at the scale of hundreds of organisations: returns (and the answers carried
forward from the previous round) are added with one INSERT each, and the dashboard
(:mod:`partnership.self_assessment.dashboard`) aggregates in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload

from partnership.actions.models import Action
from partnership.audit.services import record_event
from partnership.clock import today
from partnership.database import utcnow
from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.kernel.ordering import close_up, move
from partnership.policy import readable, served_to_reader
from partnership.register.models import Agency, Establishment, Partnership, Person
from partnership.scales.models import GradeScale
from partnership.self_assessment.models import (
    AssessmentAnswer,
    AssessmentReturn,
    AssessmentRound,
    AssessmentStatus,
    ModerationSession,
    RoundStatus,
    Standard,
    StandardSet,
    StandardsKind,
)
from partnership.self_assessment.starter import STARTER_SETS


class AssessmentError(DomainError):
    """A step the self-assessment rules refuse; the message is for the user."""


class ReturnProblems(AssessmentError):
    """Every reason a return cannot be submitted, each next to its standard."""

    def __init__(self, problems: list[AssessmentError]) -> None:
        super().__init__(f"The return cannot be submitted: {len(problems)} "
                         f"problem{'s' if len(problems) != 1 else ''} to put right")
        self.problems = problems


OPEN_STATUSES = (AssessmentStatus.NOT_STARTED, AssessmentStatus.IN_PROGRESS)


# --- finding records -----------------------------------------------------------------------


def partnership_or_404(slug: str) -> Partnership:
    """The partnership with this slug, if the reader serves it."""
    return db.first_or_404(sa.select(Partnership).where(Partnership.slug == slug,
                                                        readable(Partnership)))


def sets_of(partnership: Partnership) -> list[StandardSet]:
    """The partnership's standards sets, by name, with their scales."""
    return list(db.session.scalars(
        sa.select(StandardSet).where(StandardSet.partnership_id == partnership.id)
        .options(joinedload(StandardSet.scale), selectinload(StandardSet.standards))
        .order_by(StandardSet.name)))


def set_or_404(partnership: Partnership, set_id: int) -> StandardSet:
    """One of the partnership's standards sets."""
    found = db.session.get(StandardSet, set_id)
    if found is None or found.partnership_id != partnership.id:
        abort(404)
    return found


def standard_or_404(partnership: Partnership, standard_id: int) -> Standard:
    """One standard of the partnership's sets."""
    found = db.session.get(Standard, standard_id)
    if found is None or found.standard_set.partnership_id != partnership.id:
        abort(404)
    return found


def _in_partnership(partnership: Partnership) -> sa.ColumnElement[bool]:
    """Rounds the partnership runs or joins."""
    return sa.or_(AssessmentRound.partnership_id == partnership.id,
                  AssessmentRound.partnerships.any(Partnership.id == partnership.id))


def rounds_of(partnership: Partnership) -> list[AssessmentRound]:
    """The rounds the partnership runs or joins, newest first."""
    return list(db.session.scalars(
        sa.select(AssessmentRound).where(_in_partnership(partnership),
                                         readable(AssessmentRound))
        .options(joinedload(AssessmentRound.standard_set), joinedload(AssessmentRound.partnership))
        .order_by(AssessmentRound.due_on.desc().nulls_first(), AssessmentRound.id.desc())))


def round_or_404(partnership: Partnership, round_id: int) -> AssessmentRound:
    """A round the partnership runs or joins."""
    found = db.session.scalar(sa.select(AssessmentRound).where(
        AssessmentRound.id == round_id, _in_partnership(partnership)))
    if found is None or not served_to_reader(found):
        abort(404)
    return found


def return_or_404(partnership: Partnership, return_id: int) -> AssessmentReturn:
    """One return of a round the partnership runs or joins (the view asks the policy
    whether the reader may see it)."""
    found = db.session.scalar(
        sa.select(AssessmentReturn).where(AssessmentReturn.id == return_id,
                                          AssessmentReturn.round.has(_in_partnership(partnership)))
        .options(joinedload(AssessmentReturn.agency),
                 joinedload(AssessmentReturn.establishment)))
    if found is None or not served_to_reader(found):
        abort(404)
    return found


def session_or_404(partnership: Partnership, session_id: int) -> ModerationSession:
    """One moderation session of a round the partnership runs or joins."""
    found = db.session.scalar(sa.select(ModerationSession).where(
        ModerationSession.id == session_id,
        ModerationSession.round.has(_in_partnership(partnership))))
    if found is None or not served_to_reader(found):
        abort(404)
    return found


def scales_of(partnership: Partnership) -> list[GradeScale]:
    """The partnership's grading scales, by name."""
    return list(db.session.scalars(sa.select(GradeScale).where(
        GradeScale.partnership_id == partnership.id).order_by(GradeScale.name)))


# --- standards library ----------------------------------------------------------------------


def _check_set(partnership: Partnership, values: Mapping[str, Any],
               existing: StandardSet | None = None) -> None:
    scale: GradeScale | None = values.get("scale")
    if scale is None or scale.partnership_id != partnership.id:
        raise AssessmentError("Select one of the partnership's grading scales", "scale")
    clash = db.session.scalar(sa.select(StandardSet.id).where(
        StandardSet.partnership_id == partnership.id, StandardSet.name == values["name"]))
    if clash is not None and (existing is None or clash != existing.id):
        raise AssessmentError("The partnership already has a standards set with this name",
                              "name")
    if existing is not None and scale.id != existing.scale_id and _set_in_use(existing):
        raise AssessmentError("The set is used by a round: its grades are already given on "
                              "its scale, so the scale cannot change", "scale")


def _set_in_use(standard_set: StandardSet) -> bool:
    return db.session.scalar(sa.select(sa.func.count(AssessmentRound.id)).where(
        AssessmentRound.set_id == standard_set.id)) > 0


def create_set(partnership: Partnership, values: Mapping[str, Any]) -> StandardSet:
    """Add a standards set (name, kind, scale, source)."""
    _check_set(partnership, values)
    standard_set = StandardSet(partnership=partnership, **values)
    db.session.add(standard_set)
    db.session.flush()
    return standard_set


def update_set(standard_set: StandardSet, values: Mapping[str, Any]) -> None:
    """Change a set's name, kind, scale or source (the version is checked by the caller)."""
    _check_set(standard_set.partnership, values, standard_set)


def starter_set(partnership: Partnership, kind: StandardsKind, scale: GradeScale
                ) -> StandardSet:
    """Add the starter standards set of a kind (Section 11, or schools), graded on ``scale``."""
    name, source, standards = STARTER_SETS[kind]
    taken = set(db.session.scalars(sa.select(StandardSet.name).where(
        StandardSet.partnership_id == partnership.id)))
    chosen, n = name, 1
    while chosen in taken:
        n += 1
        chosen = f"{name} ({n})"
    standard_set = create_set(partnership, {"name": chosen, "kind": kind, "scale": scale,
                                            "source": source})
    standard_set.standards = [
        Standard(position=position, number=str(position), title=title, description=text)
        for position, (title, text) in enumerate(standards, start=1)]
    db.session.flush()
    return standard_set


def add_standard(standard_set: StandardSet, values: Mapping[str, Any]) -> Standard:
    """Add a standard at the end of the set."""
    _check_number(standard_set, values["number"])
    standard = Standard(standard_set=standard_set, position=len(standard_set.standards) + 1,
                        **values)
    db.session.add(standard)
    db.session.flush()
    return standard


def _check_number(standard_set: StandardSet, number: str,
                  existing: Standard | None = None) -> None:
    if any(s.number == number and s is not existing for s in standard_set.standards):
        raise AssessmentError(f"The set already has a standard {number}", "number")


def check_standard(standard: Standard, values: Mapping[str, Any]) -> None:
    """Refuse a number another standard of the set has."""
    _check_number(standard.standard_set, values["number"], standard)


def move_standard(standard: Standard, direction: str) -> bool:
    """Move a standard up or down its set."""
    return move(standard.standard_set.standards, standard, direction)


def remove_standard(standard: Standard) -> None:
    """Remove a standard that no round has asked about yet."""
    if _set_in_use(standard.standard_set):
        raise AssessmentError("The set is used by a round: its standards stay as they are "
                              "(add a new set for changed standards)")
    standard_set = standard.standard_set
    standard_set.standards.remove(standard)
    db.session.flush()
    close_up(standard_set.standards)


# --- rounds --------------------------------------------------------------------------------


def _check_round(partnership: Partnership, values: Mapping[str, Any],
                 existing: AssessmentRound | None = None) -> None:
    standard_set: StandardSet | None = values.get("standard_set")
    if standard_set is None or standard_set.partnership_id != partnership.id:
        raise AssessmentError("Select one of the partnership's standards sets", "standard_set")
    if existing is not None and standard_set.id != existing.set_id and any(
            r.status is not AssessmentStatus.NOT_STARTED for r in existing.returns):
        raise AssessmentError("Organisations have started their returns: the standards set "
                              "cannot change", "standard_set")
    opens, due, moderation = (values.get("opens_on"), values.get("due_on"),
                              values.get("moderation_by"))
    if opens and due and due < opens:
        raise AssessmentError("The due date must be the same as or after the opening date",
                              "due_on")
    if due and moderation and moderation < due:
        raise AssessmentError("Moderation must be on or after the due date", "moderation_by")
    previous: AssessmentRound | None = values.get("previous")
    if previous is not None:
        if existing is not None and previous.id == existing.id:
            raise AssessmentError("A round cannot start from itself", "previous")
        if previous.standard_set.kind is not standard_set.kind:
            raise AssessmentError("Start from a round of the same kind of standards",
                                  "previous")
    if partnership in values.get("partnerships", []):
        raise AssessmentError("Choose neighbouring partnerships, not the one running the "
                              "round", "partnerships")


def create_round(partnership: Partnership, values: Mapping[str, Any]) -> AssessmentRound:
    """Set up a round (being set up until launched)."""
    _check_round(partnership, values)
    assessment_round = AssessmentRound(partnership=partnership, status=RoundStatus.DRAFT,
                                       **values)
    db.session.add(assessment_round)
    db.session.flush()
    return assessment_round


def check_round_edit(assessment_round: AssessmentRound, values: Mapping[str, Any]) -> None:
    """Refuse a change to a round that breaks its rules."""
    _check_round(assessment_round.partnership, values, assessment_round)


def member_partnerships(assessment_round: AssessmentRound) -> list[Partnership]:
    """The partnership running the round, then those joining it."""
    return [assessment_round.partnership,
            *(p for p in assessment_round.partnerships if p.id != assessment_round.partnership_id)]


def agency_choices(assessment_round: AssessmentRound) -> list[Agency]:
    """Agencies of the round's partnerships not yet asked (groups of agencies left out)."""
    ids = [p.id for p in member_partnerships(assessment_round)]
    asked = sa.select(AssessmentReturn.agency_id).where(
        AssessmentReturn.round_id == assessment_round.id,
        AssessmentReturn.agency_id.is_not(None))
    return list(db.session.scalars(
        sa.select(Agency).where(Agency.partnership_id.in_(ids), Agency.is_group.is_(False),
                                Agency.id.not_in(asked))
        .options(joinedload(Agency.partnership)).order_by(Agency.name)))


def establishment_filters(assessment_round: AssessmentRound) -> tuple[list[str], list[str]]:
    """The phases and kinds of the round's partnerships' schools and settings."""
    ids = [p.id for p in member_partnerships(assessment_round)]
    rows = db.session.execute(sa.select(Establishment.phase, Establishment.kind).where(
        Establishment.partnership_id.in_(ids)).distinct()).all()
    return sorted({r.phase for r in rows if r.phase}), sorted({r.kind for r in rows if r.kind})


def establishment_choices(assessment_round: AssessmentRound, phase: str | None = None,
                          kind: str | None = None) -> sa.Select[Any]:
    """Schools and settings of the round's partnerships not yet asked, by phase and kind."""
    ids = [p.id for p in member_partnerships(assessment_round)]
    asked = sa.select(AssessmentReturn.establishment_id).where(
        AssessmentReturn.round_id == assessment_round.id,
        AssessmentReturn.establishment_id.is_not(None))
    query = sa.select(Establishment).where(Establishment.partnership_id.in_(ids),
                                           Establishment.id.not_in(asked))
    if phase:
        query = query.where(Establishment.phase == phase)
    if kind:
        query = query.where(Establishment.kind == kind)
    return query.order_by(Establishment.name)


def _check_changeable(assessment_round: AssessmentRound) -> None:
    if assessment_round.status in (RoundStatus.MODERATION, RoundStatus.CLOSED):
        raise AssessmentError("The round is past taking returns: organisations can no "
                              "longer be added or removed")


def add_organisations(assessment_round: AssessmentRound, agency_ids: Iterable[int] = (),
                      establishment_ids: Iterable[int] = ()) -> int:
    """Ask these agencies and schools (of the round's partnerships, not asked yet): one
    INSERT of returns, one INSERT of the answers carried forward; return how many."""
    _check_changeable(assessment_round)
    ids = [p.id for p in member_partnerships(assessment_round)]
    wanted_agencies = sorted(set(agency_ids))
    wanted_schools = sorted(set(establishment_ids))
    agencies = set(db.session.scalars(sa.select(Agency.id).where(
        Agency.id.in_(wanted_agencies), Agency.partnership_id.in_(ids)))) if wanted_agencies \
        else set()
    schools = set(db.session.scalars(sa.select(Establishment.id).where(
        Establishment.id.in_(wanted_schools), Establishment.partnership_id.in_(ids)))) \
        if wanted_schools else set()
    if len(agencies) != len(wanted_agencies) or len(schools) != len(wanted_schools):
        raise AssessmentError("Choose organisations of the round's partnerships",
                              "organisations")
    have = db.session.execute(sa.select(AssessmentReturn.agency_id,
                                        AssessmentReturn.establishment_id).where(
        AssessmentReturn.round_id == assessment_round.id)).all()
    agencies -= {row.agency_id for row in have}
    schools -= {row.establishment_id for row in have}
    rows = ([{"round_id": assessment_round.id, "agency_id": a, "establishment_id": None}
             for a in sorted(agencies)]
            + [{"round_id": assessment_round.id, "agency_id": None, "establishment_id": e}
               for e in sorted(schools)])
    if not rows:
        return 0
    common = {"status": AssessmentStatus.NOT_STARTED, "chase_count": 0, "version": 1}
    db.session.execute(sa.insert(AssessmentReturn), [{**common, **row} for row in rows])
    carried = (carry_forward(assessment_round, agencies, schools)
               if assessment_round.previous_id is not None else 0)
    # Rows inserted in bulk pass the audit listener by: one event says what was added.
    record_event("create", record_type="assessment_return",
                 record_id=f"round {assessment_round.id}: {len(rows)} added",
                 changes={"round_id": assessment_round.id, "agency_ids": sorted(agencies),
                          "establishment_ids": sorted(schools), "answers_carried": carried},
                 commit=False, about=assessment_round)
    db.session.expire(assessment_round, ["returns"])
    return len(rows)


def carry_forward(assessment_round: AssessmentRound, agency_ids: Iterable[int],
                  establishment_ids: Iterable[int]) -> int:
    """Start these organisations' new returns from their answers in the previous round
    (grade and evidence, for the standards of the same number); one INSERT."""
    previous = assessment_round.previous
    if previous is None:
        return 0
    agencies, schools = list(agency_ids), list(establishment_ids)
    new_return = sa.orm.aliased(AssessmentReturn)
    old_return = sa.orm.aliased(AssessmentReturn)
    new_standard = sa.orm.aliased(Standard)
    old_standard = sa.orm.aliased(Standard)
    same_organisation = sa.or_(
        sa.and_(old_return.agency_id.is_not(None), old_return.agency_id == new_return.agency_id),
        sa.and_(old_return.establishment_id.is_not(None),
                old_return.establishment_id == new_return.establishment_id))
    chosen = sa.or_(new_return.agency_id.in_(agencies) if agencies else sa.false(),
                    new_return.establishment_id.in_(schools) if schools else sa.false())
    # A grade carries over only when both sets grade on the same scale.
    same_scale = previous.standard_set.scale_id == assessment_round.standard_set.scale_id
    grade = AssessmentAnswer.grade_id if same_scale else sa.null()
    source = (
        sa.select(new_return.id, new_standard.id, grade, AssessmentAnswer.evidence,
                  sa.literal(1))
        .select_from(AssessmentAnswer)
        .join(old_return, AssessmentAnswer.return_id == old_return.id)
        .join(old_standard, AssessmentAnswer.standard_id == old_standard.id)
        .join(new_return, sa.and_(new_return.round_id == assessment_round.id, same_organisation))
        .join(new_standard, sa.and_(new_standard.set_id == assessment_round.set_id,
                                    new_standard.number == old_standard.number))
        .where(old_return.round_id == previous.id, chosen))
    result = db.session.execute(sa.insert(AssessmentAnswer).from_select(
        ["return_id", "standard_id", "grade_id", "evidence", "version"], source))
    return int(result.rowcount or 0)


def remove_return(assessment_return: AssessmentReturn) -> None:
    """Stop asking an organisation that has not started its return."""
    _check_changeable(assessment_return.round)
    if assessment_return.status is not AssessmentStatus.NOT_STARTED:
        raise AssessmentError(f"{assessment_return.organisation_name} has started its return: "
                              "it stays in the round")
    db.session.delete(assessment_return)
    db.session.flush()


def launch(assessment_round: AssessmentRound) -> None:
    """Open a round for returns: it needs standards, a due date and organisations."""
    if assessment_round.status is not RoundStatus.DRAFT:
        raise AssessmentError("The round is already launched")
    if not assessment_round.standard_set.standards:
        raise AssessmentError("The standards set has no standards yet")
    if assessment_round.due_on is None:
        raise AssessmentError("Give the round a due date before launching it")
    if not db.session.scalar(sa.select(sa.func.count(AssessmentReturn.id)).where(
            AssessmentReturn.round_id == assessment_round.id)):
        raise AssessmentError("Choose the organisations asked before launching the round")
    assessment_round.status = RoundStatus.OPEN
    if assessment_round.opens_on is None:
        assessment_round.opens_on = today()
    db.session.flush()


NEXT_STATUS = {RoundStatus.OPEN: RoundStatus.MODERATION, RoundStatus.MODERATION: RoundStatus.CLOSED}


def advance(assessment_round: AssessmentRound) -> RoundStatus:
    """Move an open round to moderation, or a round in moderation to closed."""
    following = NEXT_STATUS.get(assessment_round.status)
    if following is None:
        raise AssessmentError(f"A round that is {assessment_round.status.label.lower()} "
                              "cannot move on")
    assessment_round.status = following
    db.session.flush()
    return following


# --- an organisation's return ---------------------------------------------------------------


def organisation_kind(assessment_return: AssessmentReturn) -> str:
    """Say what kind of organisation the return is for."""
    return "Agency" if assessment_return.agency_id is not None else "School or setting"


def answers_of(assessment_return: AssessmentReturn) -> dict[int, AssessmentAnswer]:
    """The return's answers by standard id (one query)."""
    return {answer.standard_id: answer for answer in db.session.scalars(
        sa.select(AssessmentAnswer).where(AssessmentAnswer.return_id == assessment_return.id)
        .options(joinedload(AssessmentAnswer.grade), joinedload(AssessmentAnswer.agreed_grade)))}


def carried_forward(assessment_return: AssessmentReturn) -> dict[int, bool]:
    """Per standard id: whether the answer is still as carried from the previous round
    (same grade and evidence as the organisation gave then, for the same standard number)."""
    previous_id = assessment_return.round.previous_id
    if previous_id is None:
        return {}
    old_return = sa.orm.aliased(AssessmentReturn)
    old_answer = sa.orm.aliased(AssessmentAnswer)
    old_standard = sa.orm.aliased(Standard)
    same = (old_return.agency_id == assessment_return.agency_id
            if assessment_return.agency_id is not None
            else old_return.establishment_id == assessment_return.establishment_id)
    previous = {row.number: (row.grade_id, row.evidence) for row in db.session.execute(
        sa.select(old_standard.number, old_answer.grade_id, old_answer.evidence)
        .join(old_return, old_answer.return_id == old_return.id)
        .join(old_standard, old_answer.standard_id == old_standard.id)
        .where(old_return.round_id == previous_id, same))}
    numbers = {s.id: s.number for s in assessment_return.round.standard_set.standards}
    found: dict[int, bool] = {}
    for standard_id, answer in answers_of(assessment_return).items():
        before = previous.get(numbers.get(standard_id, ""))
        if before is not None and (answer.evidence or "") == (before[1] or "") and (
                answer.grade_id == before[0] or answer.grade_id is None):
            found[standard_id] = True
    return found


def actions_by_answer(answer_ids: Iterable[int]) -> dict[int, list[Action]]:
    """The gap actions of these answers (one query)."""
    ids = list(answer_ids)
    found: dict[int, list[Action]] = defaultdict(list)
    if not ids:
        return found
    for action in db.session.scalars(sa.select(Action).where(
            Action.assessment_answer_id.in_(ids)).order_by(Action.id)):
        found[action.assessment_answer_id].append(action)  # type: ignore[index]
    return found


def _check_open(assessment_return: AssessmentReturn) -> None:
    if assessment_return.round.status is not RoundStatus.OPEN:
        raise AssessmentError("The round is not open for returns")
    if assessment_return.status in (AssessmentStatus.SUBMITTED, AssessmentStatus.MODERATED):
        raise AssessmentError("The return has been submitted: ask the partnership team to "
                              "reopen it to change it")


@dataclass(frozen=True)
class AnswerValues:
    """What the organisation says about one standard."""

    grade_id: int | None
    evidence: str


def save_answers(assessment_return: AssessmentReturn, started_from: object,
                 values: Mapping[int, AnswerValues]) -> None:
    """Save the return as a draft: a grade (on the set's scale) and evidence per standard."""
    _check_open(assessment_return)
    if str(assessment_return.version) != str(started_from):
        raise AssessmentError("Someone else saved this return since you opened it: check "
                              "the answers below (yours) against theirs, then save again")
    scale_grades = {g.id for g in assessment_return.round.standard_set.scale.grades}
    standards = {s.id for s in assessment_return.round.standard_set.standards}
    existing = answers_of(assessment_return)
    for standard_id, given in values.items():
        if standard_id not in standards:
            continue
        if given.grade_id is not None and given.grade_id not in scale_grades:
            raise AssessmentError("Select one of the grades", f"grade_{standard_id}")
        answer = existing.get(standard_id)
        if answer is None:
            if given.grade_id is None and not given.evidence:
                continue
            answer = AssessmentAnswer(assessment_return=assessment_return,
                                      standard_id=standard_id)
            db.session.add(answer)
        if answer.grade_id != given.grade_id:
            answer.grade_id = given.grade_id
        if (answer.evidence or "") != given.evidence:
            answer.evidence = given.evidence
    # The return's version moves with every save, so a second editor's stale page is caught.
    assessment_return.status = AssessmentStatus.IN_PROGRESS
    assessment_return.submitted_at = None
    db.session.flush()
    db.session.execute(sa.update(AssessmentReturn).where(
        AssessmentReturn.id == assessment_return.id).values(
        version=AssessmentReturn.version + 1))
    db.session.expire(assessment_return, ["version"])


def submission_problems(assessment_return: AssessmentReturn) -> list[AssessmentError]:
    """Every reason the return cannot be submitted yet: a standard not graded, a gap with
    no action."""
    answers = answers_of(assessment_return)
    actions = actions_by_answer(a.id for a in answers.values())
    problems: list[AssessmentError] = []
    for standard in assessment_return.round.standard_set.standards:
        answer = answers.get(standard.id)
        if answer is None or answer.grade is None:
            problems.append(AssessmentError(f"Grade standard {standard.number}",
                                            f"grade_{standard.id}"))
        elif answer.grade.is_gap and not actions.get(answer.id):
            problems.append(AssessmentError(
                f"Standard {standard.number} is graded {answer.grade.label.lower()}: add at "
                "least one action to close the gap", f"grade_{standard.id}"))
    return problems


def submit(assessment_return: AssessmentReturn, user: Any) -> None:
    """Submit a complete return (every standard graded, every gap with an action)."""
    _check_open(assessment_return)
    problems = submission_problems(assessment_return)
    if problems:
        raise ReturnProblems(problems)
    assessment_return.status = AssessmentStatus.SUBMITTED
    assessment_return.submitted_at = utcnow()
    assessment_return.submitted_by = user
    db.session.flush()


def reopen(assessment_return: AssessmentReturn) -> None:
    """Let the organisation change a submitted return again (the team)."""
    if assessment_return.status is not AssessmentStatus.SUBMITTED:
        raise AssessmentError("Only a submitted return can be reopened")
    if assessment_return.round.status is not RoundStatus.OPEN:
        raise AssessmentError("The round is not open for returns")
    assessment_return.status = AssessmentStatus.IN_PROGRESS
    assessment_return.submitted_at = None
    db.session.flush()


def gap_answer_or_404(assessment_return: AssessmentReturn, standard_id: int
                      ) -> AssessmentAnswer:
    """The return's answer to a standard graded as a gap."""
    answer = answers_of(assessment_return).get(standard_id)
    if answer is None:
        abort(404)
    return answer


def gap_action_values(answer: AssessmentAnswer, values: Mapping[str, Any]
                      ) -> tuple[Partnership, dict[str, Any]]:
    """The partnership and values of a new action closing a gap: led by the return's agency
    or, for a school, its group of agencies."""
    assessment_return = answer.assessment_return
    _check_open(assessment_return)
    if answer.grade is None or not answer.grade.is_gap:
        raise AssessmentError("Only a standard graded as a gap needs actions (save the grade "
                              "first)", "title")
    lead = assessment_return.agency
    if lead is None and assessment_return.establishment is not None:
        lead = assessment_return.establishment.agency
    partnership = lead.partnership if lead is not None else assessment_return.round.partnership
    return partnership, {**values, "lead_agency": lead}


# --- moderation -----------------------------------------------------------------------------


def create_session(assessment_round: AssessmentRound, values: Mapping[str, Any]
                   ) -> ModerationSession:
    """Record a moderation or challenge session of a round."""
    if assessment_round.status is RoundStatus.DRAFT:
        raise AssessmentError("Launch the round before moderating it")
    session = ModerationSession(round=assessment_round, **values)
    db.session.add(session)
    db.session.flush()
    return session


def moderation_candidates(assessment_round: AssessmentRound) -> list[AssessmentReturn]:
    """Returns ready for moderation (submitted or moderated), by organisation."""
    rows = list(db.session.scalars(
        sa.select(AssessmentReturn).where(
            AssessmentReturn.round_id == assessment_round.id,
            AssessmentReturn.status.in_([AssessmentStatus.SUBMITTED,
                                         AssessmentStatus.MODERATED]))
        .options(joinedload(AssessmentReturn.agency),
                 joinedload(AssessmentReturn.establishment))))
    return sorted(rows, key=lambda r: r.organisation_name)


@dataclass(frozen=True)
class AgreedValues:
    """What a session agreed for one standard."""

    agreed_grade_id: int | None
    note: str


def moderate(session: ModerationSession, assessment_return: AssessmentReturn,
             values: Mapping[int, AgreedValues]) -> bool:
    """Record the session's agreed grades for a return; say whether it is now moderated
    (every standard agreed)."""
    if assessment_return.round_id != session.round_id:
        abort(404)
    if assessment_return.status not in (AssessmentStatus.SUBMITTED, AssessmentStatus.MODERATED):
        raise AssessmentError("Only a submitted return can be moderated")
    scale_grades = {g.id for g in session.round.standard_set.scale.grades}
    answers = answers_of(assessment_return)
    for standard_id, agreed in values.items():
        answer = answers.get(standard_id)
        if answer is None:
            continue
        if agreed.agreed_grade_id is not None and agreed.agreed_grade_id not in scale_grades:
            raise AssessmentError("Select one of the grades", f"agreed_{standard_id}")
        if (answer.agreed_grade_id, answer.moderation_note or "") == (agreed.agreed_grade_id,
                                                                      agreed.note):
            continue
        answer.agreed_grade_id = agreed.agreed_grade_id
        answer.moderation_note = agreed.note
        answer.session = session
    db.session.flush()
    standards = [s.id for s in session.round.standard_set.standards]
    done = all(answers.get(s) is not None and answers[s].agreed_grade_id is not None
               for s in standards)
    assessment_return.status = AssessmentStatus.MODERATED if done else AssessmentStatus.SUBMITTED
    db.session.flush()
    return done


# --- chasing --------------------------------------------------------------------------------


def mark_chased(assessment_round: AssessmentRound, return_ids: Sequence[int],
                on: dt.date | None = None) -> int:
    """Record that these returns (of the round, not yet submitted) were chased today: one
    UPDATE; return how many."""
    ids = sorted(set(return_ids))
    if not ids:
        raise AssessmentError("Select the organisations you chased", "returns")
    result = db.session.execute(
        sa.update(AssessmentReturn).where(
            AssessmentReturn.round_id == assessment_round.id, AssessmentReturn.id.in_(ids),
            AssessmentReturn.status.in_(OPEN_STATUSES))
        .values(last_chased_on=on or today(), chase_count=AssessmentReturn.chase_count + 1,
                version=AssessmentReturn.version + 1)
        .execution_options(synchronize_session=False))
    db.session.expire_all()
    chased = int(result.rowcount or 0)
    record_event("update", record_type="assessment_return",
                 record_id=f"round {assessment_round.id}: {chased} chased",
                 changes={"last_chased_on": (on or today()).isoformat(), "return_ids": ids},
                 commit=False, about=assessment_round)
    return chased


# --- the agency lead's home page -------------------------------------------------------------


@dataclass(frozen=True)
class DueReturn:
    """A return the user's organisation owes."""

    slug: str
    round_id: int
    return_id: int
    round_title: str
    organisation: str
    status: str
    due_on: dt.date | None


def due_from(agency_id: int | None, establishment_id: int | None) -> list[DueReturn]:
    """Open rounds' returns not yet submitted by this organisation (one query)."""
    reasons = []
    if agency_id is not None:
        reasons.append(AssessmentReturn.agency_id == agency_id)
    if establishment_id is not None:
        reasons.append(AssessmentReturn.establishment_id == establishment_id)
    if not reasons:
        return []
    rows = db.session.execute(
        sa.select(AssessmentReturn.id, AssessmentReturn.round_id, AssessmentReturn.status,
                  AssessmentRound.title, AssessmentRound.due_on, Partnership.slug,
                  sa.func.coalesce(Agency.name, Establishment.name).label("organisation"))
        .join(AssessmentRound, AssessmentReturn.round_id == AssessmentRound.id)
        .outerjoin(Agency, AssessmentReturn.agency_id == Agency.id)
        .outerjoin(Establishment, AssessmentReturn.establishment_id == Establishment.id)
        # The organisation's own partnership (a member of the round, joint or not), whose
        # address its staff are sure to serve.
        .join(Partnership, Partnership.id == sa.func.coalesce(Agency.partnership_id,
                                                             Establishment.partnership_id))
        .where(sa.or_(*reasons), AssessmentRound.status == RoundStatus.OPEN,
               AssessmentReturn.status.in_(OPEN_STATUSES))
        .order_by(AssessmentRound.due_on, AssessmentReturn.id)).all()
    return [DueReturn(row.slug, row.round_id, row.id, row.title, row.organisation,
                      AssessmentStatus(row.status).label, row.due_on) for row in rows]


# --- the yearly report ---------------------------------------------------------------------


@dataclass(frozen=True)
class StandardCounts:
    """How organisations graded one standard (agreed grade where moderated)."""

    number: str
    title: str
    grades: list[tuple[str, int]]  # (grade label, count), best grade first
    gaps: int


@dataclass(frozen=True)
class RoundSummary:
    """A round as the yearly report tells it."""

    title: str
    kind: str
    due_on: str | None
    organisations: int
    returned: int
    moderated: int
    standards: list[StandardCounts] = field(default_factory=list)
    gaps_with_actions: int = 0
    actions: int = 0
    path: str = ""


def rounds_for_report(partnership_id: int, start: dt.date, end: dt.date) -> list[RoundSummary]:
    """Rounds due in the period that the partnership ran or joined, in plain values."""
    rounds = list(db.session.scalars(
        sa.select(AssessmentRound).where(
            sa.or_(AssessmentRound.partnership_id == partnership_id,
                   AssessmentRound.partnerships.any(Partnership.id == partnership_id)),
            AssessmentRound.status != RoundStatus.DRAFT,
            AssessmentRound.due_on.between(start, end))
        .options(joinedload(AssessmentRound.partnership),
                 joinedload(AssessmentRound.standard_set).selectinload(StandardSet.standards),
                 joinedload(AssessmentRound.standard_set).joinedload(StandardSet.scale)
                 .selectinload(GradeScale.grades))
        .order_by(AssessmentRound.due_on, AssessmentRound.id)).unique())
    slug = db.session.scalar(sa.select(Partnership.slug).where(Partnership.id == partnership_id))
    return [_summary(r, slug or r.partnership.slug) for r in rounds]


def _summary(assessment_round: AssessmentRound, slug: str) -> RoundSummary:
    statuses = Counter({AssessmentStatus(s): n for s, n in db.session.execute(
        sa.select(AssessmentReturn.status, sa.func.count()).where(
            AssessmentReturn.round_id == assessment_round.id)
        .group_by(AssessmentReturn.status))})
    counted = sa.func.coalesce(AssessmentAnswer.agreed_grade_id, AssessmentAnswer.grade_id)
    per = defaultdict(Counter)
    for standard_id, grade_id, n in db.session.execute(
            sa.select(AssessmentAnswer.standard_id, counted, sa.func.count())
            .join(AssessmentReturn, AssessmentAnswer.return_id == AssessmentReturn.id)
            .where(AssessmentReturn.round_id == assessment_round.id,
                   AssessmentReturn.status.in_([AssessmentStatus.SUBMITTED,
                                                AssessmentStatus.MODERATED]),
                   counted.is_not(None))
            .group_by(AssessmentAnswer.standard_id, counted)):
        per[standard_id][grade_id] = n
    grades = assessment_round.standard_set.scale.grades
    gap_ids = {g.id for g in grades if g.is_gap}
    standards = [StandardCounts(s.number, s.title, [(g.label, per[s.id][g.id]) for g in grades],
                                sum(per[s.id][g] for g in gap_ids))
                 for s in assessment_round.standard_set.standards]
    with_actions, actions = db.session.execute(
        sa.select(sa.func.count(sa.distinct(Action.assessment_answer_id)), sa.func.count(Action.id))
        .join(AssessmentAnswer, Action.assessment_answer_id == AssessmentAnswer.id)
        .join(AssessmentReturn, AssessmentAnswer.return_id == AssessmentReturn.id)
        .where(AssessmentReturn.round_id == assessment_round.id)).one()
    returned = statuses[AssessmentStatus.SUBMITTED] + statuses[AssessmentStatus.MODERATED]
    return RoundSummary(
        title=assessment_round.title, kind=assessment_round.standard_set.kind.label,
        due_on=assessment_round.due_on.isoformat() if assessment_round.due_on else None,
        organisations=sum(statuses.values()), returned=returned,
        moderated=statuses[AssessmentStatus.MODERATED], standards=standards,
        gaps_with_actions=int(with_actions or 0), actions=int(actions or 0),
        path=f"/partnerships/{slug}/self-assessment/rounds/{assessment_round.id}")


def people_to_contact(agency_ids: Iterable[int], establishment_ids: Iterable[int]
                      ) -> tuple[dict[int, list[Person]], dict[int, list[Person]]]:
    """The register's people with an email, of these agencies and schools (one query)."""
    agencies, schools = list(agency_ids), list(establishment_ids)
    by_agency: dict[int, list[Person]] = defaultdict(list)
    by_school: dict[int, list[Person]] = defaultdict(list)
    if not agencies and not schools:
        return by_agency, by_school
    reasons = []
    if agencies:
        reasons.append(Person.agency_id.in_(agencies))
    if schools:
        reasons.append(Person.establishment_id.in_(schools))
    for person in db.session.scalars(sa.select(Person).where(
            sa.or_(*reasons), Person.email != "").order_by(Person.name)):
        if person.establishment_id is not None and person.establishment_id in schools:
            by_school[person.establishment_id].append(person)
        elif person.agency_id is not None:
            by_agency[person.agency_id].append(person)
    return by_agency, by_school

"""The rules of multi-agency case audits: planning (questions, the sample, the agencies
asked), each agency's return, the findings across agencies, moderation and completion.

An audit moves planning → returns → moderation → complete; each step checks it makes sense
and refuses with a named error otherwise. Case references, notes and comments pass the
identifier guard here, so no way in (a page, the demo, a command) can skip it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import flag_modified

from partnership.actions.models import Action
from partnership.case_audits.models import (
    AuditAnswer,
    AuditCase,
    AuditQuestion,
    AuditReturn,
    AuditStage,
    CaseAudit,
    ReturnStatus,
)
from partnership.database import utcnow
from partnership.documents.charts import Chart
from partnership.editing import apply_edit
from partnership.extensions import db
from partnership.kernel import ordering
from partnership.kernel.errors import DomainError, Refused
from partnership.kernel.identifiers import identifier_problems
from partnership.kernel.words import plural
from partnership.meetings.models import Meeting
from partnership.policy import Role, readable, scope
from partnership.register.models import Agency, Body, Partnership
from partnership.register.services.bodies import bodies_of, takes_part_in
from partnership.scales.models import Grade, GradeScale

TITLE_MAX = 200
REFERENCE_MAX = 40
NOTE_MAX = 300
TEXT_MAX = 20_000
MEETINGS_AROUND = dt.timedelta(days=400)  # meetings offered for moderation, either side of today
ACTIONS_AT_MODERATION = 3  # new actions the moderation form offers at once


class AuditError(DomainError):
    """A change to a case audit that its rules refuse; the message says why."""


class StageRefused(Refused):
    """A move between stages that makes no sense now (opening returns with no question)."""


class ReturnLocked(Refused):
    """A change to a return that is submitted (only the team reopens it) or closed."""


# --- guards -----------------------------------------------------------------------------------


def guarded(text: str, field_name: str, label: str) -> str:
    """Return the text stripped, or refuse it if it holds a child's or family's identifier."""
    text = (text or "").strip()
    problems = identifier_problems(text)
    if problems:
        raise AuditError(f"{label}: {' '.join(problems)}", field_name)
    return text


def _limited(text: str, limit: int, field_name: str, label: str) -> str:
    if len(text) > limit:
        raise AuditError(f"{label} must be {limit:,} characters or fewer", field_name)
    return text


# --- finding audits ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditRow:
    """An audit in a list: where it stands and how many returns are in."""

    audit: CaseAudit
    asked: int
    received: int
    waiting_for_me: bool = False


def audit_rows(partnership: Partnership | None = None, user: Any = None) -> list[AuditRow]:
    """The audits the reader may see (of one partnership, or every one they serve), newest
    first, with returns received of those asked: one query however many there are."""
    received = sa.func.count(AuditReturn.id).filter(AuditReturn.status == ReturnStatus.SUBMITTED)
    statement = (
        sa.select(CaseAudit, sa.func.count(AuditReturn.id), received)
        .outerjoin(AuditReturn, AuditReturn.audit_id == CaseAudit.id)
        .where(readable(CaseAudit))
        .group_by(CaseAudit.id)
        .options(joinedload(CaseAudit.body), joinedload(CaseAudit.partnership))
        .order_by(CaseAudit.id.desc()))
    if partnership is not None:
        statement = statement.where(CaseAudit.partnership_id == partnership.id)
    waiting = {row.audit.id for row in waiting_for(user)} if user is not None else set()
    return [AuditRow(audit, asked, got, audit.id in waiting)
            for audit, asked, got in db.session.execute(statement).unique()]


def by_stage(rows: Sequence[AuditRow]) -> list[tuple[AuditStage, list[AuditRow]]]:
    """Group audit rows by stage, in the order audits move through them."""
    return [(stage, [row for row in rows if row.audit.stage is stage]) for stage in AuditStage]


@dataclass(frozen=True)
class Waiting:
    """A return the user's agency still has to send."""

    audit: CaseAudit
    audit_return: AuditReturn


def waiting_for(user: Any) -> list[Waiting]:
    """The returns an agency lead's agency has still to submit, soonest due first."""
    if user is None or getattr(user, "role", None) is not Role.AGENCY:
        return []
    agency_id = scope(user).agency_id
    if agency_id is None:
        return []
    returns = db.session.scalars(
        sa.select(AuditReturn).join(AuditReturn.audit)
        .where(AuditReturn.agency_id == agency_id,
               AuditReturn.status != ReturnStatus.SUBMITTED,
               CaseAudit.stage.in_([AuditStage.RETURNS, AuditStage.MODERATION]),
               readable(AuditReturn))
        .options(joinedload(AuditReturn.audit).joinedload(CaseAudit.partnership))
        .order_by(CaseAudit.returns_due.is_(None), CaseAudit.returns_due, CaseAudit.id))
    return [Waiting(r.audit, r) for r in returns]


def audit_or_404(partnership: Partnership, audit_id: int) -> CaseAudit:
    """Return one of the partnership's audits with what its page shows loaded, or 404."""
    audit = db.session.scalars(
        sa.select(CaseAudit).where(CaseAudit.id == audit_id).options(
            joinedload(CaseAudit.body), joinedload(CaseAudit.moderation_meeting),
            joinedload(CaseAudit.scale).selectinload(GradeScale.grades),
            selectinload(CaseAudit.questions).joinedload(AuditQuestion.agreed_grade),
            selectinload(CaseAudit.cases),
            selectinload(CaseAudit.returns).joinedload(AuditReturn.agency),
            selectinload(CaseAudit.returns).joinedload(AuditReturn.submitted_by),
        )).unique().one_or_none()
    if audit is None or audit.partnership_id != partnership.id:
        abort(404)
    return audit


def _child(model: Any, audit: CaseAudit, record_id: int) -> Any:
    record = db.session.get(model, record_id)
    if record is None or record.audit_id != audit.id:
        abort(404)
    return record


def question_or_404(audit: CaseAudit, question_id: int) -> AuditQuestion:
    """Return one of the audit's questions, or 404."""
    return _child(AuditQuestion, audit, question_id)


def case_or_404(audit: CaseAudit, case_id: int) -> AuditCase:
    """Return one of the cases in the audit's sample, or 404."""
    return _child(AuditCase, audit, case_id)


def return_or_404(audit: CaseAudit, return_id: int) -> AuditReturn:
    """Return one of the audit's returns, or 404."""
    return _child(AuditReturn, audit, return_id)


def visible_returns(audit: CaseAudit) -> list[AuditReturn]:
    """The audit's returns the reader may see (an agency lead: their own), by agency name."""
    shown = set(db.session.scalars(sa.select(AuditReturn.id).where(
        AuditReturn.audit_id == audit.id, readable(AuditReturn))))
    return sorted((r for r in audit.returns if r.id in shown), key=lambda r: r.agency.name)


def audit_actions(audit: CaseAudit) -> list[Action]:
    """The actions that came from the audit, in the order they were made."""
    return list(db.session.scalars(
        sa.select(Action).where(Action.case_audit_id == audit.id, readable(Action))
        .options(joinedload(Action.lead_agency)).order_by(Action.id)))


# --- choices ----------------------------------------------------------------------------------


def body_options(partnership: Partnership) -> list[Body]:
    """The groups that may run an audit: the bodies the partnership takes part in."""
    return bodies_of(partnership)


def scale_options(partnership: Partnership) -> list[GradeScale]:
    """The partnership's scales with at least two grades."""
    scales = db.session.scalars(
        sa.select(GradeScale).where(GradeScale.partnership_id == partnership.id)
        .options(selectinload(GradeScale.grades)).order_by(GradeScale.name))
    return [scale for scale in scales if len(scale.grades) >= 2]


def agency_options(partnership: Partnership) -> list[Agency]:
    """The partnership's agencies an audit may ask (not groups of agencies), by name."""
    return list(db.session.scalars(
        sa.select(Agency).where(Agency.partnership_id == partnership.id,
                                Agency.is_group.is_(False)).order_by(Agency.name)))


def meeting_options(partnership: Partnership, today: dt.date) -> list[Meeting]:
    """Meetings of the partnership's bodies within about a year of today, soonest first."""
    body_ids = [body.id for body in bodies_of(partnership)]
    return list(db.session.scalars(
        sa.select(Meeting).where(Meeting.body_id.in_(body_ids),
                                 Meeting.held_on.between(today - MEETINGS_AROUND,
                                                         today + MEETINGS_AROUND))
        .options(joinedload(Meeting.body)).order_by(Meeting.held_on, Meeting.id)))


# --- the audit itself -------------------------------------------------------------------------

AUDIT_FIELDS = ("title", "theme", "body", "scale", "returns_due", "moderation_on",
                "moderation_meeting")


def _audit_values(partnership: Partnership, values: Mapping[str, Any],
                  audit: CaseAudit | None) -> dict[str, Any]:
    title = " ".join(str(values.get("title") or "").split())
    if not title:
        raise AuditError("Enter a title for the audit", "title")
    _limited(title, TITLE_MAX, "title", "Title")
    theme = guarded(str(values.get("theme") or ""), "theme", "Theme")
    _limited(theme, TEXT_MAX, "theme", "Theme")
    body: Body | None = values.get("body")
    if body is None:
        raise AuditError("Select the group running the audit", "body")
    if not takes_part_in(partnership, body):
        raise AuditError(f"Select one of {partnership.name}'s groups", "body")
    scale: GradeScale | None = values.get("scale")
    if scale is None or scale.partnership_id != partnership.id:
        raise AuditError("Select the scale the agencies grade on", "scale")
    if len(scale.grades) < 2:
        raise AuditError(f"{scale.name} needs at least two grades", "scale")
    if audit is not None and scale.id != audit.scale_id and _answered(audit):
        raise AuditError("The scale cannot change: agencies have graded on it already",
                         "scale")
    due, moderation = values.get("returns_due"), values.get("moderation_on")
    if due is not None and moderation is not None and moderation < due:
        raise AuditError("The moderation date must be on or after the date returns are due",
                         "moderation_on")
    meeting: Meeting | None = values.get("moderation_meeting")
    if meeting is not None:
        if not takes_part_in(partnership, meeting.body):
            raise AuditError(f"Select a meeting of one of {partnership.name}'s groups",
                             "moderation_meeting")
        moderation = moderation or meeting.held_on
    return {"title": title, "theme": theme, "body": body, "scale": scale, "returns_due": due,
            "moderation_on": moderation, "moderation_meeting": meeting}


def _answered(audit: CaseAudit) -> bool:
    return bool(db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditAnswer).join(AuditAnswer.audit_return)
        .where(AuditReturn.audit_id == audit.id, AuditAnswer.grade_id.is_not(None))))


def create_audit(partnership: Partnership, values: Mapping[str, Any]) -> CaseAudit:
    """Start an audit at planning (flushed, not committed)."""
    audit = CaseAudit(partnership=partnership, stage=AuditStage.PLANNING,
                      **_audit_values(partnership, values, None))
    db.session.add(audit)
    db.session.flush()
    return audit


def update_audit(audit: CaseAudit, started_from: object, values: Mapping[str, Any]) -> bool:
    """Change an audit's details if the editor saw its current version; say if it changed."""
    if audit.stage is AuditStage.COMPLETE:
        raise AuditError("The audit is complete: its details can no longer change", "title")
    return apply_edit(audit, started_from, _audit_values(audit.partnership, values, audit))


def _planning(audit: CaseAudit, what: str, field_name: str | None = None) -> None:
    if audit.stage is not AuditStage.PLANNING:
        raise AuditError(f"{what} only while the audit is being planned: agencies are "
                         "answering the questions on these cases now", field_name)


# --- questions --------------------------------------------------------------------------------


def _question_values(values: Mapping[str, Any]) -> dict[str, str]:
    text = guarded(str(values.get("text") or ""), "text", "Question")
    if not text:
        raise AuditError("Enter the question", "text")
    _limited(text, TEXT_MAX, "text", "Question")
    guidance = guarded(str(values.get("guidance") or ""), "guidance", "Guidance")
    return {"text": text, "guidance": _limited(guidance, TEXT_MAX, "guidance", "Guidance")}


def add_question(audit: CaseAudit, values: Mapping[str, Any]) -> AuditQuestion:
    """Add a question at the end (planning only; flushed)."""
    _planning(audit, "Questions can be added", "text")
    question = AuditQuestion(position=len(audit.questions) + 1, **_question_values(values))
    audit.questions.append(question)
    db.session.flush()
    return question


def update_question(question: AuditQuestion, started_from: object,
                    values: Mapping[str, Any]) -> bool:
    """Reword a question (before moderation) if the editor saw its current version."""
    if question.audit.stage in (AuditStage.MODERATION, AuditStage.COMPLETE):
        raise AuditError("The questions cannot change once moderation has started", "text")
    return apply_edit(question, started_from, _question_values(values))


def remove_question(question: AuditQuestion) -> None:
    """Remove a question (planning only); the rest close up (flushed)."""
    audit = question.audit
    _planning(audit, "Questions can be removed")
    audit.questions.remove(question)
    db.session.flush()
    ordering.close_up(list(audit.questions))
    db.session.flush()


def move_question(question: AuditQuestion, direction: str) -> bool:
    """Move a question one place up or down; say whether it moved (flushed)."""
    if direction not in ordering.MOVES:
        raise AuditError("Choose whether to move the question up or down")
    moved = ordering.move(list(question.audit.questions), question, direction)
    db.session.flush()
    return moved


# --- the sample -------------------------------------------------------------------------------


def add_case(audit: CaseAudit, reference: str, note: str) -> AuditCase:
    """Add a case to the sample by its pseudonymous reference (planning only; flushed)."""
    _planning(audit, "Cases can be added", "reference")
    reference = " ".join(guarded(reference, "reference", "Reference").split())
    if not reference:
        raise AuditError("Enter the case's audit reference, for example Audit 12/1",
                         "reference")
    _limited(reference, REFERENCE_MAX, "reference", "Reference")
    if any(case.reference.lower() == reference.lower() for case in audit.cases):
        raise AuditError(f"{reference} is in the sample already", "reference")
    note = _limited(guarded(note, "note", "Note"), NOTE_MAX, "note", "Note")
    case = AuditCase(reference=reference, note=note)
    audit.cases.append(case)
    db.session.flush()
    return case


def remove_case(case: AuditCase) -> None:
    """Take a case out of the sample (planning only; flushed)."""
    audit = case.audit
    _planning(audit, "Cases can be removed")
    audit.cases.remove(case)
    db.session.flush()


# --- the agencies asked -----------------------------------------------------------------------


def ask_agencies(audit: CaseAudit, agencies: Iterable[Agency]) -> tuple[list[str], list[str]]:
    """Ask exactly these agencies (a return each, requested); say who was added and removed.

    An agency whose return has been started or sent stays asked."""
    if audit.stage is AuditStage.COMPLETE:
        raise AuditError("The audit is complete: the agencies asked can no longer change",
                         "agencies")
    chosen = {agency.id: agency for agency in agencies}
    if any(agency.partnership_id != audit.partnership_id for agency in chosen.values()):
        raise AuditError(f"Select {audit.partnership.name}'s own agencies", "agencies")
    have = {r.agency_id: r for r in audit.returns}
    kept = [r.agency.name for agency_id, r in have.items()
            if agency_id not in chosen and r.status is not ReturnStatus.REQUESTED]
    if kept:
        raise AuditError(f"{', '.join(sorted(kept))} started a return already: it stays asked",
                         "agencies")
    removed = [have[i].agency.name for i in have if i not in chosen]
    for agency_id in [i for i in have if i not in chosen]:
        audit.returns.remove(have[agency_id])
    added = []
    for agency_id, agency in chosen.items():
        if agency_id not in have:
            audit.returns.append(AuditReturn(agency=agency, status=ReturnStatus.REQUESTED))
            added.append(agency.name)
    db.session.flush()
    return sorted(added), sorted(removed)


# --- moving between stages --------------------------------------------------------------------

NEXT_STAGE = {AuditStage.PLANNING: AuditStage.RETURNS,
              AuditStage.RETURNS: AuditStage.MODERATION,
              AuditStage.MODERATION: AuditStage.COMPLETE}
STEP_WORDS = {AuditStage.RETURNS: "Ask the agencies for their returns",
              AuditStage.MODERATION: "Close returns and start moderation",
              AuditStage.COMPLETE: "Complete the audit"}


def move_to(audit: CaseAudit, stage: AuditStage, today: dt.date) -> None:
    """Move the audit on one stage, or refuse with the reason (flushed)."""
    if NEXT_STAGE.get(audit.stage) is not stage:
        raise StageRefused(f"The audit is at “{audit.stage.label}”: it cannot move to "
                           f"“{stage.label}” from there")
    if stage is AuditStage.RETURNS:
        missing = [what for what, have in (("a question", audit.questions),
                                           ("a case in the sample", audit.cases),
                                           ("an agency asked", audit.returns)) if not have]
        if missing:
            raise StageRefused("Returns cannot open yet: the audit needs "
                               + " and ".join(missing))
    elif stage is AuditStage.MODERATION:
        if not any(r.status is ReturnStatus.SUBMITTED for r in audit.returns):
            raise StageRefused("Moderation cannot start before any agency has sent its return")
    elif stage is AuditStage.COMPLETE:
        ungraded = [str(q.position) for q in audit.questions if q.agreed_grade_id is None]
        if ungraded:
            raise StageRefused("The audit cannot be completed before moderation agrees a "
                               f"grade for every question (not yet: {', '.join(ungraded)})")
        if not audit.findings.strip():
            raise StageRefused("The audit cannot be completed before its findings are "
                               "written at moderation")
        audit.completed_on = today
    audit.stage = stage
    db.session.flush()


# --- an agency's return -----------------------------------------------------------------------


@dataclass
class Cell:
    """One case and one question in a return's grid, with the agency's answer so far."""

    case: AuditCase
    question: AuditQuestion
    grade_id: int | None
    comment: str

    @property
    def key(self) -> str:
        """The form name of this cell's fields (grade-<key>, comment-<key>)."""
        return f"{self.case.id}-{self.question.id}"


def grid(audit_return: AuditReturn) -> list[tuple[AuditCase, list[Cell]]]:
    """The return's answers, case by case and question by question (one query)."""
    audit = audit_return.audit
    answers = {(a.case_id, a.question_id): a for a in db.session.scalars(
        sa.select(AuditAnswer).where(AuditAnswer.return_id == audit_return.id))}
    rows = []
    for case in audit.cases:
        cells = []
        for question in audit.questions:
            answer = answers.get((case.id, question.id))
            cells.append(Cell(case, question, answer.grade_id if answer else None,
                              answer.comment if answer else ""))
        rows.append((case, cells))
    return rows


def check_open(audit_return: AuditReturn) -> None:
    """Refuse a change to a return that is sent, or whose audit is not taking returns."""
    if audit_return.status is ReturnStatus.SUBMITTED:
        raise ReturnLocked(f"{audit_return.agency.name}'s return is sent: only the "
                           "partnership team can reopen it")
    if audit_return.audit.stage not in (AuditStage.RETURNS, AuditStage.MODERATION):
        raise ReturnLocked("The audit is not taking returns now")


def save_return(audit_return: AuditReturn, answers: Mapping[str, tuple[str, str]],
                summary: str, user: Any, *, submit: bool) -> int:
    """Save an agency's grades and comments (``answers``: cell key -> (grade id, comment)),
    as a draft or, with ``submit``, sent (every cell graded); return how many are graded."""
    check_open(audit_return)
    audit = audit_return.audit
    grades = {str(grade.id): grade for grade in audit.scale.grades}
    existing = {(a.case_id, a.question_id): a for a in audit_return.answers}
    graded = 0
    missing = []
    for case in audit.cases:
        for question in audit.questions:
            key = f"{case.id}-{question.id}"
            raw_grade, raw_comment = answers.get(key, ("", ""))
            label = f"{case.reference}, question {question.position}"
            grade = grades.get(raw_grade or "")
            if raw_grade and grade is None:
                raise AuditError(label + ": choose a grade from the scale", f"grade-{key}")
            comment = _limited(guarded(raw_comment, f"comment-{key}", f"{label}: comment"),
                               TEXT_MAX, f"comment-{key}", f"{label}: comment")
            answer = existing.get((case.id, question.id))
            if answer is None and (grade is not None or comment):
                answer = AuditAnswer(case=case, question=question)
                audit_return.answers.append(answer)
            if answer is not None:
                answer.grade = grade
                answer.comment = comment
            if grade is None:
                missing.append((label, key))
            else:
                graded += 1
    audit_return.summary = _limited(guarded(summary, "summary", "Summary"), TEXT_MAX,
                                    "summary", "Summary")
    if submit:
        if missing:
            label, key = missing[0]
            raise AuditError(f"Grade every question for every case before sending the return "
                             f"({plural(len(missing), 'answer')} still to grade, first "
                             f"{label})", f"grade-{key}")
        audit_return.status = ReturnStatus.SUBMITTED
        audit_return.submitted_at = utcnow()
        audit_return.submitted_by_id = getattr(user, "id", None)
    else:
        audit_return.status = ReturnStatus.IN_PROGRESS
    db.session.flush()
    return graded


def reopen_return(audit_return: AuditReturn) -> None:
    """Let the agency change a sent return again (the team only; flushed)."""
    if audit_return.status is not ReturnStatus.SUBMITTED:
        raise ReturnLocked(f"{audit_return.agency.name}'s return is not sent, so there is "
                           "nothing to reopen")
    if audit_return.audit.stage is AuditStage.COMPLETE:
        raise ReturnLocked("The audit is complete: its returns stay as they were")
    audit_return.status = ReturnStatus.IN_PROGRESS
    audit_return.submitted_at = None
    audit_return.submitted_by_id = None
    db.session.flush()


# --- findings across agencies -----------------------------------------------------------------


@dataclass
class QuestionFindings:
    """One question's grades across the agencies' sent returns."""

    question: AuditQuestion
    grades: list[Grade]
    agencies: list[str]
    counts: list[list[int]]  # counts[agency][grade]
    totals: list[int]  # per grade, all agencies together

    @property
    def answered(self) -> int:
        """How many answers were graded (cases times agencies that answered)."""
        return sum(self.totals)

    def chart(self) -> Chart:
        """The question's grades by agency, as a stacked bar chart with its table."""
        said = ", ".join(f"{n} {g.label.lower()}" for g, n in zip(self.grades, self.totals,
                                                                   strict=True))
        return Chart(
            key=f"audit-question-{self.question.id}",
            title=f"Question {self.question.position}: grades by agency",
            summary=f"Of {plural(self.answered, 'graded answer')}: {said}.",
            kind="stacked_bar", categories=list(self.agencies),
            series=[g.label for g in self.grades],
            values=[[float(row[i]) for row in self.counts] for i in range(len(self.grades))],
            unit="cases", graded=True)


def findings(audit: CaseAudit) -> list[QuestionFindings]:
    """Per question, how each agency graded the cases (sent returns the reader may see): one
    query for the whole audit, however many agencies, cases or questions."""
    rows = db.session.execute(
        sa.select(AuditAnswer.question_id, Agency.name, AuditAnswer.grade_id, sa.func.count())
        .join(AuditReturn, AuditReturn.id == AuditAnswer.return_id)
        .join(Agency, Agency.id == AuditReturn.agency_id)
        .where(AuditReturn.audit_id == audit.id,
               AuditReturn.status == ReturnStatus.SUBMITTED,
               AuditAnswer.grade_id.is_not(None), readable(AuditReturn))
        .group_by(AuditAnswer.question_id, Agency.name, AuditAnswer.grade_id)).all()
    grades = list(audit.scale.grades)
    place = {grade.id: index for index, grade in enumerate(grades)}
    tally: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for question_id, agency, grade_id, count in rows:
        if grade_id not in place:
            continue
        per_agency = tally[question_id].setdefault(agency, [0] * len(grades))
        per_agency[place[grade_id]] += count
    result = []
    for question in audit.questions:
        by_agency = tally.get(question.id, {})
        agencies = sorted(by_agency)
        counts = [by_agency[name] for name in agencies]
        totals = [sum(row[i] for row in counts) for i in range(len(grades))]
        result.append(QuestionFindings(question, grades, agencies, counts, totals))
    return result


# --- moderation -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewAction:
    """An action agreed at moderation: what, who leads it, by when."""

    title: str
    lead_agency: Agency | None = None
    target_date: dt.date | None = None
    detail: str = ""


@dataclass
class Moderation:
    """What moderation agrees: per question a grade and a finding, then the audit's
    findings, good practice and learning, and any new actions."""

    questions: dict[int, tuple[Grade | None, str]] = field(default_factory=dict)
    findings: str = ""
    good_practice: str = ""
    learning: str = ""
    actions: list[NewAction] = field(default_factory=list)


ActionMaker = Callable[[CaseAudit, NewAction], Action]


def record_moderation(audit: CaseAudit, started_from: object, agreed: Moderation,
                      make_action: ActionMaker) -> list[Action]:
    """Record what moderation agreed, unless someone saved the audit after the moderator
    opened it, and make its actions (through ``make_action``, the tracker's own service);
    flushed, not committed. Return the new actions."""
    if audit.stage is not AuditStage.MODERATION:
        raise StageRefused("Moderation is recorded once the audit is at moderation")
    grade_ids = {grade.id for grade in audit.scale.grades}
    texts = {name: _limited(guarded(getattr(agreed, name), name, label), TEXT_MAX, name, label)
             for name, label in (("findings", "Findings"), ("good_practice", "Good practice"),
                                 ("learning", "Learning"))}
    changed = apply_edit(audit, started_from, texts)
    for question in audit.questions:
        grade, finding = agreed.questions.get(question.id, (None, ""))
        if grade is not None and grade.id not in grade_ids:
            raise AuditError("Select a grade from the audit's scale", f"agreed-{question.id}")
        finding = _limited(guarded(finding, f"finding-{question.id}",
                                   f"Question {question.position}: finding"),
                           TEXT_MAX, f"finding-{question.id}",
                           f"Question {question.position}: finding")
        if question.agreed_grade_id != (grade.id if grade else None) or (
                question.finding != finding):
            question.agreed_grade = grade
            question.finding = finding
            changed = True
    made = []
    for new in agreed.actions:
        made.append(make_action(audit, new))
    if changed:
        # The audit's version guards the whole moderation record: bump it even when only
        # the questions changed, so a second moderator working from the old page conflicts.
        flag_modified(audit, "findings")
    db.session.flush()
    return made


# --- the yearly report ------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSummary:
    """One question as the yearly report shows it."""

    number: int
    text: str
    agreed_grade: str
    finding: str
    grades: list[tuple[str, int]]  # (grade label, answers given it), best first


@dataclass(frozen=True)
class AuditSummary:
    """A completed audit as the yearly report shows it (plain values only)."""

    title: str
    theme: str
    completed_on: str  # ISO date
    agencies: int  # asked
    returns: int  # sent
    cases: int
    questions: list[QuestionSummary]
    findings: str
    good_practice: str
    learning: str
    actions: list[str]
    path: str


def audits_for_report(partnership_id: int, start: dt.date, end: dt.date) -> list[AuditSummary]:
    """The partnership's audits completed from ``start`` to ``end``, for the yearly report
    (a fixed number of queries however many audits)."""
    audits = list(db.session.scalars(
        sa.select(CaseAudit).where(CaseAudit.partnership_id == partnership_id,
                                   CaseAudit.stage == AuditStage.COMPLETE,
                                   CaseAudit.completed_on.between(start, end))
        .options(joinedload(CaseAudit.partnership),
                 selectinload(CaseAudit.questions).joinedload(AuditQuestion.agreed_grade),
                 selectinload(CaseAudit.cases), selectinload(CaseAudit.returns),
                 joinedload(CaseAudit.scale).selectinload(GradeScale.grades))
        .order_by(CaseAudit.completed_on, CaseAudit.id)).unique())
    ids = [audit.id for audit in audits]
    counted: dict[tuple[int, int], int] = defaultdict(int)
    for question_id, grade_id, count in db.session.execute(
            sa.select(AuditAnswer.question_id, AuditAnswer.grade_id, sa.func.count())
            .join(AuditReturn, AuditReturn.id == AuditAnswer.return_id)
            .where(AuditReturn.audit_id.in_(ids), AuditReturn.status == ReturnStatus.SUBMITTED,
                   AuditAnswer.grade_id.is_not(None))
            .group_by(AuditAnswer.question_id, AuditAnswer.grade_id)):
        counted[(question_id, grade_id)] += count
    titles: dict[int, list[str]] = defaultdict(list)
    for audit_id, title in db.session.execute(
            sa.select(Action.case_audit_id, Action.title)
            .where(Action.case_audit_id.in_(ids)).order_by(Action.id)):
        titles[audit_id].append(title)
    return [AuditSummary(
        title=audit.title, theme=audit.theme,
        completed_on=audit.completed_on.isoformat() if audit.completed_on else "",
        agencies=len(audit.returns),
        returns=sum(1 for r in audit.returns if r.status is ReturnStatus.SUBMITTED),
        cases=len(audit.cases),
        questions=[QuestionSummary(
            number=q.position, text=q.text,
            agreed_grade=q.agreed_grade.label if q.agreed_grade else "", finding=q.finding,
            grades=[(g.label, counted[(q.id, g.id)]) for g in audit.scale.grades])
            for q in audit.questions],
        findings=audit.findings, good_practice=audit.good_practice, learning=audit.learning,
        actions=titles[audit.id],
        path=f"/partnerships/{audit.partnership.slug}/case-audits/{audit.id}")
        for audit in audits]

"""A round as one workbook: returns, answers and gap actions, written in openpyxl's
write-only mode (rows streamed, hundreds of organisations at a time) and safe to open: text
a spreadsheet could run as a formula is made plain (the tracker's ``neutralise``)."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook
from sqlalchemy.orm import aliased

from partnership.actions.models import Action
from partnership.documents.spreadsheets import neutralise
from partnership.evidence.services import files_for
from partnership.extensions import db
from partnership.register.models import Agency, Establishment
from partnership.scales.models import Grade
from partnership.self_assessment.models import (
    AssessmentAnswer,
    AssessmentReturn,
    AssessmentRound,
    AssessmentStatus,
    Standard,
)

RETURN_HEADINGS = ["Organisation", "Type", "Sector or phase", "Status", "Submitted",
                   "Last chased", "Times chased"]
ANSWER_HEADINGS = ["Organisation", "Standard", "Standard title", "Grade", "Agreed grade",
                   "Evidence", "Moderation note", "Files"]
ACTION_HEADINGS = ["Organisation", "Standard", "Grade", "Action", "Lead agency", "Target date",
                   "Status"]


def _row(values: Iterable[Any]) -> list[Any]:
    return [neutralise(value) for value in values]


def _organisations(assessment_round: AssessmentRound) -> dict[int, tuple[str, str, str]]:
    """Per return id: organisation name, type and sector or phase (one query)."""
    rows = db.session.execute(
        sa.select(AssessmentReturn.id, AssessmentReturn.agency_id,
                  sa.func.coalesce(Agency.name, Establishment.name).label("name"),
                  sa.cast(Agency.sector, sa.String(40)).label("sector"), Establishment.phase)
        .outerjoin(Agency, AssessmentReturn.agency_id == Agency.id)
        .outerjoin(Establishment, AssessmentReturn.establishment_id == Establishment.id)
        .where(AssessmentReturn.round_id == assessment_round.id))
    found = {}
    for row in rows:
        if row.agency_id is not None:
            found[row.id] = (row.name, "Agency", (row.sector or "").replace("_", " "))
        else:
            found[row.id] = (row.name, "School or setting", row.phase or "")
    return found


def _file_names(return_ids: list[int]) -> dict[int, list[str]]:
    return {owner: [f.filename for f in files]
            for owner, files in files_for("assessment_return", return_ids).items()}


def round_workbook(assessment_round: AssessmentRound) -> bytes:
    """The round's returns, answers and gap actions as an XLSX workbook."""
    organisations = _organisations(assessment_round)
    book = Workbook(write_only=True)
    returns = book.create_sheet("Returns")
    returns.append(RETURN_HEADINGS)
    ordered = sorted(organisations, key=lambda rid: (organisations[rid][0].lower(), rid))
    details = {row.id: row for row in db.session.execute(
        sa.select(AssessmentReturn.id, AssessmentReturn.status, AssessmentReturn.submitted_at,
                  AssessmentReturn.last_chased_on, AssessmentReturn.chase_count)
        .where(AssessmentReturn.round_id == assessment_round.id))}
    for rid in ordered:
        name, kind, group = organisations[rid]
        row = details[rid]
        submitted = row.submitted_at.replace(tzinfo=None) if row.submitted_at else None
        returns.append(_row([name, kind, group, AssessmentStatus(row.status).label, submitted,
                             row.last_chased_on, row.chase_count]))

    files = _file_names(ordered)
    grade, agreed = aliased(Grade), aliased(Grade)
    answers = book.create_sheet("Answers")
    answers.append(ANSWER_HEADINGS)
    rows = db.session.execute(
        sa.select(AssessmentAnswer.return_id, Standard.number, Standard.title,
                  grade.label.label("grade"), agreed.label.label("agreed"),
                  AssessmentAnswer.evidence, AssessmentAnswer.moderation_note)
        .join(Standard, AssessmentAnswer.standard_id == Standard.id)
        .join(AssessmentReturn, AssessmentAnswer.return_id == AssessmentReturn.id)
        .outerjoin(grade, AssessmentAnswer.grade_id == grade.id)
        .outerjoin(agreed, AssessmentAnswer.agreed_grade_id == agreed.id)
        .where(AssessmentReturn.round_id == assessment_round.id)).all()
    position = {rid: index for index, rid in enumerate(ordered)}
    by_standard = {s.number: s.position for s in assessment_round.standard_set.standards}
    rows.sort(key=lambda r: (position[r.return_id], by_standard.get(r.number, 0)))
    for row in rows:
        answers.append(_row([organisations[row.return_id][0], row.number, row.title,
                             row.grade or "", row.agreed or "", row.evidence or "",
                             row.moderation_note or "",
                             ", ".join(files.get(row.return_id, []))]))

    actions = book.create_sheet("Gap actions")
    actions.append(ACTION_HEADINGS)
    lead = aliased(Agency)
    found: dict[int, list[Any]] = defaultdict(list)
    for row in db.session.execute(
            sa.select(AssessmentAnswer.return_id, Standard.number, grade.label.label("grade"),
                      Action.title, lead.name.label("lead"), Action.target_date, Action.status)
            .join(AssessmentAnswer, Action.assessment_answer_id == AssessmentAnswer.id)
            .join(AssessmentReturn, AssessmentAnswer.return_id == AssessmentReturn.id)
            .join(Standard, AssessmentAnswer.standard_id == Standard.id)
            .outerjoin(grade, AssessmentAnswer.grade_id == grade.id)
            .outerjoin(lead, Action.lead_agency_id == lead.id)
            .where(AssessmentReturn.round_id == assessment_round.id)
            .order_by(Action.id)):
        found[row.return_id].append(row)
    for rid in ordered:
        for row in found.get(rid, []):
            status = getattr(row.status, "label", row.status)
            actions.append(_row([organisations[rid][0], row.number, row.grade or "",
                                 row.title, row.lead or "", row.target_date, status]))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

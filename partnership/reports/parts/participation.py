"""Part 1, how agencies took part: each agency's attendance, self-assessment and case audit
returns, escalations raised and (when recorded) training attendance, and the same by sector.

* **Meetings**: the attendance rows of :mod:`.activities` (held meetings it was expected at).
* **Self-assessment**: returns asked of the agency in rounds due in the period that the
  partnership ran or joined; returned when submitted or moderated.
* **Case audits**: returns asked of the agency in audits completed in the period; returned
  when submitted.
* **Escalations**: raised by the agency in the period.
* **Training**: people it sent, from the training part's uptake by agency (matched by name).

An agency is listed when it did any of these or was expected at a meeting. Four queries,
however many agencies and returns.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

import sqlalchemy as sa

from partnership.case_audits.models import AuditReturn, CaseAudit, ReturnStatus
from partnership.escalations.models import Escalation
from partnership.extensions import db
from partnership.kernel.numbers import percent
from partnership.register.models import Agency, Partnership, Sector
from partnership.reports.content import (
    AgencyAttendanceRow,
    ParticipationRow,
    SectorParticipation,
    Training,
)
from partnership.reports.parts.records import Records
from partnership.self_assessment.models import (
    AssessmentReturn,
    AssessmentRound,
    AssessmentStatus,
    RoundStatus,
)

RETURNED = (AssessmentStatus.SUBMITTED, AssessmentStatus.MODERATED)


def _assessments(records: Records) -> tuple[Counter[int], Counter[int]]:
    asked: Counter[int] = Counter()
    returned: Counter[int] = Counter()
    pid = records.partnership.id
    for agency_id, status, count in db.session.execute(
            sa.select(AssessmentReturn.agency_id, AssessmentReturn.status, sa.func.count())
            .join(AssessmentRound, AssessmentRound.id == AssessmentReturn.round_id)
            .where(sa.or_(AssessmentRound.partnership_id == pid,
                          AssessmentRound.partnerships.any(Partnership.id == pid)),
                   AssessmentRound.status != RoundStatus.DRAFT,
                   AssessmentRound.due_on.between(records.start, records.end),
                   AssessmentReturn.agency_id.is_not(None))
            .group_by(AssessmentReturn.agency_id, AssessmentReturn.status)):
        asked[agency_id] += count
        if AssessmentStatus(status) in RETURNED:
            returned[agency_id] += count
    return asked, returned


def _audits(records: Records) -> tuple[Counter[int], Counter[int]]:
    asked: Counter[int] = Counter()
    returned: Counter[int] = Counter()
    for agency_id, status, count in db.session.execute(
            sa.select(AuditReturn.agency_id, AuditReturn.status, sa.func.count())
            .join(CaseAudit, CaseAudit.id == AuditReturn.audit_id)
            .where(CaseAudit.partnership_id == records.partnership.id,
                   CaseAudit.completed_on.between(records.start, records.end))
            .group_by(AuditReturn.agency_id, AuditReturn.status)):
        asked[agency_id] += count
        if ReturnStatus(status) is ReturnStatus.SUBMITTED:
            returned[agency_id] += count
    return asked, returned


def _escalations(records: Records) -> Counter[int]:
    return Counter({agency_id: count for agency_id, count in db.session.execute(
        sa.select(Escalation.raised_by_id, sa.func.count())
        .where(Escalation.partnership_id == records.partnership.id,
               Escalation.raised_on.between(records.start, records.as_of),
               Escalation.raised_by_id.is_not(None))
        .group_by(Escalation.raised_by_id))})


def participation(records: Records, attendance: Sequence[AgencyAttendanceRow],
                  attendance_ids: Sequence[int], training: Training | None = None
                  ) -> tuple[list[ParticipationRow], list[SectorParticipation]]:
    """Say how each agency, and each sector, took part in the period."""
    assessments_asked, assessments_returned = _assessments(records)
    audits_asked, audits_returned = _audits(records)
    raised = _escalations(records)
    by_id = dict(zip(attendance_ids, attendance, strict=True))
    ids = set(by_id) | set(assessments_asked) | set(audits_asked) | set(raised)
    agencies = {agency.id: agency for agency in db.session.scalars(
        sa.select(Agency).where(Agency.id.in_(sorted(ids))))} if ids else {}
    trained = ({row.label.casefold(): row.attended for row in training.by_agency}
               if training is not None and not training.missing else None)
    rows: list[ParticipationRow] = []
    sector_of: dict[str, list[tuple[ParticipationRow, AgencyAttendanceRow | None]]] = \
        defaultdict(list)
    for agency_id, agency in agencies.items():
        meeting = by_id.get(agency_id)
        sector = Sector(agency.sector).label if agency.sector else ""
        row = ParticipationRow(
            agency=agency.name, sector=sector,
            expected=meeting.held if meeting else 0,
            attended=meeting.attended if meeting else 0,
            attendance_percent=meeting.percent if meeting else None,
            assessments_asked=assessments_asked[agency_id],
            assessments_returned=assessments_returned[agency_id],
            audits_asked=audits_asked[agency_id], audits_returned=audits_returned[agency_id],
            escalations_raised=raised[agency_id],
            trained=None if trained is None else trained.get(agency.name.casefold(), 0))
        rows.append(row)
        sector_of[sector or "Other"].append((row, meeting))
    rows.sort(key=lambda r: (r.sector or "~", r.agency.casefold()))
    sectors = []
    for sector in sorted(sector_of, key=lambda s: (s == "Other", s)):
        members = [row for row, _ in sector_of[sector]]
        expected = sum(r.expected for r in members)
        sectors.append(SectorParticipation(
            sector=sector, agencies=len(members),
            attendance_percent=percent(sum(r.attended for r in members), expected)
            if expected else None,
            assessments_asked=sum(r.assessments_asked for r in members),
            assessments_returned=sum(r.assessments_returned for r in members),
            audits_asked=sum(r.audits_asked for r in members),
            audits_returned=sum(r.audits_returned for r in members),
            escalations_raised=sum(r.escalations_raised for r in members)))
    return rows, sectors

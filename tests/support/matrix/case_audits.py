"""Multi-agency case audits in the authorization matrix: everyone who may see an audit reads
it; the team and the running group's chair keep it; the team and the agency lead complete
the agency's return; only the team reopens a sent return."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from partnership.case_audits.models import (
    AuditCase,
    AuditQuestion,
    AuditReturn,
    AuditStage,
    CaseAudit,
    ReturnStatus,
)
from partnership.extensions import db
from partnership.policy import Role
from partnership.scales.models import Grade, GradeScale

ALL = frozenset(Role)
KEEPERS = frozenset({Role.TEAM, Role.CHAIR})
COMPLETERS = frozenset({Role.TEAM, Role.AGENCY})
TEAM = frozenset({Role.TEAM})

EXPECTED: dict[str, frozenset[Role]] = {
    "case_audits_all.all_audits": ALL,
    "case_audits.index": ALL,
    "case_audits.detail": ALL,
    "case_audits.findings": ALL,
    "case_audits.return_detail": ALL,
    "case_audits.new": KEEPERS,
    "case_audits.edit": KEEPERS,
    "case_audits.stage": KEEPERS,
    "case_audits.question_new": KEEPERS,
    "case_audits.question_edit": KEEPERS,
    "case_audits.question_remove": KEEPERS,
    "case_audits.question_move": KEEPERS,
    "case_audits.case_new": KEEPERS,
    "case_audits.case_remove": KEEPERS,
    "case_audits.agencies": KEEPERS,
    "case_audits.moderation": KEEPERS,
    "case_audits.return_edit": COMPLETERS,
    "case_audits.return_reopen": TEAM,
}


def placeholders(base: SimpleNamespace) -> dict[str, str]:
    """An audit run by the matrix body (its chair is the viewer), taking returns, with one
    question, one case and a return asked of the viewer's agency."""
    scale = GradeScale(partnership=base.partnership, name="Matrix audit grades",
                       grades=[Grade(position=1, label="Good"),
                               Grade(position=2, label="Requires improvement", is_gap=True)])
    audit = CaseAudit(partnership=base.partnership, body=base.body, scale=scale,
                      title="Matrix audit", theme="Neglect", stage=AuditStage.RETURNS,
                      returns_due=dt.date(2025, 7, 1))
    question = AuditQuestion(audit=audit, position=1, text="Was the referral timely?")
    case = AuditCase(audit=audit, reference="Audit 1/1", note="Chosen at random")
    audit_return = AuditReturn(audit=audit, agency=base.agency, status=ReturnStatus.REQUESTED)
    db.session.add_all([scale, audit, question, case, audit_return])
    db.session.commit()
    return {"audit_id": str(audit.id), "question_id": str(question.id),
            "audit_case_id": str(case.id), "audit_return_id": str(audit_return.id)}

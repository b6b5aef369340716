"""Self-assessment in the authorization matrix: everyone reads rounds and standards (an
agency lead only their own organisation's return); the team sets up rounds, chases and
moderates; the team or the organisation's own staff complete a return; the team, chairs,
partners and the scrutineer read the dashboard and the workbook."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from partnership.extensions import db
from partnership.policy import Role
from partnership.scales.models import Grade, GradeScale
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

ALL = frozenset(Role)
TEAM = frozenset({Role.TEAM})
COMPLETERS = frozenset({Role.TEAM, Role.AGENCY})
READERS = frozenset({Role.TEAM, Role.CHAIR, Role.PARTNER, Role.SCRUTINEER})

EXPECTED: dict[str, frozenset[Role]] = {
    "self_assessment.index": ALL,
    "self_assessment.set_detail": ALL,
    "self_assessment.round_detail": ALL,
    "self_assessment.return_detail": ALL,
    "self_assessment.starter": TEAM,
    "self_assessment.set_new": TEAM,
    "self_assessment.set_edit": TEAM,
    "self_assessment.standard_new": TEAM,
    "self_assessment.standard_edit": TEAM,
    "self_assessment.standard_move": TEAM,
    "self_assessment.standard_remove": TEAM,
    "self_assessment.round_new": TEAM,
    "self_assessment.round_edit": TEAM,
    "self_assessment.organisations": TEAM,
    "self_assessment.return_remove": TEAM,
    "self_assessment.launch": TEAM,
    "self_assessment.advance": TEAM,
    "self_assessment.return_save": COMPLETERS,
    "self_assessment.return_submit": COMPLETERS,
    "self_assessment.gap_action": COMPLETERS,
    "self_assessment.return_reopen": TEAM,
    "self_assessment.session_new": TEAM,
    "self_assessment.session_detail": TEAM,
    "self_assessment.moderate": TEAM,
    "self_assessment.dashboard": READERS,
    "self_assessment.chase": TEAM,
    "self_assessment.chase_csv": TEAM,
    "self_assessment.export": READERS,
}


def placeholders(base: SimpleNamespace) -> dict[str, str]:
    """An open round of the matrix partnership asking the viewer's agency, whose return is in
    progress with its first standard graded as a gap; one moderation session."""
    scale = GradeScale(partnership=base.partnership, name="Matrix self-assessment ratings",
                       grades=[Grade(position=1, label="Met"),
                               Grade(position=2, label="Not met", is_gap=True)])
    standard_set = StandardSet(partnership=base.partnership, name="Matrix standards",
                               kind=StandardsKind.SECTION_11, scale=scale)
    standard = Standard(standard_set=standard_set, position=1, number="1",
                        title="Senior leadership")
    assessment_round = AssessmentRound(partnership=base.partnership, title="Matrix round",
                                       standard_set=standard_set, status=RoundStatus.OPEN,
                                       due_on=dt.date(2025, 9, 30))
    assessment_return = AssessmentReturn(round=assessment_round, agency=base.agency,
                                         status=AssessmentStatus.IN_PROGRESS)
    db.session.add_all([scale, standard_set, standard, assessment_round, assessment_return])
    db.session.flush()
    db.session.add(AssessmentAnswer(assessment_return=assessment_return, standard=standard,
                                    grade=scale.grades[1], evidence="Being reviewed"))
    session = ModerationSession(round=assessment_round, held_on=dt.date(2025, 10, 6),
                                title="Matrix challenge session")
    db.session.add(session)
    db.session.commit()
    return {"set_id": str(standard_set.id), "standard_id": str(standard.id),
            "round_id": str(assessment_round.id), "return_id": str(assessment_return.id),
            "session_id": str(session.id), "direction": "up"}

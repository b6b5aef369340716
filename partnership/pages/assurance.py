"""The assurance hub: for each partnership the user serves, where its assurance work stands
(scrutiny, case audits, self-assessment, the voice of children and families, escalations),
with a link into each. Each area is one grouped query whatever the number of partnerships."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from partnership import clock
from partnership.case_audits.models import AuditStage, CaseAudit
from partnership.escalations.models import Escalation
from partnership.extensions import db
from partnership.kernel.dates import reporting_year
from partnership.policy import readable
from partnership.register.models import Partnership
from partnership.scrutiny.models import ActivityStatus, ScrutinyActivity, ScrutinyPlan
from partnership.self_assessment.models import AssessmentRound, RoundStatus
from partnership.voice.models import Engagement

REPORTED = (ActivityStatus.REPORTED, ActivityStatus.RESPONDED)


@dataclass
class AssuranceOf:
    """Where one partnership's assurance work stands today."""

    partnership: Partnership
    year: int  # the reporting year today falls in (its first calendar year)
    scrutiny_activities: int = 0
    scrutiny_reported: int = 0
    audits_open: int = 0
    rounds_open: int = 0
    engagements_this_year: int = 0
    escalations_open: int = 0


def _grouped(query: sa.Select[tuple[int, int]]) -> Counter[int]:
    return Counter({key: count for key, count in db.session.execute(query)})


def assurance_overview(day: dt.date | None = None) -> list[AssuranceOf]:
    """Where the assurance work of every partnership the reader may see stands on ``day``."""
    day = day or clock.today()
    partnerships = list(db.session.scalars(
        sa.select(Partnership).where(readable(Partnership)).order_by(Partnership.name)))
    if not partnerships:
        return []
    ids = [p.id for p in partnerships]
    years = {p.id: reporting_year(day, p.year_start_month) for p in partnerships}
    this_year = sa.case(*((ScrutinyPlan.partnership_id == pid, year)
                          for pid, year in years.items()), else_=0)
    activity = (sa.select(ScrutinyPlan.partnership_id, sa.func.count(ScrutinyActivity.id))
                .join(ScrutinyActivity.plan)
                .where(ScrutinyPlan.partnership_id.in_(ids), ScrutinyPlan.year == this_year,
                       ScrutinyActivity.status != ActivityStatus.CANCELLED,
                       readable(ScrutinyActivity))
                .group_by(ScrutinyPlan.partnership_id))
    activities = _grouped(activity)
    reported = _grouped(activity.where(ScrutinyActivity.status.in_(REPORTED)))
    audits = _grouped(
        sa.select(CaseAudit.partnership_id, sa.func.count(CaseAudit.id))
        .where(CaseAudit.partnership_id.in_(ids), CaseAudit.stage != AuditStage.COMPLETE,
               readable(CaseAudit)).group_by(CaseAudit.partnership_id))
    rounds = _grouped(
        sa.select(AssessmentRound.partnership_id, sa.func.count(AssessmentRound.id))
        .where(AssessmentRound.partnership_id.in_(ids),
               AssessmentRound.status.in_((RoundStatus.OPEN, RoundStatus.MODERATION)),
               readable(AssessmentRound)).group_by(AssessmentRound.partnership_id))
    engagements = _grouped(
        sa.select(Engagement.partnership_id, sa.func.count(Engagement.id))
        .where(Engagement.partnership_id.in_(ids),
               Engagement.held_from > day - dt.timedelta(days=365), readable(Engagement))
        .group_by(Engagement.partnership_id))
    escalations = _grouped(
        sa.select(Escalation.partnership_id, sa.func.count(Escalation.id))
        .where(Escalation.partnership_id.in_(ids), Escalation.resolved_on.is_(None),
               readable(Escalation)).group_by(Escalation.partnership_id))
    return [AssuranceOf(partnership=p, year=years[p.id],
                        scrutiny_activities=activities[p.id],
                        scrutiny_reported=reported[p.id], audits_open=audits[p.id],
                        rounds_open=rounds[p.id], engagements_this_year=engagements[p.id],
                        escalations_open=escalations[p.id])
            for p in partnerships]

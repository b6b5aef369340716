"""Part 3's assurance evidence: the multi-agency case audits completed in the period, the
independent scrutiny activities reported in it, the self-assessment rounds due in it, and the
escalations between agencies. Each feature says what it did through its report hook (in its
``services``); this module turns those into the report's plain content, in date order.

* **Case audits** completed (``completed_on``) in the period.
* **Scrutiny activities** whose findings were reported (``reported_on``) in the period; the
  scrutineer's part of the report lists them too, beside their assessment.
* **Self-assessment rounds** due in the period, the partnership's own and joint ones.
* **Escalations**: counted over those raised in the period; the median time to resolve (in
  working days) over those resolved in it; open ones as on ``as_of``.
"""

from __future__ import annotations

from collections.abc import Iterable

from partnership.case_audits.services import audits_for_report
from partnership.escalations.services import escalations_for_report
from partnership.reports.content import (
    AuditEntry,
    AuditQuestionRow,
    CountRow,
    EscalationFigures,
    RoundEntry,
    ScrutinyEntry,
    ScrutinyRecommendationRow,
    StandardRow,
)
from partnership.reports.parts.records import Records
from partnership.scrutiny.services import activities_for_report
from partnership.self_assessment.services import rounds_for_report


def _counts(pairs: Iterable[tuple[str, int]]) -> list[CountRow]:
    return [CountRow(label=str(label), count=int(count)) for label, count in pairs]


def audits(records: Records) -> list[AuditEntry]:
    """The multi-agency case audits completed in the period."""
    return [AuditEntry(
        title=audit.title, theme=audit.theme, completed=audit.completed_on,
        agencies=audit.agencies, returns=audit.returns, cases=audit.cases,
        questions=[AuditQuestionRow(number=q.number, text=q.text, agreed_grade=q.agreed_grade,
                                    finding=q.finding.strip(), grades=_counts(q.grades))
                   for q in audit.questions],
        findings=audit.findings.strip(), good_practice=audit.good_practice.strip(),
        learning=audit.learning.strip(), actions=list(audit.actions), link=audit.path)
        for audit in audits_for_report(records.partnership.id, records.start, records.end)]


def scrutiny(records: Records) -> list[ScrutinyEntry]:
    """The independent scrutiny activities whose findings were reported in the period."""
    return [ScrutinyEntry(
        title=activity.title, kind=activity.kind, function=activity.function,
        reported=activity.reported_on, findings=activity.findings.strip(),
        good_practice=activity.good_practice.strip(), response=activity.response.strip(),
        recommendations=[ScrutinyRecommendationRow(number=number, text=text,
                                                   actions=list(actions))
                         for number, text, actions in activity.recommendations],
        link=activity.link)
        for activity in activities_for_report(records.partnership.id, records.start,
                                              records.end)]


def rounds(records: Records) -> list[RoundEntry]:
    """The Section 11 and schools self-assessment rounds due in the period."""
    return [RoundEntry(
        title=r.title, kind=r.kind, due=r.due_on, organisations=r.organisations,
        returned=r.returned, moderated=r.moderated,
        standards=[StandardRow(number=s.number, title=s.title, grades=_counts(s.grades),
                               gaps=s.gaps) for s in r.standards],
        gaps=sum(s.gaps for s in r.standards), gaps_with_actions=r.gaps_with_actions,
        actions=r.actions, link=r.path)
        for r in rounds_for_report(records.partnership.id, records.start, records.end)]


def escalations(records: Records) -> EscalationFigures | None:
    """The escalations of the period (None when none was raised, resolved or open)."""
    found = escalations_for_report(records.partnership.id, records.start, records.as_of)
    if not (found.raised or found.resolved or found.open_at_end):
        return None
    return EscalationFigures(
        raised=found.raised, resolved=found.resolved, open_at_end=found.open_at_end,
        by_stage=_counts(found.by_stage), by_theme=_counts(found.by_theme),
        median_days=found.median_days, learning=list(found.learning), link=found.link)

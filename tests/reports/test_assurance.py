"""The yearly report reads the assurance records: part 6 comes from the voice register (with
progress updates flagged as feedback as a second source), part 3 gains the period's case
audits, scrutiny activities, self-assessment rounds and escalations, the scrutineer's part
lists the scrutiny behind their assessment, and a report published before all this still
reads, compares and sums up."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from flask import Flask

from partnership.actions.models import Action, Status
from partnership.audit.services import acting_as
from partnership.case_audits.models import AuditQuestion, AuditStage, CaseAudit
from partnership.escalations.models import Escalation, EscalationStage
from partnership.extensions import db
from partnership.register.models import Agency, Partnership
from partnership.reports.assemble import assemble
from partnership.reports.compare import compare_reports
from partnership.reports.content import ReportContent, ReportDocument
from partnership.reports.document import report_html
from partnership.reports.services import part_summaries
from partnership.scales.services import AUDIT_SCALE, SELF_ASSESSMENT_SCALE, starter_scales
from partnership.scrutiny.models import (
    ActivityKind,
    ActivityStatus,
    ScrutinyActivity,
    ScrutinyFunction,
    ScrutinyPlan,
    ScrutinyRecommendation,
)
from partnership.self_assessment.models import (
    AssessmentReturn,
    AssessmentRound,
    AssessmentStatus,
    RoundStatus,
    Standard,
    StandardSet,
    StandardsKind,
)
from partnership.voice.models import Engagement, EngagementKind
from tests.register.records import add_agency, add_area
from tests.reports.samples import sample_document

START, END = dt.date(2025, 4, 1), dt.date(2026, 3, 31)
TODAY = dt.date(2026, 6, 30)
SLUG = "northmoor"


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC)


@pytest.fixture
def area(app: Flask) -> dict[str, int]:
    ids = {"partnership": add_area(app, SLUG, "Northmoor Partnership")}
    ids["council"] = add_agency(app, SLUG, "Northmoor Council")
    ids["police"] = add_agency(app, SLUG, "Northmoor Police")
    return ids


def content_of(app: Flask, partnership_id: int, today: dt.date = TODAY) -> ReportContent:
    with app.app_context(), app.test_request_context():
        partnership = db.session.get_one(Partnership, partnership_id)
        return assemble(partnership, START, END, today)


def engagement(partnership_id: int, title: str, held_from: dt.date,
               held_to: dt.date | None = None, **fields: Any) -> Engagement:
    record = Engagement(partnership_id=partnership_id, title=title,
                        kind=fields.pop("kind", EngagementKind.SURVEY),
                        held_from=held_from, held_to=held_to,
                        who=fields.pop("who", "Young people aged 11 to 18"), **fields)
    db.session.add(record)
    return record


def test_feedback_lists_the_engagements_held_in_the_period_only(
        app: Flask, area: dict[str, int]) -> None:
    pid = area["partnership"]
    with app.app_context(), acting_as("tests"):
        engagement(pid, "Before the period", dt.date(2025, 1, 10), dt.date(2025, 3, 20))
        across = engagement(pid, "Ran into the period", dt.date(2025, 3, 1),
                            dt.date(2025, 4, 30), how_many=40,
                            what_said="They want to know who to tell.",
                            what_changed="Lessons were rewritten.")
        engagement(pid, "Within the period", dt.date(2025, 9, 1), how_many=12,
                   kind=EngagementKind.GROUP, led_by_id=area["council"])
        engagement(pid, "After the period", dt.date(2026, 4, 2))
        db.session.flush()
        db.session.add_all([
            Action(partnership_id=pid, year=2025, title="Rewrite the lessons",
                   engagement_id=across.id, status=Status.IN_PROGRESS,
                   created_at=_at(dt.date(2025, 5, 1))),
            Action(partnership_id=pid, year=2026, title="Made after the period's day",
                   engagement_id=across.id, created_at=_at(dt.date(2026, 5, 1)))])
        db.session.commit()

    feedback = content_of(app, pid, today=END).feedback
    assert [e.title for e in feedback.engagements] == ["Ran into the period",
                                                       "Within the period"]
    first, second = feedback.engagements
    assert (first.kind, first.held_from, first.held_to, first.how_many) == (
        "Survey", "2025-03-01", "2025-04-30", 40)
    assert first.what_said == "They want to know who to tell."
    assert first.what_changed == "Lessons were rewritten."
    assert [(a.title, a.status) for a in first.actions] == [("Rewrite the lessons",
                                                             "In progress")]
    assert second.kind == "Group or forum" and second.led_by == "Northmoor Council"
    assert second.link.startswith(f"/partnerships/{SLUG}/voice/")
    assert feedback.missing == ""


def _assurance_records(app: Flask, area: dict[str, int]) -> None:
    """An audit, a scrutiny activity, a round and escalations in the period, and one of each
    outside it."""
    pid = area["partnership"]
    with app.app_context(), acting_as("tests"):
        partnership = db.session.get_one(Partnership, pid)
        scales = starter_scales(partnership)
        audit_scale, rating_scale = scales[AUDIT_SCALE], scales[SELF_ASSESSMENT_SCALE]
        for title, day in (("Neglect audit", dt.date(2025, 11, 20)),
                           ("Older audit", dt.date(2025, 2, 1))):
            audit = CaseAudit(partnership=partnership, title=title, theme="Neglect",
                              scale=audit_scale, stage=AuditStage.COMPLETE, completed_on=day,
                              findings="Agencies saw incidents, not patterns.",
                              learning="Use the neglect toolkit at every review.")
            audit.questions = [AuditQuestion(position=1, text="Was the child seen?",
                                             agreed_grade=audit_scale.grades[1])]
            db.session.add(audit)
        plan = ScrutinyPlan(partnership=partnership, year=2025, title="Scrutiny plan 2025-26")
        for title, day in (("Deep dive into strategy meetings", dt.date(2025, 10, 6)),
                           ("Earlier deep dive", dt.date(2024, 11, 1))):
            activity = ScrutinyActivity(
                plan=plan, function=ScrutinyFunction.ASSURANCE, kind=ActivityKind.DEEP_DIVE,
                title=title, status=ActivityStatus.REPORTED, reported_on=day,
                findings="Police attended 9 of 12 strategy meetings.")
            activity.recommendations = [ScrutinyRecommendation(
                number=1, text="Hold strategy meetings at times the police can attend.")]
            db.session.add(activity)
        standards = StandardSet(partnership=partnership, name="Section 11",
                                kind=StandardsKind.SECTION_11, scale=rating_scale)
        standards.standards = [Standard(position=1, number="1", title="Senior leadership")]
        for title, due in (("Section 11 round 2025", dt.date(2026, 1, 9)),
                           ("Section 11 round 2024", dt.date(2025, 1, 10))):
            db.session.add(AssessmentRound(
                partnership=partnership, title=title, standard_set=standards,
                status=RoundStatus.MODERATION, opens_on=due - dt.timedelta(days=60),
                due_on=due, returns=[AssessmentReturn(agency_id=area["council"],
                                                      status=AssessmentStatus.SUBMITTED),
                                     AssessmentReturn(agency_id=area["police"],
                                                      status=AssessmentStatus.NOT_STARTED)]))
        for raised, resolved, stage in (
                (dt.date(2025, 6, 2), dt.date(2025, 6, 4), EscalationStage.PRACTITIONER),
                (dt.date(2025, 9, 1), dt.date(2025, 9, 15), EscalationStage.SENIOR_LEADER),
                (dt.date(2026, 3, 20), None, EscalationStage.MANAGER),
                (dt.date(2024, 9, 1), dt.date(2024, 9, 3), EscalationStage.MANAGER)):
            db.session.add(Escalation(
                partnership=partnership, raised_on=raised, resolved_on=resolved,
                raised_by=db.session.get_one(Agency, area["police"]),
                raised_with=db.session.get_one(Agency, area["council"]), stage=stage,
                summary="A referral was closed without a strategy discussion.",
                themes=["Thresholds and step-down"], resolution="Agreed." if resolved else "",
                learning="Check police referrals with the police." if resolved else ""))
        db.session.commit()


def test_impact_shows_the_assurance_work_of_the_period(
        app: Flask, area: dict[str, int]) -> None:
    _assurance_records(app, area)
    impact = content_of(app, area["partnership"], today=END).impact

    assert [a.title for a in impact.audits] == ["Neglect audit"]
    audit = impact.audits[0]
    assert audit.completed == "2025-11-20" and audit.questions[0].text == "Was the child seen?"
    assert audit.learning == "Use the neglect toolkit at every review."
    assert [s.title for s in impact.scrutiny] == ["Deep dive into strategy meetings"]
    assert impact.scrutiny[0].kind == "Deep dive" and impact.scrutiny[0].recommendations[0].text
    assert [r.title for r in impact.rounds] == ["Section 11 round 2025"]
    assert (impact.rounds[0].organisations, impact.rounds[0].returned) == (2, 1)
    escalations = impact.escalations
    assert escalations is not None
    assert (escalations.raised, escalations.resolved, escalations.open_at_end) == (3, 2, 1)
    assert [(row.label, row.count) for row in escalations.by_stage] == [
        ("Practitioner to practitioner", 1), ("Manager to manager", 1), ("Senior leaders", 1)]
    assert escalations.median_days == 6  # 2 and 10 working days
    assert impact.missing == ""

    document = ReportDocument(title="Yearly report", status="DRAFT", draft=True,
                              content=content_of(app, area["partnership"], today=END),
                              narrative={}, assessment=None, sign_offs=[], published=None)
    with app.test_request_context():
        soup = BeautifulSoup(report_html(document, for_pdf=True), "html.parser")
    text = " ".join(soup.get_text(" ", strip=True).split())
    for heading in ("Multi-agency case audits", "Independent scrutiny",
                    "Self-assessment by agencies and schools", "Escalations between agencies"):
        assert soup.find(["h3"], string=heading), heading
    # Beside the scrutineer's assessment, the activities it rests on, in one sentence.
    assert soup.find(id="scrutiny-evidence").get_text().startswith(
        "The scrutiny behind the assessment.")
    assert "3 escalations were raised in the period and 2 resolved." in text
    assert "took a median of 6 working days" in text
    assert "To test how well the arrangements work, the partnership completed 1 multi-agency " \
           "case audit" in text
    for table in soup.find_all("table"):
        assert table.caption and table.caption.get_text(strip=True)
    words_with_underscores = [word for word in text.split() if "_" in word]
    assert words_with_underscores == []  # no enum values such as senior_leader


def test_a_report_published_before_the_assurance_records_still_reads(app: Flask) -> None:
    old = dataclasses.asdict(sample_document(draft=False))
    for key in ("audits", "scrutiny", "rounds", "escalations"):
        del old["content"]["impact"][key]
    del old["content"]["feedback"]["engagements"]
    new = dataclasses.asdict(sample_document(draft=False))

    with app.test_request_context():
        html = report_html(old)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find(id="part-feedback") is not None
    assert soup.find("h3", string="Escalations between agencies") is None
    assert soup.find(id="scrutiny-evidence") is None
    assert [s.title for s in part_summaries(old)] == [s.title for s in part_summaries(new)]

    compared = compare_reports(old, new)
    impact = next(part for part in compared.parts if part.key == "impact")
    escalations = next(f for f in impact.figures if f.label == "Escalations raised")
    assert escalations.described == "Not in both reports"
    feedback = next(part for part in compared.parts if part.key == "feedback")
    assert feedback.figures[0].label == "Engagements with children and families"
    assert feedback.figures[0].older is None

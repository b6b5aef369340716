"""The demo's case audits: the starter grading scales for every demo partnership and, for
Wessexshire, one audit completed a few months ago (six cases, five agencies, six questions,
moderation, findings and two actions in the tracker) and one taking returns now, with some
agencies' returns sent and others outstanding, the demo agency lead's Fire and Rescue
Service among them. Each of the benchmark's synthetic partnerships completed the same neglect
audit seven months into its last complete year.

Cases are known only by their audit reference ("Audit 12/1"); no text names, dates the birth
of, or locates a child or family. Dates are counted from the day the demo is loaded.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

import sqlalchemy as sa

from partnership import clock
from partnership.actions.models import Status
from partnership.actions.services import Origin, create_action
from partnership.case_audits.models import (
    AuditAnswer,
    AuditCase,
    AuditQuestion,
    AuditReturn,
    AuditStage,
    CaseAudit,
    ReturnStatus,
)
from partnership.demo.actions import (
    Directory,
    add_followup,
    arising,
    last_complete_year,
    synthetic_partnerships,
)
from partnership.extensions import db
from partnership.meetings.models import Meeting
from partnership.register.models import Agency, Body, BodyKind, Partnership
from partnership.scales.models import GradeScale
from partnership.scales.services import AUDIT_SCALE, starter_scales

AUDITS_SEED = 20261207
COUNTY = "wscp"

COMPLETED_TITLE = "Neglect: recognising cumulative harm in children under five"
COMPLETED_THEME = (
    "Serious case reviews and two local reviews found that practitioners saw each incident "
    "of neglect on its own and missed the pattern. The audit asks whether agencies recognise "
    "cumulative harm in children under five, share what they know, and act on it in time.")
COMPLETED_QUESTIONS = (
    ("Was the child's lived experience understood and recorded?",
     "Look for the child's daily routine, who cares for them and how they present."),
    ("Did the agency recognise the cumulative impact of neglect, not only single incidents?",
     "A chronology, or evidence that earlier concerns were weighed."),
    ("Was information shared with the other agencies involved, in time?", ""),
    ("Were concerns escalated when the plan was not making a difference?",
     "Including use of the partnership's escalation policy."),
    ("Were fathers and other significant adults seen and assessed?", ""),
    ("Did supervision help the practitioner reflect on drift and delay?", ""),
)
COMPLETED_CASES = (
    "Aged 2, repeated missed health appointments",
    "Aged 4, poor school readiness and home conditions",
    "Aged 1, domestic abuse and parental substance use",
    "Aged 3, child in need plan for over a year",
    "Aged 4, stepped down from a child protection plan",
    "Aged 2, family new to the county",
)
# Agency key -> chance of (Good, Requires improvement, Inadequate), per question weight.
COMPLETED_AGENCIES = ("cf", "police", "wchmt", "nwh", "primary")
WEIGHTS = ((5, 4, 1), (2, 5, 3), (4, 4, 2), (2, 5, 3), (1, 4, 5), (3, 5, 2))
AGREED = (1, 2, 1, 2, 3, 2)  # grade positions agreed at moderation
FINDINGS = (
    "Most records described the child's day; health and school records did so best.",
    "Agencies saw incidents and rarely the pattern: only two of six cases had a chronology.",
    "Information was shared, but late in three cases, most often at step-down.",
    "Escalation was seldom used; practitioners waited for the next review meeting.",
    "Fathers and partners were rarely seen or assessed by any agency.",
    "Supervision recorded tasks more than reflection on drift.",
)
COMMENTS = {
    1: ("Clear, timely and well recorded.", "Good joint working with the health visitor.",
        "The child's routine is described in detail."),
    2: ("Concerns noted but not drawn together.", "Information shared, but late.",
        "No chronology on file; each referral treated separately."),
    3: ("No record of the child being seen.", "Concerns were not escalated.",
        "Father not identified in the records."),
}
ACTIONS = (
    ("Introduce a shared neglect chronology template for children under five", "cf", 120,
     Status.IN_PROGRESS),
    ("Brief practitioners on seeing and assessing fathers and partners", "wchmt", 90,
     Status.NOT_STARTED),
)

CURRENT_TITLE = "Domestic abuse: the child's experience when a parent is a victim"
CURRENT_THEME = (
    "Agencies told the Learning and Inquiry Group that children in households with domestic "
    "abuse are often seen only as witnesses. The audit asks whether each agency heard the "
    "child, shared risk and planned for the child's safety.")
CURRENT_QUESTIONS = (
    ("Was the child seen and heard, and their experience recorded?", ""),
    ("Was risk to the child assessed, not only to the adult victim?", ""),
    ("Was information shared through the right routes, in time?",
     "For example, notifications to schools and health after a police call-out."),
    ("Did safety planning include the child?", ""),
)
CURRENT_CASES = (
    "Aged 9, repeated police call-outs",
    "Aged 13, school reports withdrawal",
    "Aged 6, home fire safety visit raised concerns",
    "Aged 11, parent in refuge accommodation",
)
# Agency key -> how far its return has got.
CURRENT_AGENCIES = {"police": ReturnStatus.SUBMITTED, "cf": ReturnStatus.SUBMITTED,
                    "wchmt": ReturnStatus.IN_PROGRESS, "fire": ReturnStatus.REQUESTED,
                    "domestic-abuse": ReturnStatus.REQUESTED}


def _at(day: dt.date, hour: int = 15) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _moderation_meeting(body: Body, near: dt.date) -> Meeting | None:
    """The body's meeting closest to ``near`` (within six weeks), if it has one."""
    meetings = db.session.scalars(sa.select(Meeting).where(
        Meeting.body_id == body.id,
        Meeting.held_on.between(near - dt.timedelta(days=42), near + dt.timedelta(days=42))))
    return min(meetings, key=lambda m: abs((m.held_on - near).days), default=None)


def _answer(rng: random.Random, audit_return: AuditReturn, scale: GradeScale,
            weights: tuple[tuple[int, int, int], ...], *, share: float = 1.0) -> None:
    """Grade each case for each question (``share`` of them, for a return in progress)."""
    audit = audit_return.audit
    for case in audit.cases:
        for question, weight in zip(audit.questions, weights, strict=False):
            if rng.random() > share:
                continue
            position = rng.choices((1, 2, 3), weights=weight)[0]
            audit_return.answers.append(AuditAnswer(
                case=case, question=question, grade=scale.grades[position - 1],
                comment=rng.choice(COMMENTS[position])))


def _complete_audit(partnership: Partnership, body: Body, scale: GradeScale,
                    completed: dt.date, agencies: Sequence[Agency],
                    rng: random.Random) -> CaseAudit:
    """The completed neglect audit (six cases, six questions, moderated, a return from each
    agency graded on ``scale``), for any partnership."""
    meeting = _moderation_meeting(body, completed)
    audit = CaseAudit(
        partnership=partnership, body=body, scale=scale, title=COMPLETED_TITLE,
        theme=COMPLETED_THEME, stage=AuditStage.COMPLETE,
        returns_due=completed - dt.timedelta(days=35),
        moderation_on=meeting.held_on if meeting else completed,
        moderation_meeting=meeting, completed_on=completed,
        findings=("Across six cases and five agencies, practitioners recognised single "
                  "incidents of neglect but rarely the cumulative harm. Chronologies were "
                  "missing in four cases; fathers were seldom seen."),
        good_practice=("Health visitors and early years settings described the child's daily "
                       "life well, and referred promptly when they were worried."),
        learning=("Use a shared chronology for children under five where neglect is a "
                  "concern; see and assess every adult in the household; escalate when a "
                  "plan is not making a difference."))
    audit.questions = [AuditQuestion(position=n, text=text, guidance=guidance,
                                     agreed_grade=scale.grades[AGREED[n - 1] - 1],
                                     finding=FINDINGS[n - 1])
                       for n, (text, guidance) in enumerate(COMPLETED_QUESTIONS, start=1)]
    audit.cases = [AuditCase(reference=f"Audit 12/{n}", note=note)
                   for n, note in enumerate(COMPLETED_CASES, start=1)]
    db.session.add(audit)
    for index, agency in enumerate(agencies):
        audit_return = AuditReturn(
            agency=agency, status=ReturnStatus.SUBMITTED,
            summary="The audit found strengths in recording and referral, and gaps in "
                    "drawing concerns together over time.",
            submitted_at=_at(audit.returns_due - dt.timedelta(days=index)))
        audit.returns.append(audit_return)
        _answer(rng, audit_return, scale, WEIGHTS)
    db.session.flush()
    return audit


def _completed_audit(d: Directory, scale: GradeScale, today: dt.date,
                     rng: random.Random) -> CaseAudit:
    county = d.partnerships[COUNTY]
    body = d.body(COUNTY, "Scrutiny Group")
    completed = today - dt.timedelta(days=110)
    audit = _complete_audit(county, body, scale, completed,
                            [d.agencies[key] for key in COMPLETED_AGENCIES], rng)
    for title, agency, days, status in ACTIONS:
        action = create_action(
            Origin(partnership=county, body=body, body_fixed=True, case_audit=audit),
            {"title": title, "body": body, "lead_agency": d.agencies[agency],
             "start_date": completed, "target_date": completed + dt.timedelta(days=days),
             "detail": "Agreed at the audit's moderation meeting."})
        action.status = status
        action.percent_complete = 40 if status is Status.IN_PROGRESS else None
    db.session.flush()
    return audit


def _current_audit(d: Directory, scale: GradeScale, today: dt.date,
                   rng: random.Random) -> CaseAudit:
    county = d.partnerships[COUNTY]
    body = d.body(COUNTY, "Learning and Inquiry Group")
    moderation = today + dt.timedelta(days=30)
    audit = CaseAudit(
        partnership=county, body=body, scale=scale, title=CURRENT_TITLE, theme=CURRENT_THEME,
        stage=AuditStage.RETURNS, returns_due=today + dt.timedelta(days=12),
        moderation_on=moderation, moderation_meeting=_moderation_meeting(body, moderation))
    audit.questions = [AuditQuestion(position=n, text=text, guidance=guidance)
                       for n, (text, guidance) in enumerate(CURRENT_QUESTIONS, start=1)]
    audit.cases = [AuditCase(reference=f"Audit 14/{n}", note=note)
                   for n, note in enumerate(CURRENT_CASES, start=1)]
    db.session.add(audit)
    weights = ((3, 5, 2), (2, 5, 3), (3, 4, 3), (2, 4, 4))
    for index, (key, status) in enumerate(CURRENT_AGENCIES.items()):
        audit_return = AuditReturn(agency=d.agencies[key], status=status)
        audit.returns.append(audit_return)
        if status is ReturnStatus.SUBMITTED:
            audit_return.submitted_at = _at(today - dt.timedelta(days=3 + index))
            audit_return.summary = ("Children were seen in most cases; their experience was "
                                    "recorded less often than the adult victim's.")
            _answer(rng, audit_return, scale, weights)
        elif status is ReturnStatus.IN_PROGRESS:
            _answer(rng, audit_return, scale, weights, share=0.5)
    db.session.flush()
    return audit


def load_demo_case_audits(today: dt.date | None) -> dict[str, int]:
    """Add the demo's grading scales and case audits; return what was added, by name."""
    today = today or clock.today()
    rng = random.Random(AUDITS_SEED)  # noqa: S311 - demo data, not security
    d = Directory()
    scales = {slug: starter_scales(partnership)
              for slug, partnership in sorted(d.partnerships.items())}
    county_scale = scales[COUNTY][AUDIT_SCALE]
    with db.session.no_autoflush:
        _completed_audit(d, county_scale, today, rng)
        _current_audit(d, county_scale, today, rng)
    db.session.flush()

    def count(model: type) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0

    return {"grading scales": count(GradeScale), "case audits": count(CaseAudit),
            "audit returns": count(AuditReturn)}


# The synthetic audit's actions: (title, stalls, evidence of impact when done).
SYNTHETIC_ACTIONS = (
    (ACTIONS[0][0], False,
     "A re-audit of ten cases found a chronology on file in eight, against two of six in "
     "the audit, and practitioners said it helped them see the pattern."),
    (ACTIONS[1][0], True, ""),
)


def load_synthetic_case_audits(scale: int, today: dt.date | None) -> dict[str, int]:
    """Give each synthetic partnership its starter scales and the county's neglect audit,
    completed seven months into its last complete year (five agencies' returns, moderated),
    with the two actions that came of it; return the counts."""
    day = today or clock.today()
    rng = random.Random(AUDITS_SEED + scale)  # noqa: S311 - synthetic data, not security
    audits = actions = 0
    for partnership in synthetic_partnerships(scale):
        agencies = list(db.session.scalars(sa.select(Agency).where(
            Agency.partnership_id == partnership.id, Agency.is_group.is_(False))
            .order_by(Agency.id).limit(len(COMPLETED_AGENCIES))))
        body = next((b for b in partnership.bodies if b.kind is BodyKind.SUBGROUP), None)
        if body is None or not agencies:
            continue
        scale_ = starter_scales(partnership)[AUDIT_SCALE]
        first, _last = last_complete_year(partnership, day)
        completed = first + dt.timedelta(days=200)
        while completed.weekday() >= 5:
            completed += dt.timedelta(days=1)
        with db.session.no_autoflush:
            audit = _complete_audit(partnership, body, scale_, completed, agencies, rng)
        audits += 1
        for n, (title, stalls, impact) in enumerate(SYNTHETIC_ACTIONS):
            add_followup(partnership, arising(completed, day, rng, stuck=stalls, weeks=(8, 14)),
                         title=title, detail="Agreed at the audit's moderation meeting.",
                         beats=(f"Agreed at the audit's moderation meeting: {title.lower()}.",
                                "Draft shared with the agencies that took part in the audit.",
                                "Finished and briefed to practitioners in every agency."),
                         rng=rng, body=body, agency=agencies[n % len(agencies)], impact=impact,
                         case_audit=audit)
            actions += 1
    db.session.flush()
    return {"synthetic case audits": audits, "synthetic actions from case audits": actions}

"""The demo's escalations log: thirty differences between the county's agencies over the last
eighteen months, at every stage of the escalation policy, most resolved within days at the
first stages and within weeks at the higher ones, a few still open; several involve the fire
and rescue service, the demo agency lead's agency. The Isle of Merrow logs a few too, and each
of the benchmark's synthetic partnerships two dozen (in bulk) since its last complete year
began.

Nothing names a child or family: each entry says what the agencies disagreed about.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import sqlalchemy as sa

from partnership import clock
from partnership.demo.actions import Directory, last_complete_year, synthetic_partnerships
from partnership.escalations.models import Escalation, EscalationStage
from partnership.extensions import db
from partnership.kernel.dates import add_working_days, is_working_day
from partnership.kernel.identifiers import identifier_problems
from partnership.register.models import Agency

ESCALATIONS_SEED = 14_005
S = EscalationStage
THRESHOLDS = "Thresholds and step-down"
SHARING = "Information sharing"
STRATEGY = "Strategy meeting or section 47 decisions"
PLAN = "Child protection plan"
HEALTH = "Health involvement"
POLICE = "Police involvement"
EDUCATION = "Education and attendance"
OTHER = "Other"
# Working days to resolve at each stage: (fewest, most).
DAYS = {S.PRACTITIONER: (1, 5), S.MANAGER: (3, 12), S.SENIOR_LEADER: (8, 25),
        S.PARTNERSHIP: (18, 45)}


@dataclass(frozen=True)
class Difference:
    """A kind of difference between two agencies, as the log records it."""

    raised_by: str
    raised_with: str
    others: tuple[str, ...]
    themes: tuple[str, ...]
    summary: str
    resolution: str
    learning: str = ""


DIFFERENCES: tuple[Difference, ...] = (
    Difference("police", "cf", (), (THRESHOLDS, POLICE),
               "A police referral about domestic abuse in a home with a baby was closed at the "
               "front door without a strategy discussion.",
               "The team manager reviewed the referral and held a strategy discussion the next "
               "day.",
               "Front door managers now check police referrals involving a baby with the "
               "police before closing them."),
    Difference("nwh", "cf", ("police",), (STRATEGY, HEALTH),
               "The hospital's safeguarding team disagreed with the decision not to hold a "
               "strategy meeting after an unexplained injury to a baby.",
               "A strategy meeting was held with the paediatrician present and a section 47 "
               "enquiry started.",
               "The bruising in non-mobile babies protocol was re-circulated to the front door."),
    Difference("secondary", "cf", (), (THRESHOLDS, EDUCATION),
               "A school disagreed with stepping a family down to early help while it still had "
               "concerns about neglect and attendance.",
               "The case stayed open to children's social care for a further review meeting "
               "with the school."),
    Difference("cf", "gp", (), (PLAN, HEALTH, SHARING),
               "A GP practice did not send a report for an initial child protection conference.",
               "The named GP for safeguarding sent the report and attended the review "
               "conference.",
               "Conference invitations to GPs now go to the practice safeguarding inbox."),
    Difference("cf", "police", (), (STRATEGY, POLICE),
               "The police did not attend a strategy meeting about a teenager at risk of "
               "exploitation.",
               "The detective inspector arranged attendance and the meeting was reconvened."),
    Difference("fire", "cf", (), (THRESHOLDS,),
               "A referral made after a Safe and Well visit found a home in very poor condition "
               "with young children was not progressed.",
               "Children's social care visited with the fire service's safeguarding lead and "
               "offered an assessment.",
               "Fire service referrals now describe the home conditions against the neglect "
               "toolkit, which the front door recognises."),
    Difference("cf", "fire", (), (SHARING,),
               "A social worker asked for the outcome of a Safe and Well visit and was told it "
               "could not be shared.",
               "The fire service's safeguarding lead confirmed it could be shared for a child "
               "protection enquiry and sent it the same day.",
               "The fire service's staff guidance now says when visit records can be shared."),
    Difference("wchmt", "cf", (), (PLAN, HEALTH),
               "Child and adolescent mental health services disagreed with ending a child "
               "protection plan while treatment was still starting.",
               "The conference chair agreed a further review in three months instead of ending "
               "the plan."),
    Difference("ei", "cf", ("secondary",), (EDUCATION,),
               "The children missing education team disagreed about who should visit a family "
               "whose child had not been seen at school for four weeks.",
               "A joint visit was made the same week and the school agreed a return plan."),
    Difference("police", "secondary", (), (EDUCATION, SHARING),
               "A school did not share attendance information the police asked for about a "
               "young person missing from home.",
               "The school's designated safeguarding lead shared the information after advice "
               "from the education safeguarding team."),
    Difference("ambulance", "cf", (), (SHARING,),
               "An ambulance crew's referral after a call-out to a home with children was not "
               "acknowledged.",
               "The front door acknowledged the referral and told the crew what had been done."),
    Difference("housing", "cf", ("districts",), (PLAN, OTHER),
               "A housing provider planned to evict a family whose children have a child "
               "protection plan without the core group knowing.",
               "The eviction was paused while the core group agreed a move with the district "
               "council."),
    Difference("yjs", "police", (), (POLICE, OTHER),
               "The youth justice service disagreed with charging a young person it believed "
               "was being criminally exploited.",
               "The case was referred through the National Referral Mechanism and the charging "
               "decision reviewed.",
               "Custody officers now ask the youth justice service about exploitation before a "
               "charging decision."),
    Difference("cf", "nwh", (), (HEALTH, PLAN),
               "A baby was discharged from hospital before the agreed discharge planning "
               "meeting.",
               "The hospital's named nurse reviewed the discharge and a meeting was held at "
               "home the next day."),
    Difference("domestic-abuse", "police", (), (POLICE, SHARING),
               "A domestic abuse service's referral to the risk assessment conference was "
               "returned because it was judged not to meet the threshold.",
               "The referral was heard at the next conference after the service's manager "
               "spoke to the chair."),
    Difference("primary", "cf", (), (STRATEGY,),
               "A primary school disagreed with the decision not to start a section 47 enquiry "
               "after a child's disclosure.",
               "A strategy discussion was held and a section 47 enquiry started."),
    Difference("probation", "cf", ("police",), (SHARING, THRESHOLDS),
               "The probation service was not told a person who poses a risk to children had "
               "moved into a household with children.",
               "A multi-agency meeting agreed a safety plan and the probation officer joined "
               "the core group."),
    Difference("fire", "police", ("yjs",), (POLICE,),
               "The fire service disagreed with the police about how to respond to repeated "
               "deliberate fires set by young people who may be being exploited.",
               "A joint exploitation meeting agreed a plan with the youth justice service.",
               "Fire crews now report deliberate fires involving children to the exploitation "
               "hub as well as the police."),
)

# (stage, how many of the thirty), most at the first stages.
STAGES = ((S.PRACTITIONER, 11), (S.MANAGER, 10), (S.SENIOR_LEADER, 6), (S.PARTNERSHIP, 3))
ISLAND = (
    ("iom-police", "iom-cs", S.MANAGER, (THRESHOLDS, POLICE),
     "A police referral about a teenager going missing was not accepted for assessment."),
    ("iom-schools", "iom-cs", S.PRACTITIONER, (EDUCATION,),
     "A school disagreed with closing a family's early help plan."),
    ("iom-trust", "iom-cs", S.SENIOR_LEADER, (STRATEGY, HEALTH),
     "The health trust disagreed with the decision not to hold a strategy meeting."),
)


def _checked(text: str) -> str:
    """Refuse demo text the forms would refuse: a demo must never hold an identifier."""
    if identifier_problems(text):
        raise ValueError(f"demo escalation text would be refused: {text!r}")
    return text


def _working_on_or_before(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def load_demo_escalations(today: dt.date | None) -> dict[str, int]:
    """Add the demo's escalations, dated relative to ``today``; return the count."""
    day = today or clock.today()
    rng = random.Random(ESCALATIONS_SEED)  # noqa: S311 - demo data, not security
    d = Directory()
    county = d.partnerships["wscp"]
    stages = [stage for stage, count in STAGES for _ in range(count)]
    rng.shuffle(stages)
    total = len(stages)
    # Two recent escalations at the higher stages are still being worked through.
    held_open = [n for n in range(total - 12, total)
                 if stages[n] in (S.SENIOR_LEADER, S.PARTNERSHIP)][:2]
    for number, stage in enumerate(stages):
        difference = DIFFERENCES[number % len(DIFFERENCES)]
        # Spread over eighteen months, the latest a few days ago.
        raised = _working_on_or_before(
            day - dt.timedelta(days=540 - (535 * number) // (total - 1) + rng.randint(0, 6)))
        fewest, most = DAYS[stage]
        resolved: dt.date | None = add_working_days(raised, rng.randint(fewest, most))
        if resolved is not None and (resolved > day or number in held_open):
            resolved = None
        learning = difference.learning if stage is not S.PRACTITIONER else ""
        db.session.add(Escalation(
            partnership=county, raised_on=raised, raised_by=d.agencies[difference.raised_by],
            raised_with=d.agencies[difference.raised_with],
            other_agencies=[d.agencies[key] for key in difference.others], stage=stage,
            summary=_checked(difference.summary), themes=list(difference.themes),
            resolved_on=resolved,
            resolution=_checked(difference.resolution) if resolved else "",
            learning=_checked(learning) if resolved else ""))
    island = d.partnerships["imscp"]
    for number, (by, with_, stage, themes, summary) in enumerate(ISLAND):
        raised = _working_on_or_before(day - dt.timedelta(days=90 + 110 * number))
        db.session.add(Escalation(
            partnership=island, raised_on=raised, raised_by=d.agencies[by],
            raised_with=d.agencies[with_], stage=stage, summary=_checked(summary),
            themes=list(themes), resolved_on=add_working_days(raised, 4 + 3 * number),
            resolution="Agreed at a meeting of the two managers."))
    db.session.flush()
    return {"escalations": db.session.scalar(
        sa.select(sa.func.count()).select_from(Escalation)) or 0}


SYNTHETIC_ESCALATIONS = 24  # per synthetic partnership, over its last complete year and this


def load_synthetic_escalations(scale: int, today: dt.date | None) -> dict[str, int]:
    """Log each synthetic partnership's escalations in bulk: two dozen differences between
    its agencies spread from the start of its last complete year to a few days ago, in the
    county's mix of stages (the same kinds of difference, told in the same words), the two
    latest at the higher stages still open; return the count."""
    day = today or clock.today()
    rng = random.Random(ESCALATIONS_SEED + scale)  # noqa: S311 - synthetic data
    rows = []
    for partnership in synthetic_partnerships(scale):
        agencies = list(db.session.scalars(sa.select(Agency.id).where(
            Agency.partnership_id == partnership.id, Agency.is_group.is_(False))
            .order_by(Agency.id)))
        if len(agencies) < 2:
            continue
        first, _last = last_complete_year(partnership, day)
        span = max(1, (day - first).days - 5)
        stages = [stage for stage, count in STAGES for _ in range(count)]
        rng.shuffle(stages)
        stages = stages[:SYNTHETIC_ESCALATIONS]
        latest = [n for n in range(len(stages) - 6, len(stages))
                  if stages[n] in (S.SENIOR_LEADER, S.PARTNERSHIP)][:2]
        for number, stage in enumerate(stages):
            difference = DIFFERENCES[number % len(DIFFERENCES)]
            raised = _working_on_or_before(first + dt.timedelta(
                days=span * number // len(stages) + rng.randint(0, 4)))
            resolved: dt.date | None = add_working_days(raised, rng.randint(*DAYS[stage]))
            if resolved is not None and (resolved > day or number in latest):
                resolved = None
            by = agencies[(3 * number) % len(agencies)]
            with_ = agencies[(3 * number + 1 + number % 4) % len(agencies)]
            learning = difference.learning if stage is not S.PRACTITIONER else ""
            rows.append({
                "partnership_id": partnership.id, "raised_on": raised, "raised_by_id": by,
                "raised_with_id": with_ if with_ != by else agencies[(3 * number + 2) % len(
                    agencies)],
                "stage": stage, "summary": difference.summary,
                "themes": list(difference.themes), "resolved_on": resolved,
                "resolution": difference.resolution if resolved else "",
                "learning": learning if resolved else "", "version": 1})
    if rows:
        db.session.execute(sa.insert(Escalation), rows)
    return {"synthetic escalations": len(rows)}

"""The demo's self-assessment rounds, and the benchmark's round of 300 organisations.

Wessexshire runs a Section 11 round every year: last year's is closed and moderated; this
year's started from it (each agency's answers carried forward), is open with a mix of
returns not started, in progress and submitted, and has had one peer challenge session. Its
schools round asks the county's schools and settings (s.175/s.157). The demo agency lead
(the fire service's head of safeguarding) has a return in progress; the demo school user
(a designated safeguarding lead) has their school's return to complete.
"""

from __future__ import annotations

import datetime as dt
import random

import sqlalchemy as sa

from partnership import clock
from partnership.accounts.models import User
from partnership.actions.models import Action, Status
from partnership.database import utcnow
from partnership.demo.actions import last_complete_year
from partnership.extensions import db
from partnership.kernel.dates import reporting_year
from partnership.register.models import Agency, Establishment, Partnership, Person, Sector
from partnership.scales.models import Grade, GradeScale
from partnership.scales.services import SELF_ASSESSMENT_SCALE, starter_scales
from partnership.self_assessment import services
from partnership.self_assessment.models import (
    AssessmentAnswer,
    AssessmentReturn,
    AssessmentRound,
    AssessmentStatus,
    ModerationSession,
    RoundStatus,
    StandardSet,
    StandardsKind,
)

SCHOOL_ACCOUNT = "school@demo.example"
SCHOOL_OF_ACCOUNT = "Ashcombe Primary School"
FIRE = "Wessexshire and Merrow Fire and Rescue Service"

# Evidence an agency might give, per standard position (fictional, no one identifiable).
EVIDENCE = [
    "Board-level lead named in the annual safeguarding report; safeguarding is a standing "
    "item at the executive team.",
    "Accountability set out in the safeguarding policy and in contract schedules for "
    "commissioned services.",
    "Feedback forms and a young people's panel; two service changes this year came from it.",
    "Freedom to speak up guardian; policy refreshed and covered in induction.",
    "Single central record audited quarterly; all posts eligible for enhanced checks are "
    "checked.",
    "Training compliance at 91% against the partnership's training pathway; designated lead "
    "has protected time.",
    "Information sharing agreement signed; guidance on the intranet; audit of referrals.",
    "Monthly safeguarding supervision for frontline staff; escalation policy used twice.",
    "Curriculum map shows safeguarding themes in each year group.",
]


def _wscp() -> Partnership | None:
    return db.session.scalar(sa.select(Partnership).where(Partnership.slug == "wscp"))


def _scale(partnership: Partnership) -> GradeScale:
    return starter_scales(partnership)[SELF_ASSESSMENT_SCALE]


def _answer_rows(returns: list[AssessmentReturn], standards: list, grades: list,
                 rng: random.Random, *, complete: bool) -> list[dict]:
    """Answers for these returns: every standard (complete) or most of them, mostly met."""
    rows = []
    for assessment_return in returns:
        for index, standard in enumerate(standards):
            if not complete and rng.random() < 0.3:
                continue
            grade = grades[0] if rng.random() < 0.7 else grades[1 if rng.random() < 0.8 else 2]
            rows.append({"return_id": assessment_return.id, "standard_id": standard.id,
                         "grade_id": grade.id, "evidence": EVIDENCE[index % len(EVIDENCE)],
                         "version": 1})
    return rows


def _gap_actions(partnership: Partnership, round_: AssessmentRound, due: dt.date) -> int:
    """An action for every gap in the round's submitted and moderated returns."""
    rows = db.session.execute(
        sa.select(AssessmentAnswer.id, AssessmentReturn.agency_id,
                  AssessmentReturn.establishment_id, AssessmentAnswer.standard_id)
        .join(AssessmentReturn, AssessmentAnswer.return_id == AssessmentReturn.id)
        .join(Grade, AssessmentAnswer.grade_id == Grade.id)
        .where(AssessmentReturn.round_id == round_.id, Grade.is_gap.is_(True),
               AssessmentReturn.status.in_([AssessmentStatus.SUBMITTED,
                                            AssessmentStatus.MODERATED]))).all()
    group_of = {row.id: row.agency_id for row in db.session.execute(
        sa.select(Establishment.id, Establishment.agency_id))}
    titles = {s.id: s.title for s in round_.standard_set.standards}
    year = reporting_year(due, partnership.year_start_month)
    actions = [{
        "partnership_id": partnership.id, "year": year,
        "title": f"Close the gap: {titles[row.standard_id].lower()}"[:300],
        "detail": "From the organisation's self-assessment action plan.",
        "assessment_answer_id": row.id,
        "lead_agency_id": row.agency_id or group_of.get(row.establishment_id),
        "target_date": due + dt.timedelta(days=120), "status": Status.IN_PROGRESS,
        "source_note": "", "outcome": "", "impact": "", "version": 1, "created_at": utcnow(),
    } for row in rows]
    if actions:
        db.session.execute(sa.insert(Action), actions)
    return len(actions)


def _set_status(returns: list[AssessmentReturn], status: AssessmentStatus,
                submitted: dt.datetime | None = None) -> None:
    if not returns:
        return
    db.session.execute(sa.update(AssessmentReturn).where(
        AssessmentReturn.id.in_([r.id for r in returns])).values(
        status=status, submitted_at=submitted).execution_options(synchronize_session=False))


def _closed_round(partnership: Partnership, title: str, standard_set: StandardSet,
                  agency_ids: list[int], grades: list[Grade], due: dt.date,
                  rng: random.Random) -> tuple[AssessmentRound, list[AssessmentReturn]]:
    """A round of these agencies due on ``due``: every return answered in full, agreed at a
    peer challenge session a month later, moderated, and the round closed."""
    closed = services.create_round(partnership, {
        "title": title, "standard_set": standard_set,
        "opens_on": due - dt.timedelta(days=60), "due_on": due,
        "moderation_by": due + dt.timedelta(days=45)})
    services.add_organisations(closed, agency_ids=agency_ids)
    returns = _returns(closed)
    db.session.execute(sa.insert(AssessmentAnswer),
                       _answer_rows(returns, list(standard_set.standards), grades, rng,
                                    complete=True))
    session = ModerationSession(round=closed, held_on=due + dt.timedelta(days=30),
                                title="Peer challenge sessions: all agencies",
                                notes="Agencies challenged each other's grades in pairs.")
    db.session.add(session)
    db.session.flush()
    db.session.execute(sa.update(AssessmentAnswer).where(
        AssessmentAnswer.return_id.in_([r.id for r in returns])).values(
        agreed_grade_id=AssessmentAnswer.grade_id, session_id=session.id)
        .execution_options(synchronize_session=False))
    _set_status(returns, AssessmentStatus.MODERATED,
                dt.datetime.combine(due - dt.timedelta(days=3), dt.time(12), tzinfo=dt.UTC))
    closed.status = RoundStatus.CLOSED
    return closed, returns


def _returns(round_: AssessmentRound) -> list[AssessmentReturn]:
    return list(db.session.scalars(sa.select(AssessmentReturn).where(
        AssessmentReturn.round_id == round_.id).order_by(AssessmentReturn.id)))


def load_demo_self_assessment(today: dt.date | None) -> dict[str, int]:
    """Add the county's Section 11 rounds (last year's closed, this year's open) and its
    schools round; return what was added, by name."""
    day = today or clock.today()
    county = _wscp()
    if county is None:
        return {}
    rng = random.Random(11)  # noqa: S311 - demo data, not security
    scale = _scale(county)
    grades = list(scale.grades)
    section_11 = services.starter_set(county, StandardsKind.SECTION_11, scale)
    schools_set = services.starter_set(county, StandardsKind.SCHOOLS, scale)
    standards = list(section_11.standards)
    agencies = [a.id for a in db.session.scalars(
        sa.select(Agency).where(Agency.partnership_id == county.id, Agency.is_group.is_(False),
                                Agency.active_to.is_(None)).order_by(Agency.name))][:20]
    fire = db.session.scalar(sa.select(Agency.id).where(Agency.partnership_id == county.id,
                                                        Agency.name == FIRE))
    if fire is not None and fire not in agencies:
        agencies[-1] = fire

    # Last year's round: closed, every return submitted and moderated.
    last_due = day - dt.timedelta(days=365 - 30)
    last, last_returns = _closed_round(
        county, f"Section 11 self-assessment {last_due.year - 1} to {last_due.year}",
        section_11, agencies, grades, last_due, rng)
    actions = _gap_actions(county, last, last_due)

    # This year's round: open, carried forward from last year's.
    due = day + dt.timedelta(days=21)
    current = services.create_round(county, {
        "title": f"Section 11 self-assessment {due.year - 1} to {due.year}"
        if due.month < 9 else f"Section 11 self-assessment {due.year} to {due.year + 1}",
        "standard_set": section_11, "opens_on": day - dt.timedelta(days=40), "due_on": due,
        "moderation_by": due + dt.timedelta(days=45), "previous": last})
    services.add_organisations(current, agency_ids=agencies)
    current.status = RoundStatus.OPEN
    returns = _returns(current)
    fire_return = [r for r in returns if r.agency_id == fire]
    others = [r for r in returns if r.agency_id != fire]
    submitted, in_progress, untouched = others[:8], others[8:14], others[14:]
    _set_status(fire_return + in_progress, AssessmentStatus.IN_PROGRESS)
    _set_status(submitted, AssessmentStatus.SUBMITTED,
                dt.datetime.combine(day - dt.timedelta(days=5), dt.time(10), tzinfo=dt.UTC))
    # Those in progress have updated some evidence; the submitted ones have checked it all.
    edited = [r.id for r in submitted + in_progress[:3]]
    db.session.execute(sa.update(AssessmentAnswer).where(
        AssessmentAnswer.return_id.in_(edited), AssessmentAnswer.standard_id ==
        standards[5].id).values(evidence="Training compliance now 94%; a refresher for "
                                          "managers started this term.")
        .execution_options(synchronize_session=False))
    db.session.execute(sa.update(AssessmentReturn).where(
        AssessmentReturn.id.in_([r.id for r in untouched])).values(
        last_chased_on=day - dt.timedelta(days=7), chase_count=1)
        .execution_options(synchronize_session=False))
    session = ModerationSession(round=current, held_on=day - dt.timedelta(days=2),
                                title="Early peer challenge: first returns",
                                notes="The first returns challenged by two agencies each.")
    db.session.add(session)
    db.session.flush()
    db.session.expire_all()
    if submitted:
        first = submitted[0]
        db.session.execute(sa.update(AssessmentAnswer).where(
            AssessmentAnswer.return_id == first.id).values(
            agreed_grade_id=AssessmentAnswer.grade_id, session_id=session.id,
            moderation_note="Agreed: the evidence supports the grade.")
            .execution_options(synchronize_session=False))
        _set_status([first], AssessmentStatus.MODERATED,
                    dt.datetime.combine(day - dt.timedelta(days=5), dt.time(10),
                                        tzinfo=dt.UTC))
    actions += _gap_actions(county, current, due)

    # The schools round: the county's schools and settings, open.
    schools = [e for e in db.session.scalars(sa.select(Establishment.id).where(
        Establishment.partnership_id == county.id).order_by(Establishment.name))]
    school_round = services.create_round(county, {
        "title": f"Schools safeguarding audit (s.175 and s.157) {day.year}",
        "standard_set": schools_set, "opens_on": day - dt.timedelta(days=30),
        "due_on": day + dt.timedelta(days=35), "moderation_by": day + dt.timedelta(days=80)})
    services.add_organisations(school_round, establishment_ids=schools)
    school_round.status = RoundStatus.OPEN
    school_returns = _returns(school_round)
    done, started = school_returns[: len(school_returns) // 3], \
        school_returns[len(school_returns) // 3: len(school_returns) // 2]
    school_standards = list(schools_set.standards)
    db.session.execute(sa.insert(AssessmentAnswer),
                       _answer_rows(done, school_standards, grades, rng, complete=True)
                       + _answer_rows(started, school_standards, grades, rng, complete=False))
    _set_status(done, AssessmentStatus.SUBMITTED,
                dt.datetime.combine(day - dt.timedelta(days=3), dt.time(9), tzinfo=dt.UTC))
    _set_status(started, AssessmentStatus.IN_PROGRESS)
    actions += _gap_actions(county, school_round, school_round.due_on or day)
    linked = _school_person(county)
    db.session.flush()
    db.session.expire_all()
    return {"people": linked, "linked accounts": linked,
            "standards sets": 2, "self-assessment rounds": 3,
            "self-assessment returns": len(last_returns) + len(returns) + len(school_returns),
            "self-assessment gap actions": actions}


def _school_person(county: Partnership) -> int:
    """Link the demo school account to a designated safeguarding lead at a county school,
    whose school has not yet returned; say whether a person was added (1 or 0)."""
    user = db.session.scalar(sa.select(User).where(User.email == SCHOOL_ACCOUNT))
    school = db.session.scalar(sa.select(Establishment).where(
        Establishment.partnership_id == county.id, Establishment.name == SCHOOL_OF_ACCOUNT))
    if user is None or school is None:
        return 0
    if db.session.scalar(sa.select(Person.id).where(Person.user_id == user.id)) is not None:
        return 0
    db.session.add(Person(name=user.name, job_title="Designated safeguarding lead",
                          establishment=school, email=user.email, user_id=user.id))
    db.session.execute(sa.update(AssessmentReturn).where(
        AssessmentReturn.establishment_id == school.id).values(
        status=AssessmentStatus.NOT_STARTED, submitted_at=None)
        .execution_options(synchronize_session=False))
    db.session.execute(sa.delete(AssessmentAnswer).where(AssessmentAnswer.return_id.in_(
        sa.select(AssessmentReturn.id).where(AssessmentReturn.establishment_id == school.id))))
    return 1


ORGANISATIONS = 300  # the synthetic partnership's agencies, and schools to make up the rest
PHASES = ["Primary", "Secondary", "Nursery", "All-through", "16 plus", "Not applicable"]


def load_synthetic_self_assessment(scale: int, today: dt.date | None) -> dict[str, int]:
    """Add the benchmark's round: every agency of the first synthetic partnership and enough
    schools to make 300 organisations, with mixed statuses and answers, in bulk."""
    day = today or clock.today()
    partnership = db.session.scalar(sa.select(Partnership).where(
        Partnership.slug == "synthetic-1"))
    if partnership is None or scale < 1:
        return {}
    rng = random.Random(300)  # noqa: S311 - synthetic data, not security
    have = db.session.scalar(sa.select(sa.func.count(Agency.id)).where(
        Agency.partnership_id == partnership.id, Agency.is_group.is_(False))) or 0
    group = Agency(partnership=partnership, name="Synthetic schools and settings",
                   sector=Sector.EDUCATION, is_group=True)
    db.session.add(group)
    db.session.flush()
    db.session.execute(sa.insert(Establishment), [
        {"partnership_id": partnership.id, "urn": str(990000 + i),
         "name": f"Synthetic School {i:03d}", "phase": PHASES[i % len(PHASES)],
         "kind": "Community school", "local_authority": "Synthetic Area 1",
         "agency_id": group.id, "version": 1}
        for i in range(1, ORGANISATIONS - have + 1)])
    agencies = list(db.session.scalars(sa.select(Agency.id).where(
        Agency.partnership_id == partnership.id, Agency.is_group.is_(False))
        .order_by(Agency.id)))
    schools = list(db.session.scalars(sa.select(Establishment.id).where(
        Establishment.partnership_id == partnership.id).order_by(Establishment.id)))
    people = [{"name": f"Synthetic Safeguarding Lead {i:03d}", "job_title": "Safeguarding lead",
               "email": f"lead{i:03d}@synthetic.example", "establishment_id": school,
               "organisation": "", "phone": "", "version": 1}
              for i, school in enumerate(schools, start=1)]
    db.session.execute(sa.insert(Person), people)
    scale_ = _scale(partnership)
    grades = list(scale_.grades)
    standard_set = services.starter_set(partnership, StandardsKind.SECTION_11, scale_)
    standards = list(standard_set.standards)
    round_ = services.create_round(partnership, {
        "title": "Synthetic Section 11 round (300 organisations)", "standard_set": standard_set,
        "opens_on": day - dt.timedelta(days=60), "due_on": day - dt.timedelta(days=3),
        "moderation_by": day + dt.timedelta(days=40)})
    services.add_organisations(round_, agency_ids=agencies, establishment_ids=schools)
    round_.status = RoundStatus.OPEN
    returns = _returns(round_)
    rng.shuffle(returns)
    n = len(returns)
    submitted = returns[: n * 45 // 100]
    moderated = returns[n * 45 // 100: n * 55 // 100]
    started = returns[n * 55 // 100: n * 75 // 100]
    chased = returns[n * 75 // 100: n * 90 // 100]
    db.session.execute(sa.insert(AssessmentAnswer),
                       _answer_rows(submitted + moderated, standards, grades, rng,
                                    complete=True)
                       + _answer_rows(started, standards, grades, rng, complete=False))
    stamp = dt.datetime.combine(day - dt.timedelta(days=5), dt.time(11), tzinfo=dt.UTC)
    _set_status(submitted, AssessmentStatus.SUBMITTED, stamp)
    _set_status(moderated, AssessmentStatus.MODERATED, stamp)
    _set_status(started, AssessmentStatus.IN_PROGRESS)
    db.session.execute(sa.update(AssessmentAnswer).where(
        AssessmentAnswer.return_id.in_([r.id for r in moderated])).values(
        agreed_grade_id=AssessmentAnswer.grade_id).execution_options(synchronize_session=False))
    db.session.execute(sa.update(AssessmentReturn).where(
        AssessmentReturn.id.in_([r.id for r in chased])).values(
        last_chased_on=day - dt.timedelta(days=10), chase_count=2)
        .execution_options(synchronize_session=False))
    db.session.add(ModerationSession(round=round_, held_on=day - dt.timedelta(days=1),
                                     title="Synthetic moderation session"))
    actions = _gap_actions(partnership, round_, day)
    earlier, earlier_actions = _synthetic_last_round(partnership, standard_set, agencies,
                                                     grades, day)
    db.session.flush()
    db.session.expire_all()
    return {"synthetic self-assessment returns": n + earlier,
            "synthetic self-assessment gap actions": actions + earlier_actions}


def _synthetic_last_round(partnership: Partnership, standard_set: StandardSet,
                          agency_ids: list[int], grades: list[Grade],
                          today: dt.date) -> tuple[int, int]:
    """The synthetic partnership's round of its last complete year (its own agencies, due
    eight months into the year, every return moderated, then closed), made after the round
    of 300 so that round stays its first; return its returns and gap actions."""
    rng = random.Random(301)  # noqa: S311 - synthetic data, not security
    first, _last = last_complete_year(partnership, today)
    due = first + dt.timedelta(days=240)
    last_round, returns = _closed_round(
        partnership,
        f"Synthetic Section 11 round {reporting_year(due, partnership.year_start_month)}",
        standard_set, agency_ids, grades, due, rng)
    return len(returns), _gap_actions(partnership, last_round, due)

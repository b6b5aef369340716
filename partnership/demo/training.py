"""The demo's multi-agency training: the county's programme of ten courses tied to its plan
priorities, run over the last two complete reporting years and the current one, with
attendance by agency and role (schools and early years among them), learners' evaluations
showing confidence rising, follow-ups months later with examples of changed practice (never
a child's name), and the places each agency was expected to take, some of them missed. The
Isle of Merrow runs a smaller programme and asks no manager to confirm changes.

Everything is dated relative to the demo's today, and the same every load (a seeded random).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import sqlalchemy as sa

from partnership import clock
from partnership.demo.actions import Directory
from partnership.extensions import db
from partnership.kernel.dates import reporting_year, year_span
from partnership.kernel.identifiers import identifier_problems
from partnership.plans.models import Objective, Part, Plan
from partnership.register.models import Agency, Partnership
from partnership.training.models import (
    Course,
    CourseLevel,
    Evaluation,
    FollowUp,
    PracticeChange,
    SessionAttendance,
    SessionFormat,
    TrainingSession,
    TrainingSettings,
    UptakeTarget,
)
from partnership.training.services.programme import add_months

L = CourseLevel
F = SessionFormat


@dataclass(frozen=True)
class CourseSpec:
    """A course of the demo programme and how it runs."""

    slug: str
    title: str
    topic: str
    level: CourseLevel
    objective: str | None  # words in the priority's title
    audience: str
    description: str
    per_year: int  # sessions a year
    places: int
    format: SessionFormat
    trainer: str
    venue: str
    learners: tuple[str, ...]  # agency keys whose staff come, most often first
    examples: tuple[str, ...]  # what attendees said they now do differently


# Roles by agency key: who each agency sends.
ROLES: dict[str, tuple[str, ...]] = {
    "cf": ("Social worker", "Family support worker", "Team manager"),
    "ei": ("Education welfare officer", "Inclusion officer"),
    "ph": ("School nurse", "Health visitor"),
    "wchmt": ("Health visitor", "CAMHS practitioner", "School nurse"),
    "nwh": ("Paediatric nurse", "Emergency department nurse"),
    "suh": ("Midwife", "Paediatric nurse"),
    "gp": ("GP", "Practice nurse"),
    "primary": ("Designated safeguarding lead", "Class teacher"),
    "secondary": ("Designated safeguarding lead", "Pastoral lead"),
    "early-years": ("Nursery manager", "Childminder"),
    "fe": ("Safeguarding officer", "Student support worker"),
    "police": ("Response officer", "Public protection detective"),
    "yjs": ("Youth justice officer",),
    "probation": ("Probation officer",),
    "fire": ("Community safety officer", "Firefighter"),
    "housing": ("Housing officer",),
    "domestic-abuse": ("Independent domestic violence adviser",),
    "vcs": ("Youth worker", "Volunteer coordinator"),
    "iom-cs": ("Social worker", "Family support worker"),
    "iom-trust": ("Midwife", "Health visitor"),
    "iom-schools": ("Designated safeguarding lead", "Class teacher"),
    "iom-ey": ("Nursery manager",),
    "iom-police": ("Response officer",),
    "iom-vcs": ("Youth worker",),
}

COUNTY = (
    CourseSpec(
        "wscp", "Recognising and responding to neglect", "Neglect", L.CORE, "neglect",
        "Practitioners in every agency who work with children and families",
        "Using the county's neglect assessment tool, the signs of cumulative harm, and when "
        "and how to escalate a concern that is not improving.",
        4, 30, F.IN_PERSON, "Dr Helen Marsh, Wessexshire Safeguarding Children Partnership",
        "Allchester Conference Centre",
        ("cf", "primary", "early-years", "wchmt", "secondary", "gp", "housing", "police"),
        ("I now use the neglect tool with the family at the first visit instead of waiting for "
         "a second concern, and share the scores with the school.",
         "We added a question about home conditions to our nursery's daily check-in and "
         "escalated two concerns to early help sooner than we would have done.",
         "I chronologise small concerns now, so the pattern is visible when I refer.")),
    CourseSpec(
        "wscp", "Neglect for managers and supervisors", "Neglect", L.ADVANCED, "neglect",
        "Team managers and supervisors in children's services, health and education",
        "Supervising work with neglect: drift, professional optimism and the step-down "
        "decision.", 2, 20, F.ONLINE, "Wessexshire Safeguarding Children Partnership team", "",
        ("cf", "wchmt", "secondary", "ei"),
        ("Supervision now includes a review of how long each neglect case has stayed at the "
         "same level.",)),
    CourseSpec(
        "wscp", "Child exploitation: spotting the signs", "Child exploitation", L.INTRODUCTORY,
        "exploitation", "Anyone who works with adolescents, including transport and leisure staff",
        "Criminal and sexual exploitation, county lines, and the partnership's exploitation "
        "screening tool.", 4, 40, F.ONLINE, "Wessexshire Police and the Youth Justice Service",
        "", ("secondary", "police", "fe", "yjs", "vcs", "housing", "fire", "cf"),
        ("I completed the exploitation screening tool for a young person who kept going "
         "missing from college, which led to a strategy discussion.",
         "Our youth club staff now record missing episodes and share them with the "
         "exploitation hub.",
         "I speak to the young person as a victim first when we find them with drugs.")),
    CourseSpec(
        "wscp", "Contextual safeguarding in practice", "Child exploitation", L.ADVANCED,
        "exploitation", "Social workers, youth justice officers and police investigators",
        "Assessing risk outside the home: places, peer groups and online spaces.", 2, 24,
        F.IN_PERSON, "University of Saltmouth, Centre for Safeguarding", "Saltmouth Civic Hall",
        ("cf", "yjs", "police", "secondary"),
        ("We mapped the locations a peer group used and asked the district council to change "
         "the lighting and patrols there.",)),
    CourseSpec(
        "wscp", "Learning from local child safeguarding practice reviews", "Learning from reviews",
        L.CORE, "learning", "Frontline practitioners and their managers in every agency",
        "What the partnership's recent reviews found, told through the practice episodes, and "
        "what each agency has changed.", 3, 50, F.ONLINE,
        "Chair of the Learning and Inquiry Group", "",
        ("cf", "police", "wchmt", "nwh", "primary", "secondary", "gp", "early-years", "suh"),
        ("I now ask who else lives in or visits the home at every contact, as the review "
         "recommended.",
         "Our ward checks the child protection information system for every under-two "
         "presenting with an injury.")),
    CourseSpec(
        "wscp", "Professional curiosity and respectful challenge", "Learning from reviews",
        L.CORE, "learning", "Practitioners in every agency",
        "Asking the next question, challenging other professionals, and using the escalation "
        "policy.", 3, 30, F.IN_PERSON, "Wessexshire Safeguarding Children Partnership team",
        "Allchester Conference Centre",
        ("primary", "cf", "wchmt", "police", "early-years", "housing", "fire", "vcs"),
        ("I used the escalation policy for the first time when a referral was closed without "
         "a visit, and the decision was reviewed.",
         "I now check what I have been told with another agency before recording it as "
         "fact.")),
    CourseSpec(
        "wscp", "Children living with domestic abuse", "Domestic abuse", L.CORE,
        "domestic abuse", "Practitioners in every agency",
        "The child as a victim in their own right, the risk assessment checklist, and "
        "Operation Encompass notifications to schools.", 3, 35, F.ONLINE,
        "Commissioned domestic abuse service", "",
        ("primary", "secondary", "police", "cf", "wchmt", "domestic-abuse", "housing", "suh"),
        ("When we receive an Encompass notification, the designated lead now checks in with "
         "the child the same morning.",
         "I ask about the children in every domestic abuse risk assessment and record what "
         "they saw and heard.")),
    CourseSpec(
        "wscp", "Safe and Together: working with the non-abusing parent", "Domestic abuse",
        L.ADVANCED, "domestic abuse", "Social workers and family support workers",
        "Partnering with the survivor and holding the perpetrator to account.", 1, 20,
        F.IN_PERSON, "Safe and Together Institute accredited trainer", "Merrow Road Centre",
        ("cf", "domestic-abuse", "probation"),
        ("Our plans now name the perpetrator's behaviour and what is expected of him, rather "
         "than asking the mother to protect the children alone.",)),
    CourseSpec(
        "wscp", "Hearing the child's voice", "Voice of the child", L.INTRODUCTORY, "voices",
        "Practitioners new to working with children",
        "Tools for capturing what a child thinks and feels, for pre-verbal and disabled "
        "children too.", 3, 30, F.E_LEARNING, "Wessexshire Safeguarding Children Partnership team",
        "", ("early-years", "primary", "cf", "wchmt", "gp", "vcs", "fire"),
        ("I use the three houses tool with children before their review meetings and bring "
         "their drawings.",
         "Our GP practice records what the child said, in their words, in the consultation "
         "notes.")),
    CourseSpec(
        "wscp", "Safeguarding for designated leads in schools", "Education", L.CORE, None,
        "Designated safeguarding leads and deputies in schools, colleges and early years",
        "The partnership's threshold document, referrals, and working with children's social "
        "care.", 2, 60, F.IN_PERSON, "Education Safeguarding Team, Wessexshire County Council",
        "Allchester Teachers' Centre", ("primary", "secondary", "fe", "early-years", "ei"),
        ("Our referrals now say what we have already tried and what the child told us.",
         "We review our open concerns every half term against the threshold document.")),
)

ISLAND = (
    CourseSpec(
        "imscp", "Island safeguarding essentials", "Multi-agency safeguarding", L.INTRODUCTORY,
        None, "Practitioners and volunteers on the island",
        "Recognising abuse and neglect, and how to refer on the island.", 2, 25, F.IN_PERSON,
        "Isle of Merrow Safeguarding Children Partnership", "Merrow Town Hall",
        ("iom-schools", "iom-cs", "iom-vcs", "iom-ey", "iom-trust", "iom-police"),
        ("I now phone the island's front door before the end of the day rather than emailing "
         "a concern.",)),
    CourseSpec(
        "imscp", "Neglect on the island", "Neglect", L.CORE, None,
        "Practitioners in every agency on the island",
        "Neglect in rural and isolated families, and the island's neglect tool.", 1, 20,
        F.ONLINE, "Isle of Merrow Council, Children's Services", "",
        ("iom-cs", "iom-schools", "iom-trust", "iom-ey"),
        ("We started home visits for families who missed two health appointments in a row.",)),
)

# Expected places per reporting year (agency key -> places); some agencies fall short.
EXPECTED = {"cf": 90, "primary": 70, "secondary": 60, "early-years": 40, "wchmt": 45,
            "police": 50, "gp": 30, "nwh": 15, "suh": 15, "fe": 15, "housing": 15, "fire": 10,
            "vcs": 15, "domestic-abuse": 10, "yjs": 10, "ei": 10, "iom-cs": 20,
            "iom-schools": 20, "iom-trust": 10, "iom-ey": 8}
# How much of its expected places each agency's staff tend to take up.
KEENNESS = {"gp": 0.45, "secondary": 0.65, "police": 0.75, "nwh": 0.6, "fire": 1.2,
            "early-years": 1.1, "domestic-abuse": 1.2, "iom-trust": 0.5}

COMMENTS = (
    "The case studies made it real.", "More time for the group discussion, please.",
    "I will use the tool next week.", "Hearing from the police officer helped me understand "
    "their side.", "Too much to fit into one morning.", "Clear and practical.",
    "Would like a follow-up session on the escalation policy.", "",
)


def _checked(text: str) -> str:
    """Refuse demo text the forms would refuse: a demo must never hold an identifier."""
    if identifier_problems(text):
        raise ValueError(f"demo training text would be refused: {text}")
    return text


def _objective(plan: Plan | None, words: str | None) -> Objective | None:
    if plan is None or words is None:
        return None
    return next((o for o in plan.objectives
                 if o.part is Part.STRATEGIC and words in o.title.lower()), None)


def _dates(first: dt.date, last: dt.date, count: int, rng: random.Random) -> list[dt.date]:
    """``count`` weekdays spread through the span, avoiding August."""
    span = (last - first).days
    days = []
    for n in range(count):
        day = first + dt.timedelta(days=int(span * (n + 0.5) / count) + rng.randint(-12, 12))
        day = min(max(day, first), last)
        if day.month == 8:
            day += dt.timedelta(days=31)
        while day.weekday() >= 5:
            day += dt.timedelta(days=1)
        days.append(day)
    return days


def _partnership_programme(partnership: Partnership, specs: tuple[CourseSpec, ...],
                           agencies: dict[str, Agency], plan: Plan | None, day: dt.date,
                           rng: random.Random, months: int) -> dict[str, int]:
    month = partnership.year_start_month
    current = reporting_year(day, month)
    years = [current - 2, current - 1, current]
    courses = [Course(partnership=partnership, title=spec.title, topic=spec.topic,
                      level=spec.level, objective=_objective(plan, spec.objective),
                      audience=spec.audience, description=_checked(spec.description))
               for spec in specs]
    db.session.add_all(courses)
    sessions: list[tuple[TrainingSession, CourseSpec]] = []
    for course, spec in zip(courses, specs, strict=True):
        for year in years:
            first, last = year_span(year, month)
            if year == current:  # the current year's programme runs on beyond today
                last = min(last, day + dt.timedelta(days=150))
            for starts_on in _dates(first, last, spec.per_year, rng):
                session = TrainingSession(
                    course=course, starts_on=starts_on, trainer=spec.trainer, format=spec.format,
                    venue=spec.venue, places=spec.places,
                    cancelled=rng.random() < 0.04 and starts_on < day)
                sessions.append((session, spec))
    db.session.add_all([s for s, _ in sessions])
    db.session.flush()
    lines: list[dict[str, object]] = []
    evaluations: list[dict[str, object]] = []
    answers: list[dict[str, object]] = []
    for session, spec in sessions:
        if session.cancelled:
            continue
        held = session.starts_on <= day
        booked_total = int(session.places * rng.uniform(0.7, 1.0))
        # later years fill better: the programme grows
        booked_total = int(booked_total * (0.85 + 0.08 * (reporting_year(session.starts_on,
                                                                           month) - years[0])))
        weights = [KEENNESS.get(key, 1.0) * (len(spec.learners) - n)
                   for n, key in enumerate(spec.learners)]
        share: dict[tuple[str, str], int] = {}
        for _ in range(max(booked_total, 1)):
            key = rng.choices(spec.learners, weights)[0]
            role = rng.choice(ROLES[key])
            share[(key, role)] = share.get((key, role), 0) + 1
        attended_here: list[tuple[str, str, int]] = []
        for (key, role), booked in sorted(share.items()):
            came = sum(rng.random() < 0.88 for _ in range(booked)) if held else 0
            lines.append({"session_id": session.id, "agency_id": agencies[key].id,
                          "role": role, "booked": booked, "attended": came, "version": 1})
            if came:
                attended_here.append((key, role, came))
        if not held:
            continue
        attended = sum(n for _, _, n in attended_here)
        for _ in range(int(attended * rng.uniform(0.55, 0.8))):
            before = rng.choices((1, 2, 3, 4), (2, 5, 4, 1))[0]
            after = min(5, before + rng.choices((0, 1, 2), (2, 6, 3))[0])
            evaluations.append({
                "session_id": session.id, "confidence_before": before,
                "confidence_after": after, "usefulness": rng.choices((3, 4, 5), (1, 4, 4))[0],
                "comment": _checked(rng.choice(COMMENTS))})
        due = add_months(session.starts_on, months)
        if due > day:
            continue
        for key, role, came in attended_here:
            for _ in range(sum(rng.random() < 0.35 for _ in range(came))):
                answered = min(due + dt.timedelta(days=rng.randint(0, 40)), day)
                changed = rng.choices(list(PracticeChange), (5, 3, 2))[0]
                answers.append({
                    "session_id": session.id, "agency_id": agencies[key].id, "role": role,
                    "practice_changed": changed,
                    "example": "" if changed is PracticeChange.NO
                    else _checked(rng.choice(spec.examples)),
                    "answered_on": answered, "version": 1,
                    "manager_confirmed": changed is not PracticeChange.NO
                    and rng.random() < 0.6})
    for table, rows in ((SessionAttendance, lines), (Evaluation, evaluations),
                        (FollowUp, answers)):
        if rows:
            db.session.execute(sa.insert(table), rows)
    for year in years:
        for key, expected in EXPECTED.items():
            if key in agencies and agencies[key].partnership_id == partnership.id:
                db.session.add(UptakeTarget(agency=agencies[key], year=year, expected=expected))
    return {"courses": len(courses), "sessions": len(sessions), "lines": len(lines),
            "evaluations": len(evaluations), "follow-ups": len(answers)}


def load_demo_training(today: dt.date | None) -> dict[str, int]:
    """Add the demo partnerships' training programmes; return the counts."""
    day = today or clock.today()
    d = Directory()
    rng = random.Random(16)  # noqa: S311 - demo figures
    totals: dict[str, int] = {}
    for slug, specs, months, confirm in (("wscp", COUNTY, 3, True), ("imscp", ISLAND, 6, False)):
        partnership = d.partnerships.get(slug)
        if partnership is None:
            continue
        db.session.add(TrainingSettings(partnership=partnership, follow_up_months=months,
                                        manager_confirmation=confirm))
        plan = db.session.scalar(sa.select(Plan).where(Plan.partnership_id == partnership.id)
                                 .order_by(Plan.first_year.desc()).limit(1))
        counts = _partnership_programme(partnership, specs, d.agencies, plan, day, rng, months)
        for name, number in counts.items():
            totals[f"training {name}"] = totals.get(f"training {name}", 0) + number
    db.session.flush()
    return totals


SYNTHETIC_COURSES_PER_SCALE = 4


def load_synthetic_training(scale: int, today: dt.date | None) -> dict[str, int]:
    """Give the first synthetic partnership a modest programme for the benchmark: four
    courses per unit of scale, a session a month each over three years, attendance from
    eight of its agencies, evaluations and follow-ups."""
    day = today or clock.today()
    partnership = db.session.scalar(sa.select(Partnership)
                                    .where(Partnership.slug == "synthetic-1"))
    if partnership is None:
        return {}
    agencies = list(db.session.scalars(sa.select(Agency).where(
        Agency.partnership_id == partnership.id, Agency.is_group.is_(False))
        .order_by(Agency.id).limit(8)))
    if not agencies:
        return {}
    rng = random.Random(scale)  # noqa: S311 - synthetic figures
    month = partnership.year_start_month
    first = year_span(reporting_year(day, month) - 2, month)[0]
    courses = [Course(partnership=partnership, title=f"Synthetic course {n}", topic="Synthetic",
                      level=L.CORE) for n in range(1, SYNTHETIC_COURSES_PER_SCALE * scale + 1)]
    db.session.add_all(courses)
    sessions = [TrainingSession(course=course, starts_on=add_months(first, n) + dt.timedelta(
                    days=rng.randint(0, 20)), trainer="Synthetic trainer",
                                format=F.ONLINE, places=30)
                for course in courses for n in range(36)]
    db.session.add_all(sessions)
    db.session.flush()
    lines, evaluations, answers = [], [], []
    for session in sessions:
        held = session.starts_on <= day
        for agency in agencies[:rng.randint(3, 8)]:
            came = rng.randint(1, 4) if held else 0
            lines.append({"session_id": session.id, "agency_id": agency.id, "role": "Practitioner",
                          "booked": 4, "attended": came, "version": 1})
            if held and rng.random() < 0.3:
                answers.append({"session_id": session.id, "agency_id": agency.id,
                                "role": "Practitioner", "practice_changed": PracticeChange.YES,
                                "example": "A synthetic change in practice.",
                                "answered_on": min(add_months(session.starts_on, 3), day),
                                "version": 1, "manager_confirmed": False})
        if held:
            evaluations.extend({"session_id": session.id, "confidence_before": 2,
                                "confidence_after": 4, "usefulness": 4, "comment": ""}
                               for _ in range(8))
    for table, rows in ((SessionAttendance, lines), (Evaluation, evaluations),
                        (FollowUp, answers)):
        db.session.execute(sa.insert(table), rows)
    for year in range(reporting_year(day, month) - 2, reporting_year(day, month) + 1):
        db.session.add_all(UptakeTarget(agency=agency, year=year, expected=60)
                           for agency in agencies)
    return {"synthetic training sessions": len(sessions),
            "synthetic training attendance lines": len(lines)}

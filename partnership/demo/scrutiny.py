"""The demo's independent scrutiny: Wessexshire's plan for this year and last year's.

The county's independent scrutineer (the demo scrutineer account, Martin Ellwood, who is
also its independent chair) plans each year with the partnership team under the five
functions. This year's plan has seven activities across all five: one answered by the
partnership, two with findings waiting for a response (one recommendation already an action,
one not), two under way (one drawing on what young people told the partnership), one
planned for later in the year, and an observation of the Learning and Inquiry Group that
found good practice and made no recommendations. Last year's plan is complete: every
activity reported and answered, its recommendations turned into actions that are done.

Every date is counted from the day the demo is loaded; an activity whose findings would fall
after that day is still under way (or planned), so the states shown are always possible.
The words are fictional. Each of the benchmark's synthetic partnerships has a plan for its
last complete year: three activities, all reported, two answered, with actions taken on
their recommendations.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import sqlalchemy as sa

from partnership import clock
from partnership.actions.models import Status
from partnership.case_audits.models import CaseAudit
from partnership.demo.actions import (
    DAY,
    Directory,
    add_action,
    add_followup,
    arising,
    last_complete_year,
    synthetic_partnerships,
)
from partnership.demo.case_audits import COMPLETED_TITLE
from partnership.extensions import db
from partnership.kernel.dates import reporting_year, year_span
from partnership.meetings.models import Meeting
from partnership.register.models import Agency, Body, BodyKind, Partnership
from partnership.scrutiny.models import (
    ActivityKind,
    ActivityStatus,
    ScrutinyActivity,
    ScrutinyFunction,
    ScrutinyPlan,
    ScrutinyRecommendation,
)
from partnership.voice.models import Engagement

SCRUTINY_SEED = 20261207
COUNTY = "wscp"
SCRUTINEER = "scrutineer@demo.example"
OWNING_BODY = "Executive Group"

F, K = ScrutinyFunction, ActivityKind


def beats(title: str, done: bool, body: str = OWNING_BODY) -> tuple[str, ...]:
    """The story of an action taken on a scrutineer's recommendation, in its own words."""
    what = title[:1].lower() + title[1:]
    going = (f"Agreed at the {body} in response to the scrutineer's findings: "
             f"{what}. Lead and timescale confirmed.",
             f"First draft of the work to {what} shared with the partners for comment.")
    return (*going, f"Completed and reported back to the scrutineer, who was satisfied that "
                    f"the work to {what} meets the recommendation.") if done else going


@dataclass(frozen=True)
class Recommended:
    """A recommendation and, if the partnership has acted on it, its action: (title, lead
    agency key, weeks to the target from the response, whether it has stalled)."""

    text: str
    action: tuple[str, str, tuple[int, int], bool] | None = None


@dataclass(frozen=True)
class ActivitySpec:
    """One activity: what, when (days before the demo's today; negative: to come), and how
    far it gets (``planned``, ``under_way``, ``reported`` or ``responded``)."""

    function: ScrutinyFunction
    kind: ActivityKind
    title: str
    scope: str
    method: str
    start: int
    days: int
    agencies: tuple[str, ...]
    reach: str
    findings: str = ""
    good_practice: str = ""
    recommendations: tuple[Recommended, ...] = ()
    response: str = ""
    case_audit: str | None = None
    meeting_of: str | None = None  # the body whose latest meeting in the window is observed
    engagements: tuple[str, ...] = field(default=())


THIS_YEAR_INTRODUCTION = """\
This plan sets out how I will test whether the safeguarding arrangements in Wessexshire are \
working for children and families this year. It follows the five functions of independent \
scrutiny in Working Together to Safeguard Children 2023, and gives most of its time to the \
partnership's two priorities: neglect of young children, and children who go missing and \
are at risk of exploitation.

I will report my findings to the Executive Group as each activity ends, and the partners \
will publish their response alongside them. Where I make recommendations, the partnership \
will track them as actions in the same way as the business plan."""

LAST_YEAR_INTRODUCTION = """\
The first year of the new arrangements. My scrutiny this year concentrates on whether the \
three partners are sharing leadership as Working Together 2023 expects, and on whether the \
multi-agency front door is as safe as the partnership believes it is."""

THIS_YEAR: tuple[ActivitySpec, ...] = (
    ActivitySpec(
        F.SUPPORT_AND_CHALLENGE, K.CONVERSATIONS,
        "Challenge sessions with the lead safeguarding partners",
        "Whether the three lead partners share decisions, money and accountability equally, "
        "a year after the new arrangements began.",
        "One-to-one conversations with each lead safeguarding partner and their delegate, "
        "followed by a joint session at the Executive Group.",
        200, 35, ("cf", "icb", "police"), "responded",
        findings="The three partners now meet as equals and the Executive Group's decisions "
                 "are clearly recorded. Disagreements about funding, however, are still "
                 "settled outside the meeting, and twice this year a decision waited for a "
                 "lead partner who could not attend.",
        good_practice="The delegates meet fortnightly and know each other's services well; "
                      "practitioners I spoke to could name who leads the partnership.",
        recommendations=(
            Recommended("Agree and publish how the three partners will resolve disagreements "
                        "about funding and priorities, before the next budget round.",
                        ("Publish the partners' statement on resolving disagreements about "
                         "funding", "cf", (6, 10), False)),
            Recommended("Give each lead partner a named deputy who can take decisions at the "
                        "Executive Group when they cannot attend.",
                        ("Name a deputy with delegated authority for each lead partner",
                         "police", (24, 30), False)),
        ),
        response="The partners accept both recommendations. A statement on resolving "
                 "disagreements will be agreed at the Executive Group and published with the "
                 "arrangements; each partner will confirm a deputy with delegated authority "
                 "by the end of the financial year.",
        meeting_of="Executive Group"),
    ActivitySpec(
        F.ASSURANCE, K.CASE_AUDIT,
        "Testing the neglect audit: are its findings borne out in practice?",
        "The multi-agency audit of neglect in children under five found that cumulative harm "
        "was recognised late. This activity tests whether that holds in cases the audit did "
        "not sample.",
        "Six further cases read with the audit's questions; conversations with the health "
        "visitors, early years practitioners and social workers involved.",
        150, 45, ("cf", "wchmt", "early-years", "police"), "reported",
        findings="The audit's finding holds: in four of the six cases, concerns were recorded "
                 "separately by each agency and nobody drew them together until a crisis. "
                 "Chronologies were started late or not at all.",
        good_practice="Where health visitors and early years practitioners met regularly, "
                      "concerns were shared within days and the neglect toolkit was used well.",
        recommendations=(
            Recommended("Make the neglect toolkit's chronology mandatory for any child open "
                        "to early help for more than six months.",
                        ("Make the neglect chronology mandatory in early help after six "
                         "months", "cf", (14, 22), False)),
            Recommended("Ask health visiting and early years settings to report jointly to "
                        "the Executive Group on how they share concerns about children under "
                        "two."),
        ),
        case_audit=COMPLETED_TITLE),
    ActivitySpec(
        F.ASSURANCE, K.DEEP_DIVE, "Deep dive: the front door and early help",
        "How contacts about children are screened at the front door, and whether families "
        "stepped down to early help get the help they were promised.",
        "Forty contacts tracked from first call to outcome; observation of the daily "
        "multi-agency meeting; interviews with early help leads.",
        40, 75, ("cf", "police", "wchmt", "ei"), "under_way"),
    ActivitySpec(
        F.DUTIES_AND_LEARNING, K.PRACTITIONER_SURVEY,
        "Is the learning from local reviews reaching practitioners?",
        "Whether practitioners know the learning from the last two local child safeguarding "
        "practice reviews, and have changed what they do.",
        "An online survey of practitioners in every relevant agency, followed by two focus "
        "groups.",
        120, 40, ("cf", "icb", "police", "education", "health"), "reported",
        findings="Four hundred and twelve practitioners answered. Most knew a review had taken "
                 "place; fewer than a third could name one thing it had asked them to do "
                 "differently. Learning reached managers but stopped there.",
        good_practice="Teams that had a seven-minute briefing in a team meeting remembered the "
                      "learning and could give examples of using it.",
        recommendations=(
            Recommended("Replace the quarterly learning bulletin with seven-minute briefings "
                        "that team managers use in team meetings, and ask agencies to report "
                        "how often they are used."),
        )),
    ActivitySpec(
        F.DUTIES_AND_LEARNING, K.MEETING_OBSERVATION, "Observing the Learning and Inquiry Group",
        "Whether the group's decisions on rapid reviews are timely, well evidenced and "
        "challenged.",
        "Observation of a meeting, and a reading of its papers and minutes.",
        95, 0, ("cf", "icb", "police"), "reported",
        findings="Decisions were made on time and on the evidence. Members challenged each "
                 "other's accounts of practice respectfully and the chair summarised each "
                 "decision before moving on.",
        good_practice="Every rapid review was presented with a single multi-agency "
                      "chronology, which kept the discussion on the child.",
        meeting_of="Learning and Inquiry Group"),
    ActivitySpec(
        F.VOICE, K.CONVERSATIONS,
        "What young people say about feeling safe in their neighbourhoods",
        "Whether the partnership's work on exploitation answers what young people told it "
        "about the places they feel unsafe.",
        "Conversations with young people through youth workers and the youth justice "
        "service, building on the partnership's own survey.",
        20, 60, ("police", "yjs", "vcs"), "under_way",
        engagements=("Young people's views on neighbourhood safety",
                     "Children's voice in child protection conferences")),
    ActivitySpec(
        F.CRITICAL_FRIEND, K.DOCUMENT_REVIEW, "Critical friend review of the draft yearly report",
        "Whether the yearly report shows the impact of the arrangements, not only the "
        "activity.",
        "A reading of the draft with the partnership team, and written comments before it "
        "goes to the partners for agreement.",
        -60, 30, (), "planned"),
)

LAST_YEAR: tuple[ActivitySpec, ...] = (
    ActivitySpec(
        F.SUPPORT_AND_CHALLENGE, K.CONVERSATIONS,
        "Challenge to the partners on the new arrangements",
        "Whether the partners have put in place the shared leadership Working Together 2023 "
        "expects.",
        "Conversations with each lead partner and a review of the draft arrangements.",
        0, 30, ("cf", "icb", "police"), "responded",
        findings="The arrangements were agreed on time, but the partnership's budget was "
                 "still set by the local authority alone.",
        good_practice="The partners wrote the arrangements together rather than delegating "
                      "them to the team.",
        recommendations=(
            Recommended("Agree a funding formula shared by the three partners.",
                        ("Agree a shared funding formula for the partnership", "cf",
                         (10, 16), False)),),
        response="Accepted. A funding formula was agreed at the Executive Group in the "
                 "autumn."),
    ActivitySpec(
        F.ASSURANCE, K.PEER_VISIT, "Peer visit: the multi-agency safeguarding hub",
        "Whether decisions at the front door are timely and shared between agencies.",
        "A two-day visit by the scrutineer and two peers from a neighbouring partnership.",
        -60, 10, ("cf", "police", "wchmt"), "responded",
        findings="Decisions were timely, but health information often arrived after the "
                 "strategy discussion had taken place.",
        good_practice="Police and social workers sat together and resolved disagreements on "
                      "the spot.",
        recommendations=(
            Recommended("Make sure a health practitioner joins every strategy discussion "
                        "held at the hub.",
                        ("Place a health practitioner in every hub strategy discussion",
                         "icb", (12, 20), False)),
            Recommended("Record the time each agency's information arrives, and report it "
                        "quarterly.",
                        ("Report the time each agency's information reaches the hub",
                         "police", (8, 14), False)),
        ),
        response="Accepted. The integrated care board funded a health practitioner post at "
                 "the hub from January, and the hub's quarterly report now shows response "
                 "times by agency."),
    ActivitySpec(
        F.DUTIES_AND_LEARNING, K.DOCUMENT_REVIEW,
        "Section 11 returns: checking the evidence behind the ratings",
        "Whether agencies' Section 11 self-assessment ratings are backed by evidence.",
        "A sample of twelve returns read against the evidence each agency gave.",
        -130, 30, ("ambulance", "fire", "probation", "housing"), "responded",
        findings="Half the returns rated standards as met without evidence; the moderation "
                 "sessions caught most, but not all, of them.",
        good_practice="Agencies that were challenged at moderation changed their ratings "
                      "without argument.",
        recommendations=(
            Recommended("Ask for evidence with every rating of 'met' in the next round.",
                        ("Require evidence for every 'met' rating in the Section 11 round",
                         "cf", (14, 24), False)),),
        response="Accepted for the next round."),
    ActivitySpec(
        F.VOICE, K.CONVERSATIONS, "Care leavers' experience of the move to adult services",
        "What care leavers say about the move from children's to adult services.",
        "Conversations with care leavers at the Children in Care Council.",
        -200, 30, ("cf", "ahc"), "responded",
        findings="Care leavers described the move to adult services as a cliff edge, and did "
                 "not recognise themselves in the partnership's plans.",
        good_practice="Personal advisers were trusted and kept in touch after the move.",
        recommendations=(
            Recommended("Make the move to adulthood a priority in the business plan.",
                        ("Add transition to adulthood to the business plan's priorities",
                         "ahc", (8, 12), False)),),
        response="Accepted; transition to adulthood is a priority in this year's plan.",
        engagements=("Care leavers' consultation on the business plan",)),
    ActivitySpec(
        F.CRITICAL_FRIEND, K.DOCUMENT_REVIEW, "Review of the draft yearly report",
        "Whether the yearly report is honest about what has not worked.",
        "Written comments on the draft.",
        -160, 14, (), "responded",
        findings="The draft was clear and well evidenced; it said less about what had not "
                 "gone to plan than about what had.",
        good_practice="The report used children's own words throughout.",
        response="The team added a section on the priorities that fell behind."),
)


def _engagements(county: Partnership) -> dict[str, Engagement]:
    return {e.title: e for e in db.session.scalars(
        sa.select(Engagement).where(Engagement.partnership_id == county.id))}


def _latest_meeting(d: Directory, body_name: str, first: dt.date,
                    last: dt.date) -> Meeting | None:
    body = d.bodies.get((COUNTY, body_name))
    if body is None or last < first:
        return None
    return db.session.scalars(
        sa.select(Meeting).where(Meeting.body_id == body.id, Meeting.held_on.between(first, last))
        .order_by(Meeting.held_on.desc())).first()


@dataclass
class Made:
    """What the loader added, counted."""

    plans: int = 0
    activities: int = 0
    recommendations: int = 0
    actions: int = 0


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


def _recommend(activity: ScrutinyActivity, spec: ActivitySpec,
               made: Made) -> list[tuple[ScrutinyRecommendation, Recommended]]:
    """Add the activity's numbered recommendations; return those the partnership has acted
    on, each with what it did."""
    acted_on = []
    for number, recommended in enumerate(spec.recommendations, start=1):
        recommendation = ScrutinyRecommendation(activity=activity, number=number,
                                                text=recommended.text)
        db.session.add(recommendation)
        made.recommendations += 1
        if recommended.action is not None:
            acted_on.append((recommendation, recommended))
    return acted_on


def _add_plan(d: Directory, county: Partnership, year: int, today: dt.date,
              specs: tuple[ActivitySpec, ...], introduction: str, anchor: dt.date,
              rng: random.Random, made: Made) -> None:
    """Add a year's plan; ``anchor`` is the day the ``start`` offsets count back from."""
    first, last = year_span(year, county.year_start_month)
    scrutineer = d.users.get(SCRUTINEER)
    plan = ScrutinyPlan(
        partnership=county, year=year, title=f"Independent scrutiny plan {year} to {year + 1}",
        introduction=introduction, agreed_on=min(first + 44 * DAY, today))
    db.session.add(plan)
    made.plans += 1
    engagements = _engagements(county)
    audits = {a.title: a for a in db.session.scalars(
        sa.select(CaseAudit).where(CaseAudit.partnership_id == county.id))}
    for spec in specs:
        start = min(max(anchor - spec.start * DAY, first), last)
        drawn_on = [engagements[t] for t in spec.engagements if t in engagements]
        if drawn_on:  # after what it draws on (within its plan's year: else it cannot)
            start = min(max(start, max(e.held_from for e in drawn_on) + 14 * DAY), last)
            drawn_on = [e for e in drawn_on if e.held_from <= start]
        meeting = None
        if spec.meeting_of and not spec.days:  # the observation is of the meeting itself
            meeting = _latest_meeting(d, spec.meeting_of, first, min(start, today - 30 * DAY))
            start = meeting.held_on if meeting is not None else start
        elif spec.meeting_of:  # a meeting held while it ran
            meeting = _latest_meeting(d, spec.meeting_of, start,
                                      min(start + spec.days * DAY, today - DAY))
        end = min(start + spec.days * DAY, last)
        reported_on = end + 10 * DAY
        responded_on = reported_on + 21 * DAY
        reach = spec.reach
        # Never a state the day cannot have reached.
        if reach == "responded" and responded_on >= today:
            reach = "reported"
        if reach == "reported" and reported_on >= today:
            reach = "under_way"
        if reach == "under_way" and start > today:
            reach = "planned"
        activity = ScrutinyActivity(
            plan=plan, function=spec.function, kind=spec.kind, title=spec.title,
            scope=spec.scope, method=spec.method, planned_start=start, planned_end=end,
            status=ActivityStatus(reach),
            agencies=[d.agencies[key] for key in spec.agencies],
            engagements=drawn_on, meeting=meeting,
            case_audit=audits.get(spec.case_audit) if spec.case_audit else None)
        db.session.add(activity)
        made.activities += 1
        if reach not in ("reported", "responded"):
            continue
        activity.findings, activity.good_practice = spec.findings, spec.good_practice
        activity.reported_on, activity.reported_by = reported_on, scrutineer
        activity.reported_at = _at(reported_on, 16)
        if reach == "responded":
            activity.response, activity.responded_by = spec.response, d.officer
            activity.responded_at = _at(responded_on, 11)
        for recommendation, recommended in _recommend(activity, spec, made):
            assert recommended.action is not None
            title, agency, weeks, stalled = recommended.action
            agreed = responded_on if reach == "responded" else reported_on + 7 * DAY
            if agreed >= today:
                continue
            line = arising(agreed, today, rng, stuck=stalled, weeks=weeks)
            action = add_action(
                d, line, partnership=county,
                year=reporting_year(line.target or agreed, county.year_start_month),
                title=title, rng=rng, body=d.body(COUNTY, OWNING_BODY), agency=agency,
                person=None, detail=f"In response to the independent scrutineer's "
                                    f"recommendation: {recommended.text}",
                beats=beats(title, done=line.status is Status.COMPLETE))
            action.scrutiny_recommendation = recommendation
            made.actions += 1


def load_demo_scrutiny(today: dt.date | None) -> dict[str, int]:
    """Add the county's scrutiny plans (this year's and last year's); return what was
    added, by name."""
    today = today or clock.today()
    rng = random.Random(SCRUTINY_SEED)  # noqa: S311 - demo data, not security
    d = Directory()
    county = d.partnerships[COUNTY]
    year = reporting_year(today, county.year_start_month)
    made = Made()
    with db.session.no_autoflush:
        _add_plan(d, county, year - 1, today, LAST_YEAR, LAST_YEAR_INTRODUCTION,
                  year_span(year - 1, county.year_start_month)[0] + 30 * DAY, rng, made)
        _add_plan(d, county, year, today, THIS_YEAR, THIS_YEAR_INTRODUCTION, today, rng, made)
    db.session.flush()
    return {"scrutiny plans": made.plans, "scrutiny activities": made.activities,
            "scrutiny recommendations": made.recommendations,
            "actions on scrutiny recommendations": made.actions}


# --- the benchmark's synthetic partnerships ---------------------------------------------------

SYNTHETIC_INTRODUCTION = """\
This plan sets out how I will test whether the partnership's arrangements work for children \
and families this year, under the five functions of independent scrutiny in Working Together \
to Safeguard Children 2023. I report my findings to the Executive as each activity ends; the \
partners publish their response beside them, and track my recommendations as actions."""

# Each synthetic partnership's plan for its last complete year: ``start`` counts days from
# the year's first day (so every activity has reported by the time the data is loaded), and
# the actions' agency keys are not used (each is led by one of the activity's agencies).
SYNTHETIC_ACTIVITIES: tuple[ActivitySpec, ...] = (
    ActivitySpec(
        F.ASSURANCE, K.DEEP_DIVE, "Deep dive: how contacts are screened at the front door",
        "Whether contacts about children are screened in time, with the right agencies' "
        "information, and whether families stepped down get the help they were promised.",
        "Thirty contacts tracked from first call to outcome, observation of the daily "
        "multi-agency meeting, and interviews with team managers.",
        30, 60, (), "responded",
        findings="Decisions were timely in most of the contacts tracked, but health "
                 "information often arrived after the decision had been made, and two families "
                 "stepped down to early help waited more than a month for a first visit.",
        good_practice="Police and social workers sat together and resolved disagreements on "
                      "the spot; the reasons for each decision were clearly recorded.",
        recommendations=(
            Recommended("Make sure health information is available to every screening "
                        "decision at the front door.",
                        ("Give the front door access to health records for screening "
                         "decisions", "", (6, 12), False)),
            Recommended("Set and report a standard for how soon a family stepped down to "
                        "early help is first visited.",
                        ("Set and report a first-visit standard for families stepped down "
                         "to early help", "", (8, 14), True)),
        ),
        response="Accepted. Health practitioners now join the daily meeting, and the early "
                 "help service reports its first-visit times to the Executive each quarter."),
    ActivitySpec(
        F.SUPPORT_AND_CHALLENGE, K.MEETING_OBSERVATION, "Observing the Executive",
        "Whether the Executive's decisions are well evidenced and whether the partners "
        "challenge one another.",
        "Observation of a meeting, and a reading of its papers and minutes.",
        150, 0, (), "reported",
        findings="Decisions were made on the evidence and clearly recorded. The partners "
                 "challenged one another respectfully, though the papers arrived late for "
                 "two items.",
        good_practice="The chair summarised each decision and who would act on it before "
                      "moving on.",
        meeting_of="Executive"),
    ActivitySpec(
        F.VOICE, K.CONVERSATIONS, "What parents say about early help",
        "Whether the partnership's early help offer answers what parents told it.",
        "Conversations with parents through the family hubs, building on the partnership's "
        "own parents' group.",
        220, 30, (), "responded",
        findings="Parents valued a worker who stayed with them, but most still had to tell "
                 "their story more than once, and few knew how to complain.",
        good_practice="Family hub staff knew the families well and were trusted by them.",
        recommendations=(
            Recommended("Tell every family at the start of early help how to raise a concern "
                        "or complain, in plain words.",
                        ("Publish a plain-words guide for families on raising a concern about "
                         "early help", "", (6, 10), False)),
        ),
        response="Accepted. The guide was written with the parents' group.",
        engagements=("Parents' group on early help",)),
)
SYNTHETIC_IMPACT = {
    "Give the front door access to health records for screening decisions":
        "Health information was on file for nine in ten screening decisions in the quarter "
        "after the change, against about half in the deep dive.",
    "Publish a plain-words guide for families on raising a concern about early help":
        "Families who had the guide said they knew whom to call, and the early help service "
        "heard of concerns sooner.",
}


def _synthetic_plan(partnership: Partnership, today: dt.date, rng: random.Random,
                    made: Made) -> None:
    """The scrutiny plan of a synthetic partnership's last complete year, every activity
    reported and most answered, with the actions taken on the recommendations."""
    first, _last = last_complete_year(partnership, today)
    agencies = list(db.session.scalars(sa.select(Agency).where(
        Agency.partnership_id == partnership.id, Agency.is_group.is_(False))
        .order_by(Agency.id).limit(3)))
    bodies = {body.name: body for body in partnership.bodies}
    owning: Body | None = next((b for b in partnership.bodies
                                if b.kind is BodyKind.EXECUTIVE), None)
    engagements = {e.title: e for e in db.session.scalars(
        sa.select(Engagement).where(Engagement.partnership_id == partnership.id))}
    year = reporting_year(first, partnership.year_start_month)
    plan = ScrutinyPlan(partnership=partnership, year=year,
                        title=f"Independent scrutiny plan {year} to {year + 1}",
                        introduction=SYNTHETIC_INTRODUCTION, agreed_on=first + 44 * DAY)
    db.session.add(plan)
    made.plans += 1
    for spec in SYNTHETIC_ACTIVITIES:
        start = first + spec.start * DAY
        meeting = None
        body = bodies.get(spec.meeting_of or "")
        if body is not None:
            meeting = db.session.scalars(
                sa.select(Meeting).where(Meeting.body_id == body.id,
                                         Meeting.held_on.between(first, start))
                .order_by(Meeting.held_on.desc())).first()
            start = meeting.held_on if meeting is not None else start
        end = start + spec.days * DAY
        reported_on, responded_on = end + 10 * DAY, end + 31 * DAY
        activity = ScrutinyActivity(
            plan=plan, function=spec.function, kind=spec.kind, title=spec.title,
            scope=spec.scope, method=spec.method, planned_start=start, planned_end=end,
            status=ActivityStatus(spec.reach), agencies=list(agencies),
            engagements=[engagements[t] for t in spec.engagements if t in engagements],
            meeting=meeting, findings=spec.findings, good_practice=spec.good_practice,
            reported_on=reported_on, reported_at=_at(reported_on, 16))
        if spec.reach == "responded":
            activity.response, activity.responded_at = spec.response, _at(responded_on, 11)
        db.session.add(activity)
        made.activities += 1
        for number, (recommendation, recommended) in enumerate(
                _recommend(activity, spec, made), start=1):
            assert recommended.action is not None
            title, _agency, weeks, stalled = recommended.action
            line = arising(responded_on, today, rng, stuck=stalled, weeks=weeks)
            add_followup(partnership, line, title=title,
                         detail=f"In response to the independent scrutineer's "
                                f"recommendation: {recommended.text}",
                         beats=beats(title, done=line.status is Status.COMPLETE,
                                     body=owning.name if owning else "partnership"),
                         rng=rng, body=owning, agency=agencies[number % len(agencies)]
                         if agencies else None, impact=SYNTHETIC_IMPACT.get(title, ""),
                         scrutiny_recommendation=recommendation)
            made.actions += 1


def load_synthetic_scrutiny(scale: int, today: dt.date | None) -> dict[str, int]:
    """Give each synthetic partnership its independent scrutiny plan for its last complete
    year (after the case audits and the voice register); return what was added, by name."""
    day = today or clock.today()
    rng = random.Random(SCRUTINY_SEED + scale)  # noqa: S311 - synthetic data, not security
    made = Made()
    with db.session.no_autoflush:
        for partnership in synthetic_partnerships(scale):
            _synthetic_plan(partnership, day, rng, made)
    db.session.flush()
    return {"synthetic scrutiny plans": made.plans,
            "synthetic scrutiny activities": made.activities,
            "synthetic scrutiny recommendations": made.recommendations,
            "synthetic actions on scrutiny recommendations": made.actions}

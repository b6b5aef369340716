"""The demo's yearly reports, and the arrangements history and earlier work they report on.

Wessexshire has two published versions of its arrangements: one published in the year
before the last complete reporting year (the version that took in Working Together 2023)
and one published near the end of the last complete year, after the yearly review. The
later one keeps the register as it stood on its publication day; the earlier one is the
register as it stood on *its* day (dated rows that began later left out) plus the changes
the register does not date: a subgroup since renamed, a chair since replaced, a decision
rule since tightened and an older foreword. So part 8 of the report ("changes to the
arrangements") has real content. Both are published the way the app publishes (three
partners' sign-off, then the PDF, its SHA-256 and the snapshot) but with back-dated days.

The last complete year's report and the one before are drafts with every narrative section
written: the team's introductions and the scrutineer's assessment. The words are
templates filled from the records of the period (which reviews finished, which objectives
stalled, what changed in the arrangements), so they stay true whatever day the demo is
loaded. The year before the business plan began gets its own work outside the plan
(led by the subgroups directly), with evidence of impact and feedback from children and
families, so that its report is not empty.

The benchmark's synthetic partnerships get the same arrangements history, unrendered, and the
first of them a draft report on its last complete year (see the end of this module).

No case is named unless its local review is published; nothing identifies a child.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import random
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import has_request_context
from sqlalchemy.orm import selectinload

from partnership import clock
from partnership.actions.models import Action, ProgressUpdate, Status
from partnership.arrangements.document import pdf_request
from partnership.arrangements.models import ArrangementsVersion
from partnership.arrangements.services import default_title, register_of, review_due_after
from partnership.demo.actions import (
    DAY,
    Beat,
    Directory,
    Scenario,
    add_action,
    last_complete_year,
    synthetic_partnerships,
    timeline,
    voice,
)
from partnership.documents.pdf import RenderedPdf, render_pdf
from partnership.escalations.models import EscalationStage
from partnership.extensions import db
from partnership.kernel.dates import add_months, long_date, reporting_year, year_label, year_span
from partnership.kernel.numbers import pounds
from partnership.kernel.words import capital, in_words
from partnership.plans.models import Objective, Plan
from partnership.plans.services import little_or_no_progress, objectives_in_order
from partnership.publishing.documents import PrintedSignature
from partnership.publishing.models import DocumentKind, PublicationStatus, Signature
from partnership.publishing.workflow import digest_of, keep_content, keep_page
from partnership.register.exchange import RegisterChange, compare_registers, export_register
from partnership.register.models import (
    Agency,
    BodyKind,
    Capacity,
    DecisionRule,
    Frequency,
    Partnership,
    Person,
    Scrutineer,
)
from partnership.register.services.partnerships import partners_in_order
from partnership.reports.adapter import YearlyReportDocument
from partnership.reports.assemble import assemble
from partnership.reports.content import Activities, Changes, ReportContent
from partnership.reports.models import (
    DEFAULT_RECIPIENTS,
    CopySent,
    ReportNarrative,
    ReportSection,
    ReportSettings,
    YearlyReport,
)
from partnership.reports.services import content_digest, publish, signed_content, unsigned_document
from partnership.reviews.models import Case, NationalReferral, RapidOutcome, Review
from partnership.reviews.services.deadlines import (
    DeadlineKind,
    closures_by_partnership,
    deadlines_of,
    settings_by_partnership,
)
from partnership.web import offline_request_context

REPORTS_SEED = 20260407
COUNTY = "wscp"
SCRUTINEER_TITLE = "Independent scrutineer"

# What the register does not date, as the earlier version of the arrangements had it.
RENAMED_BODY = ("Learning and Inquiry Group", "Case Review Subgroup", "CRS")
EARLIER_CHAIRS = {"Child Exploitation Group": ("Abigail Threlfall",
                                               "Wessexshire County Council, Children and "
                                               "Families")}
EARLIER_FOREWORD = """\
These are the safeguarding arrangements for Wessexshire: how the County Council, the
integrated care board and the Constabulary work together, and with schools, health
providers, the voluntary sector and many others, to keep the county's children safe.

This edition brings the arrangements into line with *Working Together to Safeguard Children
2023*. It names a lead and a delegated safeguarding partner for each of the three partners,
and it explains how the partnership listens to children and families and uses what they
say. The partners will review it within a year.
"""

# --- dates ----------------------------------------------------------------------------------


def _weekday(day: dt.date) -> dt.date:
    """The day itself if it is Monday to Friday, else the Monday after."""
    while day.weekday() >= 5:
        day += DAY
    return day


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


def publication_days(partnership: Partnership, today: dt.date) -> tuple[dt.date, dt.date]:
    """When the two demo versions were published: early December of the year before the
    last complete reporting year, and early March of the last complete year."""
    month = partnership.year_start_month
    current = reporting_year(today, month)
    before_start = year_span(current - 2, month)[0]
    last_start = year_span(current - 1, month)[0]
    return (_weekday(add_months(before_start, 8) + DAY),
            _weekday(add_months(last_start, 11) + 2 * DAY))


# --- the arrangements history ---------------------------------------------------------------


def register_as_it_stood(register: dict[str, Any], day: dt.date) -> dict[str, Any]:
    """Return a copy of an exported register as it stood on ``day``: dated rows that began
    later are left out, and a representative's or agency's end after it is not yet known."""
    data = copy.deepcopy(register)
    iso = day.isoformat()

    def later(value: str | None) -> bool:
        return value is not None and value > iso

    def dated(rows: list[dict[str, Any]], begins: str, ends: str,
              planned: bool = False) -> list[dict[str, Any]]:
        """Rows begun by ``day``; an end after it is unknown then unless it was ``planned``
        (a group's or an appointment's end is set when it starts, a leaving date is not)."""
        kept = [row for row in rows if not later(row.get(begins))]
        for row in kept:
            if later(row.get(ends)) and not planned:
                row[ends] = None
        return kept

    for partner in data.get("partners", []):
        partner["names"] = dated(partner["names"], "valid_from", "valid_to", planned=True)
        partner["representatives"] = dated(partner["representatives"], "valid_from",
                                           "valid_to")
    agencies = dated(data.get("agencies", []), "active_from", "active_to")
    kept = {agency["name"] for agency in agencies}
    gone = {agency["name"] for agency in data.get("agencies", [])} - kept
    data["agencies"] = agencies
    bodies = dated(data.get("bodies", []), "starts_on", "ends_on", planned=True)
    for body in bodies:
        body["members"] = [m for m in body["members"]
                           if not (isinstance(m.get("agency"), str) and m["agency"] in gone)]
    data["bodies"] = bodies
    data["scrutineers"] = dated(data.get("scrutineers", []), "valid_from", "valid_to",
                                planned=True)
    return data


def _earlier_edits(register: dict[str, Any]) -> dict[str, Any]:
    """Undo what changed between the versions but the register keeps no date for."""
    data = copy.deepcopy(register)
    keys = {person["name"]: person["key"] for person in data.get("people", [])}
    for body in data["bodies"]:
        if body["name"] == RENAMED_BODY[0]:
            body["name"], body["short_name"] = RENAMED_BODY[1:]
            body["purpose"] = ("Considers serious incidents, runs rapid reviews and local "
                               "child safeguarding practice reviews, and reports what they "
                               "find to the Executive Group.")
            body["objectives"] = [o for o in body["objectives"]
                                  if not o.startswith("Bring in learning from other")]
        if body["kind"] == BodyKind.EXECUTIVE.value and not body.get("joint_with_name") \
                and body["collaboration"] is None:
            body["decision_rule"] = DecisionRule.CONSENSUS.value
        if body["name"] in EARLIER_CHAIRS and not body.get("joint_with_name"):
            chair, agency = EARLIER_CHAIRS[body["name"]]
            if chair in keys:
                body["chair"], body["chair_agency"] = keys[chair], agency
    for section in data.get("narrative") or []:
        if section.get("title") == "Foreword":
            section["markdown"] = EARLIER_FOREWORD
    return data


def _render(partnership: Partnership,
            versions: Sequence[tuple[dt.date, ArrangementsVersion, list[PrintedSignature]]]
            ) -> list[tuple[dict[str, Any], RenderedPdf]]:
    """Render the arrangements as published on each day, side by side (each renderer is a
    child process; a document rendered before in this process is not rendered again); each
    with its request, whose HTML the published page keeps."""
    requests = [pdf_request(partnership, as_of=day, status=f"Published {long_date(day)}",
                            sign_offs=signatures)
                for day, _version, signatures in versions]
    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(zip(requests, pool.map(lambda request: render_pdf(**request), requests),
                        strict=True))


def _signed_draft(partnership: Partnership, day: dt.date, content: dict[str, Any]
                  ) -> tuple[ArrangementsVersion, list[PrintedSignature]]:
    """A draft version signed off, before ``day``, by each partner's delegated
    representative of the day, bound to the content then published."""
    version = ArrangementsVersion(partnership=partnership,
                                  title=default_title(partnership, day),
                                  status=PublicationStatus.DRAFT, created_at=_at(day - 35 * DAY))
    db.session.add(version)
    db.session.flush()
    digest = digest_of(content)
    printed = []
    for n, partner in enumerate(partners_in_order(partnership)):
        post = next((r for r in partner.representatives_on(day)
                     if r.capacity is Capacity.DELEGATED and r.person.user_id), None)
        if post is None:
            printed.append(PrintedSignature(partner=partner.name_on(day)))
            continue
        signed_at = _at(day - (12 - 4 * n) * DAY, 14)
        signature = Signature(
            document=DocumentKind.ARRANGEMENTS, version_id=version.id,
            partnership_id=partnership.id, partner=partner, user_id=post.person.user_id,
            signed_by=post.person.name, role=post.title or post.person.job_title,
            signed_at=signed_at, digest=digest, comment="", deputy_for="", sealed=True)
        db.session.add(signature)
        printed.append(PrintedSignature(partner=partner.name_on(signed_at.date()),
                                        signed_by=signature.signed_by, role=signature.role,
                                        signed=signed_at.date().isoformat()))
    return version, printed


def _publish(version: ArrangementsVersion, number: int, day: dt.date, content: dict[str, Any],
             rendered: RenderedPdf | None, superseded_on: dt.date | None) -> None:
    """Fix a signed-off draft as the app publishes: content, digest, PDF (when rendered),
    number and date."""
    version.snapshot = content
    version.digest = digest_of(content)
    version.number = number
    if rendered is not None:
        version.pdf = rendered.data
        version.sha256 = hashlib.sha256(rendered.data).hexdigest()
        version.pages = rendered.pages
    version.published_on = day
    version.published_at = _at(day, 11)
    version.review_due = review_due_after(day)
    version.status = PublicationStatus.PUBLISHED
    if superseded_on is not None:
        version.status = PublicationStatus.SUPERSEDED
        version.superseded_at = _at(superseded_on, 11)


def _history(partnership: Partnership, today: dt.date,
             earlier: Callable[[dict[str, Any]], dict[str, Any]]
             ) -> tuple[tuple[dt.date, dt.date], list[dict[str, Any]]]:
    """The days the two versions were published on, and what each published: the register
    as it stood that day, the earlier with ``earlier``'s edits (what the register does not
    date)."""
    days = publication_days(partnership, today)
    register = export_register(partnership)
    registers = [earlier(register_as_it_stood(register, days[0])),
                 register_as_it_stood(register, days[1])]
    return days, [{"title": default_title(partnership, day), "register": snapshot}
                  for day, snapshot in zip(days, registers, strict=True)]


def load_arrangements_history(partnership: Partnership,
                              today: dt.date) -> list[ArrangementsVersion]:
    """Publish the two demo versions of the partnership's arrangements, oldest first."""
    days, contents = _history(partnership, today, _earlier_edits)
    signed = [_signed_draft(partnership, day, content)
              for day, content in zip(days, contents, strict=True)]
    db.session.flush()
    rendered = _render(partnership, [(day, version, printed)
                                     for day, (version, printed) in zip(days, signed,
                                                                        strict=True)])
    later = [*days[1:], None]
    for number, (day, (version, _printed), content, (_request, pdf), superseded_on) in enumerate(
            zip(days, signed, contents, rendered, later, strict=True), start=1):
        _publish(version, number, day, content, pdf, superseded_on)
    db.session.flush()
    for (version, _printed), (request, _pdf) in zip(signed, rendered, strict=True):
        keep_page(version, request)  # read in the browser as published
    return [version for version, _printed in signed]


# --- the year before the business plan ------------------------------------------------------


@dataclass(frozen=True)
class EarlierAction:
    """Work of the year before the plan, led by a group directly (no objective)."""

    scenario: Scenario
    title: str
    body: str
    agency: str
    person: str
    beats: tuple[Beat | str, ...]
    impact: str = ""
    detail: str = ""


EARLIER_WORK: tuple[EarlierAction, ...] = (
    EarlierAction(
        Scenario.DONE, "Publish the joint child sexual abuse strategy with the Isle of Merrow",
        "Joint Child Sexual Abuse Strategy Task and Finish Group", "police", "wscp-ce-chair",
        ("Draft strategy agreed by the task and finish group and sent to both partnerships' "
         "subgroups for comment.",
         voice("Young people at two secondary schools and the island's youth council read the "
               "draft in workshops run by their schools' safeguarding leads. They said it "
               "never told a child what happens after they tell someone.",
               impact="A page for children, 'What happens when you tell', was written with "
                      "them and is printed on the back of the strategy."),
         "Strategy signed off by both executives and launched at the spring conference."),
        impact="Within three months, safeguarding leads in 40 schools had used the 'What "
               "happens when you tell' page in lessons or assemblies."),
    EarlierAction(
        Scenario.DONE, "Give practitioners a guide to talking with children about sexual abuse",
        "Joint Child Sexual Abuse Strategy Task and Finish Group", "icb",
        "wscp-designated-nurse",
        ("Guides used in other areas compared; a short conversation guide chosen and adapted.",
         "Guide tried out by 30 practitioners in schools, health visiting and social care.",
         "Guide published with a seven-minute briefing."),
        impact="Dip sample after the launch: the child's own words were recorded in 19 of 30 "
               "referrals about sexual abuse, up from 11 of 30."),
    EarlierAction(
        Scenario.DONE, "Run the section 11 self-assessment with peer challenge",
        "Scrutiny Group", "cf", "wscp-scrutiny-chair",
        ("Self-assessment tool sent to 31 agencies with a six-week deadline.",
         "29 of 31 agencies returned it; peer challenge sessions held in three groups.",
         "Report to the Executive Group: supervision, checks on volunteers and listening to "
         "children were the weakest standards across agencies."),
        impact="Each agency with a weak standard put an action in its own plan; at the spring "
               "check, checks on volunteers had improved in 6 of 8 agencies."),
    EarlierAction(
        Scenario.DONE, "Ask families how they experienced taking part in a local review",
        "Learning and Inquiry Group", "icb", "wscp-lig-chair",
        (voice("The reviewers' family liaison worker spoke to four parents and a grandparent "
               "from earlier reviews, at home or by phone, about how they were told about "
               "the review and involved in it.",
               impact="Families now have one named contact from the start, an easy-read "
                      "summary, and the chance to read the findings before anyone else."),
         "Changes agreed by the group and written into the local review process."),
        impact="Both families invited to take part in reviews since then accepted."),
    EarlierAction(
        Scenario.DONE, "Learn from return home interviews why children go missing",
        "Child Exploitation Group", "cf", "wscp-ce-manager",
        (voice("The return home interview service summarised, in the children's own words, "
               "what 120 children said over six months: rows at home, friends' flats, and "
               "lifts and money from older people.",
               impact="The missing protocol now asks police and social workers to follow up "
                      "the places and people children name within a week."),
         "Revised protocol agreed by the group and briefed to the police missing persons "
         "team."),
        impact="Repeat missing episodes among the children interviewed fell by a fifth in the "
               "following quarter."),
    EarlierAction(
        Scenario.DONE, "Evaluate multi-agency training three months after each course",
        "Workforce Development Group", "cf", "wscp-workforce",
        ("Three-month follow-up questions added to every course in the programme.",
         "First returns in: 58% of participants replied.",
         "Evaluation report presented to the Workforce Development Group."),
        impact="Three months after their course, 71% of practitioners who replied gave an "
               "example of practice they had changed, most often recording the child's own "
               "words."),
    EarlierAction(
        Scenario.DONE, "Ask parents what they make of the early help leaflet",
        "Education Group", "ei", "wscp-ei-head",
        (voice("A panel of eight parents, recruited through the family hubs, read the early "
               "help leaflet with the partnership officer and said what put them off asking "
               "for help.",
               impact="The leaflet was cut to one page in plain English and now says who "
                      "will see what parents tell us."),
         "New leaflet printed and sent to every school and family hub.")),
    EarlierAction(
        Scenario.CANCELLED, "Re-audit neglect of children under two",
        "Scrutiny Group", "cf", "wscp-analyst",
        ("Sample drawn and auditors briefed.",
         "Stopped: the new business plan carries a fuller audit of neglect in children "
         "under five, so a smaller audit now would repeat it.")),
)


def load_earlier_work(d: Directory, partnership: Partnership, year: int, today: dt.date,
                      rng: random.Random) -> list[Action]:
    """Add the year's work led by the groups outside any business plan."""
    actions = []
    for spec in EARLIER_WORK:
        body = d.bodies.get((partnership.slug, spec.body))
        if body is None or (body.ends_on and body.ends_on < year_span(
                year, partnership.year_start_month)[0]):
            body = d.body(partnership.slug, "Executive Group")
        line = timeline(spec.scenario, year, today, rng, partnership.year_start_month)
        actions.append(add_action(
            d, line, partnership=partnership, year=year, title=spec.title, beats=spec.beats,
            rng=rng, body=body, agency=spec.agency, person=spec.person, detail=spec.detail,
            impact=spec.impact))
    return actions


# --- what happened in a period, for the words ------------------------------------------------


@dataclass
class PeriodFacts:
    """What the team's words say about one reporting year, read from the records."""

    year: int
    start: dt.date
    end: dt.date
    label: str
    next_label: str
    plan: Plan | None
    plan_first_year: bool
    plan_actions: int = 0
    plan_completed: int = 0
    stalled: list[tuple[str, str]] = field(default_factory=list)  # (reference, title)
    carried: list[str] = field(default_factory=list)
    rapid_done: int = 0
    rapid_on_time: int = 0
    outcomes: Counter[RapidOutcome] = field(default_factory=Counter)
    published: list[tuple[str, dt.date]] = field(default_factory=list)
    local_open: int = 0
    referrals: int = 0
    learning: list[str] = field(default_factory=list)
    feedback: int = 0
    at_start: ArrangementsVersion | None = None
    at_end: ArrangementsVersion | None = None
    changes: list[RegisterChange] = field(default_factory=list)


# Why an objective of the plan stalled in the last complete year, as its leads explained it
# (plans.py tells the same story in the actions' progress updates).
STALL_REASONS = {
    "Children living with domestic abuse":
        "the Constabulary's new records system held up the school notifications, winter "
        "pressures cancelled GP practices' learning time, and the conference software "
        "supplier delayed the new referral form",
    "A learning culture: learning from reviews changes practice":
        "the team's time went on rapid reviews that came close together, flooding closed "
        "the venue of the second learning event, and a criminal trial held back the year's "
        "last briefing",
}

NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
           "ten", "eleven", "twelve")


def number(n: int) -> str:
    """Write a small count in words, as prose does ("three"), a larger one in figures."""
    return NUMBERS[n] if 0 <= n < len(NUMBERS) else str(n)


def _in_period(day: dt.date | None, facts: PeriodFacts) -> bool:
    return day is not None and facts.start <= day <= facts.end


def period_facts(partnership: Partnership, year: int, today: dt.date,
                 versions: Sequence[ArrangementsVersion]) -> PeriodFacts:
    """Read what the words need about one reporting year."""
    month = partnership.year_start_month
    start, end = year_span(year, month)
    as_of = min(today, end)
    plan = db.session.scalars(sa.select(Plan).where(
        Plan.partnership_id == partnership.id, Plan.first_year <= year,
        Plan.last_year >= year)).first()
    facts = PeriodFacts(year=year, start=start, end=end, label=year_label(year, month),
                        next_label=year_label(year + 1, month), plan=plan,
                        plan_first_year=plan is not None and plan.first_year == year)
    _plan_facts(facts, partnership, as_of)
    _review_facts(facts, partnership, today, as_of)
    facts.feedback = db.session.scalar(
        sa.select(sa.func.count(ProgressUpdate.id)).join(Action)
        .where(Action.partnership_id == partnership.id, Action.recommendation_id.is_(None),
               ProgressUpdate.children_and_families.is_(True),
               ProgressUpdate.recorded_on.between(start, end))) or 0
    published = sorted(versions, key=lambda v: v.published_at or _at(dt.date.max))
    days = [(v.published_at.date() if v.published_at else dt.date.max, v) for v in published]
    facts.at_start = next((v for day, v in reversed(days) if day <= start), None)
    facts.at_end = next((v for day, v in reversed(days) if day <= end), None)
    if facts.at_start is not None and facts.at_end is not None \
            and facts.at_start is not facts.at_end:
        facts.changes = compare_registers(register_of(facts.at_start.snapshot or {}),
                                          register_of(facts.at_end.snapshot or {}))
    return facts


def _plan_facts(facts: PeriodFacts, partnership: Partnership, as_of: dt.date) -> None:
    if facts.plan is None:
        return
    carried_ids = set(db.session.scalars(sa.select(Action.carried_from_id).where(
        Action.carried_from_id.is_not(None))))
    actions = db.session.scalars(sa.select(Action).join(Objective).where(
        Objective.plan_id == facts.plan.id, Action.year == facts.year)).all()
    counted = [a for a in actions
               if a.status is not Status.CANCELLED and a.id not in carried_ids]
    facts.plan_actions = len(counted)
    facts.plan_completed = sum(
        a.status is Status.COMPLETE and (a.completed_on is None or _in_period(
            a.completed_on, facts)) for a in counted)
    facts.carried = [a.title for a in actions if a.id in carried_ids]
    facts.stalled = [(gap.reference, gap.title) for gap in little_or_no_progress(
        facts.plan, facts.start, facts.end, as_of) if gap.reasons]


def _review_facts(facts: PeriodFacts, partnership: Partnership, today: dt.date,
                  as_of: dt.date) -> None:
    cases = db.session.scalars(sa.select(Case).where(Case.partnership_id == partnership.id)
                               .options(selectinload(Case.rapid_review),
                                        selectinload(Case.local_review))).all()
    settings = settings_by_partnership([partnership.id])[partnership.id]
    closures = closures_by_partnership([partnership.id])[partnership.id]
    for case in cases:
        rapid = case.rapid_review
        if rapid is not None and _in_period(rapid.sent_to_panel_on, facts) \
                and rapid.sent_to_panel_on is not None and rapid.sent_to_panel_on <= as_of:
            facts.rapid_done += 1
            facts.outcomes[rapid.outcome] += 1
            deadline = next(d for d in deadlines_of(case, settings, closures, as_of,
                                                    include_met=True)
                            if d.kind == DeadlineKind.RAPID_REVIEW)
            facts.rapid_on_time += deadline.met_on is not None and deadline.met_on <= deadline.due
        local = case.local_review
        if local is not None and local.decided_on <= facts.end and (
                local.published_on is None or local.published_on >= facts.start):
            facts.local_open += 1
        if local is not None and _in_period(local.published_on, facts) \
                and local.published_on is not None and local.published_on <= today:
            facts.published.append((case.reference, local.published_on))
    facts.referrals = db.session.scalar(
        sa.select(sa.func.count(NationalReferral.id)).join(Case)
        .where(Case.partnership_id == partnership.id,
               NationalReferral.referred_on.between(facts.start, as_of))) or 0
    facts.learning = list(db.session.scalars(
        sa.select(Review.title).where(Review.partnership_id == partnership.id,
                                      Review.case_id.is_(None),
                                      Review.published_on.between(facts.start, facts.end))
        .order_by(Review.published_on)))


# --- the words -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Voices:
    """Who signs and writes: the executive's chair, the scrutineer and the team officer."""

    chair: str
    chair_title: str
    scrutineer: str
    officer: str
    officer_title: str
    partnership: str


def _objectives(stalled: Sequence[tuple[str, str]]) -> str:
    """Name objectives as the report does: A4 "Children living with domestic abuse"."""
    return in_words([f"{ref} \u201c{title}\u201d" for ref, title in stalled])


def _plural(count: int, word: str) -> str:
    return f"{number(count)} {word}{'' if count == 1 else 's'}"


def foreword(facts: PeriodFacts, v: Voices) -> str:
    """The chair's foreword, signed in words."""
    if facts.plan_first_year:
        opening = (f"This report looks back on {facts.label}, the first year of our "
                   f"{facts.plan.title if facts.plan else 'business plan'}. ")
    else:
        opening = (f"This report looks back on {facts.label}, the last year before our "
                   "three-year business plan began, and the year we rewrote our arrangements "
                   "for *Working Together to Safeguard Children 2023*. ")
    stalled = ""
    if facts.stalled:
        stalled = (f" This year that means {_objectives(facts.stalled)}, where the work was "
                   "done but not within the year; part 4 says why.")
    return f"""\
{opening}It is written for the people of Wessexshire, for the practitioners who do the work
every day, and for the national bodies that hold us to account.

We have tried to write a different kind of report. We have asked every lead to tell us what
changed for children, not only what was done, and where the answer is "not enough yet" we
say so.{stalled}

I want to thank the practitioners who gave their time to reviews, audits and task groups,
often on top of heavy caseloads, and the children, young people and parents who told us
what it is like to be on the receiving end of our help. Their words have changed our plans
more than once this year.

The three safeguarding partners have read this report and stand behind it.

**{v.chair}**

{v.chair_title}, on behalf of the Executive Group
"""


def activities(facts: PeriodFacts, v: Voices) -> str:
    """Introduction to part 1."""
    if facts.plan is not None and facts.plan_actions:
        plan = (f"Of the {facts.plan_actions} business-plan actions set for the year, "
                f"{number(facts.plan_completed)} were completed within it; part 4 explains "
                "the rest.")
    else:
        plan = ("Our three-year business plan had not yet begun, so the work below was led by "
                "the subgroups directly and reported to the Executive Group each quarter.")
    learning = ""
    if facts.learning:
        learning = (f" The groups also took in learning from "
                    f"{number(len(facts.learning))} reviews published elsewhere, including "
                    "national ones.")
    return f"""\
Most of the partnership's work is done in its groups. The Main Board met every quarter, the
Executive Group every two months, and the six standing subgroups as often as their terms of
reference require, with joint task and finish groups working alongside them with the Isle of
Merrow.

We treat attendance as a plain test of commitment: the business manager writes to any agency
that misses more than one meeting in three, and the Executive Group sees the replies. Cafcass
keeps its national position of not attending local partnerships and receives the papers
instead. Taking part means more than coming to meetings, so the table of agencies below also
shows who returned their self-assessment and their case audit returns, and who raised
escalations when they disagreed with another agency.

{plan}{learning}
"""


def reviews(facts: PeriodFacts, v: Voices) -> str:
    """Introduction to part 2."""
    if facts.rapid_done:
        if facts.rapid_on_time == facts.rapid_done:
            on_time = {1: "within the 15 working days",
                       2: "both within the 15 working days"}.get(
                           facts.rapid_done, "all within the 15 working days")
        else:
            on_time = f"{number(facts.rapid_on_time)} of them within the 15 working days"
        outcomes = []
        for outcome, one, many in (
                (RapidOutcome.LOCAL_REVIEW, "led to a local review", "led to local reviews"),
                (RapidOutcome.NATIONAL_REFERRAL, "was referred for a national review",
                 "were referred for a national review"),
                (RapidOutcome.NO_FURTHER_REVIEW, "needed no further review",
                 "needed no further review")):
            count = facts.outcomes[outcome]
            if count:
                outcomes.append(f"{number(count)} {one if count == 1 else many}")
        rapid = (f"The Learning and Inquiry Group completed "
                 f"{_plural(facts.rapid_done, 'rapid review')} in {facts.label}, {on_time}.")
        if facts.rapid_done == 1:
            rapid += f" It {outcomes[0].split(' ', 1)[1]}." if outcomes else ""
        elif outcomes:
            rapid += f" Of these, {in_words(outcomes)}."
        if facts.outcomes[RapidOutcome.NO_FURTHER_REVIEW]:
            rapid += (" Where no further review was needed, the learning was written into "
                      "the rapid review and its actions tracked like any other.")
    else:
        rapid = (f"No rapid review was completed in {facts.label}. The Learning and Inquiry "
                 "Group met every month regardless, to follow the actions of earlier reviews "
                 "and to take in learning from elsewhere.")
    published = ""
    if facts.published:
        names = in_words([f"{ref}, on {long_date(day)}" for ref, day in facts.published])
        published = (f"\n\nWe published the local child safeguarding practice review of "
                     f"{names}. The family read the report before it was published, and the "
                     "partners agreed to leave out details that could identify the young "
                     "person.")
    return f"""\
When a child dies or is seriously harmed and abuse or neglect is known or suspected, the
County Council tells the national panel within five working days, and the partnership
carries out a rapid review within fifteen working days to decide whether a fuller review
would teach us something new.

{rapid}{published}

Cases whose reviews are not yet published are not named in this report: they appear by
number only, with their dates and outcomes, so that no child or family can be recognised.
"""


def impact(facts: PeriodFacts, v: Voices) -> str:
    """Introduction to part 3."""
    if facts.plan is not None:
        examples = (
            "Some of the clearest evidence this year came from audits rather than surveys: "
            "health visitors used the graded care profile in 9 of the 12 neglect cases "
            "audited, against 2 of 12 a year earlier, and every child discussed at the "
            "exploitation panel had a completed risk assessment. Reports from taxi drivers "
            "and hotel staff to the police rose from 4 to 22 in six months after the "
            "licensing training.")
    else:
        examples = (
            "Some of the clearest evidence this year came from dip samples and follow-up: "
            "after the conversation guide was launched, the child's own words were recorded "
            "in 19 of 30 referrals about sexual abuse, against 11 before, and three months "
            "after their course 71% of practitioners who replied could name something they "
            "now do differently.")
    return f"""\
We ask every action lead for evidence of impact: what changed for children, families or
practitioners, not what was done. The evidence below is grouped by the business plan's
objectives, with work outside the plan at the end.

{examples}

Not every piece of evidence is strong. Counts of people trained or pages downloaded show
reach, not change, and we have kept them only where nothing better exists yet. For training,
we ask learners some months later what they now do differently, and the answers close this
part.
"""


def progress(facts: PeriodFacts, v: Voices) -> str:
    """Introduction to part 4."""
    if facts.plan is None:
        return f"""\
Our business plan for {facts.next_label} onwards had not begun in {facts.label}, so there is
no plan to measure this year against. Progress on the work below was reported to the
Executive Group in quarterly exception reports instead.

The work that made least progress was the re-audit of neglect in children under two, which
the Scrutiny Group stopped part-way: the new plan carries a fuller audit of children under
five, and a smaller audit now would have repeated it. Two agencies did not return their
section 11 self-assessment on time; both did so after the Executive Group wrote to their
chief officers.
"""
    if facts.stalled:
        explained = [f"For {ref}, {STALL_REASONS[title]}." for ref, title in facts.stalled
                     if title in STALL_REASONS]
        stalled = (f"This year {_objectives(facts.stalled)} fell behind. In each case the "
                   "work was finished, but only after the year had ended. "
                   + " ".join(explained)
                   + " The Executive Group has asked the leads to report to it every quarter "
                     "until their current actions are back on track.")
    else:
        stalled = ("This year no objective fell behind. Several actions still finished "
                   "late, and their updates give the reasons.")
    carried = ""
    if facts.carried:
        titles = in_words([f"\u201c{title}\u201d" for title in facts.carried])
        carried = (f"\n\n{_plural(len(facts.carried), 'action').capitalize()} "
                   f"{'was' if len(facts.carried) == 1 else 'were'} carried forward into "
                   f"{facts.next_label} rather than finished: {titles}. Carrying an action "
                   "forward is a decision, not a lack of progress, so it is reported in the "
                   "year it is finished.")
    return f"""\
This is the part of the report where we are hardest on ourselves. For each objective that
fell behind, we add what its leads told the Executive Group about why.

{stalled}{carried}
"""


def recommendations(facts: PeriodFacts, v: Voices) -> str:
    """Introduction to part 5."""
    published = ""
    if facts.published:
        refs = in_words([ref for ref, _ in facts.published])
        published = (f" The review of {refs} is reported in full, recommendation by "
                     "recommendation.")
    learning = ""
    if facts.learning:
        learning = ("\n\nWe also acted on learning from elsewhere: "
                    + "; ".join(f"*{title}*" for title in facts.learning) + ".")
    return f"""\
Every review ends in recommendations, and every recommendation is turned into actions, each
with a lead agency and a target date. The Learning and Inquiry Group checks each one until
there is evidence that practice has changed, not only that the action was done.{published}

Reviews that are not yet published appear only as totals, so that no child can be
recognised. Where a recommendation depends on someone outside the partnership, such as a
national body or a system supplier, the agencies' response says so.{learning}
"""


def feedback(facts: PeriodFacts, v: Voices) -> str:
    """Introduction to part 6."""
    if facts.plan is not None:
        sources = ("the Youth Parliament and the Children in Care Council, return home "
                   "interviews, auditors' conversations with children and parents, young "
                   "people who had been exploited, and the domestic abuse services' "
                   "survivors' parent panel")
    else:
        sources = ("pupils and the island's youth council, return home interviews, families "
                   "who had taken part in local reviews, and a parent panel recruited through "
                   "the family hubs")
    return f"""\
We want to show, for every piece of feedback, how we asked for it and what we did with it.

In {facts.label} the feedback came from
{sources}. We pay young people for their time, meet them where and when they choose, and
tell them in writing what changed as a result.

Where an entry has no "how it was used", we have not yet closed the loop, and the Scrutiny
Group follows it up. We still hear too little from younger children and from disabled
children who do not use speech, and that is a priority for next year.
"""


def changes(facts: PeriodFacts, v: Voices) -> str:
    """Introduction to part 8."""
    review = ("The three partners review the arrangements every year and publish a new "
              "version once all three have signed it off. ")
    if facts.at_start is not None and facts.at_end is not None \
            and facts.at_start is not facts.at_end:
        start_day = facts.at_start.published_at.date() if facts.at_start.published_at else None
        end_day = facts.at_end.published_at.date() if facts.at_end.published_at else None
        renamed = any(c.section == "bodies" and c.change == "removed"
                      and c.name == RENAMED_BODY[1] for c in facts.changes)
        highlight = (f"The biggest change was to the {RENAMED_BODY[1]}, which became the "
                     f"{RENAMED_BODY[0]} with a wider remit: it now takes in learning from "
                     "other areas' reviews and national reviews as well as our own. "
                     if renamed else "")
        return f"""\
{review}The version in force when {facts.label} began was published on
{long_date(start_day) if start_day else "an earlier date"}; after this year's review, a
revised version was published on {long_date(end_day) if end_day else "a later date"}.

{highlight}Every change is listed below.
"""
    if facts.at_end is not None and facts.at_start is None:
        day = facts.at_end.published_at.date() if facts.at_end.published_at else facts.end
        return f"""\
{review}In {facts.label} the partners published arrangements rewritten for *Working
Together to Safeguard Children 2023*, on {long_date(day)}. It is the first version the
partnership has kept in this system, so there is no earlier version here to compare it with.

The main changes from the arrangements of 2019 were to name a lead and a delegated
safeguarding partner for each partner, to set out how children and families are heard and
what is done with what they say, and to describe more fully the work shared with the Isle
of Merrow and across the four WIST areas.
"""
    return f"""\
{review}The arrangements in force throughout {facts.label} did not change during the year;
the next review is due within twelve months of their publication.
"""


def next_year(facts: PeriodFacts, v: Voices, priorities: Sequence[str]) -> str:
    """The priorities for the coming year."""
    count = len(priorities)
    if facts.plan is not None:
        closing = ("Alongside these, we will finish the actions carried forward from this "
                   "year, hear more from younger and disabled children, and set up a group "
                   "of young advisers who will help us write next year's report.")
    else:
        closing = ("The plan keeps the shared neglect strategy and toolkit with the Isle of "
                   "Merrow, and each objective has a lead subgroup that reports on it at "
                   "every meeting.")
    return f"""\
In {facts.next_label} we will concentrate on a few things and do them properly. The
{number(count) + " " if count else ""}priorities of the plan, listed below, come from this
year's reviews and audits, from the multi-agency dataset, and from what children and
families have told us.

{closing} The Executive Group will check progress every quarter against evidence of impact,
not activity, and next year's report will say plainly where we fell short.
"""


def assessment(facts: PeriodFacts, v: Voices) -> str:
    """The independent scrutineer's assessment, in their own words."""
    if facts.plan is not None:
        judgement = (
            "My judgement is that Wessexshire's arrangements are effective, with two areas "
            "the partners must put right. The three partners attend, decide and hold one "
            "another to account; rapid reviews are timely and well evidenced; and, unusually, "
            "most actions now carry evidence of what changed for children.")
        late = (f"Objectives {in_words([ref for ref, _ in facts.stalled])} delivered "
                "what they promised, but not within the year, and the reasons were known "
                "months before the Executive Group was told." if facts.stalled else
                "Several actions finished late, and the reasons were known months before the "
                "Executive Group was told.")
        concerns = (
            f"First, too much work finishes late. {late} Second, the Learning and Inquiry "
            "Group is stretched: when rapid reviews come close together, the work of "
            "learning from them stops.")
    else:
        judgement = (
            "My judgement is that the arrangements are safe and improving, but that the "
            "partnership cannot yet show well enough what difference its work makes. The "
            "partners have used this year to rewrite the arrangements for the new guidance "
            "and to agree a plan with measures, and that was the right priority.")
        concerns = (
            "The work done outside a plan this year was good in parts, the sexual abuse "
            "strategy and the return home work especially, but it was hard to follow from "
            "one quarter to the next. The new plan, with its measures, must fix that.")
    if facts.plan is None:
        independence = (
            "Because I am both independent chair and scrutineer, I have asked the partners to "
            f"commission a peer review of my scrutiny from a neighbouring area in "
            f"{facts.next_label}, so that my independence is tested by someone other than me.")
    else:
        independence = (
            "Because I am both independent chair and scrutineer, the partners commissioned a "
            "peer review of my scrutiny from a neighbouring area's scrutineer this year. It "
            "found my challenge independent but too often given in private; I now record my "
            "challenges and the partners' answers in the Executive Group's minutes.")
    return f"""\
{judgement}

I have based this on the partnership's records, on the audits and reviews of the year, on
observing the Executive Group and three subgroups, and on visits to the children's front
door and two family hubs, where I spoke to practitioners without their managers present.

{concerns}

Children's voices are heard more than when I began this role, and the partnership can show
what it did with them. Younger and disabled children are still largely missing.

{independence}
"""


def what_we_did(a: Activities) -> str:
    """The summary's first paragraph: meetings, decisions, attendance and the plan's actions,
    each figure the report's own."""
    did = (f"Our boards and groups held {a.meetings_held} meetings and recorded "
           f"{a.decisions} decisions.")
    if a.attendance_percent is not None:
        did += f" Agencies attended {a.attendance_percent}% of the meetings they were expected at."
    if a.actions_live:
        did += (f" We completed {a.actions_completed} of the {a.actions_live} business-plan "
                "actions for the year.")
    return did


def summary(facts: PeriodFacts, v: Voices, content: ReportContent) -> str:
    """The team's summary of the whole report, citing the report's own figures."""
    a, r, i = content.activities, content.reviews, content.impact
    did = what_we_did(a)
    reviewed = ""
    if r.rapid_completed:
        on_time = (("both of them" if r.rapid_completed == 2 else "all of them")
                   if r.rapid_on_time == r.rapid_completed
                   else f"{number(r.rapid_on_time)} of them")
        reviewed = (f"We completed {number(r.rapid_completed)} Rapid "
                    f"Review{'s' if r.rapid_completed != 1 else ''}, {on_time} within 15 "
                    "working days.")
    if facts.published:
        reviewed += (" We published the local review of "
                     + in_words([ref for ref, _ in facts.published]) + ".")
    heard = content.feedback.engagements
    updates = len(content.feedback.entries)
    if heard:
        voices = (f"We heard from children, young people and families through {len(heard)} "
                  "pieces of work, and each one changed something we do.")
    elif updates:
        voices = (f"Children, young people and parents gave us their views {number(updates)} "
                  f"time{'s' if updates != 1 else ''} this year, from reviews to the return "
                  "home service, but we did not yet ask them widely enough.")
    else:
        voices = "We did not hear from children and families as widely as we should have."
    escalated = (f" Agencies raised {i.escalations.raised} escalations when they disagreed "
                 "about a child, and every one raised was resolved."
                 if i.escalations and i.escalations.raised
                 and i.escalations.resolved >= i.escalations.raised else "")
    if facts.plan is not None:
        changed = ("Health visitors now use the graded care profile in most neglect cases, "
                   "reports of exploitation from taxi drivers and hotels have risen sharply, "
                   "and every child discussed at the exploitation panel has a completed risk "
                   "assessment.")
    else:
        changed = ("The child's own words are now recorded in most referrals about sexual "
                   "abuse, and more children returning from a missing episode are offered an "
                   "interview within three days.")
    short = (f"Where we fell short: {_objectives(facts.stalled)} finished late, and part 4 "
             "says why." if facts.stalled else
             "Where we fell short: too little of our work was measured against a plan, which "
             "the new business plan puts right.")
    return f"""\
**What we did.** {did}

**Reviews.** {reviewed or "No Rapid Review was completed this year."}

**What changed for children.** {changed}

**Listening.** {voices}{escalated}

**{short.split(":")[0]}.** {capital(short.split(": ", 1)[1])}
"""


def money_words(facts: PeriodFacts, v: Voices) -> str:
    """The team's words on the budget."""
    if facts.plan is not None:
        formula = ("This was the first year of the funding formula the three partners agreed "
                   "after the independent scrutineer challenged them: the County Council, the "
                   "integrated care board and the Constabulary now pay agreed shares, and other "
                   "agencies add what they can, in money or in staff time.")
    else:
        formula = ("This year the County Council still set the partnership's budget, and "
                   "the independent scrutineer challenged the partners to share it. They "
                   "agreed a funding formula for the years that follow.")
    return f"""\
{formula}

Most of the money pays for the small partnership team, independent scrutiny, case reviews and
the multi-agency training programme. Reviews cost most when they come close together, so we
keep a reserve for them rather than cutting training in a busy year.

Help given in kind matters as much as money: agencies lend venues, trainers and analysts, and
we count it so that the whole cost of the partnership is clear. The three partners sign off
the budget statement before this report is published.
"""


def families_did(facts: PeriodFacts, v: Voices) -> str:
    """What the partnership did this year, for children, young people and families."""
    if facts.plan is not None:
        done = [
            "helped health visitors notice sooner when a young child is not being looked "
            "after well enough at home;",
            "worked with taxi drivers, hotels and the police to keep young people safe from "
            "people who want to use or hurt them;",
            "asked young people where they go when they go missing, and used what they said "
            "to decide where the police and youth workers look;",
            "made sure that when the police are called to a home because of domestic abuse, "
            "the child's school can know by the next morning, so a trusted adult can look "
            "out for them."]
    else:
        done = [
            "gave workers a guide to help children talk about sexual abuse in their own "
            "words;",
            "made sure more children who come home after going missing are offered a talk "
            "with someone independent within three days;",
            "rewrote our rules for working together, so it is clearer who does what."]
    bullets = "\n".join(f"- {line}" for line in done)
    late = (" Some of our work took longer than we wanted, and we have said so in the full "
            "report." if facts.stalled else "")
    return f"""\
This report is about how the people who work with children in Wessexshire worked together in
{facts.label} to keep children safe. This year we:

{bullets}

When a child was badly hurt, we looked carefully at what happened so that everyone could
learn from it. We never use children's names.{late}
"""


def families_next(facts: PeriodFacts, v: Voices) -> str:
    """What happens next, for children, young people and families."""
    return f"""\
In {facts.next_label} we will keep working on the things that matter most to you. You told us
that you want workers who stay the same, lessons about staying safe online from people who
understand the apps you use, and to be told what happened after you spoke to us.

So we will set up a group of young advisers who will help us decide what to work on and will
help write next year's report. We will go back to every group that spoke to us and tell them,
in writing, what changed. And we will try harder to hear from younger children and from
disabled children, who we do not hear from enough.

If you would like to be one of our young advisers, ask your school, youth worker or social
worker to get in touch with us.
"""


def tidy(markdown: str) -> str:
    """Put each paragraph on one line (list items stay one per line)."""
    paragraphs = []
    for block in markdown.strip().split("\n\n"):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if lines and all(line.startswith("- ") for line in lines):
            paragraphs.append("\n".join(lines))
        else:
            paragraphs.append(" ".join(lines))
    return "\n\n".join(paragraphs) + "\n"


TEAM_SECTIONS = {
    ReportSection.FOREWORD: foreword,
    ReportSection.MONEY: money_words,
    ReportSection.FAMILIES: families_did,
    ReportSection.FAMILIES_NEXT: families_next,
    ReportSection.ACTIVITIES: activities,
    ReportSection.REVIEWS: reviews,
    ReportSection.IMPACT: impact,
    ReportSection.PROGRESS: progress,
    ReportSection.RECOMMENDATIONS: recommendations,
    ReportSection.FEEDBACK: feedback,
    ReportSection.CHANGES: changes,
}


# --- the reports -----------------------------------------------------------------------------


def _voices(d: Directory, partnership: Partnership) -> Voices:
    executive = next(b for b in partnership.bodies if b.kind is BodyKind.EXECUTIVE)
    scrutineer = db.session.scalars(sa.select(Scrutineer).where(
        Scrutineer.partnership_id == partnership.id, Scrutineer.whole_partnership.is_(True))
        .order_by(Scrutineer.valid_from.desc())).first()
    officer = d.people["wscp-officer"]
    chair = executive.chair
    return Voices(chair=chair.name if chair else partnership.name,
                  chair_title="Independent Chair" if executive.chair_independent else (
                      chair.job_title if chair else "Chair"),
                  scrutineer=scrutineer.person.name if scrutineer else "",
                  officer=officer.name, officer_title=officer.job_title,
                  partnership=partnership.name)


def _priorities(facts: PeriodFacts, partnership: Partnership) -> list[str]:
    """The objectives and one-year activities of the year after the period."""
    plan = db.session.scalars(sa.select(Plan).where(
        Plan.partnership_id == partnership.id, Plan.first_year <= facts.year + 1,
        Plan.last_year >= facts.year + 1)).first()
    if plan is None:
        return []
    return [o.title for o in objectives_in_order(plan) if o.year in (None, facts.year + 1)]


def load_report(d: Directory, partnership: Partnership, facts: PeriodFacts,
                today: dt.date) -> YearlyReport:
    """Add a draft report on the period, every narrative section written."""
    v = _voices(d, partnership)
    drafted = max(facts.end, min(facts.end + 28 * DAY, today - DAY))
    latest = max(drafted, today - DAY)
    report = YearlyReport(
        partnership=partnership, status=PublicationStatus.DRAFT, created_at=_at(drafted, 9),
        title=f"{partnership.short_name or partnership.name} yearly report {facts.label}",
        period_start=facts.start, period_end=facts.end)
    texts = {section: tidy(write(facts, v)) for section, write in TEAM_SECTIONS.items()}
    texts[ReportSection.NEXT_YEAR] = tidy(next_year(facts, v, _priorities(facts, partnership)))
    with ExitStack() as stack:
        if not has_request_context():  # the figures link to records: url_for needs a request
            stack.enter_context(offline_request_context())
        content = assemble(partnership, facts.start, facts.end, today)
    texts[ReportSection.SUMMARY] = tidy(summary(facts, v, content))
    for n, (section, markdown) in enumerate(texts.items()):
        saved = min(latest, drafted + (7 + 3 * n) * DAY)
        report.narrative.append(ReportNarrative(
            section=section, markdown=markdown, written_by=v.officer,
            written_as=v.officer_title, updated_at=_at(saved, 11 + n % 5)))
    report.narrative.append(ReportNarrative(
        section=ReportSection.ASSESSMENT, markdown=tidy(assessment(facts, v)),
        written_by=v.scrutineer, written_as=SCRUTINEER_TITLE,
        updated_at=_at(min(latest, drafted + 45 * DAY), 16)))
    db.session.add(report)
    return report


def publish_report(report: YearlyReport, today: dt.date) -> None:
    """Sign off and publish the earlier year's report some months after its period ended,
    and record the copies sent a few days later (so the reading room has one to read)."""
    day = _weekday(min(report.period_end + 170 * DAY, today - 14 * DAY))
    with ExitStack() as stack:
        if not has_request_context():  # the figures link to records: url_for needs a request
            stack.enter_context(offline_request_context())
        unsigned = unsigned_document(report, day)
        digest = content_digest(unsigned)
        keep_content(YearlyReportDocument(), signed_content(unsigned), digest)
        for n, partner in enumerate(partners_in_order(report.partnership)):
            post = next(iter(partner.representatives_on(day)), None)
            if post is None:
                continue
            person = post.person
            db.session.add(Signature(
                document=DocumentKind.YEARLY_REPORT, version_id=report.id,
                partnership_id=report.partnership_id, partner=partner,
                signed_by=person.name[:120],
                role=(post.title or person.job_title or "Safeguarding partner")[:200],
                signed_at=_at(day - (9 - 2 * n) * DAY, 15), digest=digest, comment="",
                deputy_for=""))
        db.session.flush()
        db.session.expire(report, ["sign_offs"])
        publish(report, day, file_now=True)
    for n, recipient in enumerate(DEFAULT_RECIPIENTS):
        db.session.add(CopySent(report=report, recipient=recipient,
                                sent_on=_weekday(day + (2 + n) * DAY),
                                how="By email, with a link to the report on our website"))
    db.session.flush()


def load_demo_reports(today: dt.date | None = None) -> dict[str, int]:
    """Add the county's arrangements history, the work of the year before its plan, its
    report settings and draft reports on the last two complete years (after the register,
    tracker and reviews)."""
    today = today or clock.today()
    rng = random.Random(REPORTS_SEED)  # noqa: S311 - demo data, not security
    d = Directory()
    county = d.partnerships[COUNTY]
    current = reporting_year(today, county.year_start_month)
    with db.session.no_autoflush:
        earlier = load_earlier_work(d, county, current - 2, today, rng)
    db.session.flush()
    versions = load_arrangements_history(county, today)
    db.session.add(ReportSettings(partnership=county))
    reports = [load_report(d, county, period_facts(county, year, today, versions), today)
               for year in (current - 2, current - 1)]
    db.session.flush()
    publish_report(reports[0], today)
    return {"arrangements versions": len(versions), "yearly reports": len(reports),
            "report sections": sum(len(r.narrative) for r in reports),
            "actions before the plan": len(earlier)}


# --- the benchmark's synthetic partnerships ---------------------------------------------------
#
# Each synthetic partnership gets the county's arrangements history without the rendering
# (two versions, published on the same days as the county's, stored without a file: they
# have not been rendered), and the first one a draft report on its last complete year, every
# section written. The words are generic; the only figures they cite are read from the
# report's own assembled content, so they always agree with the records.

SYNTHETIC_OFFICER_TITLE = "Partnership business manager"


def _synthetic_earlier(register: dict[str, Any]) -> dict[str, Any]:
    """The synthetic register as its earlier version had it: the newest subgroup not yet set
    up, the agency that joined with it not yet a relevant agency, and the Executive meeting
    every quarter rather than every two months."""
    data = copy.deepcopy(register)
    subgroups = [b for b in data["bodies"] if b["kind"] == BodyKind.SUBGROUP.value]
    if subgroups:
        data["bodies"].remove(subgroups[-1])
    agencies = [a for a in data["agencies"] if not a["is_group"]]
    if len(agencies) > 1:
        joined = agencies[-1]["name"]
        data["agencies"] = [a for a in data["agencies"] if a["name"] != joined]
        for body in data["bodies"]:
            body["members"] = [m for m in body["members"] if m.get("agency") != joined]
    for body in data["bodies"]:
        if body["kind"] == BodyKind.EXECUTIVE.value:
            body["frequency"] = Frequency.QUARTERLY.value
    return data


def load_synthetic_arrangements(partnership: Partnership,
                                today: dt.date) -> list[ArrangementsVersion]:
    """Publish the synthetic partnership's two versions of its arrangements (the earlier
    before its last complete year, the later in it), each signed off as a draft by the
    partners' delegated representatives of the day, then published; oldest first."""
    days, contents = _history(partnership, today, _synthetic_earlier)
    versions = [ArrangementsVersion(partnership=partnership, title=content["title"],
                                    status=PublicationStatus.DRAFT,
                                    created_at=_at(day - 35 * DAY))
                for day, content in zip(days, contents, strict=True)]
    db.session.add_all(versions)
    db.session.flush()
    for day, content, version in zip(days, contents, versions, strict=True):
        for n, partner in enumerate(partners_in_order(partnership)):
            post = next((r for r in partner.representatives_on(day)
                         if r.capacity is Capacity.DELEGATED and r.person), None)
            if post is not None:
                db.session.add(Signature(
                    document=DocumentKind.ARRANGEMENTS, version_id=version.id,
                    partnership_id=partnership.id, partner=partner,
                    signed_by=post.person.name, role=post.title or post.person.job_title,
                    signed_at=_at(day - (12 - 4 * n) * DAY, 14), digest=digest_of(content),
                    comment="", deputy_for="", sealed=True))
    db.session.flush()
    for number, (day, content, version, superseded) in enumerate(
            zip(days, contents, versions, [*days[1:], None], strict=True), start=1):
        _publish(version, number, day, content, None, superseded)
    db.session.flush()
    return versions


def _synthetic_voices(partnership: Partnership) -> Voices:
    executive = next((b for b in partnership.bodies if b.kind is BodyKind.EXECUTIVE), None)
    chair = executive.chair if executive is not None else None
    scrutineer = next((s.person for s in partnership.scrutineers
                       if s.whole_partnership and s.person), None)
    officer = db.session.scalars(sa.select(Person).join(Agency, Person.agency_id == Agency.id)
                                 .where(Agency.partnership_id == partnership.id)
                                 .order_by(Person.id.desc())).first()
    return Voices(chair=chair.name if chair else partnership.name,
                  chair_title=f"Chair of the {executive.name}" if executive else "Chair",
                  scrutineer=scrutineer.name if scrutineer else "Independent scrutineer",
                  officer=officer.name if officer else partnership.name,
                  officer_title=SYNTHETIC_OFFICER_TITLE, partnership=partnership.name)


def _count(n: int, word: str, many: str | None = None) -> str:
    """A count and its noun, as prose writes it: "one case audit", "three pieces of work"."""
    return f"{number(n)} {word if n == 1 else many or word + 's'}"


def synthetic_narrative(content: ReportContent, v: Voices) -> dict[ReportSection, str]:
    """The team's sections of a synthetic partnership's report: generic words, and only
    figures read from ``content`` (so the narrative check finds nothing to correct)."""
    a, r, i, c = content.activities, content.reviews, content.impact, content.changes
    label, heard = content.period_label, content.feedback.engagements
    stalled = len(content.progress.objectives) if not content.progress.missing else 0
    did = what_we_did(a)
    reviewed = "No Rapid Review was completed this year."
    if r.rapid_completed:
        reviewed = (f"We completed {_count(r.rapid_completed, 'Rapid Review')}, and the "
                    "partners signed off each one before it went to the national panel.")
    if a.local_reviews:
        reviewed += (f" {capital(_count(a.local_reviews, 'local review'))} "
                     f"{'was' if a.local_reviews == 1 else 'were'} open during the year.")
    listening = ("We did not hear from children and families as widely as we should have."
                 if not heard else
                 f"We heard from children, young people and families through "
                 f"{_count(len(heard), 'piece of work', 'pieces of work')}.")
    if i.escalations is not None and i.escalations.raised:
        first_stages = {EscalationStage.PRACTITIONER.label, EscalationStage.MANAGER.label}
        early = sum(row.count for row in i.escalations.by_stage if row.label in first_stages)
        listening += (f" Agencies raised {i.escalations.raised} escalations when they "
                      "disagreed about a child; "
                      + ("most went no further than the managers of the agencies concerned."
                         if 2 * early > i.escalations.raised else
                         "too many had to go to senior leaders or to the partnership before "
                         "they were settled."))
    short = ("Where we fell short: "
             + (f"{_count(stalled, 'objective')} made little or no progress, and part 4 "
                "says why." if stalled else "too much work finished late, and part 4 says "
                                            "which."))
    assurance = []
    if i.audits:
        assurance.append(_count(len(i.audits), "case audit"))
    if i.scrutiny:
        assurance.append(_count(len(i.scrutiny), "scrutiny activity", "scrutiny activities"))
    if i.rounds:
        assurance.append(_count(len(i.rounds), "self-assessment round"))
    behind = (f"This year {_count(stalled, 'objective')} made little or no progress. "
              f"{'Its leads have' if stalled == 1 else 'The leads of each have'} told the "
              "Executive why, and it has asked them to report every quarter until their "
              "actions are back on track."
              if stalled else "This year no objective fell behind, though several actions "
                              "finished late; their updates give the reasons.")
    asked = (f"In {label} we heard from children and families through "
             f"{_count(len(heard), 'piece of work', 'pieces of work')}, listed below."
             if heard else "")
    sections = {
        ReportSection.FOREWORD: f"""\
This report looks back on {label}. It is written for the children and families of the area,
for the practitioners who do the work every day, and for the national bodies that hold us to
account.

We have asked every lead to tell us what changed for children, not only what was done, and
where the answer is "not enough yet" we say so. The three safeguarding partners have read
this report and stand behind it.

**{v.chair}**

{v.chair_title}, on behalf of the three safeguarding partners
""",
        ReportSection.SUMMARY: f"""\
**What we did.** {did}

**Reviews.** {reviewed}

**What changed for children.** Part 3 sets out the evidence, objective by objective: what
practitioners, children and families told us had changed, and what audits and dip samples
found.

**Listening.** {listening}

**{short.split(": ")[0]}.** {capital(short.split(": ", 1)[1])}
""",
        ReportSection.ACTIVITIES: f"""\
Most of the partnership's work is done in its groups, which report to the Executive; the
Board holds the partners to account for the whole. Taking part means more than coming to
meetings, so the table of agencies below also shows who returned their self-assessment and
their case audit returns, and who raised escalations when they disagreed with another agency.

Of the {a.actions_live} business-plan actions for the year, {a.actions_completed} were
completed within it; part 4 explains the rest.
""",
        ReportSection.REVIEWS: """\
When a child dies or is seriously harmed and abuse or neglect is known or suspected, the
local authority tells the national panel within five working days, and the partnership
carries out a rapid review within fifteen working days to decide whether a fuller review
would teach us something new.

Cases whose reviews are not yet published are not named in this report: they appear by
number only, with their dates and outcomes, so that no child or family can be recognised.
""",
        ReportSection.IMPACT: f"""\
We ask every action lead for evidence of impact: what changed for children, families or
practitioners, not what was done. The evidence below is grouped by the business plan's
objectives, with work outside the plan at the end.

The partnership also tested its own work this year through
{in_words(assurance) if assurance else "its audits and its independent scrutiny"}; what each
found, and what was done about it, follows the evidence.
""",
        ReportSection.PROGRESS: f"""\
This is the part of the report where we are hardest on ourselves. {behind}
""",
        ReportSection.RECOMMENDATIONS: """\
Every review ends in recommendations, and every recommendation is turned into actions, each
with a lead agency and a target date. We check each one until there is evidence that
practice has changed, not only that the action was done. We also act on reviews published
elsewhere when their learning applies here.

Reviews that are not yet published appear only as totals, so that no child can be
recognised.
""",
        ReportSection.FEEDBACK: f"""\
We want to show, for every piece of feedback, how we asked for it and what we did with it.
{asked} Where an entry says nothing about what changed, we have not yet closed the loop, and we
will tell those who took part what happened as a result.
""",
        ReportSection.CHANGES: _synthetic_changes(c),
        ReportSection.NEXT_YEAR: f"""\
In {content.next_year.year_label if content.next_year else "the coming year"} we will
concentrate on the objectives of our business plan, listed below, and finish the actions
carried forward from this year. The Executive will check progress every quarter against
evidence of impact, not activity.
""",
        ReportSection.MONEY: _synthetic_money(content),
        ReportSection.FAMILIES: """\
This is a short version of our report for children, young people and families. The
partnership is the council, the police and the health service working together, with
schools and many others, to keep children safe.

This year we asked children, young people and parents what it is like to get help from us,
and we changed some of the things we do because of what they said.
""",
        ReportSection.FAMILIES_NEXT: """\
Next year we will keep asking, and we will tell everyone who helped us what changed because
of what they said.
""",
    }
    return {section: tidy(text) for section, text in sections.items()}


def _synthetic_changes(changes: Changes) -> str:
    """The team's words on part 8, as the versions in force at the start and end say."""
    review = ("The three partners review the arrangements every year and publish a new version "
              "once all three have signed it off.")
    if changes.at_start is not None and changes.at_end is not None \
            and changes.at_start.published != changes.at_end.published:
        return (f"{review} The version in force when the year began was published on "
                f"{long_date(dt.date.fromisoformat(changes.at_start.published))}; after the "
                f"year's review, a revised version was published on "
                f"{long_date(dt.date.fromisoformat(changes.at_end.published))}. Every change "
                "is listed below.\n")
    return f"{review} The arrangements did not change during the year.\n"


def _synthetic_money(content: ReportContent) -> str:
    """The team's words on the budget (its figures read from the report's own)."""
    money = content.money
    spent = ""
    if money is not None and not money.missing and money.budget_total:
        spent = (f" Against a budget of {pounds(money.budget_total)}, we spent "
                 f"{pounds(money.spent_total)}.")
    return (f"The three partners pay agreed shares of the partnership's budget, and other "
            f"agencies add what they can, in money or in staff time.{spent} Most of the money "
            "pays for the partnership team, independent scrutiny, case reviews and "
            "multi-agency training.\n")


def synthetic_assessment(content: ReportContent) -> str:
    """The synthetic scrutineer's assessment, in their own words (no figures)."""
    reported = ("the activities of my plan, listed below," if content.impact.scrutiny
                else "my observations through the year")
    return tidy(f"""\
My judgement is that the partnership's arrangements are effective, with work still to do.
The three partners attend, decide and hold one another to account, and most actions now
carry evidence of what changed for children.

I have based this on the partnership's records, on {reported} and on conversations with
practitioners without their managers present.

Too much work still finishes late, and the reasons are known before the Executive is told.
Children's voices are heard more than they were, but younger and disabled children are
still largely missing.
""")


def load_synthetic_report(partnership: Partnership, today: dt.date) -> YearlyReport:
    """Add a draft report on the partnership's last complete year, every narrative section
    written (the team's from the report's own figures, and the scrutineer's assessment)."""
    start, end = last_complete_year(partnership, today)
    with ExitStack() as stack:
        if not has_request_context():  # the figures link to records: url_for needs a request
            stack.enter_context(offline_request_context())
        content = assemble(partnership, start, end, today)
    v = _synthetic_voices(partnership)
    drafted = max(end, min(end + 28 * DAY, today - DAY))
    latest = max(drafted, today - DAY)
    report = YearlyReport(
        partnership=partnership, status=PublicationStatus.DRAFT, created_at=_at(drafted, 9),
        title=f"{partnership.short_name or partnership.name} yearly report "
              f"{content.period_label}", period_start=start, period_end=end)
    for n, (section, markdown) in enumerate(synthetic_narrative(content, v).items()):
        report.narrative.append(ReportNarrative(
            section=section, markdown=markdown, written_by=v.officer,
            written_as=v.officer_title,
            updated_at=_at(min(latest, drafted + (7 + 3 * n) * DAY), 11 + n % 5)))
    report.narrative.append(ReportNarrative(
        section=ReportSection.ASSESSMENT, markdown=synthetic_assessment(content),
        written_by=v.scrutineer, written_as=SCRUTINEER_TITLE,
        updated_at=_at(min(latest, drafted + 45 * DAY), 16)))
    db.session.add(report)
    return report


def load_synthetic_reports(scale: int, today: dt.date | None) -> dict[str, int]:
    """Publish every synthetic partnership's arrangements history, and add the first one's
    draft report on its last complete year (after everything the report reads)."""
    today = today or clock.today()
    partnerships = synthetic_partnerships(scale)
    versions = sum(len(load_synthetic_arrangements(p, today)) for p in partnerships)
    reports = [load_synthetic_report(p, today) for p in partnerships[:1]]
    db.session.flush()
    return {"synthetic arrangements versions": versions, "synthetic yearly reports": len(reports)}

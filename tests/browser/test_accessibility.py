"""axe-core (WCAG 2.2 AA tags), language, titles and error summaries on every page, per role.

One test per role keeps the run fast: it visits each page that role can reach, collects
every problem and fails once at the end with the full list.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page

from partnership.policy import Role, can
from tests.browser.support import (
    ACCOUNTS,
    ConsoleWatch,
    LiveServer,
    axe_violations,
    load_axe_on_every_page,
    page_problems,
    screenshot,
    walking,
)

pytestmark = pytest.mark.browser

OFFICER = ACCOUNTS[Role.TEAM].email


class _RoleUser:
    """Just enough of a user for the policy to answer what a role may see."""

    is_authenticated = True
    is_active = True

    def __init__(self, role: Role) -> None:
        self.role = role


def pages_for(role: Role, server: LiveServer) -> list[tuple[str, str]]:
    """(label, path) for every page this role can reach, without error states."""
    user = _RoleUser(role)
    pages = [("home", "/"), ("account", "/account"), ("change password", "/account/password")]
    if can(user, "view", "users"):
        officer = server.user_ids[OFFICER]
        pages += [
            ("users", "/users"),
            ("user detail", f"/users/{officer}"),
            ("user edit", f"/users/{officer}/edit"),
            ("create user", "/users/new"),
            ("set password", f"/users/{officer}/password"),
        ]
    if can(user, "view", "audit_log"):
        pages.append(("audit log", "/audit"))
    pages += [(label, path) for verb, realm, label, path in register_pages(server)
              if can(user, verb, realm) and (role is Role.TEAM or verb != "view"
                                             or label in READ_BY_EVERY_ROLE)]
    pages += [(label, path) for roles, label, path in assurance_pages(server) if role in roles]
    return pages


# The pages every role reads that show each role something of its own (what it may do, sign,
# vote on or update; the cases it may know of). The team is walked through every page; the
# other pages other roles only read are the team's templates without its buttons.
READ_BY_EVERY_ROLE = frozenset({
    "partnerships", "partnership overview", "arrangements", "action list", "my actions",
    "action", "meetings", "meeting", "cases", "case board", "learning", "reading room",
    "yearly reports", "yearly report", "plans", "plan"})

# (verb, realm, label, endpoint): the register and arrangements pages, filled from the demo.
REGISTER_PAGES = [
    ("view", "register", "partnerships", "partnerships.index"),
    ("view", "register", "partnership overview", "partnerships.overview"),
    ("edit", "register", "partnership edit", "partnerships.edit"),
    ("edit", "register", "new partnership", "partnerships.new"),
    ("view", "register", "statutory partner", "partners.detail"),
    ("edit", "register", "partner name new", "partners.name_new"),
    ("edit", "register", "representative new", "partners.representative_new"),
    ("edit", "register", "representative edit", "partners.representative_edit"),
    ("view", "register", "agencies", "agencies.index"),
    ("view", "register", "agency", "agencies.detail"),
    ("edit", "register", "agency edit", "agencies.edit"),
    ("edit", "register", "contributions", "agencies.contributions"),
    ("view", "register", "bodies", "bodies.index"),
    ("view", "register", "body", "bodies.detail"),
    ("edit", "register", "body edit", "bodies.edit"),
    ("edit", "register", "member new", "bodies.member_new"),
    ("view", "register", "people", "people.index"),
    ("view", "register", "person", "people.detail"),
    ("edit", "register", "person edit", "people.edit"),
    ("view", "register", "collaborations", "collaborations.index"),
    ("view", "register", "collaboration", "collaborations.detail"),
    ("edit", "register", "collaboration edit", "collaborations.edit"),
    ("view", "register", "scrutineers", "scrutineers.index"),
    ("view", "register", "scrutineer", "scrutineers.detail"),
    ("edit", "register", "scrutineer edit", "scrutineers.edit"),
    ("view", "arrangements", "arrangements", "arrangements.overview"),
    ("view", "arrangements", "arrangements preview", "arrangements.preview"),
    ("edit", "arrangements", "narrative section edit", "arrangements.section_edit"),
    ("edit", "arrangements", "new sign-off round", "arrangements.version_new"),
    # The business plan, the action tracker and meetings. Pages a chair, agency lead or
    # partner reaches only for their own records are checked here as the team sees them.
    ("view", "plans", "plans", "plans.all"),
    ("view", "plans", "partnership plans", "plans.index"),
    ("view", "plans", "plan", "plans.detail"),
    ("view", "plans", "objective", "plans.objective"),
    ("view", "plans", "little or no progress", "plans.little_progress"),
    ("edit", "plans", "new plan", "plans.new"),
    ("edit", "plans", "plan edit", "plans.edit"),
    ("edit", "plans", "new objective", "plans.objective_new"),
    ("edit", "plans", "objective edit", "plans.objective_edit"),
    ("edit", "plans", "phase edit", "plans.phase_edit"),
    ("carry_forward", "actions", "carry forward", "plans.carry_forward"),
    ("view", "actions", "action list", "actions.index"),
    ("update", "actions", "my actions", "actions.mine"),
    ("view", "actions", "action", "actions.detail"),
    ("edit", "register", "new action", "actions.new"),
    ("edit", "register", "action edit", "actions.edit"),
    ("edit", "register", "record progress", "actions.update"),
    ("import", "actions", "import a tracker", "actions.import_start"),
    ("view", "meetings", "meetings", "meetings.upcoming"),
    ("view", "meetings", "a body's meetings", "meetings.index"),
    ("view", "meetings", "attendance by agency", "meetings.attendance"),
    ("view", "meetings", "meeting", "meetings.detail"),
    ("edit", "register", "meeting edit", "meetings.edit"),
    ("edit", "register", "generate meetings", "meetings.generate"),
    ("edit", "register", "attendance edit", "meetings.attendance_edit"),
    ("edit", "register", "new decision", "meetings.decision_new"),
    ("edit", "register", "new agenda item", "meetings.agenda_new"),
    ("edit", "register", "approve minutes", "meetings.minutes_approve"),
    # Case reviews (need-to-know: case pages are checked as the team sees them) and learning.
    ("view", "cases", "cases", "cases.index"),
    ("view", "cases", "case board", "cases.board"),
    ("edit", "register", "case", "cases.detail"),
    ("edit", "register", "new case", "cases.new"),
    ("edit", "register", "case edit", "cases.edit"),
    ("edit", "register", "case stage", "cases.stage"),
    ("edit", "register", "notification", "cases.notification"),
    ("edit", "register", "national referral", "cases.referral"),
    ("edit", "register", "people on a case", "cases.members"),
    ("edit", "register", "review settings", "cases.settings"),
    ("edit", "register", "rapid review", "rapid.edit"),
    ("edit", "register", "information request", "rapid.request_new"),
    ("edit", "register", "information request edit", "rapid.request_edit"),
    ("edit", "register", "practice episode", "rapid.episode_new"),
    ("edit", "register", "local review", "local_reviews.edit"),
    ("edit", "register", "reviewer", "local_reviews.reviewer_new"),
    ("edit", "register", "milestones", "local_reviews.milestones"),
    ("edit", "register", "publication", "local_reviews.publication"),
    ("edit", "register", "monitoring", "local_reviews.monitoring_new"),
    ("view", "reviews", "learning", "learning.index"),
    ("view", "reviews", "learning from elsewhere", "learning.detail"),
    ("view", "reviews", "themes across years", "learning.patterns"),
    ("edit", "register", "our review", "learning.edit"),
    ("edit", "register", "action plan", "learning.action_plan"),
    ("edit", "register", "new recommendation", "learning.recommendation_new"),
    ("edit", "register", "recommendation edit", "learning.recommendation_edit"),
    ("manage", "themes", "themes", "learning.themes"),
    ("edit", "register", "new review from elsewhere", "learning.new"),
    # The reading room: every published document in one place.
    ("view", "reading_room", "reading room", "reading_room.index"),
    ("view", "reading_room", "compare yearly reports", "reading_room.compare"),
    # The yearly report (the demo's latest draft).
    ("view", "reports", "yearly reports", "reports.index"),
    ("view", "reports", "yearly report", "reports.detail"),
    ("edit", "reports", "start a yearly report", "reports.new"),
    ("edit", "reports", "yearly report settings", "reports.settings"),
    ("edit", "reports", "yearly report section edit", "reports.section_edit"),
    ("assess", "reports", "scrutineer's assessment", "reports.assessment"),
]


# The assurance pages (the county's demo records), each checked for the roles that work on it:
# the team for every page, and each other role on the pages of its own part. The pages other
# roles only read are the same templates without the team's buttons.
T, S, A, C = Role.TEAM, Role.SCRUTINEER, Role.AGENCY, Role.CHAIR
ASSURANCE_PAGES: list[tuple[frozenset[Role], str, str]] = [
    (frozenset({T, S, A, C, Role.PARTNER, Role.ADMIN}), "assurance", "pages.assurance"),
    (frozenset({T, S}), "scrutiny", "scrutiny.index"),
    (frozenset({T, S}), "scrutiny plan", "scrutiny.plan"),
    (frozenset({T, S}), "scrutiny activity", "scrutiny.activity"),
    (frozenset({T, S}), "scrutiny activity edit", "scrutiny.activity_edit"),
    (frozenset({S}), "scrutiny findings", "scrutiny.findings"),
    (frozenset({T}), "scrutiny response", "scrutiny.response"),
    (frozenset({T, A}), "case audits", "case_audits.index"),
    (frozenset({T, A, C}), "case audit", "case_audits.detail"),
    (frozenset({T, C}), "case audit findings", "case_audits.findings"),
    (frozenset({T, C}), "case audit moderation", "case_audits.moderation"),
    (frozenset({T}), "self-assessment", "self_assessment.index"),
    (frozenset({T}), "self-assessment round", "self_assessment.round_detail"),
    (frozenset({T, S}), "self-assessment dashboard", "self_assessment.dashboard"),
    (frozenset({T}), "self-assessment return", "self_assessment.return_detail"),
    (frozenset({T}), "voice of children and families", "voice.index"),
    (frozenset({T}), "engagement", "voice.detail"),
    (frozenset({T}), "engagement new", "voice.new"),
    (frozenset({T, A}), "escalations", "escalations.index"),
    (frozenset({T, A}), "escalation new", "escalations.new"),
    (frozenset({T}), "grading scales", "scales.index"),
    (frozenset({T}), "evidence files", "evidence.quota"),
    # The multi-agency dataset: the team's every page; the scrutineer reads, a chair of an
    # indicator's group sees its action button, an agency may import its own figures.
    (frozenset({T, S, C}), "data (every partnership)", "dataset_all.index"),
    (frozenset({T, S}), "multi-agency data", "dataset.index"),
    (frozenset({T, C}), "data dashboard", "dataset.dashboard"),
    (frozenset({T, S, C}), "indicator", "dataset.indicator"),
    (frozenset({T}), "indicator new", "dataset.indicator_new"),
    (frozenset({T}), "indicator edit", "dataset.indicator_edit"),
    (frozenset({T}), "data settings", "dataset.settings"),
    (frozenset({T}), "figures for a period", "dataset.values"),
    (frozenset({T}), "approve figures", "dataset.approve"),
    (frozenset({T, A}), "import figures", "dataset.import_values"),
    (frozenset({T, Role.PARTNER}), "child population", "dataset.population"),
    (frozenset({T}), "benchmarks", "dataset.benchmarks"),
    (frozenset({T}), "benchmark release", "dataset.release"),
    (frozenset({T}), "import benchmarks", "dataset.benchmarks_import"),
    # Multi-agency training: everyone reads the programme; the team keeps it; an agency lead
    # records their own agency's attendance and answers its follow-ups.
    (frozenset({T, S, A}), "training (every partnership)", "training_all.index"),
    (frozenset({T, S}), "training programme", "training.index"),
    (frozenset({T, S}), "training course", "training.course"),
    (frozenset({T, S, A}), "training session", "training.session"),
    (frozenset({T, S, Role.PARTNER}), "training uptake", "training.uptake"),
    (frozenset({T, A}), "training follow-ups due", "training.follow_ups"),
    (frozenset({T}), "training course new", "training.course_new"),
    (frozenset({T, A}), "training attendance", "training.attendance_new"),
    (frozenset({T, A}), "training follow-up answer", "training.follow_up_new"),
    (frozenset({T}), "training evaluation", "training.evaluation_new"),
    (frozenset({T}), "training expected places", "training.expected"),
    (frozenset({T}), "training settings", "training.settings"),
    (frozenset({T}), "training import", "training.import_attendance"),
    # The shared budget: everyone reads it; the team keeps the figures; partners sign the
    # statement (the demo's current draft waits for health and the police).
    (frozenset({T, S, A}), "budget (every partnership)", "funding_all.index"),
    (frozenset({T, S}), "budget years", "funding.index"),
    (frozenset({T, S, A, Role.PARTNER}), "budget year", "funding.year"),
    (frozenset({T, S}), "budget lines and spending", "funding.lines"),
    (frozenset({T}), "budget income", "funding.income"),
    (frozenset({T}), "help in kind", "funding.in_kind"),
    (frozenset({T, S}), "budget statement (year)", "funding.statement_year"),
    (frozenset({T, Role.PARTNER}), "budget statement", "funding.statement"),
    (frozenset({T}), "budget contributors", "funding.contributors"),
    (frozenset({T}), "budget contributor", "funding.contributor_edit"),
    (frozenset({T}), "budget line new", "funding.line_new"),
    (frozenset({T}), "budget payment new", "funding.spending_new"),
    (frozenset({T}), "budget income new", "funding.receipt_new"),
    (frozenset({T}), "help in kind new", "funding.in_kind_new"),
]


def register_pages(server: LiveServer) -> list[tuple[str, str, str, str]]:
    """Fill REGISTER_PAGES' URLs with records of the demo's county partnership."""
    import sqlalchemy as sa
    from flask import url_for

    from partnership.actions.models import Action
    from partnership.arrangements.models import NarrativeSection
    from partnership.extensions import db
    from partnership.meetings.models import Meeting, MinutesStatus
    from partnership.plans.models import Phase, Plan
    from partnership.register import models as m
    from partnership.reports.models import YearlyReport
    from partnership.reviews.models import Case, InformationRequest, Review

    with server.app.app_context(), server.app.test_request_context():
        county = db.session.scalar(sa.select(m.Partnership).where(m.Partnership.slug == "wscp"))
        assert county is not None, "the demo's county partnership is missing"
        agency = county.agencies[0]
        body = county.bodies[0]
        partner = county.partners[0]
        values = {
            "slug": county.slug,
            "kind": partner.kind.value,
            "representative_id": partner.representatives[-1].id,
            "agency_id": agency.id,
            "body_id": body.id,
            "person_id": partner.representatives[-1].person_id,
            "collaboration_id": county.collaborations[0].id,
            "scrutineer_id": county.scrutineers[0].id,
            "section": "foreword",
            "section_id": db.session.scalar(
                sa.select(NarrativeSection.id)
                .where(NarrativeSection.partnership_id == county.id).limit(1)),
        }
        plan = db.session.scalar(sa.select(Plan).where(Plan.partnership_id == county.id))
        assert plan is not None, "the demo's county plan is missing"
        draft = db.session.scalar(
            sa.select(Meeting).join(m.Body, Meeting.body_id == m.Body.id)
            .where(m.Body.partnership_id == county.id, Meeting.decisions.any(),
                   Meeting.minutes_status == MinutesStatus.DRAFT)
            .order_by(Meeting.held_on.desc()).limit(1))
        assert draft is not None, "the demo has no meeting with draft minutes and decisions"
        action = db.session.scalar(sa.select(Action).where(Action.partnership_id == county.id)
                                   .order_by(Action.id).limit(1))
        values.update({
            "plan_id": plan.id, "objective_id": plan.objectives[0].id,
            "phase_id": db.session.scalar(sa.select(Phase.id).limit(1)),
            "meeting_id": draft.id, "action_id": action.id if action else None,
        })
        values["body_id_for_meetings"] = draft.body_id
        case = db.session.scalar(
            sa.select(Case).where(Case.partnership_id == county.id, Case.local_review.has(),
                                  Case.rapid_review.has(), Case.reviews.any())
            .order_by(Case.id).limit(1))
        assert case is not None, "the demo has no case with both reviews and recommendations"
        ours = next(review for review in case.reviews if review.recommendations)
        elsewhere = db.session.scalar(sa.select(Review).where(Review.case_id.is_(None)).limit(1))
        assert elsewhere is not None, "the demo has no learning from elsewhere"
        values.update({
            "case_id": case.id,
            "request_id": db.session.scalar(sa.select(InformationRequest.id).limit(1)),
            "review_id": ours.id, "recommendation_id": ours.recommendations[0].id,
        })
        values["elsewhere_id"] = elsewhere.id
        report = db.session.scalar(
            sa.select(YearlyReport).where(YearlyReport.partnership_id == county.id)
            .order_by(YearlyReport.period_end.desc()).limit(1))
        assert report is not None, "the demo has no yearly report"
        values["report_id"] = report.id
        pages = []
        for verb, realm, label, endpoint in REGISTER_PAGES:
            rule = next(server.app.url_map.iter_rules(endpoint))
            args = {name: values[name] for name in rule.arguments}
            if endpoint == "learning.detail":
                args = {"review_id": values["elsewhere_id"]}
            elif endpoint.startswith("meetings."):
                args = {name: values["body_id_for_meetings"] if name == "body_id"
                        else values[name] for name in rule.arguments}
            pages.append((verb, realm, label, url_for(endpoint, **args)))
        return pages


def assurance_pages(server: LiveServer) -> list[tuple[frozenset[Role], str, str]]:
    """Fill ASSURANCE_PAGES' URLs with the demo county's assurance records."""
    import sqlalchemy as sa
    from flask import url_for

    from partnership.extensions import db
    from partnership.register.models import Partnership

    with server.app.app_context(), server.app.test_request_context():
        county = db.session.scalar(sa.select(Partnership).where(Partnership.slug == "wscp"))
        assert county is not None, "the demo's county partnership is missing"
        values = {"slug": county.slug, **assurance_values(county.id)}
        pages = []
        for roles, label, endpoint in ASSURANCE_PAGES:
            rule = next(server.app.url_map.iter_rules(endpoint))
            pages.append((roles, label,
                          url_for(endpoint, **{name: values[name] for name in rule.arguments})))
        return pages


def assurance_values(partnership_id: int) -> dict[str, int | str | None]:
    """Ids of the demo county's assurance records, for the assurance pages' URLs."""
    import sqlalchemy as sa

    from partnership.case_audits.models import AuditStage, CaseAudit
    from partnership.extensions import db
    from partnership.scrutiny.models import ActivityStatus, ScrutinyActivity, ScrutinyPlan
    from partnership.self_assessment.models import AssessmentReturn, AssessmentRound, RoundStatus
    from partnership.voice.models import Engagement

    def first(query: sa.Select[tuple[int]]) -> int | None:
        return db.session.scalar(query.limit(1))

    plan = first(sa.select(ScrutinyPlan.id).where(ScrutinyPlan.partnership_id == partnership_id)
                 .order_by(ScrutinyPlan.year.desc()))
    # The audit taking returns: the demo agency lead's agency is asked, and the demo chair
    # chairs the group that runs it, so each role that may see it does.
    audit = first(sa.select(CaseAudit.id).where(CaseAudit.partnership_id == partnership_id,
                                                CaseAudit.stage == AuditStage.RETURNS))
    live = first(sa.select(AssessmentRound.id).where(
        AssessmentRound.partnership_id == partnership_id,
        AssessmentRound.status == RoundStatus.OPEN).order_by(AssessmentRound.id))
    assert plan and audit and live, "the demo's county has no scrutiny plan, audit or round"
    return {
        "scrutiny_plan_id": plan,
        "activity_id": first(sa.select(ScrutinyActivity.id)
                             .where(ScrutinyActivity.plan_id == plan,
                                    ScrutinyActivity.status == ActivityStatus.REPORTED)
                             .order_by(ScrutinyActivity.id)),
        "audit_id": audit, "round_id": live,
        "return_id": first(sa.select(AssessmentReturn.id)
                           .where(AssessmentReturn.round_id == live)
                           .order_by(AssessmentReturn.id)),
        "engagement_id": first(sa.select(Engagement.id)
                               .where(Engagement.partnership_id == partnership_id)
                               .order_by(Engagement.id)),
        **dataset_values(partnership_id),
        **funding_values(partnership_id),
        **training_values(partnership_id),
    }


def dataset_values(partnership_id: int) -> dict[str, int | str | None]:
    """The county's indicator watched by the executive with an exception (second child
    protection plans), its latest period, and a benchmark release."""
    import sqlalchemy as sa

    from partnership.dataset.models import BenchmarkRelease, Indicator, IndicatorValue
    from partnership.extensions import db

    indicator = db.session.scalar(sa.select(Indicator.id).where(
        Indicator.partnership_id == partnership_id, Indicator.reference == "CP4"))
    period = db.session.scalar(sa.select(sa.func.max(IndicatorValue.period_start))
                               .where(IndicatorValue.indicator_id == indicator))
    release = db.session.scalar(sa.select(BenchmarkRelease.id).where(
        BenchmarkRelease.partnership_id == partnership_id).limit(1))
    assert indicator and period and release, "the demo's county has no dataset"
    return {"indicator_id": indicator, "period": period.isoformat(), "release_id": release}


def funding_values(partnership_id: int) -> dict[str, int | str | None]:
    """The county's last complete budget year, a line of it, this year's draft statement and
    the agency whose money counts under the local authority."""
    import sqlalchemy as sa

    from partnership.extensions import db
    from partnership.funding.models import BudgetLine, BudgetStatement, ContributorPartner
    from partnership.publishing.models import PublicationStatus

    draft = db.session.scalar(sa.select(BudgetStatement).where(
        BudgetStatement.partnership_id == partnership_id,
        BudgetStatement.status == PublicationStatus.DRAFT).limit(1))
    assert draft is not None, "the demo's county has no draft budget statement"
    line = db.session.scalar(sa.select(BudgetLine.id).where(
        BudgetLine.partnership_id == partnership_id, BudgetLine.year == draft.year - 1)
        .order_by(BudgetLine.position).limit(1))
    agency = db.session.scalar(sa.select(ContributorPartner.agency_id).where(
        ContributorPartner.partnership_id == partnership_id).limit(1))
    return {"year": draft.year - 1, "budget_line_id": line, "budget_statement_id": draft.id,
            "agency_id": agency}


def training_values(partnership_id: int) -> dict[str, int | str | None]:
    """The county's neglect course and its latest session with follow-up answers."""
    import sqlalchemy as sa

    from partnership.extensions import db
    from partnership.training.models import Course, FollowUp, TrainingSession

    session = db.session.scalar(
        sa.select(TrainingSession).join(Course)
        .where(Course.partnership_id == partnership_id,
               Course.title == "Recognising and responding to neglect",
               TrainingSession.id.in_(sa.select(FollowUp.session_id)))
        .order_by(TrainingSession.starts_on.desc()).limit(1))
    assert session is not None, "the demo's county has no training with follow-ups"
    return {"course_id": session.course_id, "training_session_id": session.id}


def check(page: Page, label: str, problems: list[str], titles: dict[str, str] | None = None,
          *, error_state: bool = False, contrast: bool = True, axe: bool = True) -> None:
    """Run every check on the page as it is now; note its title if it must be unique."""
    problems += page_problems(page, label, error_state=error_state)
    if axe:
        problems += axe_violations(page, label, contrast=contrast)
    if titles is not None:
        titles[label] = page.title()


def unique_title_problems(titles: dict[str, str]) -> list[str]:
    seen: dict[str, str] = {}
    problems = []
    for label, title in titles.items():
        if title in seen:
            problems.append(f"{label}: same title as {seen[title]}: {title!r}")
        seen.setdefault(title, label)
    return problems


def report(problems: list[str], console: ConsoleWatch) -> None:
    problems = problems + [f"CSP: {m}" for m in console.csp_violations]
    problems += [f"JavaScript error: {e}" for e in console.errors]
    assert not problems, "\n".join(["Accessibility problems:", *problems])


# The team reaches every page, far more than any other role: its walk is split into parts
# that run side by side on the suite's workers (each part is about as long as another role's).
TEAM_PARTS = 4
WALKS = [(role, part, TEAM_PARTS if role is Role.TEAM else 1)
         for role in Role for part in range(TEAM_PARTS if role is Role.TEAM else 1)]


@pytest.mark.parametrize(
    ("role", "part", "parts"), WALKS,
    ids=[role.value if parts == 1 else f"{role.value}-{part + 1}-of-{parts}"
         for role, part, parts in WALKS])
def test_every_page_for_role(role: Role, part: int, parts: int, live_server: LiveServer,
                             new_context: Callable[..., BrowserContext]) -> None:
    context = new_context(role)
    load_axe_on_every_page(context)
    page = context.new_page()
    console = ConsoleWatch().attach(page)
    problems: list[str] = []
    contrast = role is Role.TEAM  # see WITHOUT_CONTRAST
    walk = pages_for(role, live_server)
    walking(context, [live_server(path) for _label, path in walk])  # every part's pages
    # axe reads a page's markup, which is the template's: another role's walk runs it where
    # the team's walk does not go, and on the home page (each role's own); every page is
    # still loaded, laid out narrow, its title and links checked.
    team_pages = (set() if role is Role.TEAM else
                  {_endpoint(live_server, path) for _label, path in pages_for(Role.TEAM,
                                                                             live_server)})
    for label, path in walk[part::parts]:
        response = page.goto(live_server(path))
        assert response is not None
        if response.status != 200:
            problems.append(f"{label}: {path} answered {response.status}")
            continue
        endpoint = _endpoint(live_server, path)
        check(page, label, problems, contrast=contrast,
              axe=endpoint == "pages.home" or endpoint not in team_pages)
        if label == "home":
            screenshot(page, f"home-{role.value}")
    if part == 0:
        problems += error_state_problems(role, page, live_server)
    report(problems, console)


def _endpoint(server: LiveServer, path: str) -> str:
    """The endpoint that answers ``path`` (its query left out)."""
    return server.app.url_map.bind("localhost").match(path.split("?")[0])[0]


@pytest.mark.parametrize("role", list(Role), ids=lambda role: role.value)
def test_every_page_has_a_title_of_its_own(role: Role, live_server: LiveServer,
                                           new_context: Callable[..., BrowserContext]) -> None:
    """Titles are read from the HTML the server sends (no page is rendered), across the
    whole walk however it is split."""
    request = new_context(role).request
    titles = {}
    for label, path in pages_for(role, live_server):
        response = request.get(live_server(path))
        assert response.status == 200, f"{label}: {path} answered {response.status}"
        found = TITLE.search(response.text())
        assert found, f"{label}: {path} has no title"
        titles[label] = html.unescape(found.group(1).strip())
    problems = unique_title_problems(titles)
    assert not problems, "\n".join(problems)


TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)


def error_state_problems(role: Role, page: Page, live_server: LiveServer) -> list[str]:
    """The error states every role meets: the audit log's filters, a password too short,
    and creating an account (or the refusal to)."""
    problems: list[str] = []
    if can(_RoleUser(role), "view", "audit_log"):
        page.goto(live_server("/audit?actor=demo&action=sign-in&date_from=2020-01-01"))
        check(page, "audit log, filtered", problems)
        page.goto(live_server("/audit?date_from=31%2F12%2F2020"))
        check(page, "audit log, bad date", problems, error_state=True)

    # Error state: a new password that is too short (the password does not change).
    page.goto(live_server("/account/password"))
    page.get_by_label("Current password").fill(ACCOUNTS[role].password)
    page.get_by_label("New password").fill("too short")
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    check(page, "change password, too short", problems, error_state=True)

    if can(_RoleUser(role), "create", "users"):
        page.goto(live_server("/users/new"))
        page.get_by_role("button", name="Create account").click()
        page.wait_for_load_state()
        check(page, "create user, empty", problems, error_state=True)
    else:
        response = page.goto(live_server("/users"))
        assert response is not None and response.status == 403, "expected 403 on /users"
        check(page, "403 on /users", problems)
    return problems


def test_public_pages(live_server: LiveServer,
                      new_context: Callable[..., BrowserContext]) -> None:
    page = new_context().new_page()
    console = ConsoleWatch().attach(page)
    problems: list[str] = []
    titles: dict[str, str] = {}
    for label, path, status in [
        ("sign in", "/sign-in", 200),
        ("accessibility statement", "/accessibility-statement", 200),
        ("404", "/no-such-page", 404),
    ]:
        response = page.goto(live_server(path))
        assert response is not None
        if response.status != status:
            problems.append(f"{label}: {path} answered {response.status}, not {status}")
        check(page, label, problems, titles)
    problems += unique_title_problems(titles)

    page.goto(live_server("/sign-in"))
    page.get_by_label("Email address").fill(ACCOUNTS[Role.PARTNER].email)
    page.get_by_label("Password", exact=True).fill("not the right password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    check(page, "sign in, wrong password", problems, error_state=True)

    report(problems, console)

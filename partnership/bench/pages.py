"""The pages the benchmark measures. A feature with a key page adds it to ``PAGES``.

``url`` is a path, or a callable that builds the path from the loaded data; it is called
once, inside an app context, before any request is timed. ``role`` is the role to sign in
as (one of the demo accounts), or None for a page seen before signing in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from partnership import clock
from partnership.accounts.models import User
from partnership.actions.models import Action
from partnership.dataset.models import Indicator
from partnership.extensions import db
from partnership.meetings.models import Meeting, MeetingStatus
from partnership.plans.models import Plan
from partnership.policy import Role
from partnership.publishing.models import PublicationStatus
from partnership.register.models import Body, Partnership
from partnership.reports.models import YearlyReport
from partnership.reviews.models import Case, Review, ReviewKind, Stage
from partnership.self_assessment.models import AssessmentRound


@dataclass(frozen=True)
class BenchPage:
    """One page to time."""

    name: str
    role: Role | None
    url: str | Callable[[], str]

    def resolve(self) -> str:
        """Return the page's path (calls ``url`` if it is a builder)."""
        return self.url() if callable(self.url) else self.url


def first_synthetic_user() -> str:
    """The detail page of the first synthetic account."""
    user_id = db.session.scalar(
        sa.select(User.id).where(User.email.like("%@synthetic.example")).order_by(User.id).limit(1)
    )
    if user_id is None:
        raise LookupError("no synthetic user: was the data loaded with --scale?")
    return f"/users/{user_id}"


def first_body() -> str:
    """The demo county's first body (its main board)."""
    body_id = db.session.scalar(
        sa.select(Body.id).join(Partnership, Body.partnership_id == Partnership.id)
        .where(Partnership.slug == "wscp").order_by(Body.position, Body.id).limit(1)
    )
    if body_id is None:
        raise LookupError("no demo county: was the demo loaded?")
    return f"/partnerships/wscp/bodies/{body_id}"


def audit_filtered() -> str:
    """The audit log filtered by one action over the last 90 days."""
    today = clock.today()
    start = today - dt.timedelta(days=90)
    return f"/audit?action=update&date_from={start.isoformat()}&date_to={today.isoformat()}"


def _county_plan() -> Any:
    plan = db.session.scalar(sa.select(Plan).join(Partnership, Plan.partnership_id ==
                                                  Partnership.id)
                             .where(Partnership.slug == "wscp").order_by(Plan.id).limit(1))
    if plan is None:
        raise LookupError("no demo county plan: was the demo loaded?")
    return plan


def county_plan() -> str:
    """The demo county's business plan, this reporting year."""
    return f"/plans/{_county_plan().id}"


def synthetic_plan() -> str:
    """The first synthetic partnership's plan: eleven objectives, ~900 actions."""
    plan_id = db.session.scalar(
        sa.select(Plan.id).join(Partnership, Plan.partnership_id == Partnership.id)
        .where(Partnership.slug == "synthetic-1").order_by(Plan.id).limit(1))
    if plan_id is None:
        raise LookupError("no synthetic plan: was the data loaded with --scale?")
    return f"/plans/{plan_id}"


def county_objective() -> str:
    """The county plan's first strategic objective (A1), with three years of actions."""
    objective = next(o for o in _county_plan().objectives if o.reference == "A1")
    return f"/objectives/{objective.id}"


def synthetic_objective() -> str:
    """A synthetic objective with over a hundred actions and their updates."""
    objective_id = db.session.scalar(
        sa.select(Action.objective_id).where(Action.objective_id.is_not(None))
        .group_by(Action.objective_id).order_by(sa.func.count(Action.id).desc(),
                                                 Action.objective_id).limit(1))
    if objective_id is None:
        raise LookupError("no objective with actions: was the data loaded?")
    return f"/objectives/{objective_id}"


def _county_body(name: str) -> int:
    body_id = db.session.scalar(
        sa.select(Body.id).join(Partnership, Body.partnership_id == Partnership.id)
        .where(Partnership.slug == "wscp", Body.name == name))
    if body_id is None:
        raise LookupError(f"no demo body {name!r}: was the demo loaded?")
    return body_id


def county_meeting() -> str:
    """The county Executive Group's latest held meeting (majority decisions, votes to confirm)."""
    meeting_id = db.session.scalar(
        sa.select(Meeting.id).where(Meeting.body_id == _county_body("Executive Group"),
                                    Meeting.status == MeetingStatus.HELD)
        .order_by(Meeting.held_on.desc()).limit(1))
    if meeting_id is None:
        raise LookupError("no held Executive Group meeting: was the demo loaded?")
    return f"/meetings/{meeting_id}"


def board_attendance() -> str:
    """Attendance by agency at the county's Main Board (its biggest membership)."""
    return f"/meetings/body/{_county_body('Main Board')}/attendance"


def _county_published_case() -> Any:
    """The demo county's case whose local review is published (Child N), with its action plan."""
    case = db.session.scalar(
        sa.select(Case).join(Partnership, Case.partnership_id == Partnership.id)
        .where(Partnership.slug == "wscp", Case.stage == Stage.ACTION_PLAN)
        .order_by(Case.id).limit(1))
    if case is None:
        raise LookupError("no demo case with an action plan: was the demo loaded?")
    return case


def county_case() -> str:
    """The page of the demo county's published case: rapid and local review, milestones."""
    return f"/cases/{_county_published_case().id}"


def county_action_plan() -> str:
    """The multi-agency action plan of the demo county's published local review."""
    case = _county_published_case()
    review_id = db.session.scalar(sa.select(Review.id).where(
        Review.case_id == case.id, Review.kind == ReviewKind.LOCAL_REVIEW))
    if review_id is None:
        raise LookupError("the demo case has no local review: was the demo loaded?")
    return f"/learning/{review_id}/action-plan"


def county_draft_report() -> str:
    """The demo county's latest draft yearly report (its figures assembled on each request)."""
    report_id = db.session.scalar(
        sa.select(YearlyReport.id).join(Partnership, YearlyReport.partnership_id == Partnership.id)
        .where(Partnership.slug == "wscp", YearlyReport.status == PublicationStatus.DRAFT)
        .order_by(YearlyReport.period_end.desc()).limit(1))
    if report_id is None:
        raise LookupError("no draft yearly report: was the demo loaded?")
    return f"/partnerships/wscp/reports/{report_id}"


def county_draft_report_read() -> str:
    """The demo county's latest draft yearly report, read in the browser (charts drawn)."""
    return f"{county_draft_report()}/read"


def synthetic_assessment_index() -> str:
    """The synthetic partnership's self-assessment page (its 300-organisation round)."""
    return synthetic_round_dashboard().split("/rounds/")[0]


def synthetic_round_dashboard() -> str:
    """The dashboard of the synthetic Section 11 round of 300 organisations."""
    round_id = db.session.scalar(
        sa.select(AssessmentRound.id).join(Partnership,
                                           AssessmentRound.partnership_id == Partnership.id)
        .where(Partnership.slug == "synthetic-1").order_by(AssessmentRound.id).limit(1))
    if round_id is None:
        raise LookupError("no synthetic self-assessment round: was the data loaded with --scale?")
    return f"/partnerships/synthetic-1/self-assessment/rounds/{round_id}/dashboard"


def synthetic_indicator() -> str:
    """The synthetic partnership's first indicator (five years of quarters, split four ways)."""
    indicator_id = db.session.scalar(
        sa.select(Indicator.id).join(Partnership, Indicator.partnership_id == Partnership.id)
        .where(Partnership.slug == "synthetic-1").order_by(Indicator.position).limit(1))
    if indicator_id is None:
        raise LookupError("no synthetic dataset: was the data loaded with --scale?")
    return f"/partnerships/synthetic-1/dataset/indicators/{indicator_id}"


PAGES: list[BenchPage] = [
    BenchPage("home", Role.TEAM, "/"),
    BenchPage("home", Role.CHAIR, "/"),
    BenchPage("home", Role.SCRUTINEER, "/"),
    BenchPage("home", Role.ADMIN, "/"),
    BenchPage("users list", Role.ADMIN, "/users"),
    BenchPage("users list page 2", Role.ADMIN, "/users?page=2"),
    BenchPage("user detail", Role.ADMIN, first_synthetic_user),
    BenchPage("audit log", Role.TEAM, "/audit"),
    BenchPage("audit log filtered", Role.TEAM, audit_filtered),
    BenchPage("audit log page 10", Role.TEAM, "/audit?page=10"),
    BenchPage("sign-in page", None, "/sign-in"),
    BenchPage("partnerships", Role.SCRUTINEER, "/partnerships"),
    BenchPage("partnership overview", Role.CHAIR, "/partnerships/wscp"),
    BenchPage("partnership on a past date", Role.CHAIR, "/partnerships/wscp?on=2022-05-01"),
    BenchPage("structure chart SVG", Role.CHAIR, "/partnerships/wscp/structure.svg"),
    BenchPage("agencies", Role.TEAM, "/partnerships/wscp/agencies"),
    BenchPage("bodies", Role.TEAM, "/partnerships/wscp/bodies"),
    BenchPage("main board", Role.TEAM, first_body),
    BenchPage("people", Role.TEAM, "/people"),
    BenchPage("arrangements", Role.TEAM, "/partnerships/wscp/arrangements"),
    BenchPage("arrangements preview", Role.SCRUTINEER, "/partnerships/wscp/arrangements/preview"),
    BenchPage("action list", Role.TEAM, "/actions"),
    BenchPage("action list page 10", Role.TEAM, "/actions?page=10"),
    BenchPage("actions needing attention", Role.TEAM, "/actions?attention=1&sort=rating"),
    BenchPage("my actions", Role.TEAM, "/actions/mine"),
    BenchPage("my actions", Role.CHAIR, "/actions/mine"),
    BenchPage("business plan (county)", Role.TEAM, county_plan),
    BenchPage("business plan (synthetic)", Role.TEAM, synthetic_plan),
    BenchPage("objective (county A1)", Role.TEAM, county_objective),
    BenchPage("objective (most actions)", Role.TEAM, synthetic_objective),
    BenchPage("meeting", Role.TEAM, county_meeting),
    BenchPage("attendance by agency", Role.TEAM, board_attendance),
    BenchPage("case board (every case)", Role.TEAM, "/cases/board"),
    BenchPage("case board", Role.CHAIR, "/cases/board"),
    BenchPage("case page", Role.CHAIR, county_case),
    BenchPage("learning", Role.TEAM, "/learning"),
    BenchPage("review action plan", Role.TEAM, county_action_plan),
    BenchPage("review action plan", Role.SCRUTINEER, county_action_plan),
    BenchPage("yearly report (draft)", Role.TEAM, county_draft_report),
    BenchPage("yearly report read (draft)", Role.SCRUTINEER, county_draft_report_read),
    BenchPage("reading room", Role.SCRUTINEER, "/reading-room"),
    BenchPage("self-assessment dashboard (300 organisations)", Role.TEAM,
              synthetic_round_dashboard),
    BenchPage("assurance (every partnership served)", Role.TEAM, "/assurance"),
    BenchPage("self-assessment (300 organisations)", Role.TEAM, synthetic_assessment_index),
    BenchPage("dataset dashboard (200 indicators)", Role.TEAM,
              "/partnerships/synthetic-1/dataset/dashboard"),
    BenchPage("dataset library (200 indicators)", Role.TEAM,
              "/partnerships/synthetic-1/dataset"),
    BenchPage("indicator (5 years, 4 splits)", Role.TEAM, synthetic_indicator),
    BenchPage("dataset (county)", Role.CHAIR, "/partnerships/wscp/dataset/dashboard"),
]

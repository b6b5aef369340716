"""The authorization matrix: every route, every role, the expected answer (ASVS V8).

``EXPECTED`` is the reviewed table of who may use each endpoint; ``PUBLIC_ENDPOINTS`` the
reviewed list of routes anyone may use. A route in neither fails the build, so a new
route cannot ship unguarded, and a route that disappears must leave the table too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.routing import Rule

from config import TestConfig
from partnership import clock, create_app
from partnership.accounts.models import User, UserSession
from partnership.actions.models import Action, ImportUpload
from partnership.arrangements.models import (
    ArrangementsVersion,
    Figure,
    FigureImage,
    NarrativeSection,
)
from partnership.audit.models import AuditEvent
from partnership.database import utcnow
from partnership.extensions import db
from partnership.meetings.models import (
    AgendaItem,
    Decision,
    DecisionMethod,
    Meeting,
    Vote,
    VoteChoice,
)
from partnership.plans.models import Objective, Part, Phase, Plan
from partnership.policy import Role, can
from partnership.publishing.models import Delegation, PublicationStatus
from partnership.register.models import (
    AccountabilityLine,
    Agency,
    Appointment,
    AppointmentRole,
    Body,
    BodyKind,
    BodyMember,
    Capacity,
    Collaboration,
    ContactPoint,
    Contribution,
    Frequency,
    LineKind,
    PartnerKind,
    PartnerName,
    Partnership,
    Person,
    Representative,
    Scrutineer,
    Sector,
    StatutoryPartner,
)
from partnership.reports.models import YearlyReport
from partnership.reviews.models import (
    Case,
    IncidentType,
    InformationRequest,
    LocalReview,
    PracticeEpisode,
    RapidReview,
    Recommendation,
    Review,
    Reviewer,
    ReviewKind,
    Stage,
    Theme,
)
from partnership.thresholds.models import ThresholdSection, ThresholdVersion
from tests.conftest import PASSWORD
from tests.reports.test_compare import snapshot as report_snapshot
from tests.support import matrix
from tests.support.client import BrowserLikeClient, csrf_token_from, page
from tests.support.partnerships import add_partnership

ALL = frozenset(Role)
ADMIN = frozenset({Role.ADMIN})
TEAM = frozenset({Role.TEAM})
TEAM_AND_CHAIR = frozenset({Role.TEAM, Role.CHAIR})
CASE_READERS = frozenset({Role.TEAM, Role.CHAIR, Role.AGENCY, Role.PARTNER})

# endpoint -> the roles allowed to use it (every method the route accepts).
EXPECTED: dict[str, frozenset[Role]] = {
    "pages.home": ALL,
    "pages.assurance": ALL,
    "accounts.account": ALL,
    "accounts.change_password": ALL,
    "accounts.extend_session": ALL,
    "accounts.users": ADMIN,
    "accounts.user_new": ADMIN,
    "accounts.user_detail": ADMIN,
    "accounts.user_edit": ADMIN,
    "accounts.user_disable": ADMIN,
    "accounts.user_enable": ADMIN,
    "accounts.user_password": ADMIN,
    "accounts.user_end_sessions": ADMIN,
    "audit.search": frozenset({Role.ADMIN, Role.TEAM}),
    # Partnerships, their partners, people, collaborations, scrutiny: everyone reads;
    # the team keeps them.
    "partnerships.index": ALL,
    "partnerships.overview": ALL,
    "partnerships.structure_chart": ALL,
    "partnerships.new": TEAM,
    "partnerships.edit": TEAM,
    "partnerships.contact_point_new": TEAM,
    "partnerships.contact_point_edit": TEAM,
    "partnerships.contact_point_remove": TEAM,
    "partners.detail": ALL,
    "partners.name_new": TEAM,
    "partners.name_edit": TEAM,
    "partners.representative_new": TEAM,
    "partners.representative_edit": TEAM,
    "partners.representative_end": TEAM,
    "people.index": ALL,
    "people.detail": ALL,
    "people.new": TEAM,
    "people.edit": TEAM,
    "collaborations.index": ALL,
    "collaborations.detail": ALL,
    "collaborations.new": TEAM,
    "collaborations.edit": TEAM,
    "scrutineers.index": ALL,
    "scrutineers.detail": ALL,
    "scrutineers.new": TEAM,
    "scrutineers.edit": TEAM,
    # Relevant agencies and bodies: everyone reads; the team keeps them.
    "agencies.index": ALL,
    "agencies.detail": ALL,
    "agencies.new": TEAM,
    "agencies.edit": TEAM,
    "agencies.contributions": TEAM,
    "agencies.contribution_edit": TEAM,
    "agencies.contribution_remove": TEAM,
    # Roles in the partnership and schools and settings: everyone reads; the team keeps them.
    "appointments.index": ALL,
    "appointments.detail": ALL,
    "appointments.new": TEAM,
    "appointments.edit": TEAM,
    "appointments.remove": TEAM,
    "establishments.index": ALL,
    "establishments.upload": TEAM,
    "establishments.confirm": TEAM,
    "bodies.index": ALL,
    "bodies.detail": ALL,
    "bodies.new": TEAM,
    "bodies.edit": TEAM,
    "bodies.member_new": TEAM,
    "bodies.member_edit": TEAM,
    "bodies.member_remove": TEAM,
    "bodies.line_new": TEAM,
    "bodies.line_remove": TEAM,
    # The arrangements: everyone reads and downloads; the team drafts and publishes;
    # partners sign off (services then check they represent one of the partners).
    "arrangements.overview": ALL,
    "arrangements.preview": ALL,
    "arrangements.draft_pdf": ALL,
    "arrangements.section_new": TEAM,
    "arrangements.section_edit": TEAM,
    "arrangements.section_remove": TEAM,
    "arrangements.section_move": TEAM,
    "arrangements.figure_new": TEAM,
    "arrangements.figure_remove": TEAM,
    "arrangements.figure_image": ALL,
    "arrangements.version_new": TEAM,
    "arrangements.version_detail": ALL,
    "arrangements.version_pdf": ALL,
    "arrangements.version_sign_off": frozenset({Role.PARTNER}),
    "arrangements.version_publish": TEAM,
    "arrangements.version_withdraw": TEAM,
    "arrangements.compare": ALL,
    # Deputies who may sign off for a partner's representative: the team records them, a
    # representative names their own (the service checks whose).
    "publishing.index": frozenset({Role.ADMIN, Role.TEAM, Role.PARTNER}),
    "publishing.new": frozenset({Role.TEAM, Role.PARTNER}),
    "publishing.end": frozenset({Role.TEAM, Role.PARTNER}),
    # Any signed document's published version read in the browser; a version entered with
    # the signatures it carried on paper (the team).
    "signed.page": ALL,
    "signed.paper": TEAM,
    # The threshold document: as the arrangements.
    "thresholds.overview": ALL,
    "thresholds.preview": ALL,
    "thresholds.draft_pdf": ALL,
    "thresholds.sections_suggested": TEAM,
    "thresholds.section_new": TEAM,
    "thresholds.section_edit": TEAM,
    "thresholds.section_remove": TEAM,
    "thresholds.section_move": TEAM,
    "thresholds.version_new": TEAM,
    "thresholds.version_detail": ALL,
    "thresholds.version_pdf": ALL,
    "thresholds.version_sign_off": frozenset({Role.PARTNER}),
    "thresholds.version_publish": TEAM,
    "thresholds.version_withdraw": TEAM,
    # The business plan: everyone reads it; the team keeps it.
    "plans.all": ALL,
    "plans.index": ALL,
    "plans.new": TEAM,
    "plans.detail": ALL,
    "plans.edit": TEAM,
    "plans.pdf": ALL,
    "plans.little_progress": ALL,
    "plans.carry_forward": TEAM,
    "plans.objective_new": TEAM,
    "plans.objective": ALL,
    "plans.objective_edit": TEAM,
    "plans.phase_new": TEAM,
    "plans.phase_edit": TEAM,
    # The action tracker. The placeholder records are in the signed-in user's scope (they
    # chair the body, work for the lead agency, lead the action, represent the police), so
    # scoped rules answer yes here; tests/test_policy_scope.py, tests/actions and
    # tests/meetings prove the refusals out of scope.
    "actions.index": ALL,
    "actions.mine": ALL,
    "actions.detail": ALL,
    "actions.new": frozenset({Role.TEAM, Role.CHAIR}),
    # An agency lead or lead officer who may not change the action is offered a request for a
    # new target date there instead of a refusal.
    "actions.edit": frozenset({Role.TEAM, Role.CHAIR, Role.AGENCY, Role.PARTNER}),
    "actions.update": frozenset({Role.TEAM, Role.CHAIR, Role.AGENCY, Role.PARTNER}),
    "actions.export": ALL,
    "actions.import_start": TEAM,
    "actions.import_columns": TEAM,
    "actions.import_preview": TEAM,
    # Meetings: everyone reads; the team and the body's chair record; partners confirm votes.
    "meetings.upcoming": ALL,
    "meetings.index": ALL,
    "meetings.attendance": ALL,
    "meetings.detail": ALL,
    "meetings.new": frozenset({Role.TEAM, Role.CHAIR}),
    "meetings.generate": frozenset({Role.TEAM, Role.CHAIR}),
    "meetings.edit": frozenset({Role.TEAM, Role.CHAIR}),
    "meetings.agenda_new": frozenset({Role.TEAM, Role.CHAIR}),
    "meetings.agenda_edit": frozenset({Role.TEAM, Role.CHAIR}),
    "meetings.attendance_edit": frozenset({Role.TEAM, Role.CHAIR}),
    "meetings.decision_new": frozenset({Role.TEAM, Role.CHAIR}),
    "meetings.decision_edit": frozenset({Role.TEAM, Role.CHAIR}),
    "meetings.minutes_approve": frozenset({Role.TEAM, Role.CHAIR}),
    "meetings.vote_confirm": frozenset({Role.PARTNER}),
    "meetings.choose_body": TEAM_AND_CHAIR,  # "Add a meeting": which body met
    # Calendars: a meeting's .ics file for everyone who reads it; each user keeps their own
    # feed address (the feed itself, calendar.feed, needs its secret, not a sign-in).
    "calendar.meeting": ALL,
    "calendar.settings": ALL,
    "calendar.revoke": ALL,
    # Case reviews: need-to-know. The placeholder case is visible to the signed-in chair,
    # agency lead and partner (they sit on its reviewing body and represent a partner);
    # tests/reviews proves that everyone else gets 404 for it, in lists and counts too.
    "cases.index": CASE_READERS,
    "cases.board": CASE_READERS,
    "cases.new": TEAM,
    "cases.detail": CASE_READERS,
    "cases.edit": TEAM_AND_CHAIR,
    "cases.stage": TEAM_AND_CHAIR,
    "cases.notification": TEAM_AND_CHAIR,
    "cases.referral": TEAM_AND_CHAIR,
    "cases.members": TEAM,
    "cases.settings": TEAM,
    "rapid.edit": TEAM_AND_CHAIR,
    "rapid.request_new": TEAM_AND_CHAIR,
    "rapid.request_edit": TEAM_AND_CHAIR,
    "rapid.episode_new": TEAM_AND_CHAIR,
    "rapid.episode_edit": TEAM_AND_CHAIR,
    "rapid.sign_off": frozenset({Role.PARTNER}),
    "local_reviews.edit": TEAM_AND_CHAIR,
    "local_reviews.reviewer_new": TEAM_AND_CHAIR,
    "local_reviews.reviewer_edit": TEAM_AND_CHAIR,
    "local_reviews.milestones": TEAM_AND_CHAIR,
    "local_reviews.publication": TEAM_AND_CHAIR,
    "local_reviews.monitoring_new": TEAM_AND_CHAIR,
    # Recommendations and action plans: learning from elsewhere is for everyone; our own
    # reviews' for the scrutineer and whoever may see the case.
    "learning.index": ALL,
    "learning.new": TEAM,
    "learning.detail": ALL - ADMIN,
    "learning.edit": TEAM_AND_CHAIR,
    "learning.for_case": TEAM_AND_CHAIR,
    "learning.recommendation_new": TEAM_AND_CHAIR,
    "learning.recommendation_edit": TEAM_AND_CHAIR,
    "learning.action_plan": ALL - ADMIN,
    "learning.action_plan_pdf": ALL - ADMIN,
    "learning.themes": TEAM,
    "learning.theme_edit": TEAM,
    "learning.patterns": ALL,
    # The yearly report: everyone reads it; the team writes, publishes and records copies;
    # partners sign off (their own partnership's); the scrutineer of the partnership writes
    # the assessment and nothing else.
    "reports.index": ALL,
    "reports.new": TEAM,
    "reports.settings": TEAM,
    "reports.detail": ALL,
    "reports.read": ALL,
    "reports.pdf": ALL,
    "reports.families": ALL,
    "reports.families_pdf": ALL,
    "reports.statement": ALL,
    "reports.statement_pdf": ALL,
    "reports.section_edit": TEAM,
    "reports.assessment": frozenset({Role.SCRUTINEER}),
    "reports.sign_off": frozenset({Role.PARTNER}),
    "reports.publish": TEAM,
    "reports.copy_new": TEAM,
    # The reading room: every published document in one place, for everyone to read.
    "reading_room.index": ALL,
    "reading_room.report": ALL,
    "reading_room.report_pdf": ALL,
    "reading_room.compare": ALL,
    # Search: everyone, each seeing only the records they may see.
    "search.results": ALL,
    **matrix.expected(),  # the features' own parts (tests/support/matrix)
}

# Need-to-know: these refuse with 404 (a case's existence is not revealed), not 403.
HIDDEN_ENDPOINTS = frozenset(
    endpoint for endpoint in EXPECTED
    if endpoint.startswith(("cases.", "rapid.", "local_reviews."))
    or endpoint in {"learning.detail", "learning.edit", "learning.for_case",
                    "learning.recommendation_new", "learning.recommendation_edit",
                    "learning.action_plan", "learning.action_plan_pdf"}
    or endpoint in matrix.hidden()
)


def _refused_status(endpoint: str) -> int:
    return 404 if endpoint in HIDDEN_ENDPOINTS else 403


# Anyone, signed in or not, may use these.
PUBLIC_ENDPOINTS = frozenset(
    {
        "accounts.sign_in",
        "accounts.sign_out",
        "pages.accessibility",
        "pages.healthz",
        "static",
        "pages.assets",
        "calendar.feed",  # answers only to a live feed secret: tests/calendar, and below
    }
)

# Generated PDFs: 202 "being prepared" until the background worker has rendered them.
PREPARED_DOCUMENTS = frozenset({"arrangements.draft_pdf", "plans.pdf", "reports.pdf",
                                "reports.families_pdf", "reports.statement_pdf",
                                "learning.action_plan_pdf", "thresholds.draft_pdf"})
PREPARED_DOCUMENTS |= {"rapid.document"}  # a case's Rapid Review, for the national panel

# What a scrutineer (who only reads) may still POST to: their own account and session, and
# their own assessment in a yearly report of a partnership they scrutinise.
SCRUTINEER_POSTS = frozenset({"/sign-out", "/session/extend", "/account/password",
                              "/account/calendar", "/account/calendar/stop",
                              "/partnerships/<slug>/reports/<int:report_id>/assessment",
                              *matrix.scrutineer_posts()})

ROLES_AND_ANONYMOUS: list[Role | None] = [None, *Role]

# A plausible form body for every POST: it would change things if it were accepted.
HOSTILE_FORM = {
    "name": "Changed By Attacker",
    "email": "attacker@example.org",
    "role": "admin",
    "password": "a brand new passphrase for everyone",
    "current_password": PASSWORD,
    "submit": "Save",
}


@pytest.fixture(scope="module")
def route_app() -> Flask:
    """An app for inspecting routes only (it never touches a database)."""
    return create_app(TestConfig)


def _rules(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))


def _guarded(app: Flask, method: str) -> list[Rule]:
    return [r for r in _rules(app) if r.endpoint in EXPECTED and method in (r.methods or ())]


def _post_only(app: Flask) -> list[Rule]:
    return [r for r in _rules(app)
            if "POST" in (r.methods or ()) and "GET" not in (r.methods or ())]


PLACEHOLDER = re.compile(r"<(?:\w+:)?(\w+)>")


def _url(rule: Rule, values: dict[str, str]) -> str:
    """Fill each ``<converter:name>`` in the rule with a real value from ``_placeholders``."""

    def fill(match: re.Match[str]) -> str:
        assert match.group(1) in values, (
            f"add a value for <{match.group(1)}> in {rule.rule} to _placeholders")
        return values[match.group(1)]

    return PLACEHOLDER.sub(fill, rule.rule)


def _placeholders(app: Flask, user_id: int, viewer_id: int | None = None) -> dict[str, str]:
    """A real record behind every URL placeholder, so allowed GETs answer 200.

    ``viewer_id`` is the signed-in user: their person chairs the body, works for the lead
    agency and represents the police, so the records are in their scope.
    """
    with app.app_context():
        partnership = Partnership(slug="matrix", name="Matrix Safeguarding Partnership",
                                  short_name="MSP")
        partnership.partners = [StatutoryPartner(kind=kind) for kind in PartnerKind]
        pdf = b"%PDF-1.7\n% a stored PDF\n"
        version = ArrangementsVersion(
            partnership=partnership, title="Matrix arrangements", snapshot={}, pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(), pages=1, published_at=utcnow(),
            review_due=clock.today(), status=PublicationStatus.PUBLISHED)
        agency = Agency(partnership=partnership, name="Matrix Police", sector=Sector.OTHER)
        contribution = Contribution(agency=agency, year=2024, amount=100)
        body = Body(partnership=partnership, kind=BodyKind.BOARD, name="Matrix Board",
                    frequency=Frequency.QUARTERLY)
        member = BodyMember(body=body, agency=agency, role="Chief Constable")
        line = AccountabilityLine(body=body, kind=LineKind.UPDATES_TO, to_name="Matrix group")
        contact_point = ContactPoint(partnership=partnership, label="Matrix enquiries",
                                     email="matrix@example.org")
        member_for_cases = BodyMember(body=body, agency=agency, role="Reviewing group member")
        police = next(p for p in partnership.partners if p.kind is PartnerKind.POLICE)
        person = Person(name="Matrix Person", agency=agency, user_id=viewer_id)
        body.chair = person
        member_for_cases.person = person
        name = PartnerName(partner=police, name="Matrix Constabulary",
                           valid_from=dt.date(2020, 1, 1))
        representative = Representative(partner=police, person=person, capacity=Capacity.LEAD,
                                        valid_from=dt.date(2020, 1, 1))
        collaboration = Collaboration(name="Matrix Collaboration", partnerships=[partnership])
        scrutineer = Scrutineer(partnership=partnership, person=person)
        appointment = Appointment(partnership=partnership, post="Matrix chair",
                                  role=AppointmentRole.PARTNERSHIP_CHAIR)
        db.session.add(appointment)
        plan = Plan(partnership=partnership, title="Matrix plan", first_year=2024, last_year=2026)
        objective = Objective(plan=plan, part=Part.STRATEGIC, position=1, title="Matrix aim",
                              lead_body=body)
        phase = Phase(objective=objective, name="Scoping", planned_start=dt.date(2025, 4, 1),
                      planned_end=dt.date(2025, 6, 30))
        meeting = Meeting(body=body, held_on=dt.date(2025, 5, 14))
        item = AgendaItem(meeting=meeting, title="Matrix item")
        decision = Decision(meeting=meeting, text="Matrix decision",
                            method=DecisionMethod.PARTNER_MAJORITY)
        votes = [Vote(decision=decision, partner=partner, choice=VoteChoice.FOR)
                 for partner in partnership.partners]
        action = Action(partnership=partnership, year=2025, title="Matrix action",
                        objective=objective, body=body, lead_agency=agency,
                        lead_person=person)
        upload = ImportUpload(user_id=user_id if viewer_id is None else viewer_id, plan=plan,
                              filename="tracker.csv", content=b"Title\nAn action\n",
                              mapping={"title": "Title"})
        case = Case(partnership=partnership, reference="Child M", reviewing_body=body,
                    incident_type=IncidentType.SERIOUS_HARM, aware_on=dt.date(2025, 5, 1),
                    retention_until=dt.date(2040, 5, 1), stage=Stage.RAPID_REVIEW)
        rapid = RapidReview(case=case, started_on=dt.date(2025, 5, 1))
        information = InformationRequest(rapid_review=rapid, agency=agency,
                                         requested_on=dt.date(2025, 5, 2),
                                         due_on=dt.date(2025, 5, 9))
        episode = PracticeEpisode(rapid_review=rapid, title="Matrix episode")
        local = LocalReview(case=case, decided_on=dt.date(2025, 6, 1),
                            target_on=dt.date(2025, 12, 1))
        reviewer = Reviewer(local_review=local, name="Matrix Reviewer")
        review = Review(partnership=partnership, kind=ReviewKind.RAPID_REVIEW, case=case,
                        title="Rapid Review: Child M")
        recommendation = Recommendation(review=review, number=1, text="Matrix recommendation")
        theme = Theme(name="Matrix theme")
        report_pdf = b"%PDF-1.7\n% a stored yearly report\n"
        published_report = YearlyReport(  # the reading room reads published reports only
            partnership=partnership, title="Matrix report 2022-23",
            period_start=dt.date(2022, 4, 1), period_end=dt.date(2023, 3, 31),
            status=PublicationStatus.PUBLISHED, snapshot=report_snapshot(), pdf=report_pdf,
            sha256=hashlib.sha256(report_pdf).hexdigest(), pages=1,
            published_on=dt.date(2023, 9, 30), published_at=utcnow())
        draft_report = YearlyReport(partnership=partnership, title="Matrix report 2024-25",
                                    period_start=dt.date(2024, 4, 1),
                                    period_end=dt.date(2025, 3, 31))
        db.session.add(draft_report)
        threshold_section = ThresholdSection(partnership=partnership, position=1,
                                             heading="Levels of need", markdown="Four levels.")
        threshold_pdf = b"%PDF-1.7\n% a stored threshold document\n"
        threshold_version = ThresholdVersion(
            partnership=partnership, title="Matrix threshold document", snapshot={},
            pdf=threshold_pdf, sha256=hashlib.sha256(threshold_pdf).hexdigest(), pages=1,
            published_on=dt.date(2025, 3, 3), published_at=utcnow(), number=1,
            status=PublicationStatus.PUBLISHED)
        db.session.add_all([threshold_section, threshold_version])
        narrative_section = NarrativeSection(partnership=partnership, position=1,
                                             title="Foreword", markdown="Welcome.")
        figure_image = FigureImage(sha256="a" * 64, media_type="image/png", data=b"png",
                                   width=1, height=1)
        narrative_section.figures.append(Figure(partnership=partnership, image=figure_image,
                                                alt="A diagram", position=1))
        db.session.add(narrative_section)
        delegation = Delegation(partnership=partnership, partner=police, lead=person,
                                deputy=Person(name="Matrix Deputy"),
                                starts_on=dt.date(2025, 1, 1))
        db.session.add(delegation)
        db.session.add_all([partnership, version, contribution, member, member_for_cases, name,
                            representative, collaboration, scrutineer, phase, item, *votes,
                            action, upload, information, episode, reviewer, recommendation,
                            theme, published_report])
        db.session.commit()
        police_vote = next(v for v in votes if v.partner is police)
        base = SimpleNamespace(partnership=partnership, agency=agency, body=body, person=person,
                               meeting=meeting, action=action, plan=plan, user_id=user_id,
                               viewer_id=viewer_id)
        features = matrix.placeholders(base)
        return {**features, "user_id": str(user_id), "slug": partnership.slug,
                "version_id": str(version.id), "section": "foreword",
                "section_id": str(narrative_section.id),
                "figure_id": str(narrative_section.figures[0].id), "sha256": "a" * 64,
                "agency_id": str(agency.id), "contribution_id": str(contribution.id),
                "body_id": str(body.id), "member_id": str(member.id),
                "kind": police.kind.value, "name_id": str(name.id),
                "representative_id": str(representative.id), "person_id": str(person.id),
                "collaboration_id": str(collaboration.id), "scrutineer_id": str(scrutineer.id),
                "appointment_id": str(appointment.id), "line_id": str(line.id),
                "contact_point_id": str(contact_point.id),
                "plan_id": str(plan.id), "objective_id": str(objective.id),
                "phase_id": str(phase.id), "meeting_id": str(meeting.id),
                "item_id": str(item.id), "decision_id": str(decision.id),
                "vote_id": str(police_vote.id), "action_id": str(action.id),
                "upload_id": str(upload.id), "fmt": "csv", "case_id": str(case.id),
                "request_id": str(information.id), "episode_id": str(episode.id),
                "reviewer_id": str(reviewer.id), "review_id": str(review.id),
                "recommendation_id": str(recommendation.id), "theme_id": str(theme.id),
                "review_kind": ReviewKind.RAPID_REVIEW.value,
                "published_id": str(published_report.id), "report_id": str(draft_report.id),
                "threshold_section_id": str(threshold_section.id),
                "threshold_version_id": str(threshold_version.id),
                "delegation_id": str(delegation.id), "document": "arrangements"}


def _is_sign_in_redirect(response: Any) -> bool:
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/sign-in"


def _state(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a refused request must leave alone (the idle clock excepted)."""
    with app.app_context():
        users = db.session.execute(
            sa.select(User.id, User.email, User.name, User.role, User.password_hash,
                      User.disabled, User.must_change_password, User.version,
                      User.password_changed_at).order_by(User.id)
        ).all()
        sessions = db.session.execute(
            sa.select(UserSession.id, UserSession.user_id, UserSession.ended_at,
                      UserSession.end_reason).order_by(UserSession.id)
        ).all()
        events = db.session.execute(
            sa.select(AuditEvent.id, AuditEvent.action, AuditEvent.record_id)
            .where(AuditEvent.action != "refused").order_by(AuditEvent.id)
        ).all()
    return {"users": [tuple(r) for r in users], "sessions": [tuple(r) for r in sessions],
            "events": [tuple(r) for r in events]}


def _refusals(app: Flask) -> list[AuditEvent]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "refused").order_by(AuditEvent.id)
        ).all()
        db.session.expunge_all()
    return list(rows)


# --- the table covers every route -------------------------------------------------------


def test_every_route_is_in_the_matrix_or_public(route_app: Flask) -> None:
    endpoints = {rule.endpoint for rule in route_app.url_map.iter_rules()}
    unlisted = endpoints - EXPECTED.keys() - PUBLIC_ENDPOINTS
    assert not unlisted, (
        f"routes with no expected access in tests/test_authorization.py: {sorted(unlisted)}; "
        "add them to EXPECTED (or, after review, PUBLIC_ENDPOINTS)"
    )


def test_the_matrix_lists_no_route_that_is_gone(route_app: Flask) -> None:
    endpoints = {rule.endpoint for rule in route_app.url_map.iter_rules()}
    assert not (EXPECTED.keys() - endpoints), "EXPECTED lists endpoints that no longer exist"
    assert not (PUBLIC_ENDPOINTS - endpoints), "PUBLIC_ENDPOINTS lists endpoints that are gone"
    assert not (EXPECTED.keys() & PUBLIC_ENDPOINTS), "an endpoint cannot be public and guarded"


def test_declared_permissions_agree_with_the_matrix(route_app: Flask) -> None:
    """Where a view declares its permission with @requires, the policy gives the table's roles."""
    for endpoint, allowed in EXPECTED.items():
        verb_realm = getattr(route_app.view_functions[endpoint], "required_permission", None)
        if verb_realm is None:
            continue
        verb, realm = verb_realm
        granted = {
            role for role in Role
            if can(SimpleNamespace(role=role, is_authenticated=True, is_active=True), verb, realm)
        }
        assert granted == allowed, f"{endpoint}: policy allows {granted}, matrix says {allowed}"


def test_public_pages_answer_anonymous_requests(client: BrowserLikeClient) -> None:
    for url in ("/sign-in", "/accessibility-statement", "/healthz"):
        assert client.get(url).status_code == 200, url
    assert client.get("/static/images/favicon.svg").status_code == 200


# --- every role against every route -----------------------------------------------------


# On PostgreSQL the matrix runs for the team (who opens the most pages, so each renders on
# PostgreSQL too), the scrutineer (who is refused the most, each refusal audited) and anyone
# signed out; the answers of the other roles come from the policy, the same on both databases.
ON_POSTGRESQL: set[Role | None] = {None, Role.TEAM, Role.SCRUTINEER}
MATRIX_ROLES = [role if role in ON_POSTGRESQL
                else pytest.param(role, marks=pytest.mark.databases("sqlite"))
                for role in ROLES_AND_ANONYMOUS]


@pytest.mark.parametrize("role", MATRIX_ROLES, ids=lambda r: r.value if r else "anonymous")
def test_access_matrix(
    role: Role | None,
    app: Flask,
    make_user: Callable[..., User],
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    record = make_user(Role.ADMIN, name="Record Owner")  # a real id for <int:user_id>
    if role is None:
        client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
        token_from = "/sign-in"
    else:
        client = signed_in(role)
        token_from = "/account"
    viewer = None if role is None else client.user.id  # type: ignore[attr-defined]
    values = _placeholders(app, record.id, viewer)
    refused_paths: list[str] = []

    # Every GET: 200 if allowed, 403 if not, the sign-in page if anonymous.
    for rule in _guarded(app, "GET"):
        url = _url(rule, values)
        response = client.get(url)
        if role is None:
            assert _is_sign_in_redirect(response), f"anonymous GET {url}: {response.status_code}"
        elif role in EXPECTED[rule.endpoint]:
            allowed = {200, 202} if rule.endpoint in PREPARED_DOCUMENTS else {200}
            assert response.status_code in allowed, f"{role} GET {url}: {response.status_code}"
        else:
            expected = _refused_status(rule.endpoint)
            assert response.status_code == expected, f"{role} GET {url}: {response.status_code}"
            refused_paths.append(url)

    # Every POST the role may not make: refused with a valid CSRF token, and nothing changes.
    # The token is read from a page once, as a browser would (it is the session's token).
    token = csrf_token_from(client.get(token_from))
    before = _state(app)
    for rule in _guarded(app, "POST"):
        if role is not None and role in EXPECTED[rule.endpoint]:
            continue
        url = _url(rule, values)
        data = {**HOSTILE_FORM, "version": str(record.version), "csrf_token": token}
        response = client.post(url, data=data)
        if role is None:
            assert _is_sign_in_redirect(response), f"anonymous POST {url}: {response.status_code}"
        else:
            expected = _refused_status(rule.endpoint)
            assert response.status_code == expected, f"{role} POST {url}: {response.status_code}"
            refused_paths.append(url)
    assert _state(app) == before, "a refused POST changed something"

    # POST-only actions the role may take go through (the sign-out is tested elsewhere).
    if role is not None:
        for rule in _post_only(app):
            if rule.endpoint in EXPECTED and role in EXPECTED[rule.endpoint]:
                url = _url(rule, values)
                response = client.post(url, data={"csrf_token": token})
                assert response.status_code < 400, f"{role} POST {url}: {response.status_code}"

    # Each refusal wrote exactly one audit row naming the user and the path (or, refused on
    # the record itself, the record's id).
    refusals = _refusals(app)
    assert len(refusals) == len(refused_paths)
    for row, path in zip(refusals, refused_paths, strict=True):
        assert row.record_id == path or str(row.record_id).isdigit(), (row.record_id, path)
    if role is not None:
        user = client.user  # type: ignore[attr-defined]
        for row in refusals:
            assert (row.user_id, row.actor, row.role) == (user.id, user.email, role.value)
            assert row.request_id


def test_scrutineer_may_post_only_to_their_own_account_and_session(route_app: Flask) -> None:
    """The table itself: the matrix test then proves every other POST gives them 403."""
    allowed_posts = {
        rule.rule for rule in _guarded(route_app, "POST")
        if Role.SCRUTINEER in EXPECTED[rule.endpoint]
    } | {rule.rule for rule in _rules(route_app)
         if rule.endpoint in PUBLIC_ENDPOINTS and "POST" in (rule.methods or ())
         and rule.endpoint != "accounts.sign_in"}
    assert allowed_posts == SCRUTINEER_POSTS


def test_scrutineer_sees_no_edit_controls(signed_in: Callable[[Role], BrowserLikeClient],
                                         app: Flask) -> None:
    client = signed_in(Role.SCRUTINEER)
    values = _placeholders(app, client.user.id, client.user.id)  # type: ignore[attr-defined]
    allowed = {PLACEHOLDER.sub(lambda m: values[m.group(1)], path) for path in SCRUTINEER_POSTS}
    for rule in _guarded(app, "GET"):
        if Role.SCRUTINEER not in EXPECTED[rule.endpoint]:
            continue
        url = _url(rule, values)
        response = client.get(url)
        allowed_status = {200, 202} if rule.endpoint in PREPARED_DOCUMENTS else {200}
        assert response.status_code in allowed_status, url
        if response.mimetype != "text/html":
            continue  # a PDF or an image has no controls
        html = page(response)
        for form in html.find_all("form"):
            if str(form.get("method", "get")).lower() != "post":
                continue
            action = urlsplit(str(form.get("action") or url)).path
            assert action in allowed, f"{rule.rule} offers a POST to {action}"
        links = [str(a.get("href", "")) for a in html.find_all("a")]
        assert not [href for href in links if href.startswith(("/users", "/audit"))], rule.rule


# --- objects, extra fields and methods --------------------------------------------------


def test_team_cannot_reach_an_admin_record_even_with_a_valid_id(
    app: Flask, make_user: Callable[..., User],
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    admin = make_user(Role.ADMIN, name="Real Admin")
    team = signed_in(Role.TEAM)
    before = _state(app)
    refused = []
    for url in (f"/users/{admin.id}", f"/users/{admin.id}/edit", f"/users/{admin.id}/password"):
        assert team.get(url).status_code == 403, url
        refused.append(url)
    for url in (f"/users/{admin.id}/edit", f"/users/{admin.id}/disable",
                f"/users/{admin.id}/password", f"/users/{admin.id}/end-sessions"):
        response = team.post_with_token(url, {**HOSTILE_FORM, "version": str(admin.version)},
                                        token_from="/account")
        assert response.status_code == 403, url
        refused.append(url)
    # A made-up id gets the same answer, so refusals reveal nothing about which ids exist.
    assert team.get("/users/999999").status_code == 403
    refused.append("/users/999999")
    assert _state(app) == before
    assert [row.record_id for row in _refusals(app)] == refused


def test_admin_gets_not_found_for_a_missing_record(
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    assert signed_in(Role.ADMIN).get("/users/999999").status_code == 404


def test_extra_fields_on_the_edit_form_change_nothing(
    app: Flask, make_user: Callable[..., User],
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    serves = add_partnership(app, "plain")
    target = make_user(Role.TEAM, name="Plain Officer")
    admin = signed_in(Role.ADMIN)
    response = admin.submit(
        f"/users/{target.id}/edit",
        {
            "name": "Renamed Officer",
            "email": target.email,
            "role": "team",
            "version": str(target.version),
            "partnerships": serves,
            # none of these are on the form
            "is_admin": "1",
            "disabled": "1",
            "password_hash": "x",
            "must_change_password": "1",
            "id": "999",
            "created_at": "2000-01-01T00:00:00",
            "password_changed_at": "2000-01-01T00:00:00",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(User, target.id)
        assert saved is not None
        assert saved.name == "Renamed Officer"
        assert saved.role is Role.TEAM
        assert saved.disabled is False
        assert saved.must_change_password is False
        assert saved.password_hash == target.password_hash
        assert saved.created_at == target.created_at
        assert saved.password_changed_at == target.password_changed_at
        assert saved.version == target.version + 1
        assert db.session.get(User, 999) is None
        update = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "update",
                                        AuditEvent.record_id == str(target.id))
        ).one()
        assert set(update.changes) == {"name"}


def test_extra_fields_on_the_new_user_form_change_nothing(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    admin = signed_in(Role.ADMIN)
    served = add_partnership(app, "newperson")
    response = admin.submit(
        "/users/new",
        {
            "partnerships": served,
            "name": "New Person",
            "email": "new.person@example.org",
            "role": "partner",
            "password": "a first passphrase for the new person",
            "disabled": "1",
            "password_hash": "x",
            "must_change_password": "0",
            "version": "999",
            "is_admin": "1",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        created = db.session.scalars(
            sa.select(User).where(User.email == "new.person@example.org")
        ).one()
        assert created.role is Role.PARTNER
        assert created.disabled is False
        assert created.must_change_password is True
        assert created.password_hash.startswith("$argon2id$")
        assert created.version == 1


def test_extra_fields_on_the_own_password_form_change_nothing(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    client = signed_in(Role.SCRUTINEER)
    user = client.user  # type: ignore[attr-defined]
    response = client.submit(
        "/account/password",
        {
            "current_password": PASSWORD,
            "password": "a different long passphrase entirely",
            "role": "admin",
            "email": "someone.else@example.org",
            "name": "Someone Else",
            "disabled": "1",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        saved = db.session.get(User, user.id)
        assert saved is not None
        assert (saved.role, saved.email, saved.name, saved.disabled) == (
            Role.SCRUTINEER, user.email, user.name, False)
        assert saved.password_hash != user.password_hash


def test_get_never_changes_state(app: Flask, make_user: Callable[..., User],
                                 signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    record = make_user(Role.TEAM)
    values = _placeholders(app, record.id)
    admin = signed_in(Role.ADMIN)
    anonymous: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    before = _state(app)
    rules = _post_only(app)
    assert {r.endpoint for r in rules} >= {"accounts.sign_out", "accounts.user_disable"}
    for rule in rules:
        url = _url(rule, values)
        assert admin.get(url).status_code == 405, url
        assert anonymous.get(url).status_code == 405, url
    assert _state(app) == before
    assert admin.get("/").status_code == 200, "GET /sign-out must not sign anyone out"


# --- two partnerships, different users ------------------------------------------------------


def _area_records(app: Flask, slug: str) -> dict[str, int]:
    """A partnership with a body, a meeting, a plan and an action of its own."""
    partnership_id = add_partnership(app, slug)
    with app.app_context():
        body = Body(partnership_id=partnership_id, kind=BodyKind.SUBGROUP, name=f"{slug} group")
        meeting = Meeting(body=body, held_on=clock.today())
        plan = Plan(partnership_id=partnership_id, title=f"{slug} plan", first_year=2025,
                    last_year=2027)
        action = Action(partnership_id=partnership_id, year=2025, title=f"{slug} action",
                        body=body)
        db.session.add_all([body, meeting, plan, action])
        db.session.commit()
        return {"partnership": partnership_id, "body": body.id, "meeting": meeting.id,
                "plan": plan.id, "action": action.id}


@pytest.mark.parametrize("role", [Role.TEAM, Role.CHAIR, Role.AGENCY, Role.PARTNER,
                                  Role.SCRUTINEER], ids=lambda r: r.value)
def test_a_user_of_one_partnership_gets_404_for_another_s_records_and_never_lists_them(
        app: Flask, make_user: Callable[..., User], role: Role) -> None:
    ours, theirs = _area_records(app, "ours"), _area_records(app, "theirs")
    user = make_user(role, partnerships=[ours["partnership"]])
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    for slug, records, status in (("ours", ours, 200), ("theirs", theirs, 404)):
        for url in (f"/partnerships/{slug}", f"/partnerships/{slug}/bodies/{records['body']}",
                    f"/meetings/{records['meeting']}", f"/plans/{records['plan']}",
                    f"/actions/{records['action']}", f"/partnerships/{slug}/plans"):
            assert client.get(url).status_code == status, (role, url)
    lists = {url: client.get(url).get_data(as_text=True)
             for url in ("/partnerships", "/actions", "/actions/export.csv", "/meetings",
                         "/plans", "/reading-room")}
    for url, text in lists.items():
        assert "theirs" not in text.lower(), (role, url)
    assert "ours action" in lists["/actions/export.csv"]
    assert f'href="/actions/{ours["action"]}"' in lists["/actions"]
    assert 'href="/partnerships/ours"' in lists["/partnerships"]
    with app.test_request_context():
        fresh = db.session.get(User, user.id)
        for model, key in ((Action, "action"), (Meeting, "meeting"), (Plan, "plan"),
                           (Body, "body"), (Partnership, "partnership")):
            assert can(fresh, "view", db.session.get(model, ours[key]))
            assert not can(fresh, "view", db.session.get(model, theirs[key])), model
            assert not can(fresh, "edit", db.session.get(model, theirs[key])), model


def test_a_body_shared_by_a_collaboration_is_seen_from_every_member_partnership(
        app: Flask, make_user: Callable[..., User]) -> None:
    ours, theirs = _area_records(app, "ours"), _area_records(app, "theirs")
    with app.app_context():
        shared = Collaboration(name="Both areas", short_name="Both")
        shared.partnerships = [db.session.get(Partnership, ours["partnership"]),
                               db.session.get(Partnership, theirs["partnership"])]
        body = Body(collaboration=shared, kind=BodyKind.SUBGROUP, name="Shared group")
        meeting = Meeting(body=body, held_on=clock.today())
        db.session.add_all([shared, body, meeting])
        db.session.commit()
        meeting_id = meeting.id
    for served in (ours, theirs):
        user = make_user(Role.TEAM, partnerships=[served["partnership"]])
        client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
        assert client.sign_in(user.email, PASSWORD).status_code == 302
        assert client.get(f"/meetings/{meeting_id}").status_code == 200
    outsider = make_user(Role.TEAM, partnerships=[add_partnership(app, "elsewhere")])
    client = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(outsider.email, PASSWORD).status_code == 302
    assert client.get(f"/meetings/{meeting_id}").status_code == 404


def test_the_calendar_feed_answers_to_its_secret_and_to_nothing_else(
        app: Flask, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    """The one public route with data behind it: each role's own secret opens their feed,
    signed in as nobody; no secret, a wrong one or a stopped one answers 404."""
    anonymous: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert anonymous.get("/calendar/feed.ics").status_code == 404
    assert anonymous.get("/calendar/feed.ics?key=not-a-secret").status_code == 404
    for role in Role:
        client = signed_in(role)
        made = page(client.submit("/account/calendar", {}))
        address = urlsplit(str(made.select_one("#feed-address")["value"]))
        url = f"{address.path}?{address.query}"
        response = anonymous.get(url)
        assert response.status_code == 200 and response.mimetype == "text/calendar", role
        client.submit("/account/calendar", {}, action="/account/calendar/stop")
        assert anonymous.get(url).status_code == 404, role

"""The demo case reviews: every state the chair's board must show, on any day it is loaded.

Wessexshire's Learning and Inquiry Group has a Rapid Review with working days left, a late
one, a local review waiting for its draft, a published review whose action plan is half done,
a national referral and a closed case; learning comes in from a national panel review and a
national inquiry split into thematic areas. The working-day states must hold across
weekends, Christmas (with the county's closure days) and Easter.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.actions.models import Action, ProgressUpdate
from partnership.actions.queries import ActionFilter, tracked
from partnership.actions.rag import Rag
from partnership.bench.__main__ import parse_args
from partnership.demo.reviews import DEMO_THEMES, REVIEWING_BODY, THEME_ALIASES, working_days_before
from partnership.extensions import db
from partnership.kernel.dates import add_months, add_working_days, working_days_between
from partnership.kernel.identifiers import identifier_problems
from partnership.policy import can
from partnership.register.models import Body, Partnership
from partnership.reviews.models import (
    Case,
    ClockStart,
    ClosureDay,
    LocalReview,
    MilestoneKind,
    PublicationDecision,
    RapidOutcome,
    RapidReview,
    Review,
    ReviewKind,
    ReviewSettings,
    Stage,
    Theme,
)
from partnership.reviews.services.deadlines import DeadlineKind, deadlines_of
from partnership.reviews.services.learning import default_themes
from tests.support.demo import on_days

BENCH_SCALE = parse_args([]).scale  # what `make bench` loads
DAYS = [
    dt.date(2026, 4, 3),    # Good Friday
    dt.date(2026, 4, 7),    # the Tuesday after Easter Monday
    dt.date(2026, 7, 18),   # a Saturday
    dt.date(2026, 12, 24),  # Christmas Eve, closure days ahead
    dt.date(2026, 12, 30),  # a closure day between Christmas and New Year
    dt.date(2027, 1, 4),    # back after the closure
    dt.date(2027, 3, 29),   # Easter Monday
]


def county() -> Partnership:
    return db.session.scalars(sa.select(Partnership).where(Partnership.slug == "wscp")).one()


def county_cases() -> dict[str, Case]:
    return {c.reference: c for c in db.session.scalars(
        sa.select(Case).where(Case.partnership_id == county().id))}


def closures(partnership: Partnership) -> frozenset[dt.date]:
    return frozenset(db.session.scalars(sa.select(ClosureDay.day).where(
        ClosureDay.partnership_id == partnership.id)))


def rapid_days_left(case: Case, day: dt.date) -> int:
    """Working days left on the Rapid Review's 15, as the board works them out."""
    settings = db.session.scalars(sa.select(ReviewSettings).where(
        ReviewSettings.partnership_id == case.partnership_id)).one()
    shut = closures(case.partnership)
    [rapid] = [d for d in deadlines_of(case, settings, shut, day)
               if d.kind == DeadlineKind.RAPID_REVIEW]
    # The same count from first principles: 15 working days from awareness.
    assert settings.rapid_review_clock is ClockStart.AWARENESS
    assert rapid.due == add_working_days(case.aware_on, 15, shut)
    return rapid.working_days_left


def the_one(cases: dict[str, Case], stage: Stage) -> list[Case]:
    return [c for c in cases.values() if c.stage is stage]


def assert_board_states(day: dt.date) -> None:
    cases = county_cases()
    shut = closures(county())
    assert len(cases) >= 6
    body = db.session.scalars(sa.select(Body).where(Body.name == REVIEWING_BODY)).one()
    assert all(c.reviewing_body_id == body.id for c in cases.values())

    # Rapid Reviews: one with working days left, one late.
    rapid = {c.reference: rapid_days_left(c, day) for c in the_one(cases, Stage.RAPID_REVIEW)}
    assert sorted(left > 0 for left in rapid.values()) == [False, True], rapid
    in_progress = next(cases[r] for r, left in rapid.items() if left > 0)
    late = next(cases[r] for r, left in rapid.items() if left < 0)
    assert in_progress.notified_on is not None
    assert working_days_between(in_progress.aware_on, in_progress.notified_on, shut) <= 5
    requests = in_progress.rapid_review.requests
    assert len(requests) == 4
    assert sum(r.received_on is not None for r in requests) == 2
    assert sum(r.received_on is None and r.due_on < day for r in requests) == 1
    assert sum(r.received_on is None and r.due_on > day for r in requests) == 1
    assert len(in_progress.rapid_review.episodes) == 2
    assert in_progress.rapid_review.analysis
    assert late.notified_on is not None
    assert working_days_between(late.aware_on, late.notified_on, shut) == 6
    assert late.late_notification_reason
    assert len(late.rapid_review.sign_offs) == 2

    # A local review waiting for its draft.
    [drafting] = the_one(cases, Stage.LOCAL_REVIEW)
    local = drafting.local_review
    assert local.reviewers and local.terms_of_reference and local.methodology
    assert local.family_involvement and local.practitioner_involvement
    assert local.target_on == add_months(local.decided_on, 6)
    assert 100 <= (day - local.decided_on).days <= 140
    milestones = {m.kind: m for m in local.milestones}
    draft = milestones[MilestoneKind.DRAFT_RECEIVED]
    assert draft.done_on is None and day < draft.due_on <= day + dt.timedelta(days=21)
    assert all(m.done_on is None and m.due_on > day for m in local.milestones)
    assert len(local.monitoring) == 2
    rapid_of_local = drafting.rapid_review
    assert rapid_of_local.outcome is RapidOutcome.LOCAL_REVIEW
    assert len(rapid_of_local.sign_offs) == 3
    assert rapid_of_local.shared_with_scrutineer_on and rapid_of_local.panel_response

    # A published review with its action plan about half done.
    [published] = the_one(cases, Stage.ACTION_PLAN)
    local = published.local_review
    assert local.publication_decision is PublicationDecision.PUBLISH_REDACTED
    assert local.publication_risks and local.publication_reason
    assert local.published_url.startswith("https://")
    assert local.published_on is not None and 270 <= (day - local.published_on).days <= 330
    assert all(m.done_on is not None and m.done_on <= day for m in local.milestones)
    [review] = [r for r in published.reviews if r.kind is ReviewKind.LOCAL_REVIEW]
    assert len(review.recommendations) == 5
    assert all(r.agencies and r.themes for r in review.recommendations[:4])
    plan = tracked(ActionFilter(review_id=review.id), day)
    assert {a.recommendation_number for a in plan} == {1, 2, 3, 4, 5}
    ratings = Counter(a.rag for a in plan)
    done = ratings[Rag.COMPLETE]
    assert abs(2 * done - len(plan)) <= 2, ratings
    assert ratings[Rag.RED] >= 1, ratings
    complete = db.session.scalars(sa.select(Action).where(
        Action.id.in_([a.id for a in plan if a.rag is Rag.COMPLETE]))).all()
    assert all(a.impact and a.completed_on and a.completed_on <= day for a in complete)
    assert all(a.lead_agency_name and a.lead_person_name for a in plan
               if a.rag is not Rag.COMPLETE)

    # Referred for a national review; closed with its retention date.
    [national] = the_one(cases, Stage.NATIONAL_REVIEW)
    assert national.national_referral and national.national_referral.outcome
    [closed] = the_one(cases, Stage.CLOSED)
    assert closed.rapid_review.outcome is RapidOutcome.NO_FURTHER_REVIEW
    assert closed.closed_on is not None and closed.closed_on < day
    assert closed.retention_until.year == closed.closed_on.year + 15

    # Nothing recorded as done after the day the demo was loaded.
    for case in cases.values():
        assert case.aware_on <= day
        assert case.notified_on is None or case.notified_on <= day
        if case.rapid_review:
            assert all(r.received_on is None or r.received_on <= day
                       for r in case.rapid_review.requests)
            assert all(s.signed_at.date() <= day for s in case.rapid_review.sign_offs)
    assert not db.session.scalar(sa.select(sa.func.count(ProgressUpdate.id)).where(
        ProgressUpdate.recorded_on > day))


def assert_learning_from_elsewhere(day: dt.date) -> None:
    panel = db.session.scalars(sa.select(Review).where(
        Review.kind == ReviewKind.NATIONAL_PANEL)).one()
    inquiry = db.session.scalars(sa.select(Review).where(
        Review.kind == ReviewKind.NATIONAL_INQUIRY)).one()
    for review in (panel, inquiry):
        assert review.case_id is None
        assert review.source and review.received_how and review.themes
        assert review.published_on is not None and review.published_on < day
        assert len(review.recommendations) == 3
        numbers = {a.recommendation_number for a in tracked(ActionFilter(review_id=review.id),
                                                            day)}
        assert numbers == {1, 2, 3}
    assert all(not r.thematic_area for r in panel.recommendations)
    areas = [r.thematic_area for r in inquiry.recommendations]
    assert areas == ["Understanding and identifying", "Responding", "Preventing"]


@pytest.mark.parametrize("day", on_days(DAYS, until="case reviews"))
def test_the_board_shows_every_state_whenever_the_demo_is_loaded(app: Flask, day: dt.date):
    with app.app_context():
        assert_board_states(day)
        assert_learning_from_elsewhere(day)


@pytest.mark.demo
def test_the_demo_loaded_today_shows_every_state(app: Flask, session_day: dt.date):
    day = session_day
    with app.app_context():
        assert_board_states(day)
        assert_learning_from_elsewhere(day)


@pytest.mark.demo(day=dt.date(2026, 12, 30), until="case reviews")
def test_the_county_counts_rapid_reviews_from_awareness_with_christmas_closures(app: Flask):
    day = dt.date(2026, 12, 30)
    with app.app_context():
        settings = db.session.scalars(sa.select(ReviewSettings).where(
            ReviewSettings.partnership_id == county().id)).one()
        assert settings.rapid_review_clock is ClockStart.AWARENESS
        assert (settings.local_review_months, settings.retention_years) == (6, 15)
        shut = closures(county())
        assert {dt.date(2025, 12, 29), dt.date(2026, 12, 29), dt.date(2026, 12, 31)} <= shut
        in_progress = next(c for c in county_cases().values()
                           if c.stage is Stage.RAPID_REVIEW and rapid_days_left(c, day) > 0)
        # Six working days up to a closure day, counting neither the closure days nor the
        # Christmas bank holidays: 17, 18, 21, 22, 23 and 24 December.
        assert in_progress.aware_on == working_days_before(day, 6, shut)
        assert in_progress.aware_on == dt.date(2026, 12, 16)


@pytest.mark.demo(day=dt.date(2026, 11, 2), until="case reviews")
def test_no_case_text_looks_like_an_identifier(app: Flask):
    with app.app_context():
        texts: list[str] = []
        for case in db.session.scalars(sa.select(Case)):
            texts += [case.reference, case.summary, case.late_notification_reason]
            texts += [m.reason for m in case.members]
            rapid = case.rapid_review
            if rapid:
                texts += [rapid.analysis, rapid.equality_analysis, rapid.learning,
                          rapid.outcome_reason, rapid.panel_response]
                texts += [e.title for e in rapid.episodes] + [e.description
                                                              for e in rapid.episodes]
                texts += [r.asked_for for r in rapid.requests]
            local = case.local_review
            if local:
                texts += [local.terms_of_reference, local.methodology,
                          local.family_involvement, local.practitioner_involvement,
                          local.publication_risks, local.publication_reason]
                texts += [m.note for m in local.milestones]
                texts += [e.timeliness for e in local.monitoring] + [
                    e.quality for e in local.monitoring]
            if case.national_referral:
                texts.append(case.national_referral.outcome)
        for review in db.session.scalars(sa.select(Review)):
            texts += [review.title, review.summary, review.received_how]
            texts += [r.text for r in review.recommendations]
            texts += [r.agency_response for r in review.recommendations]
        assert len(texts) > 150
        assert [(t, identifier_problems(t)) for t in texts if identifier_problems(t)] == []


@pytest.mark.demo(day=dt.date(2026, 11, 2), until="case reviews")
def test_the_themes_are_the_managed_list(app: Flask):
    with app.app_context():
        names = set(db.session.scalars(sa.select(Theme.name)))
        assert {name for name, _ in default_themes()} <= names
        for name, _ in DEMO_THEMES:
            assert names & {name, *THEME_ALIASES.get(name, ())}, name
        assert "Transitions to adulthood" in names
        assert len(names) == len({n.casefold() for n in names})


@pytest.mark.demo
def test_the_demo_accounts_see_the_cases_they_need_to_know(app: Flask):
    with app.app_context():
        every = db.session.scalars(sa.select(Case)).all()
        county_refs = {c.reference for c in every if c.partnership.slug == "wscp"}
        merrow_refs = {c.reference for c in every if c.partnership.slug == "imscp"}
        assert merrow_refs == {"Child K"}

        def seen_by(email: str) -> set[str]:
            user = db.session.scalars(sa.select(User).where(User.email == email)).one()
            return {c.reference for c in every if can(user, "view", c)}

        assert seen_by("officer@demo.example") == county_refs | merrow_refs
        assert seen_by("chair@demo.example") == county_refs  # chairs the reviewing body
        for partner in ("partner@demo.example", "health.partner@demo.example",
                        "police.partner@demo.example"):
            assert seen_by(partner) == county_refs
        assert seen_by("agency@demo.example") == {"Child S"}  # added to that case
        assert seen_by("scrutineer@demo.example") == set()
        assert seen_by("admin@demo.example") == set()

        scrutineer = db.session.scalars(sa.select(User).where(
            User.email == "scrutineer@demo.example")).one()
        chair = db.session.scalars(sa.select(User).where(
            User.email == "chair@demo.example")).one()
        published = db.session.scalars(sa.select(Review).where(
            Review.kind == ReviewKind.LOCAL_REVIEW)).one()
        assert can(scrutineer, "view", published)
        assert can(chair, "edit", published)


@pytest.mark.demo(scale=BENCH_SCALE)
def test_the_scaled_load_has_a_hundred_cases_across_the_stages(app):
    with app.app_context():
        synthetic = db.session.scalars(sa.select(Partnership.id).where(
            Partnership.slug.like("synthetic-%"))).all()
        cases = db.session.scalars(sa.select(Case).where(
            Case.partnership_id.in_(synthetic))).all()
        assert len(cases) >= 100
        assert len(cases) >= 20 * len(synthetic)
        stages = Counter(c.stage for c in cases)
        assert set(stages) == set(Stage)
        assert db.session.scalar(sa.select(sa.func.count(RapidReview.id))) >= 80
        assert db.session.scalar(sa.select(sa.func.count(LocalReview.id))) >= 40
        reviews = db.session.scalars(sa.select(Review.id).where(
            Review.partnership_id == synthetic[0])).all()
        actions = tracked(ActionFilter(partnership_id=synthetic[0]))
        review_actions = [a for a in actions if a.recommendation_id is not None]
        assert {a.review_id for a in review_actions} == set(reviews)
        assert {Rag.COMPLETE, Rag.RED, Rag.GREEN} <= {a.rag for a in review_actions}
        for case in cases[:20]:
            assert identifier_problems(case.summary) == []

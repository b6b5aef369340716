"""No step skipped: a move of a case's stage checks what must be done first, refuses naming
each missing item and changes nothing; the team alone may move on anyway, with a reason that
is audited and on the case's timeline; leaving a stage closes what belonged to it, so the
board shows no deadline of a stage the case has left."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.audit.models import AuditEvent
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.services.partnerships import partners_in_order
from partnership.reviews.models import (
    Case,
    IncidentType,
    InformationRequest,
    RapidOutcome,
    RapidReviewSignOff,
    Stage,
    StageMove,
)
from partnership.reviews.services import gates
from partnership.reviews.services.cases import Move, StageRefused, move_case
from tests.meetings import sign_in
from tests.register.builders import date_parts
from tests.reviews.records_cases import World, add_case, add_request, build_world, case_row
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import clock_at

TODAY = dt.date(2026, 1, 12)
fixed_today = clock_at(TODAY)


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> World:
    return build_world(app, make_user)


def child_t(app: Flask, world: World) -> int:
    """A case at the Rapid Review with nothing decided and the police's information overdue."""
    case_id = add_case(app, world.partnership_id, world.group_id, "Child T",
                       aware_on=dt.date(2026, 1, 5), notified_on=dt.date(2026, 1, 7),
                       stage=Stage.RAPID_REVIEW, rapid_from=dt.date(2026, 1, 5))
    add_request(app, case_id, world.police_id, dt.date(2026, 1, 6), dt.date(2026, 1, 9))
    return case_id


def move_form(case_id: int, app: Flask, **extra: str) -> dict[str, str]:
    return {"version": str(case_row(app, case_id).version), "stage": "local_review",
            **date_parts("decided_on", dt.date(2026, 1, 12)), **extra}


def test_a_refused_move_names_what_is_missing_and_changes_nothing(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    case_id = child_t(app, world)
    team = signed_in(Role.TEAM)
    url = f"/cases/{case_id}/stage"
    shown = page(team.get(url)).select_one("#what-each-move-needs").get_text(" ", strip=True)
    assert "the recommended outcome" in shown

    refused = page(team.submit(url, move_form(case_id, app)))
    summary = refused.select_one(".govuk-error-summary").get_text(" ", strip=True)
    with app.app_context():
        partners = [p.name_on(TODAY) for p in partners_in_order(
            db.session.get_one(Case, case_id).partnership)]
    for item in ("the recommended outcome", "the rationale for the decision",
                 *(f"sign-off by {name}" for name in partners),
                 "the date the Rapid Review was sent to the national panel",
                 "the information from Northshire Police (due 9 January 2026), received or "
                 "waived with a reason"):
        assert item in summary, item
    assert summary.startswith("There is a problem Child T cannot move to Local child "
                              "safeguarding practice review yet. Still to do: the recommended "
                              "outcome; ")
    listed = [li.get_text(" ", strip=True) for li in refused.select("#still-to-do li")]
    assert listed[0] == "the recommended outcome" and len(listed) == 7, listed
    saved = case_row(app, case_id)
    assert (saved.stage, saved.local_review, saved.version) == (Stage.RAPID_REVIEW, None, 1)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(StageMove.id))) == 0

    # The chair of the reviewing group may move cases, but not past the rules.
    chair = sign_in(app, world.chair)
    assert "Move on before the stage is complete" not in page(chair.get(url)).get_text()
    forced = page(chair.submit(url, move_form(case_id, app, override="y",
                                              override_reason="Because")))
    assert "cannot move to Local child safeguarding practice review yet" in forced.get_text()
    assert case_row(app, case_id).stage is Stage.RAPID_REVIEW


def test_the_teams_override_needs_a_reason_is_audited_and_on_the_timeline(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    case_id = child_t(app, world)
    team = signed_in(Role.TEAM)
    url = f"/cases/{case_id}/stage"
    board_before = page(team.get("/cases/board")).select_one(f"#case-{case_id}").get_text(" ")
    assert "Information from Northshire Police" in board_before

    unexplained = page(team.submit(url, move_form(case_id, app, override="y")))
    assert "Give the reason the case moves on" in unexplained.select_one(
        ".govuk-error-summary").get_text()
    assert case_row(app, case_id).stage is Stage.RAPID_REVIEW

    reason = "The partners agreed a local review at today's meeting; sign-off follows."
    moved = team.submit(url, move_form(case_id, app, override="y", override_reason=reason),
                        follow_redirects=True)
    assert "before its stage was complete" in page(moved).get_text()
    saved = case_row(app, case_id)
    assert saved.stage is Stage.LOCAL_REVIEW and saved.local_review is not None
    with app.app_context():
        move = db.session.scalars(sa.select(StageMove)).one()
        assert (move.from_stage, move.to_stage, move.override_reason) == (
            Stage.RAPID_REVIEW, Stage.LOCAL_REVIEW, reason)
        assert "the recommended outcome" in move.missing_items
        audit = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.record_type == "stage_move")).one()
        assert audit.role == "team" and str(move.id) == audit.record_id
        request = db.session.scalars(sa.select(InformationRequest)).one()
        assert request.waived_on == TODAY and "Closed unanswered" in request.waived_reason

    timeline = page(team.get(f"/cases/{case_id}")).get_text(" ", strip=True)
    assert "by the partnership team before the stage was complete" in timeline
    assert reason in timeline
    # The board no longer shows the Rapid Review's deadline nor the agency's request.
    row = page(team.get("/cases/board")).select_one(f"#case-{case_id}")
    cells = " ".join(td.get_text(" ") for td in row.find_all("td")[:2])
    assert "Information from" not in cells and "Rapid Review" not in cells
    chase = row.find_all("td")[2].get_text(" ")
    assert "Information from" not in chase and "Rapid Review:" not in chase


def test_a_complete_rapid_review_moves_without_an_override(app: Flask, world: World) -> None:
    case_id = child_t(app, world)
    with app.app_context(), acting_as("tests"):
        case = db.session.get_one(Case, case_id)
        rapid = case.rapid_review
        assert rapid is not None
        with pytest.raises(StageRefused):
            move_case(case, case.version, Move("local_review",
                                               decided_on=dt.date(2026, 1, 12)), TODAY)
        rapid.outcome = RapidOutcome.NATIONAL_REFERRAL
        rapid.outcome_reason = "National learning about exploitation"
        rapid.sent_to_panel_on = dt.date(2026, 1, 9)
        rapid.requests[0].received_on = dt.date(2026, 1, 8)
        for partner in partners_in_order(case.partnership):
            rapid.sign_offs.append(RapidReviewSignOff(partner=partner, signed_by="A Person"))
        db.session.flush()
        # The outcome leads somewhere else than a local review.
        assert gates.missing_for(case, Stage.LOCAL_REVIEW) == [
            "a recommended outcome that leads to local child safeguarding practice review "
            "(the Rapid Review recommends referral for a national review)"]
        assert gates.missing_for(case, Stage.NATIONAL_REVIEW) == []
        move_case(case, case.version, Move("national_review",
                                           referred_on=dt.date(2026, 1, 12)), TODAY)
        assert case.stage is Stage.NATIONAL_REVIEW and case.moves[-1].missing == ""
        # Out of the national review only once the panel has answered.
        assert gates.missing_for(case, Stage.LOCAL_REVIEW) == [
            "the national panel's response to the referral for a national review"]
        db.session.rollback()


def test_a_looked_after_childs_death_needs_both_notifications(app: Flask,
                                                               world: World) -> None:
    case_id = child_t(app, world)
    with app.app_context(), acting_as("tests"):
        case = db.session.get_one(Case, case_id)
        assert not any("Ofsted" in item for item in gates.missing_for(case, Stage.CLOSED))
        case.looked_after = True
        case.incident_type = IncidentType.DEATH
        missing = gates.missing_for(case, Stage.CLOSED)
        assert ("the date the Secretary of State was told of the looked-after child's death"
                in missing)
        assert "the date Ofsted was told of the looked-after child's death" in missing
        db.session.rollback()

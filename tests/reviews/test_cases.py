"""A case from the serious incident to its closure: recording it, its notification (late ones
need a reason), its stages (only the allowed moves; an illegal jump is refused in words),
the national referral, and editing without losing someone else's edit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role
from partnership.reviews.models import (
    TRANSITIONS,
    Case,
    ClockStart,
    IncidentType,
    NationalReferral,
    Stage,
)
from partnership.reviews.services import ReviewError
from partnership.reviews.services.cases import Move, move_case
from tests.meetings import sign_in
from tests.register.builders import date_parts, field_error
from tests.reviews.records_cases import (
    World,
    add_case,
    add_local_review,
    build_world,
    case_ids,
    case_row,
    set_clock,
)
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import clock_at

TODAY = dt.date(2026, 1, 12)  # a Monday


fixed_today = clock_at(TODAY)


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> World:
    return build_world(app, make_user)


def text_of(response: Any) -> str:
    return page(response).get_text(" ", strip=True)


def case_form(world: World, **changes: Any) -> dict[str, Any]:
    return {"reference": "Child Q", "reviewing_body": str(world.group_id),
            "incident_type": "serious_harm", **date_parts("aware_on", dt.date(2025, 12, 19)),
            "agencies": [str(world.police_id), str(world.school_id)],
            "summary": "A baby was seriously injured at home.", **changes}


# --- recording a case ------------------------------------------------------------------------


def test_the_team_records_a_case_and_lands_on_its_page(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    chooser = text_of(team.get("/cases/new"))
    assert "Which partnership is the case for?" in chooser
    assert "Northshire Partnership" in chooser and "Southshire Partnership" in chooser

    response = team.submit(f"/cases/new?partnership={world.slug}", case_form(world),
                           follow_redirects=True)
    text = text_of(response)
    assert "Child Q recorded" in text
    assert "Learning and Inquiry Group" in text
    assert "Abbey School, Northshire Police" in text
    assert "Serious incident notification" in text
    # Aware Friday 19 December 2025: due 5 working days later, after Christmas.
    assert "30 December 2025, 5 working days after the partners became aware" in text
    # Retained 15 years (the default setting) from awareness while the case is open.
    assert "19 December 2040 (provisional" in text
    [case_id] = case_ids(app)
    saved = case_row(app, case_id)
    assert (saved.stage, saved.retention_until, saved.notified_on) == (
        Stage.NOTIFICATION, dt.date(2040, 12, 19), None)
    assert [a.name for a in saved.agencies] == ["Abbey School", "Northshire Police"]


def test_the_case_form_explains_each_problem_next_to_its_field_and_saves_nothing(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_case(app, world.partnership_id, world.group_id, "Child Q")
    team = signed_in(Role.TEAM)
    url = f"/cases/new?partnership={world.slug}"
    taken = page(team.submit(url, case_form(world, reference="child q")))
    assert field_error(taken, "reference") == (
        "Northshire Partnership already has a case called child q: choose another reference")
    future = page(team.submit(url, case_form(world, reference="Child R",
                                              **date_parts("aware_on", TODAY.replace(day=13)))))
    assert field_error(future, "aware_on") == (
        "The date the partners became aware must be today or in the past")
    blank = page(team.submit(url, {"reference": "", **date_parts("aware_on", None)}))
    assert field_error(blank, "reference") == "Enter the case reference"
    assert field_error(blank, "reviewing_body") == "Select the group that reviews the case"
    assert field_error(blank, "incident_type") == "Select what happened to the child"
    assert field_error(blank, "aware_on") == "Enter date the partners became aware"
    assert "There is a problem" in blank.get_text()
    assert len(case_ids(app)) == 1
    # The hint says what a reference looks like.
    assert "for example “Child Q”" in text_of(team.get(url))


def test_editing_a_case_never_loses_someone_elses_edit(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    case_id = add_case(app, world.partnership_id, world.group_id, "Child Q",
                       agency_ids=[world.police_id])
    team = signed_in(Role.TEAM)
    chair = sign_in(app, world.chair)
    opened = page(team.get(f"/cases/{case_id}/edit"))
    version = opened.find("input", attrs={"name": "version"})["value"]
    # The reviewing group's chair saves first.
    saved = chair.submit(f"/cases/{case_id}/edit", case_form(
        world, version=version, reference="Child Q", summary="Seen by the chair.",
        **date_parts("aware_on", dt.date(2025, 4, 17))))
    assert saved.status_code == 302
    late = team.post_with_token(f"/cases/{case_id}/edit", case_form(
        world, version=version, summary="The team's words."), token_from=f"/cases/{case_id}/edit")
    assert late.status_code == 409
    assert "was changed while you were editing" in text_of(late)
    assert case_row(app, case_id).summary == "Seen by the chair."
    # Another body's chair cannot even find the edit page.
    assert sign_in(app, world.other_chair).get(f"/cases/{case_id}/edit").status_code == 404


# --- moving between stages -------------------------------------------------------------------


def test_every_allowed_move_goes_through_and_every_other_is_refused_in_words(
    app: Flask, world: World, make_user: Callable[..., User],
) -> None:
    team = make_user(Role.TEAM)
    dates = {"decided_on": dt.date(2025, 6, 2), "referred_on": dt.date(2025, 6, 3),
             "closed_on": dt.date(2025, 12, 1), "override": True,
             "override_reason": "Testing every move"}
    with app.app_context(), acting_as("tests"):
        for number, (start, target) in enumerate(
                (start, target) for start in Stage for target in Stage):
            case = Case(partnership_id=world.partnership_id, reference=f"Child {number}",
                        reviewing_body_id=world.group_id, incident_type=IncidentType.DEATH,
                        aware_on=dt.date(2025, 5, 1), stage=start,
                        retention_until=dt.date(2040, 5, 1))
            db.session.add(case)
            db.session.flush()
            move = Move(stage=target.value, **dates)
            if target in TRANSITIONS[start]:
                move_case(case, case.version, move, TODAY, team)
                db.session.flush()
                assert case.stage is target, (start, target)
            else:
                with pytest.raises(ReviewError) as refused:
                    move_case(case, case.version, move, TODAY, team)
                assert refused.value.field == "stage"
                assert refused.value.message.startswith(
                    f"A case at {start.label} cannot move to {target.label}; it can move to ")
                assert case.stage is start
        db.session.rollback()


def test_moving_a_case_through_its_stages_creates_its_reviews(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    case_id = add_case(app, world.partnership_id, world.group_id, "Child Q",
                       aware_on=dt.date(2025, 12, 19))
    team = signed_in(Role.TEAM)
    url = f"/cases/{case_id}/stage"

    def version() -> str:
        return str(case_row(app, case_id).version)

    shown = text_of(team.get(url))
    assert "Rapid Review" in shown and "Closed" not in shown
    moved = team.submit(url, {"version": version(), "stage": "rapid_review"},
                        follow_redirects=True)
    assert "Child Q moved from Serious incident notification to Rapid Review" in text_of(moved)
    saved = case_row(app, case_id)
    assert saved.stage is Stage.RAPID_REVIEW
    assert saved.rapid_review is not None
    assert saved.rapid_review.started_on == dt.date(2025, 12, 19)  # the clock: awareness
    assert "14 Jan 2026" in text_of(moved)  # 15 working days, bank holidays skipped

    # A crafted jump backwards is refused, saying where the case can go.
    jump = page(team.submit(url, {"version": version(), "stage": "notification"}))
    assert field_error(jump, "stage") == (
        "A case at Rapid Review cannot move to Serious incident notification; it can move to "
        "Referred for a national review, Local child safeguarding practice review, Action plan "
        "being delivered or Closed")
    # A local review needs the date of its decision; its target is 6 months on.
    undated = page(team.submit(url, {"version": version(), "stage": "local_review"}))
    assert field_error(undated, "decided_on") == (
        "Enter the date of the decision to carry out a local review")
    assert case_row(app, case_id).stage is Stage.RAPID_REVIEW
    team.submit(url, {"version": version(), "stage": "local_review", "override": "y",
                      "override_reason": "The partners agreed at the meeting",
                      **date_parts("decided_on", dt.date(2025, 12, 31))})
    saved = case_row(app, case_id)
    assert saved.stage is Stage.LOCAL_REVIEW
    assert saved.local_review is not None
    assert (saved.local_review.decided_on, saved.local_review.target_on) == (
        dt.date(2025, 12, 31), dt.date(2026, 6, 30))

    team.submit(url, {"version": version(), "stage": "action_plan", "override": "y",
                      "override_reason": "Published elsewhere"})
    closed = team.submit(url, {"version": version(), "stage": "closed",
                               **date_parts("closed_on", dt.date(2026, 1, 9))},
                         follow_redirects=True)
    saved = case_row(app, case_id)
    assert (saved.stage, saved.closed_on, saved.retention_until) == (
        Stage.CLOSED, dt.date(2026, 1, 9), dt.date(2041, 1, 9))
    assert "Move to the next stage" not in text_of(closed)
    assert "The case is closed" in text_of(team.get(url))


def test_a_stale_stage_form_is_not_applied_twice(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    case_id = add_case(app, world.partnership_id, world.group_id, "Child Q")
    team = signed_in(Role.TEAM)
    stale = str(case_row(app, case_id).version)
    team.submit(f"/cases/{case_id}/stage", {"version": stale, "stage": "rapid_review"})
    again = team.submit(f"/cases/{case_id}/stage", {"version": stale, "stage": "rapid_review"})
    assert again.status_code == 200
    assert field_error(page(again), "stage") == (
        "A case at Rapid Review cannot move to Rapid Review; it can move to Referred for a "
        "national review, Local child safeguarding practice review, Action plan being "
        "delivered or Closed")


def test_a_clock_that_starts_at_notification_waits_for_it(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    set_clock(app, world.partnership_id, rapid_review_clock=ClockStart.NOTIFICATION)
    case_id = add_case(app, world.partnership_id, world.group_id, "Child Q",
                       aware_on=dt.date(2025, 12, 19))
    team = signed_in(Role.TEAM)
    refused = page(team.submit(f"/cases/{case_id}/stage",
                               {"version": "1", "stage": "rapid_review"}))
    assert field_error(refused, "stage") == (
        "Record the notification to the national panel first: this partnership starts the "
        "Rapid Review's 15 working days on the day of notification")
    team.submit(f"/cases/{case_id}/notification",
                {"version": "1", **date_parts("notified_on", dt.date(2025, 12, 22))})
    team.submit(f"/cases/{case_id}/stage", {"version": "2", "stage": "rapid_review"})
    saved = case_row(app, case_id)
    assert saved.rapid_review is not None
    assert saved.rapid_review.started_on == dt.date(2025, 12, 22)


# --- the notification and the national referral ----------------------------------------------


def test_a_late_notification_needs_its_reason_and_is_flagged(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    case_id = add_case(app, world.partnership_id, world.group_id, "Child Q",
                       aware_on=dt.date(2025, 12, 19))
    team = signed_in(Role.TEAM)
    url = f"/cases/{case_id}/notification"
    assert "due by 30 December 2025" in text_of(team.get(url))
    late = page(team.submit(url, {"version": "1", **date_parts("notified_on",
                                                                dt.date(2025, 12, 31))}))
    assert field_error(late, "late_notification_reason") == (
        "Give the reason the notification was late: it was due by 30 December 2025, 5 working "
        "days after the partners became aware")
    assert case_row(app, case_id).notified_on is None
    identifying = page(team.submit(url, {
        "version": "1", **date_parts("notified_on", dt.date(2025, 12, 31)),
        "late_notification_reason": "The family at LS1 4AP moved away"}))
    assert field_error(identifying, "late_notification_reason").startswith(
        "Remove the postcode.")
    saved = team.submit(url, {"version": "1", **date_parts("notified_on", dt.date(2025, 12, 31)),
                              "late_notification_reason": "Awareness came over the holiday."},
                        follow_redirects=True)
    text = text_of(saved)
    assert "Notification recorded as late" in text
    assert "Notification late" in text and "Awareness came over the holiday." in text
    assert case_row(app, case_id).notified_on == dt.date(2025, 12, 31)


def test_an_on_time_notification_needs_no_reason(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    case_id = add_case(app, world.partnership_id, world.group_id, "Child Q",
                       aware_on=dt.date(2025, 12, 19))
    team = signed_in(Role.TEAM)
    response = team.submit(f"/cases/{case_id}/notification",
                           {"version": "1", **date_parts("notified_on", dt.date(2025, 12, 30))},
                           follow_redirects=True)
    text = text_of(response)
    assert "Notification recorded" in text and "Notification late" not in text
    assert case_row(app, case_id).notified_on == dt.date(2025, 12, 30)


def test_the_national_referral_and_its_outcome(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    case_id = add_case(app, world.partnership_id, world.group_id, "Child Q",
                       stage=Stage.RAPID_REVIEW, rapid_from=dt.date(2025, 4, 17))
    chair = sign_in(app, world.chair)
    url = f"/cases/{case_id}/national-referral"
    backwards = page(chair.submit(url, {**date_parts("referred_on", dt.date(2025, 5, 20)),
                                        **date_parts("outcome_on", dt.date(2025, 5, 1))}))
    assert field_error(backwards, "outcome_on") == (
        "The date of the outcome must be on or after the referral")
    chair.submit(url, {**date_parts("referred_on", dt.date(2025, 5, 20))})
    with app.app_context():
        referral = db.session.scalars(sa.select(NationalReferral)).one()
        version = str(referral.version)
    response = chair.submit(url, {"version": version,
                                  **date_parts("referred_on", dt.date(2025, 5, 20)),
                                  **date_parts("outcome_on", dt.date(2025, 7, 1)),
                                  "outcome": "The panel will carry out a national review."},
                            follow_redirects=True)
    text = text_of(response)
    assert "National referral saved" in text
    assert "1 July 2025: The panel will carry out a national review." in text
    assert "Referred for a national review" in text  # in the timeline


def test_the_case_page_brings_its_reviews_together(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    case_id = add_case(app, world.partnership_id, world.group_id, "Child Q",
                       stage=Stage.LOCAL_REVIEW, aware_on=dt.date(2025, 4, 17),
                       notified_on=dt.date(2025, 4, 22), rapid_from=dt.date(2025, 4, 17))
    add_local_review(app, case_id, dt.date(2025, 6, 2), dt.date(2025, 12, 2))
    chair = sign_in(app, world.chair)
    html = page(chair.get(f"/cases/{case_id}"))
    links = {a["href"] for a in html.find_all("a", href=True)}
    assert {f"/cases/{case_id}/rapid-review", f"/cases/{case_id}/local-review",
            f"/cases/{case_id}/local-review/milestones",
            f"/cases/{case_id}/edit", f"/cases/{case_id}/stage"} <= links
    forms = {f.get("action") for f in html.find_all("form")}
    assert f"/learning/for-case/{case_id}/rapid_review" in forms
    text = html.get_text(" ", strip=True)
    assert "Local review completed and published" in text
    assert "Decision to carry out a local review" in text  # the timeline
    # The team (not the chair) manages who sees it.
    assert f"/cases/{case_id}/people" not in links
    team_links = {a["href"] for a in page(signed_in(Role.TEAM).get(f"/cases/{case_id}"))
                  .find_all("a", href=True)}
    assert f"/cases/{case_id}/people" in team_links

"""Monitoring local reviews (regulation 14 of the 2018 regulations): checkpoints at the
partnership's interval, each recording progress against the terms of reference, quality
concerns and anything asked of the reviewer; slippage against the six-month target on the
board, on the case page and in the yearly report's reviews part."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask

from partnership.accounts.models import User
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Partnership
from partnership.reports.assemble import assemble
from partnership.reviews.models import (
    LocalReview,
    MonitoringEntry,
    PublicationDecision,
    Stage,
)
from tests.register.builders import date_parts, field_error
from tests.reviews.records_cases import (
    World,
    add_case,
    add_local_review,
    build_world,
    set_clock,
)
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import clock_at

TODAY = dt.date(2026, 3, 2)  # a Monday
fixed_today = clock_at(TODAY)


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> World:
    return build_world(app, make_user)


def test_checkpoints_follow_the_interval_and_slippage_shows_on_board_and_report(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    set_clock(app, world.partnership_id, monitoring_weeks=4)
    case_id = add_case(app, world.partnership_id, world.group_id, "Child P",
                       aware_on=dt.date(2025, 6, 2), notified_on=dt.date(2025, 6, 3),
                       stage=Stage.LOCAL_REVIEW)
    local_id = add_local_review(app, case_id, dt.date(2025, 7, 1), dt.date(2026, 1, 1))
    team = signed_in(Role.TEAM)

    row = page(team.get("/cases/board")).select_one(f"#case-{case_id} th").get_text(" ")
    assert "Slipped: 8 weeks past its 6-month target (1 January 2026)" in " ".join(row.split())
    assert "Next monitoring check overdue since 29 July 2025 (none recorded yet)" in " ".join(
        row.split())

    guarded = page(team.submit(f"/cases/{case_id}/local-review/monitoring/new", {
        **date_parts("recorded_on", dt.date(2026, 2, 23)), "on_time": "no",
        "progress": "Spoke to the mother at SW1A 1AA", "requested": "NHS no 943 476 5919"}))
    assert "postcode" in field_error(guarded, "progress").lower()
    assert "Remove the NHS number" in field_error(guarded, "requested")
    team.submit(f"/cases/{case_id}/local-review/monitoring/new", {
        **date_parts("recorded_on", dt.date(2026, 2, 23)), "on_time": "no",
        "progress": "Two of the four questions answered.",
        "quality": "Too little from the school.",
        "requested": "A draft of the findings by 20 March."})
    with app.app_context():
        entry = db.session.scalars(db.select(MonitoringEntry)).one()
        assert (entry.progress, entry.requested) == ("Two of the four questions answered.",
                                                     "A draft of the findings by 20 March.")
    row = " ".join(page(team.get("/cases/board")).select_one(
        f"#case-{case_id} th").get_text(" ").split())
    assert ("Next monitoring check due 23 March 2026 (1 recorded, the last on 23 February "
            "2026)") in row
    detail = " ".join(page(team.get(f"/cases/{case_id}")).get_text(" ").split())
    assert "Asked for: A draft of the findings by 20 March." in detail

    with app.app_context(), app.test_request_context():
        partnership = db.session.get_one(Partnership, world.partnership_id)
        content = assemble(partnership, dt.date(2025, 4, 1), dt.date(2026, 3, 31), TODAY)
    [local] = content.reviews.local
    assert local.stage.endswith("; monitored 1 time, the last on 23 February 2026 (behind "
                                "time); 8 weeks past its target"), local.stage
    assert local_id


def test_a_published_review_is_not_monitored_and_says_how_late_it_was(
    app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    case_id = add_case(app, world.partnership_id, world.group_id, "Child N",
                       aware_on=dt.date(2025, 6, 2), stage=Stage.LOCAL_REVIEW)
    local_id = add_local_review(app, case_id, dt.date(2025, 7, 1), dt.date(2026, 1, 1))
    with app.app_context(), acting_as("tests"):
        local = db.session.get_one(LocalReview, local_id)
        local.publication_decision = PublicationDecision.PUBLISH
        local.published_on = dt.date(2026, 1, 20)
        db.session.commit()
    row = " ".join(page(signed_in(Role.TEAM).get("/cases/board")).select_one(
        f"#case-{case_id} th").get_text(" ").split())
    assert "Next monitoring check" not in row
    assert "Slipped Completed 20 January 2026, 2 weeks after its 6-month target" in row
    detail = " ".join(page(signed_in(Role.TEAM).get(f"/cases/{case_id}")).get_text(" ").split())
    assert "Completed 20 January 2026, 2 weeks after its 6-month target (1 January 2026)" \
        in detail

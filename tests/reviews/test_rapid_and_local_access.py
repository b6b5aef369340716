"""Need-to-know on the Rapid Review and local review pages: only the team and the chair of
the case's reviewing body record them; everyone else gets 404 (the case's existence is not
revealed), changes nothing, and every page shown is written to the audit trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import PartnerKind
from partnership.reviews.models import (
    InformationRequest,
    LocalReview,
    MonitoringEntry,
    PracticeEpisode,
    RapidReview,
    RapidReviewSignOff,
    Reviewer,
)
from tests.meetings import chair_of, representative_of, sign_in
from tests.register.records import add_area, add_body
from tests.reviews.records_reviews import (
    add_case,
    add_episode,
    add_local,
    add_rapid,
    add_request,
    add_reviewer,
    add_world,
    case_views,
)
from tests.support.client import BrowserLikeClient


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> dict[str, Any]:
    ids = add_world(app, make_user)
    ids["case"] = add_case(app, ids["partnership"], ids["group"])
    rapid = add_rapid(app, ids["case"])
    ids["request"] = add_request(app, rapid, ids["police"], dt.date(2025, 4, 17),
                                 dt.date(2025, 4, 28))
    ids["episode"] = add_episode(app, rapid, "Hospital attendance")
    local = add_local(app, ids["case"], dt.date(2025, 5, 14))
    ids["reviewer"] = add_reviewer(app, local, "Pat Morgan")
    return ids


def pages(world: dict[str, Any]) -> list[str]:
    case = world["case"]
    return [f"/cases/{case}/rapid-review", f"/cases/{case}/rapid-review/requests/new",
            f"/cases/rapid-review/requests/{world['request']}/edit",
            f"/cases/{case}/rapid-review/episodes/new",
            f"/cases/rapid-review/episodes/{world['episode']}/edit",
            f"/cases/{case}/local-review", f"/cases/{case}/local-review/reviewers/new",
            f"/cases/local-review/reviewers/{world['reviewer']}/edit",
            f"/cases/{case}/local-review/milestones", f"/cases/{case}/local-review/publication",
            f"/cases/{case}/local-review/monitoring/new"]


HOSTILE = {"analysis": "overwritten", "title": "overwritten", "name": "overwritten",
           "decided_on": ["1", "5", "2025"], "publication_decision": "publish",
           "publication_risks": "x", "publication_reason": "x", "on_time": "True",
           "recorded_on": ["1", "6", "2025"], "agency": "1", "asked_for": "x",
           "requested_on": ["1", "5", "2025"], "version": "1"}


def state(app: Flask) -> list[Any]:
    with app.app_context():
        return [
            db.session.execute(sa.select(RapidReview.analysis, RapidReview.version)).all(),
            db.session.execute(sa.select(InformationRequest.asked_for,
                                         InformationRequest.version)).all(),
            db.session.execute(sa.select(PracticeEpisode.title, PracticeEpisode.version)).all(),
            db.session.execute(sa.select(LocalReview.decided_on, LocalReview.publication_risks,
                                         LocalReview.version)).all(),
            db.session.execute(sa.select(Reviewer.name, Reviewer.version)).all(),
            db.session.scalar(sa.select(sa.func.count()).select_from(MonitoringEntry)),
            db.session.scalar(sa.select(sa.func.count()).select_from(RapidReviewSignOff)),
            db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
                AuditEvent.action == "view")),
        ]


def outsiders(app: Flask, world: dict[str, Any], make_user: Callable[..., User],
              signed_in: Callable[[Role], BrowserLikeClient]) -> dict[str, BrowserLikeClient]:
    """Everyone who may not record the case's reviews, some of whom may read the case."""
    elsewhere = add_area(app, "southshire")
    other_body = add_body(app, "Southshire Learning Group", slug="southshire")
    member = make_user(Role.AGENCY, name="Group Member")
    with app.app_context():
        from partnership.audit.services import acting_as
        from partnership.register.models import Body, BodyMember, Person

        with acting_as("tests"):
            body = db.session.get_one(Body, world["group"])
            db.session.add(BodyMember(body=body, agency_id=world["school"], role="Member",
                                      person=Person(name="Group Member", user_id=member.id)))
            db.session.commit()
    return {
        "chair of another group": sign_in(app, chair_of(app, make_user, other_body, "Other")),
        "another area's partner": sign_in(app, representative_of(
            app, make_user, elsewhere, PartnerKind.POLICE, "Other Chief")),
        "a partner who may read the case": sign_in(app, representative_of(
            app, make_user, world["partnership"], PartnerKind.HEALTH, "Dr Okafor")),
        "a member of the reviewing group": sign_in(app, member),
        "an agency lead": signed_in(Role.AGENCY),
        "the scrutineer": signed_in(Role.SCRUTINEER),
        "an administrator": signed_in(Role.ADMIN),
    }


def test_everyone_outside_the_case_or_not_recording_it_gets_404_and_changes_nothing(
    app: Flask, world: dict[str, Any], make_user: Callable[..., User],
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    clients = outsiders(app, world, make_user, signed_in)
    before = state(app)
    for who, client in clients.items():
        for url in pages(world):
            assert client.get(url).status_code == 404, (who, url)
            response = client.post_with_token(url, HOSTILE, token_from="/account")
            assert response.status_code == 404, (who, url)
        if who != "a partner who may read the case":
            response = client.post_with_token(f"/cases/{world['case']}/rapid-review/sign-off",
                                              token_from="/account")
            assert response.status_code == 404, (who, "sign-off")
    assert state(app) == before


def test_records_that_do_not_exist_are_404(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    for url in ("/cases/999/rapid-review", "/cases/rapid-review/requests/999/edit",
                "/cases/rapid-review/episodes/999/edit", "/cases/999/local-review",
                "/cases/local-review/reviewers/999/edit", "/cases/999/local-review/milestones"):
        assert team.get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["team", "chair"])
def test_the_team_and_the_groups_chair_see_every_page_and_each_view_is_audited(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    who: str,
) -> None:
    client = signed_in(Role.TEAM) if who == "team" else sign_in(app, world["chair"])
    user = client.user  # type: ignore[attr-defined]
    for url in pages(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Child Q" in response.get_data(as_text=True)
    assert case_views(app, world["case"], user.id) == len(pages(world))

"""Links are shown only where the reader may follow them, and the admin's home knows the
register."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask_login import login_user

from partnership.accounts.models import User
from partnership.extensions import db
from partnership.pages.links import may_follow, may_open
from partnership.policy import Role
from partnership.reviews.models import Case
from tests.conftest import PASSWORD
from tests.reviews.records_learning import World, add_recommendation, build_learning
from tests.support.client import BrowserLikeClient, page


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> World:
    found = build_learning(app, make_user)
    add_recommendation(app, found.ours_id, 1, "Teach the front door about strangulation")
    return found


def _as(app: Flask, user: User) -> BrowserLikeClient:
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    return client


def _hrefs(client: BrowserLikeClient, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    return [str(a["href"]) for a in page(response).find_all("a", href=True)]


def test_the_scrutineer_reads_a_review_without_a_link_to_the_case_she_cannot_open(
        app: Flask, world: World, make_user: Callable[..., User]) -> None:
    scrutineer = _as(app, make_user(Role.SCRUTINEER))
    review = f"/learning/{world.ours_id}"
    case = f"/cases/{world.case_id}"
    assert scrutineer.get(case).status_code == 404
    shown = scrutineer.get(review)
    assert "Child Q" in page(shown).main.get_text()
    assert case not in _hrefs(scrutineer, review)
    # The chair of the reviewing group may open the case, so the link is there for them.
    assert case in _hrefs(_as(app, world.chair), review)


def test_an_action_plan_path_is_followable_only_by_who_may_open_it(
        app: Flask, world: World, make_user: Callable[..., User]) -> None:
    plan = f"/learning/{world.ours_id}/action-plan"
    agency = make_user(Role.AGENCY)
    admin = make_user(Role.ADMIN)
    answers = {}
    for name, user in (("chair", world.chair), ("outsider", world.outsider),
                       ("agency", agency), ("admin", admin)):
        with app.test_request_context():
            login_user(db.session.get(User, user.id))
            answers[name] = (may_open(plan), may_open(f"/learning/{world.inquiry_id}"))
            case = db.session.get(Case, world.case_id)
            answers[name + " case"] = may_follow("cases.detail", case, case_id=case.id)
        status = _as(app, user).get(plan).status_code
        assert (status == 200) == answers[name][0], (name, status)
    assert answers["chair"] == (True, True)
    assert answers["outsider"] == (False, True)
    assert answers["agency"] == (False, True)
    assert answers["chair case"] and not answers["outsider case"]
    with app.test_request_context():
        login_user(db.session.get(User, world.chair.id))
        assert not may_open("/no/such/page") and not may_open("") and not may_open(None)


def test_the_admin_home_lists_the_partnerships_in_the_register(
        app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    text = page(signed_in(Role.ADMIN).get("/")).main.get_text(" ", strip=True)
    assert "is set up" not in text
    assert "The register holds 1 partnership" in text
    assert "Westshire Safeguarding Children Partnership" in text

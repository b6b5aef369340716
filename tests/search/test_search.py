"""Search from the header: found by the words of a title, never past need-to-know."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from partnership.accounts.models import User
from partnership.policy import Role
from tests.conftest import PASSWORD
from tests.reviews.records_learning import (
    World,
    add_action,
    add_recommendation,
    build_learning,
)
from tests.support.client import BrowserLikeClient, page
from tests.support.queries import sql_statements

SECRET = "Strangulation awareness for every front-door practitioner"
OPEN = "Disrupt exploitation networks around the night-time economy"


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> World:
    found = build_learning(app, make_user)
    ours = add_recommendation(app, found.ours_id, 1, SECRET)
    add_action(app, ours, "Train the front door in strangulation awareness")
    add_recommendation(app, found.inquiry_id, 1, OPEN)
    return found


def _as(app: Flask, user: User) -> BrowserLikeClient:
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    return client


def _found(client: BrowserLikeClient, query: str) -> str:
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    return page(response).main.get_text(" ", strip=True)


def test_search_finds_an_action_by_words_of_its_title_in_any_order_and_case(
        app: Flask, world: World) -> None:
    client = _as(app, world.chair)
    html = page(client.get("/search", query_string={"q": "AWARENESS front"}))
    links = {a.get_text(strip=True): a["href"] for a in html.main.find_all("a")}
    assert "Train the front door in strangulation awareness" in links
    assert links["Train the front door in strangulation awareness"].startswith("/actions/")
    headings = [h.get_text(" ", strip=True) for h in html.main.find_all("h2")]
    assert any(h.startswith("Actions") for h in headings)
    assert any(h.startswith("Reviews' recommendations") for h in headings)


def test_a_case_review_s_recommendation_and_action_are_never_listed_for_someone_outside_it(
        app: Flask, world: World) -> None:
    inside = _found(_as(app, world.chair), "strangulation")
    assert SECRET in inside and "Train the front door" in inside
    outside = _found(_as(app, world.outsider), "strangulation")
    assert SECRET not in outside and "front door" not in outside
    assert "Nothing you may see matches" in outside
    # Learning from elsewhere is for everyone.
    assert OPEN in _found(_as(app, world.outsider), "exploitation networks")


def test_the_box_is_in_every_page_s_header(app: Flask, world: World) -> None:
    html = page(_as(app, world.outsider).get("/"))
    box = html.find("form", attrs={"role": "search"})
    assert box is not None and box["action"] == "/search" and box["method"] == "get"
    assert box.find("input", attrs={"name": "q"}) is not None


def test_a_search_sends_the_same_number_of_statements_however_many_it_finds(
        app: Flask, world: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    client = signed_in(Role.TEAM)
    counts = []
    for more in (0, 6):
        for number in range(more):
            recommendation = add_recommendation(app, world.inquiry_id, 10 + number,
                                                f"Awareness campaign {number}")
            add_action(app, recommendation, f"Awareness week {number}")
        with sql_statements(app) as statements:
            assert client.get("/search", query_string={"q": "awareness"}).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


def test_a_query_of_nothing_or_one_letter_finds_nothing_and_says_why(
        app: Flask, world: World) -> None:
    client = _as(app, world.chair)
    assert "record" not in _found(client, "")
    assert "at least two letters" in _found(client, "a")
    wild = _found(client, "%_%")
    assert "Nothing you may see matches" in wild

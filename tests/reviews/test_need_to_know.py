"""Need-to-know: someone outside a case cannot find it by URL, list, board, count, action list
or export; adding them to the case lets them see it; and every view of a case is audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask

from partnership.accounts.models import User
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role
from partnership.reviews.models import CaseMember, Stage
from tests.meetings import sign_in
from tests.reviews.records_cases import (
    World,
    add_case,
    add_request,
    add_review_action,
    build_world,
    views_of,
)
from tests.support.client import BrowserLikeClient, csrf_token_from, page

SECRET_ACTION = "Audit the health visitor handover"


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> World:
    return build_world(app, make_user)


@pytest.fixture
def case_id(app: Flask, world: World) -> int:
    """Child Q, reviewed by the learning group, with a Rapid Review and an overdue action."""
    case_id = add_case(app, world.partnership_id, world.group_id, "Child Q",
                       aware_on=dt.date(2025, 4, 17), stage=Stage.RAPID_REVIEW,
                       rapid_from=dt.date(2025, 4, 17))
    add_request(app, case_id, world.police_id, dt.date(2025, 4, 22), dt.date(2025, 4, 29))
    add_review_action(app, case_id, SECRET_ACTION, target_date=dt.date(2025, 9, 1))
    return case_id


def case_urls(app: Flask, case_id: int) -> list[tuple[str, set[str]]]:
    """Every page of the case (its reviews' pages too), with the methods each accepts."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.arguments == {"case_id"}:
                urls.append((rule.build({"case_id": case_id})[1], set(rule.methods or ())))
    return urls


def outsiders(app: Flask, world: World,
              signed_in: Callable[[Role], BrowserLikeClient]) -> dict[str, BrowserLikeClient]:
    return {"agency lead of another body": sign_in(app, world.other_member),
            "chair of another body": sign_in(app, world.other_chair),
            "partner of another partnership": sign_in(app, world.other_partner),
            "admin": signed_in(Role.ADMIN), "scrutineer": signed_in(Role.SCRUTINEER)}


def test_outsiders_get_404_on_every_page_of_the_case(
    app: Flask, world: World, case_id: int, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    urls = case_urls(app, case_id)
    assert len(urls) >= 15  # the case's own pages and its reviews' pages
    for who, client in outsiders(app, world, signed_in).items():
        token = csrf_token_from(client.get("/account"))
        for url, methods in urls:
            if "GET" in methods:
                assert client.get(url).status_code == 404, (who, url)
            if "POST" in methods:
                response = client.post(url, data={"csrf_token": token, "version": "1"})
                assert response.status_code == 404, (who, "POST", url)
        assert views_of(app, case_id) == [], who
    # A made-up id gets the same answer as a real one.
    member = sign_in(app, world.member)
    assert member.get("/cases/999999").status_code == 404


def test_outsiders_do_not_find_the_case_in_lists_the_board_or_actions(
    app: Flask, world: World, case_id: int, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    for who, client in outsiders(app, world, signed_in).items():
        for url in ("/cases", "/cases/board", f"/cases/board?partnership={world.slug}",
                    f"/cases?partnership={world.slug}&stage=rapid_review"):
            response = client.get(url)
            if who in ("admin", "scrutineer"):
                assert response.status_code == 404, (who, url)
                continue
            text = page(response).get_text(" ", strip=True)
            assert "Child Q" not in text, (who, url)
            assert "There are no" in text or "No cases match" in text, (who, url)
            assert "1 case" not in text and "1 open" not in text, (who, url)
        # The scrutineer reads action plans; everyone else outside the case does not see them.
        actions = client.get("/actions").get_data(as_text=True)
        export = client.get("/actions/export.csv").get_data(as_text=True)
        seen = who == "scrutineer"
        assert (SECRET_ACTION in actions, SECRET_ACTION in export) == (seen, seen), who


def test_everyone_inside_the_case_finds_it_and_each_view_is_audited(
    app: Flask, world: World, case_id: int, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    insiders = {"chair": sign_in(app, world.chair), "member": sign_in(app, world.member),
                "partner": sign_in(app, world.partner), "team": signed_in(Role.TEAM)}
    for who, client in insiders.items():
        assert client.get(f"/cases/{case_id}").status_code == 200, who
        assert "Child Q" in page(client.get("/cases")).get_text(), who
        board = page(client.get("/cases/board")).get_text(" ", strip=True)
        assert "Child Q" in board and "1 open case" in board, who
        assert SECRET_ACTION in client.get("/actions/export.csv").get_data(as_text=True), who
    rows = views_of(app, case_id)
    assert [row.user_id for row in rows] == [c.user.id for c in insiders.values()]  # type: ignore[attr-defined]


def test_adding_an_outsider_to_the_case_makes_it_visible_to_them(
    app: Flask, world: World, case_id: int,
) -> None:
    outsider = sign_in(app, world.other_member)
    assert outsider.get(f"/cases/{case_id}").status_code == 404
    with app.app_context(), acting_as("tests"):
        db.session.add(CaseMember(case_id=case_id, user_id=world.other_member.id,
                                  reason="Holds the police chronology"))
        db.session.commit()
    assert outsider.get(f"/cases/{case_id}").status_code == 200
    assert "Child Q" in page(outsider.get("/cases")).get_text()
    assert "Child Q" in page(outsider.get("/cases/board")).get_text()
    assert SECRET_ACTION in outsider.get("/actions").get_data(as_text=True)
    # Seeing is not changing: an agency lead still cannot edit it.
    assert outsider.get(f"/cases/{case_id}/edit").status_code == 404

"""Finding one's way among meetings: "Add a meeting" on the meetings page and on a body's
page, a meeting linking back to its body's meetings, and the meetings list naming each
meeting's partnership when it shows several."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask

from partnership.accounts.models import User
from partnership.policy import Role
from partnership.register.models import BodyKind
from tests.meetings import TODAY, add_meeting, chair_of, sign_in
from tests.register.records import add_area, add_body
from tests.support.client import BrowserLikeClient, page


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    """Two partnerships, each with a board meeting soon; the north also has a group."""
    ids = {"north": add_area(app, "northshire", "Northshire Partnership"),
           "south": add_area(app, "southshire", "Southshire Partnership")}
    ids["board"] = add_body(app, "Northshire Board", slug="northshire", kind=BodyKind.BOARD)
    ids["group"] = add_body(app, "Learning Group", slug="northshire")
    ids["south_board"] = add_body(app, "Southshire Board", slug="southshire",
                                  kind=BodyKind.BOARD)
    ids["meeting"] = add_meeting(app, ids["board"], TODAY + dt.timedelta(days=7))
    add_meeting(app, ids["south_board"], TODAY + dt.timedelta(days=8))
    return ids


def links(html: object) -> dict[str, str]:
    return {a.get_text(" ", strip=True): a["href"] for a in html.select("main a")}  # type: ignore[attr-defined]


def test_add_a_meeting_from_the_meetings_page(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
    make_user: Callable[..., User],
) -> None:
    team = signed_in(Role.TEAM)
    button = page(team.get("/meetings")).select_one("main a.govuk-button")
    assert (button.get_text(strip=True), button["href"]) == ("Add a meeting", "/meetings/new")
    chooser = page(team.get("/meetings/new"))
    assert [h.get_text(strip=True) for h in chooser.select("main h2")] == [
        "Northshire Partnership", "Southshire Partnership"]
    offered = links(chooser)
    assert offered["Add a meeting of Northshire Board (Northshire Partnership)"] == (
        f"/meetings/body/{world['board']}/new")
    assert "Add a meeting of Southshire Board (Southshire Partnership)" in offered

    # A chair is offered the bodies they chair only; an agency lead no button at all.
    chair = sign_in(app, chair_of(app, make_user, world["group"], "Gail Chair"))
    assert list(links(page(chair.get("/meetings/new")))) == ["Add a meeting of Learning Group"]
    agency = signed_in(Role.AGENCY)
    assert page(agency.get("/meetings")).select("main a.govuk-button") == []
    assert agency.get("/meetings/new").status_code == 403


def test_add_a_meeting_from_a_body_s_page(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    body_page = f"/partnerships/northshire/bodies/{world['board']}"
    html = page(signed_in(Role.TEAM).get(body_page))
    assert links(html)["Add a meeting"] == f"/meetings/body/{world['board']}/new"
    assert "Add a meeting" not in links(page(signed_in(Role.AGENCY).get(body_page)))


def test_a_meeting_links_back_to_its_body_s_meetings_and_names_its_partnership(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    html = page(signed_in(Role.AGENCY).get(f"/meetings/{world['meeting']}"))
    assert html.select_one(".govuk-caption-l").get_text(strip=True) == (
        "Northshire Board, Northshire Partnership")
    assert links(html)["All meetings of Northshire Board"].startswith(
        f"/meetings/body/{world['board']}?year=")


def test_the_meetings_list_names_the_partnership_when_it_shows_several(
    app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    reader = signed_in(Role.AGENCY)
    items = [li.get_text(" ", strip=True) for li in page(reader.get("/meetings")).select(
        ".app-meeting-list li")]
    assert any("Northshire Board" in item and "(Northshire Partnership)" in item
               for item in items), items
    assert any("Southshire Board" in item and "(Southshire Partnership)" in item
               for item in items), items
    one = [li.get_text(" ", strip=True) for li in page(reader.get(
        "/meetings?partnership=northshire")).select(".app-meeting-list li")]
    assert one and not any("Partnership)" in item for item in one), one

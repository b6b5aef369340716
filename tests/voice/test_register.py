"""The voice register: the team records how children and families were heard, as a group and
never by name; everyone reads it; an engagement becomes an action in one step; two people
editing at once never overwrite each other."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.actions.models import Action
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role
from partnership.voice.models import Engagement, EngagementKind
from tests.register.builders import date_parts, field_error
from tests.register.records import add_agency, add_area, add_body
from tests.support.client import BrowserLikeClient, page

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

SLUG = "eastvale"
BASE = f"/partnerships/{SLUG}/voice"


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    ids = {"partnership": add_area(app, SLUG, "Eastvale Partnership")}
    ids["council"] = add_agency(app, SLUG, "Eastvale Council")
    ids["board"] = add_body(app, "Safeguarding Board", slug=SLUG)
    return ids


def add_engagement(app: Flask, partnership_id: int, title: str, held_from: dt.date,
                   kind: EngagementKind = EngagementKind.SURVEY, **fields: Any) -> int:
    with app.app_context(), acting_as("tests"):
        engagement = Engagement(partnership_id=partnership_id, title=title, kind=kind,
                                held_from=held_from, who=fields.pop("who", "Young people"),
                                **fields)
        db.session.add(engagement)
        db.session.commit()
        return engagement.id


def engagement_form(**changes: Any) -> dict[str, Any]:
    day = clock.today() - dt.timedelta(days=20)
    return {"title": "Young people's survey on online safety", "kind": "survey",
            **date_parts("held_from", day), **date_parts("held_to", None),
            "who": "Secondary school pupils aged 11 to 18", "how_many": "412", "led_by": "",
            "body": "", "what_said": "They want to know who to tell.",
            "what_changed": "Lessons were rewritten with a youth panel.", **changes}


def test_the_team_records_an_engagement_and_everyone_reads_it(
        app: Flask, world: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    form = engagement_form(led_by=str(world["council"]), body=str(world["board"]))
    response = team.submit(f"{BASE}/new", form, follow_redirects=True)
    text = page(response).get_text(" ", strip=True)
    assert "Young people's survey on online safety" in text
    assert "Secondary school pupils aged 11 to 18" in text
    assert "412" in text and "Eastvale Council" in text and "Safeguarding Board" in text
    assert "No actions have come of it yet." in text

    for role in (Role.PARTNER, Role.AGENCY, Role.SCRUTINEER, Role.CHAIR):
        reader = signed_in(role)
        listing = page(reader.get(BASE)).get_text(" ", strip=True)
        assert "Young people's survey on online safety" in listing
        assert "Record how children and families were heard" not in listing
        assert reader.get(f"{BASE}/new").status_code == 403


def test_the_list_filters_by_kind_and_reporting_year(
        app: Flask, world: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_engagement(app, world["partnership"], "Survey of last year", dt.date(2025, 5, 1))
    add_engagement(app, world["partnership"], "Parents' group this year", dt.date(2026, 5, 1),
                   kind=EngagementKind.GROUP)
    add_engagement(app, world["partnership"], "Survey this year", dt.date(2026, 6, 1))
    team = signed_in(Role.TEAM)

    def titles(query: str) -> list[str]:
        soup = page(team.get(f"{BASE}?{query}"))
        return [a.get_text(strip=True) for a in soup.select("tbody a")]

    assert titles("") == ["Survey this year", "Parents' group this year",
                          "Survey of last year"]
    assert titles("kind=survey") == ["Survey this year", "Survey of last year"]
    assert titles("year=2026") == ["Survey this year", "Parents' group this year"]
    assert titles("kind=group&year=2025") == []


@pytest.mark.parametrize(("field", "text", "problem"), [
    ("who", "The child with NHS number 943 476 5919", "Remove the NHS number."),
    ("what_said", "A parent living at SW1A 1AA said they felt judged", "Remove the postcode."),
    ("what_changed", "The girl born 3 March 2015 now has a named worker",
     "Remove the date of birth."),
])
def test_the_identifier_guard_refuses_a_child_s_details(
        app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
        field: str, text: str, problem: str) -> None:
    team = signed_in(Role.TEAM)
    response = team.submit(f"{BASE}/new", engagement_form(**{field: text}))
    assert response.status_code == 200
    soup = page(response)
    assert soup.title.string.startswith("Error:")
    message = field_error(soup, field)
    assert message is not None and message.startswith(problem)
    assert "never a child's or family member's details" in message
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Engagement)) == 0


def test_the_dates_must_be_in_order_and_not_in_the_future(
        app: Flask, world: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    today = clock.today()
    backwards = team.submit(f"{BASE}/new", engagement_form(
        **date_parts("held_from", today - dt.timedelta(days=5)),
        **date_parts("held_to", today - dt.timedelta(days=9))))
    assert field_error(page(backwards), "held_to") == (
        "The end date must be the same as or after the start date")
    ahead = team.submit(f"{BASE}/new", engagement_form(
        **date_parts("held_from", today + dt.timedelta(days=3))))
    assert (field_error(page(ahead), "held_from") or "").startswith(
        "The start date must be today or in the past")


def test_create_an_action_from_an_engagement_in_one_step(
        app: Flask, world: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    engagement_id = add_engagement(
        app, world["partnership"], "Care leavers' consultation", dt.date(2026, 2, 10),
        kind=EngagementKind.CONSULTATION, led_by_id=world["council"],
        what_said="Tell us what happened to what we said.")
    team = signed_in(Role.TEAM)
    detail = f"{BASE}/{engagement_id}"
    response = team.submit(detail, {}, action=f"{detail}/action")
    assert response.status_code == 302
    with app.app_context():
        action = db.session.scalars(sa.select(Action)).one()
        assert action.engagement_id == engagement_id
        assert action.title == "Act on what we heard: Care leavers' consultation"
        assert action.lead_agency_id == world["council"]
        assert action.source_label == "Voice of children and families: Care leavers' consultation"
        assert response.headers["Location"].endswith(f"/actions/{action.id}/edit")
    text = page(team.get(detail)).get_text(" ", strip=True)
    assert "Act on what we heard: Care leavers' consultation" in text
    assert "No actions have come of it yet." not in text
    # Readers see what came of it, without the button.
    partner = signed_in(Role.PARTNER)
    shown = page(partner.get(detail))
    assert "Act on what we heard" in shown.get_text(" ", strip=True)
    assert shown.find("form", action=f"{detail}/action") is None


def test_two_people_editing_at_once_see_a_conflict(
        app: Flask, world: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    engagement_id = add_engagement(app, world["partnership"], "Parents' group",
                                   clock.today() - dt.timedelta(days=30),
                                   kind=EngagementKind.GROUP)
    first, second = signed_in(Role.TEAM), signed_in(Role.TEAM)
    edit = f"{BASE}/{engagement_id}/edit"
    stale = page(second.get(edit))
    version = stale.find("input", attrs={"name": "version"})["value"]
    base = engagement_form(title="Parents' group", kind="group", **date_parts(
        "held_from", clock.today() - dt.timedelta(days=30)))
    assert first.submit(edit, {**base, "what_changed": "Letters rewritten.",
                               "version": version}).status_code == 302
    clash = second.submit(edit, {**base, "what_changed": "Nothing yet.", "version": version})
    assert clash.status_code == 409
    assert "Nothing yet." in clash.get_data(as_text=True)
    with app.app_context():
        assert db.session.get_one(Engagement, engagement_id).what_changed == "Letters rewritten."

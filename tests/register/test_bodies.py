"""Bodies: lists with shared and joint bodies, the form's rules, reporting lines, members."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import (
    Body,
    BodyKind,
    BodyMember,
    DecisionRule,
    Frequency,
    MemberKind,
    Sector,
)
from tests.register.builders import date_parts, field_error
from tests.register.records import (
    add_agency,
    add_area,
    add_body,
    add_collaboration,
    add_person,
    get,
)
from tests.support.client import BrowserLikeClient, page

NORTH, SOUTH, EAST = "northshire", "southshire", "eastshire"
BASE = f"/partnerships/{NORTH}/bodies"
TODAY = clock.today()


@pytest.fixture
def areas(app: Flask) -> int:
    """Two neighbours in a collaboration, and a third area outside it; the collaboration id."""
    add_area(app, NORTH, "Northshire Safeguarding Children Partnership")
    add_area(app, SOUTH, "Southshire Safeguarding Children Partnership")
    add_area(app, EAST, "Eastshire Safeguarding Children Partnership")
    return add_collaboration(app, "Two Shires Collaboration", NORTH, SOUTH)


@pytest.fixture
def team(signed_in: Callable[[Role], BrowserLikeClient], areas: int) -> BrowserLikeClient:
    return signed_in(Role.TEAM)


def body_form(**changes: Any) -> dict[str, Any]:
    """A valid body form, as a browser posts it."""
    values: dict[str, Any] = {
        "kind": BodyKind.SUBGROUP.value, "name": "Learning and Inquiry Group",
        "short_name": "LIG", "collaboration": "", "joint_with": "", "purpose": "",
        "objectives": "", "chair": "", "chair_agency": "", "chair_independent": "no",
        "chair_appointment": "", "reports_to": "", "frequency": Frequency.MONTHLY.value,
        "decision_rule": DecisionRule.CONSENSUS.value, "position": "",
        **date_parts("starts_on", None), **date_parts("ends_on", None)}
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


def listed(client: BrowserLikeClient, slug: str) -> list[list[str]]:
    """The bodies table of a partnership: name cell (with tags) and kind."""
    html = page(client.get(f"/partnerships/{slug}/bodies"))
    return [[cell.get_text(" ", strip=True) for cell in row.find_all("td")[:2]]
            for row in html.select("main table tbody tr")]


def bodies(app: Flask) -> list[tuple[Any, ...]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            sa.select(Body.id, Body.name, Body.reports_to_id, Body.partnership_id,
                      Body.collaboration_id, Body.version).order_by(Body.id))]


def test_shared_and_joint_bodies_are_listed_by_every_partnership_in_them(
    app: Flask, areas: int, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_body(app, "Executive Group", slug=NORTH, kind=BodyKind.EXECUTIVE, position=2)
    add_body(app, "Main Board", slug=NORTH, kind=BodyKind.BOARD, position=1)
    add_body(app, "Child Exploitation Subgroup", collaboration_id=areas, position=3)
    joint = add_body(app, "Neglect Strategy Group", slug=NORTH, joint_with=SOUTH, position=4,
                     kind=BodyKind.TASK_AND_FINISH)
    add_body(app, "Finished Review Group", slug=NORTH, kind=BodyKind.TASK_AND_FINISH,
             position=0, starts_on=TODAY - dt.timedelta(days=200),
             ends_on=TODAY - dt.timedelta(days=1))
    add_body(app, "Southshire Board", slug=SOUTH, kind=BodyKind.BOARD, position=1)

    reader = signed_in(Role.SCRUTINEER)
    assert listed(reader, NORTH) == [
        ["Main Board", "Board"],
        ["Executive Group", "Executive group"],
        ["Child Exploitation Subgroup Shared with Two Shires Collaboration", "Subgroup"],
        ["Neglect Strategy Group Joint with Southshire Safeguarding Children Partnership",
         "Task and finish group"],
        ["Finished Review Group Ended", "Task and finish group"],  # ended: after current ones
    ]
    assert listed(reader, SOUTH) == [
        ["Southshire Board", "Board"],
        ["Child Exploitation Subgroup Shared with Two Shires Collaboration", "Subgroup"],
        ["Neglect Strategy Group Joint with Northshire Safeguarding Children Partnership",
         "Task and finish group"],
    ]
    assert listed(reader, EAST) == []  # not in the collaboration, nor joint with anyone
    assert reader.get(f"/partnerships/{EAST}/bodies/{joint}").status_code == 404
    south_view = page(reader.get(f"/partnerships/{SOUTH}/bodies/{joint}")).get_text(" ")
    assert "Joint with Northshire Safeguarding Children Partnership" in south_view
    assert "Add a body" not in page(reader.get(BASE)).get_text()


def test_the_team_adds_a_shared_body_through_the_form(
    app: Flask, areas: int, team: BrowserLikeClient,
) -> None:
    board = add_body(app, "Main Board", slug=NORTH, kind=BodyKind.BOARD, position=5)
    chair = add_person(app, "Dana Chair", job_title="Head of Safeguarding")
    police = add_agency(app, NORTH, "Northshire Constabulary", Sector.POLICE_AND_JUSTICE)
    shown = page(team.get(f"{BASE}/new"))
    owners = [o.get_text() for o in shown.select("select[name=collaboration] option")]
    assert owners == ["Northshire Safeguarding Children Partnership (this partnership)",
                      "Two Shires Collaboration (a shared body)"]

    response = team.submit(f"{BASE}/new", body_form(
        name="Exploitation Subgroup", collaboration=str(areas), chair=str(chair),
        chair_agency=str(police), chair_independent="yes", reports_to=str(board),
        objectives="Map exploitation across both areas\n\n  Share intelligence monthly  \n"
                   "Report to both boards",
        **date_parts("starts_on", dt.date(2023, 9, 1))))
    assert response.status_code == 302
    with app.app_context():
        body = db.session.scalars(sa.select(Body).where(
            Body.name == "Exploitation Subgroup")).one()
        assert (body.partnership_id, body.collaboration_id) == (None, areas)
        assert body.objectives == ["Map exploitation across both areas",
                                   "Share intelligence monthly", "Report to both boards"]
        assert (body.chair_id, body.chair_agency_id, body.chair_independent) == (
            chair, police, True)
        assert body.position == 6  # after the last body in the list
        body_id = body.id
    html = page(team.get(response.headers["Location"]))
    assert [li.get_text() for li in html.select("ol.govuk-list--number li")] == [
        "Map exploitation across both areas", "Share intelligence monthly",
        "Report to both boards"]
    text = html.get_text(" ", strip=True)
    assert "Shared with Two Shires Collaboration" in text
    assert "Dana Chair, Head of Safeguarding" in text and "From 1 September 2023" in text
    assert "create" in html.select("table")[-1].get_text()  # its history
    # The board it reports to lists it; the neighbour lists the shared body too.
    assert "Exploitation Subgroup" in page(team.get(f"{BASE}/{board}")).get_text()
    assert ["Exploitation Subgroup (LIG) Shared with Two Shires Collaboration",
            "Subgroup"] in listed(
        team, SOUTH)
    # Made this partnership's own again, it leaves the neighbour's list.
    edit = team.submit(f"/partnerships/{SOUTH}/bodies/{body_id}/edit", body_form(
        name="Exploitation Subgroup", version="1", chair_independent="yes"))
    assert edit.status_code == 302
    assert get(app, Body, body_id).partnership_id is not None
    assert "Exploitation Subgroup" not in str(listed(team, NORTH))


def test_a_reporting_loop_is_refused_with_the_loop_named(
    app: Flask, areas: int, team: BrowserLikeClient,
) -> None:
    board = add_body(app, "Main Board", slug=NORTH, kind=BodyKind.BOARD)
    executive = add_body(app, "Executive Group", slug=NORTH, kind=BodyKind.EXECUTIVE)
    with app.app_context():
        db.session.get_one(Body, executive).reports_to_id = board
        db.session.commit()
    subgroup = add_body(app, "Scrutiny Group", collaboration_id=areas, reports_to_id=executive)
    before = bodies(app)

    # Board -> Executive -> Board: refused, nothing saved.
    response = team.submit(f"{BASE}/{board}/edit", body_form(
        name="Main Board", kind="board", reports_to=str(executive), version="1"))
    assert response.status_code == 200
    assert field_error(page(response), "reports_to") == (
        "Main Board cannot report to Executive Group, because Executive Group already reports "
        "to Main Board, directly or through others. That would make a loop: Main Board → "
        "Executive Group → Main Board")
    # Board -> Scrutiny (shared) -> Executive -> Board: a longer loop, through a shared body.
    response = team.submit(f"{BASE}/{board}/edit", body_form(
        name="Main Board", kind="board", reports_to=str(subgroup), version="1"))
    assert (field_error(page(response), "reports_to") or "").endswith(
        "Main Board → Scrutiny Group → Executive Group → Main Board")
    # A body is never offered as its own line, and a forged one is refused.
    offered = [o["value"] for o in page(team.get(f"{BASE}/{board}/edit")).select(
        "select[name=reports_to] option")]
    assert str(board) not in offered and str(subgroup) in offered
    assert bodies(app) == before


BAD_BODIES: list[tuple[dict[str, Any], str, str]] = [
    ({"name": ""}, "name", "Enter the body's name"),
    ({"kind": None}, "kind", "Select what kind of body it is"),
    ({"frequency": None}, "frequency", "Select how often it meets"),
    ({"short_name": "x" * 41}, "short_name", "Short name must be 40 characters or fewer"),
    ({"joint_with": "SOUTH"}, "joint_with",
     "Only a task and finish group can be run jointly with another partnership"),
    ({"joint_with": "SOUTH", "kind": "task_and_finish", "collaboration": "COLLAB"},
     "joint_with", "A body shared by a collaboration cannot also be joint with one partnership"),
    ({**date_parts("starts_on", dt.date(2024, 1, 10)), **date_parts("ends_on",
                                                                    dt.date(2024, 1, 9))},
     "ends_on", "The end date must be the same as or after the start date"),
    ({"starts_on": ["1", "", "2024"]}, "starts_on", "Start date must include a month"),
    ({"position": "third"}, "position", "Position must be a whole number, like 3"),
    ({"objectives": "\n".join(f"Objective {n}" for n in range(51))}, "objectives",
     "Enter 50 objectives or fewer"),
]


def test_bad_input_is_refused_next_to_its_field_and_nothing_is_saved(
    app: Flask, areas: int, team: BrowserLikeClient,
) -> None:
    with app.app_context():
        south = db.session.execute(sa.text("SELECT id FROM partnership WHERE slug = :s"),
                                   {"s": SOUTH}).scalar_one()
    before = bodies(app)
    for changes, field, message in BAD_BODIES:
        changes = {key: {"SOUTH": str(south), "COLLAB": str(areas)}.get(value, value)
                   if isinstance(value, str) else value for key, value in changes.items()}
        response = team.submit(f"{BASE}/new", body_form(**changes))
        assert response.status_code == 200, changes
        html = page(response)
        assert html.title.get_text().startswith("Error:")
        assert field_error(html, field) == message, changes
    assert bodies(app) == before


def test_a_joint_group_is_changed_by_the_partnership_that_runs_it(
    app: Flask, areas: int, team: BrowserLikeClient,
) -> None:
    joint = add_body(app, "Neglect Group", slug=NORTH, joint_with=SOUTH,
                     kind=BodyKind.TASK_AND_FINISH)
    south_edit = f"/partnerships/{SOUTH}/bodies/{joint}/edit"
    response = team.get(south_edit)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{BASE}/{joint}/edit")
    south_page = page(team.get(f"/partnerships/{SOUTH}/bodies/{joint}"))
    assert [a["href"] for a in south_page.select("main a.govuk-button")
            if a.get_text(strip=True).startswith("Change")] == [f"{BASE}/{joint}/edit"]
    # Running it with itself is refused.
    with app.app_context():
        north = db.session.execute(sa.text("SELECT id FROM partnership WHERE slug = :s"),
                                   {"s": NORTH}).scalar_one()
    response = team.submit(f"{BASE}/{joint}/edit", body_form(
        name="Neglect Group", kind="task_and_finish", joint_with=str(north), version="1"))
    assert response.status_code == 200
    assert field_error(page(response), "joint_with") == "Not a valid choice."


def test_a_stale_edit_gets_the_conflict_page(
    app: Flask, areas: int, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    body = add_body(app, "Main Board", slug=NORTH, kind=BodyKind.BOARD)
    alice, bob = signed_in(Role.TEAM), signed_in(Role.TEAM)
    url = f"{BASE}/{body}/edit"
    assert alice.submit(url, body_form(name="Partnership Board", kind="board",
                                       version="1")).status_code == 302
    conflict = bob.submit(url, body_form(
        name="Safeguarding Board", kind="board", version="1", objectives="First\nSecond",
        **date_parts("starts_on", dt.date(2024, 4, 1))))
    assert conflict.status_code == 409
    html = page(conflict)
    text = html.get_text(" ", strip=True)
    assert "Safeguarding Board" in text and "Partnership Board" in text
    assert get(app, Body, body).name == "Partnership Board"
    # Bob chooses to save his values over Alice's: every field survives the round trip.
    again: dict[str, list[str]] = {}
    for field in html.select("main form[method=post] input[type=hidden]"):
        again.setdefault(field["name"], []).append(field["value"])
    assert bob.post(url, data=again).status_code == 302
    saved = get(app, Body, body)
    assert (saved.name, saved.objectives, saved.starts_on) == (
        "Safeguarding Board", ["First", "Second"], dt.date(2024, 4, 1))


def members_of(app: Flask, body_id: int) -> list[tuple[Any, ...]]:
    with app.app_context():
        return [(m.agency_id, m.role, m.person_id, m.kind) for m in db.session.scalars(
            sa.select(BodyMember).where(BodyMember.body_id == body_id).order_by(BodyMember.id))]


def test_members_are_added_changed_and_removed_after_confirming(
    app: Flask, areas: int, team: BrowserLikeClient,
) -> None:
    body = add_body(app, "Main Board", slug=NORTH, kind=BodyKind.BOARD)
    police = add_agency(app, NORTH, "Northshire Constabulary", Sector.POLICE_AND_JUSTICE)
    neighbour = add_agency(app, SOUTH, "Southshire Council", Sector.LOCAL_AUTHORITY)
    outsider = add_agency(app, EAST, "Eastshire Council", Sector.LOCAL_AUTHORITY)
    person = add_person(app, "Sam Superintendent")
    new = f"{BASE}/{body}/members/new"

    offered = [o.get_text() for o in page(team.get(new)).select("select[name=agency] option")]
    assert offered == ["Not representing a listed agency", "Northshire Constabulary",
                       "Southshire Council (SOU)"]  # its collaborators' agencies, not others'
    refused = team.submit(new, {"agency": str(outsider), "role": "", "person": "",
                                "kind": "core"})
    html = page(refused)
    assert field_error(html, "agency") == "Not a valid choice."
    assert field_error(html, "role") == "Enter the member's role"
    assert members_of(app, body) == []

    assert team.submit(new, {"agency": str(police), "role": "Chief Superintendent",
                             "person": str(person), "kind": "core"}).status_code == 302
    assert team.submit(new, {"agency": str(neighbour), "role": "Observer", "person": "",
                             "kind": "co_opted"}).status_code == 302
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")[:4]]
            for tr in page(team.get(f"{BASE}/{body}")).select("#members + table tbody tr")]
    assert rows == [["Northshire Constabulary", "Chief Superintendent", "Sam Superintendent",
                     "Core member"],
                    ["Southshire Council", "Observer", "Not named", "Co-opted member"]]
    seats = page(team.get(f"/partnerships/{NORTH}/agencies/{police}")).get_text(" ")
    assert "Main Board" in seats and "Chief Superintendent" in seats

    with app.app_context():
        first, second = db.session.scalars(sa.select(BodyMember.id).where(
            BodyMember.body_id == body).order_by(BodyMember.id)).all()
    edit = f"{BASE}/{body}/members/{first}/edit"
    assert team.submit(edit, {"agency": str(police), "role": "Chief Constable",
                              "person": "", "kind": "core", "version": "1"}).status_code == 302
    assert "Chief Superintendent → Chief Constable" in page(team.get(edit)).get_text(" ")

    remove = f"{BASE}/{body}/members/{second}/remove"
    assert "Are you sure" in page(team.get(remove)).h1.get_text()
    assert members_of(app, body) == [(police, "Chief Constable", None, MemberKind.CORE),
                                     (neighbour, "Observer", None, MemberKind.CO_OPTED)]
    assert team.submit(remove, {}).status_code == 302
    assert members_of(app, body) == [(police, "Chief Constable", None, MemberKind.CORE)]
    with app.app_context():
        assert db.session.scalars(sa.select(AuditEvent.action).where(
            AuditEvent.record_type == "body_member",
            AuditEvent.record_id == str(second))).all() == ["create", "delete"]
    # The body's history tells of its members' changes, including the seat removed.
    history = page(team.get(f"{BASE}/{body}")).select("table")[-1].get_text(" ", strip=True)
    assert "delete" in history and "Observer → (empty)" in history
    assert "Chief Superintendent → Chief Constable" in history


def test_only_the_team_changes_bodies(
    app: Flask, areas: int, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    body = add_body(app, "Main Board", slug=NORTH, kind=BodyKind.BOARD)
    police = add_agency(app, NORTH, "Northshire Constabulary", Sector.POLICE_AND_JUSTICE)
    team = signed_in(Role.TEAM)
    assert team.submit(f"{BASE}/{body}/members/new", {
        "agency": str(police), "role": "Chief Superintendent", "person": "",
        "kind": "core"}).status_code == 302
    with app.app_context():
        member = db.session.scalars(sa.select(BodyMember.id)).one()
    before = (bodies(app), members_of(app, body))
    for role in (Role.SCRUTINEER, Role.PARTNER, Role.CHAIR, Role.AGENCY, Role.ADMIN):
        reader = signed_in(role)
        for shown in (BASE, f"{BASE}/{body}"):
            html = page(reader.get(shown))
            hrefs = [a["href"] for a in html.find_all("a", href=True)]
            assert not [h for h in hrefs if h.endswith(("/edit", "/new", "/remove"))], role
            assert not html.select("main form[method=post]")
        for url, data in [
            (f"{BASE}/new", body_form()),
            (f"{BASE}/{body}/edit", body_form(version="1")),
            (f"{BASE}/{body}/members/new", {"role": "Intruder", "kind": "core"}),
            (f"{BASE}/{body}/members/{member}/edit", {"role": "Intruder", "kind": "core",
                                                      "version": "1"}),
            (f"{BASE}/{body}/members/{member}/remove", {}),
        ]:
            assert reader.get(url).status_code == 403, (role, url)
            assert reader.post_with_token(url, data, token_from=BASE).status_code == 403
    assert (bodies(app), members_of(app, body)) == before


def test_stored_text_is_escaped_on_every_agency_and_body_page(
    app: Flask, areas: int, team: BrowserLikeClient,
) -> None:
    script, image = "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'
    agency = add_agency(app, NORTH, script, Sector.OTHER, notes=image, reason_included=script)
    body = add_body(app, image, slug=NORTH, purpose=script, objectives=[script, image],
                    short_name=script[:40], chair_appointment=image)
    with app.app_context():
        db.session.add(BodyMember(body_id=body, agency_id=agency, role=script))
        db.session.commit()
    agencies = f"/partnerships/{NORTH}/agencies"
    for url in (agencies, f"{agencies}/{agency}", f"{agencies}/{agency}/edit",
                f"{agencies}/{agency}/contributions", BASE, f"{BASE}/{body}",
                f"{BASE}/{body}/edit", f"{BASE}/{body}/members/new"):
        html = team.get(url).get_data(as_text=True)
        assert script not in html and image not in html, url
        assert "&lt;script&gt;" in html, url

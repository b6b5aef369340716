"""Bodies: lists with shared and joint bodies, the form's rules, chairs by post, facts not
stated, lines of accountability, members."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.audit.models import AuditEvent
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.chart import draw_structure_chart, structure_dot, structure_outline
from partnership.register.models import (
    AccountabilityLine,
    Body,
    BodyKind,
    BodyMember,
    DecisionRule,
    Frequency,
    LineKind,
    MemberKind,
    PartnerKind,
    Sector,
    StatutoryPartner,
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

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

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
        "short_name": "LIG", "collaboration": "", "joint_with": "", "joint_with_name": "",
        "purpose": "", "objectives": "", "chair_post": "", "chair_partner": "", "chair": "",
        "chair_agency": "", "chair_independent": "no", "chair_appointment": "",
        "frequency": Frequency.MONTHLY.value, "frequency_note": "",
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
            sa.select(Body.id, Body.name, Body.partnership_id, Body.collaboration_id,
                      Body.frequency, Body.decision_rule, Body.version).order_by(Body.id))]


def lines(app: Flask) -> list[tuple[Any, ...]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            sa.select(AccountabilityLine.body_id, AccountabilityLine.kind,
                      AccountabilityLine.to_body_id, AccountabilityLine.to_name,
                      AccountabilityLine.position).order_by(AccountabilityLine.id))]


def add_line(app: Flask, body_id: int, to_body_id: int,
             kind: LineKind = LineKind.REPORTS_TO) -> None:
    with app.app_context(), acting_as("tests"):
        body = db.session.get_one(Body, body_id)
        body.lines.append(AccountabilityLine(kind=kind, to_body_id=to_body_id,
                                             position=len(body.lines)))
        db.session.commit()


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
        chair_agency=str(police), chair_independent="yes",
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
    assert team.submit(f"{BASE}/{body_id}/lines/new", {
        "kind": "reports_to", "to_body": str(board), "to_name": ""}).status_code == 302
    html = page(team.get(f"{BASE}/{body_id}"))
    assert [li.get_text() for li in html.select("ol.govuk-list--number li")] == [
        "Map exploitation across both areas", "Share intelligence monthly",
        "Report to both boards"]
    text = html.get_text(" ", strip=True)
    assert "Shared with Two Shires Collaboration" in text
    assert "Northshire Constabulary, Dana Chair (Head of Safeguarding) (independent)" in text
    assert "From 1 September 2023" in text
    assert "Added body" in html.select("table")[-1].get_text()  # its history
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


def test_a_line_to_itself_or_a_loop_in_the_structure_is_refused_with_the_loop_named(
    app: Flask, areas: int, team: BrowserLikeClient,
) -> None:
    board = add_body(app, "Main Board", slug=NORTH, kind=BodyKind.BOARD)
    executive = add_body(app, "Executive Group", slug=NORTH, kind=BodyKind.EXECUTIVE)
    add_line(app, executive, board)
    subgroup = add_body(app, "Scrutiny Group", collaboration_id=areas)
    add_line(app, subgroup, executive, LineKind.ACCOUNTABLE_TO)
    before = (bodies(app), lines(app))
    url = f"{BASE}/{board}/lines/new"

    # Board -> Executive -> Board: refused, nothing saved.
    response = team.submit(url, {"kind": "reports_to", "to_body": str(executive)})
    assert response.status_code == 200
    html = page(response)
    assert html.title.get_text().startswith("Error:")
    assert field_error(html, "to_body") == (
        "Main Board cannot answer to Executive Group, because Executive Group already answers "
        "to Main Board, directly or through others. That would make a loop: Main Board → "
        "Executive Group → Main Board")
    # Board -> Scrutiny (shared) -> Executive -> Board: a longer loop, through a shared body.
    response = team.submit(url, {"kind": "accountable_to", "to_body": str(subgroup)})
    assert (field_error(page(response), "to_body") or "").endswith(
        "Main Board → Scrutiny Group → Executive Group → Main Board")
    # A body is never offered as its own line, and a forged one is refused.
    offered = [o["value"] for o in page(team.get(url)).select("select[name=to_body] option")]
    assert str(board) not in offered and str(subgroup) in offered
    forged = page(team.submit(url, {"kind": "updates_to", "to_body": str(board)}))
    assert field_error(forged, "to_body") == "Not a valid choice."
    assert (bodies(app), lines(app)) == before
    # Updates and shared work make no structure: a line back up is allowed.
    assert team.submit(url, {"kind": "updates_to", "to_body": str(executive)}).status_code == 302
    assert lines(app)[-1] == (board, LineKind.UPDATES_TO, executive, "", 0)
    with app.app_context():
        assert db.session.get_one(Body, board).reports_to is None


def test_several_lines_to_bodies_or_outside_groups_are_added_shown_and_removed(
    app: Flask, areas: int, team: BrowserLikeClient,
) -> None:
    board = add_body(app, "Main Board", slug=NORTH, kind=BodyKind.BOARD, position=1)
    executive = add_body(app, "Executive Group", slug=NORTH, kind=BodyKind.EXECUTIVE,
                         position=2)
    group = add_body(app, "Early Help Group", slug=NORTH, position=3)
    url = f"{BASE}/{group}/lines/new"
    for data in ({"kind": "reports_to", "to_body": str(executive), "to_name": ""},
                 {"kind": "updates_to", "to_body": str(board), "to_name": ""},
                 {"kind": "accountable_to", "to_body": "",
                  "to_name": "  Health and Wellbeing Board "}):
        response = team.submit(url, data)
        assert response.status_code == 302, field_error(page(response), "to_body")
    assert [line[1:] for line in lines(app)] == [
        (LineKind.REPORTS_TO, executive, "", 0), (LineKind.UPDATES_TO, board, "", 1),
        (LineKind.ACCOUNTABLE_TO, None, "Health and Wellbeing Board", 2)]
    html = page(team.get(f"{BASE}/{group}"))
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")[:2]]
            for tr in html.select("#lines + .app-table-scroll table tbody tr")]
    assert rows == [["Reports to", "Executive Group"], ["Gives updates to", "Main Board"],
                    ["Accountable to", "Health and Wellbeing Board (outside the register)"]]
    listing = {row[0]: row for row in (
        [td.get_text(" ", strip=True) for td in tr.find_all("td")]
        for tr in page(team.get(BASE)).select("main table tbody tr"))}
    assert listing["Early Help Group"][4] == (
        "Reports to Executive Group Gives updates to Main Board "
        "Accountable to Health and Wellbeing Board")
    board_page = page(team.get(f"{BASE}/{board}")).get_text(" ", strip=True)
    assert "Early Help Group : gives updates to Main Board" in board_page
    assert "Early Help Group" in page(team.get(f"{BASE}/{executive}")).select_one(
        "h2:-soup-contains('Bodies that report to it') + ul").get_text()

    # Bad lines: neither, both, too long, a duplicate, no kind. Nothing saved.
    before = lines(app)
    for data, field, message in (
        ({"kind": "reports_to", "to_body": "", "to_name": " "}, "to_body",
         "Select a body in the register, or enter the name of a group outside it"),
        ({"kind": "reports_to", "to_body": str(board), "to_name": "Health and Wellbeing Board"},
         "to_body", "Select a body in the register or enter the name of a group outside it, "
                    "not both"),
        ({"kind": "shared_with", "to_name": "x" * 201}, "to_name",
         "Group outside the register must be 200 characters or fewer"),
        ({"kind": "updates_to", "to_body": str(board)}, "to_body",
         "Early Help Group already has this line"),
        ({"to_name": "Someone"}, "kind", "Select what kind of line it is"),
        ({"kind": "oversees", "to_name": "Someone"}, "kind", "Not a valid choice."),
    ):
        html = page(team.submit(url, data))
        assert html.title.get_text().startswith("Error:"), data
        assert field_error(html, field) == message, data
    assert lines(app) == before

    with app.app_context():
        first = db.session.scalars(sa.select(AccountabilityLine.id).where(
            AccountabilityLine.body_id == group).order_by(AccountabilityLine.position)).first()
    remove = f"{BASE}/{group}/lines/{first}/remove"
    assert "Are you sure" in page(team.get(remove)).h1.get_text()
    assert team.submit(remove, {}).status_code == 302
    assert [line[1:] for line in lines(app)] == [
        (LineKind.UPDATES_TO, board, "", 0),
        (LineKind.ACCOUNTABLE_TO, None, "Health and Wellbeing Board", 1)]
    with app.app_context():
        assert db.session.get_one(Body, group).reports_to is None
    history = page(team.get(f"{BASE}/{group}")).select("table")[-1].get_text(" ", strip=True)
    assert "Removed" in history
    assert team.get(f"{BASE}/{board}/lines/{first}/remove").status_code == 404


def test_a_chair_by_post_and_facts_not_stated_print_nothing_invented(
    app: Flask, areas: int, team: BrowserLikeClient,
) -> None:
    with app.app_context():
        council = db.session.scalars(sa.select(StatutoryPartner.id).join(
            StatutoryPartner.partnership).where(
            StatutoryPartner.kind == PartnerKind.LOCAL_AUTHORITY,
            sa.text("partnership.slug = :s")).params(s=NORTH)).one()
    form = page(team.get(f"{BASE}/new"))
    assert form.select_one("select[name=chair_partner] option").get_text() == (
        "Not a statutory partner's post")
    assert form.find("input", attrs={"name": "frequency", "value": "not_stated"}).has_attr(
        "checked")
    response = team.submit(f"{BASE}/new", body_form(
        name="Quality Assurance Group", chair_post="Assistant Director of Children's Services",
        chair_partner=str(council), frequency="not_stated",
        frequency_note="quarterly, with learning events three times a year",
        decision_rule="not_stated"))
    assert response.status_code == 302, field_error(page(response), "chair_partner")
    with app.app_context():
        body = db.session.scalars(sa.select(Body).where(
            Body.name == "Quality Assurance Group")).one()
        assert (body.chair_post, body.chair_partner_id, body.chair_id) == (
            "Assistant Director of Children's Services", council, None)
        assert (body.frequency, body.decision_rule) == (None, None)
        assert body.frequency_note == "quarterly, with learning events three times a year"
        body_id = body.id
    html = page(team.get(f"{BASE}/{body_id}"))
    summary = html.select_one(".govuk-summary-list").get_text(" ", strip=True)
    assert "Chair Assistant Director of Children's Services, Local authority" in summary
    assert "Meets quarterly, with learning events three times a year" in summary
    for invented in ("As needed", "By consensus", "Not recorded", "Not named",
                     "How it takes decisions", "Purpose", "Run jointly with", "Dates"):
        assert invented not in summary, invented
    edit = page(team.get(f"{BASE}/{body_id}/edit"))
    assert edit.find("input", attrs={"name": "decision_rule", "value": "not_stated"}).has_attr(
        "checked")
    # A body with nothing stated at all: the list prints nothing for chair and meetings.
    bare = add_body(app, "Bare Group", slug=NORTH, frequency=None)
    row = next(tr for tr in page(team.get(BASE)).select("main table tbody tr")
               if "Bare Group" in tr.get_text())
    assert [td.get_text(strip=True) for td in row.find_all("td")][2:] == ["", "", ""]
    assert "Not stated" not in page(team.get(f"{BASE}/{bare}")).select_one(
        ".govuk-summary-list").get_text()


def test_a_joint_group_with_a_neighbour_not_in_the_database(
    app: Flask, areas: int, team: BrowserLikeClient,
) -> None:
    response = team.submit(f"{BASE}/new", body_form(
        name="Joint Neglect Group", kind="task_and_finish",
        joint_with_name="Isle of Wight Safeguarding Children Partnership"))
    assert response.status_code == 302, field_error(page(response), "joint_with_name")
    html = page(team.get(response.headers["Location"])).get_text(" ", strip=True)
    assert ("Run jointly with Isle of Wight Safeguarding Children Partnership "
            "(not in this database)") in html


BAD_BODIES: list[tuple[dict[str, Any], str, str]] = [
    ({"name": ""}, "name", "Enter the body's name"),
    ({"kind": None}, "kind", "Select what kind of body it is"),
    ({"frequency": None}, "frequency", "Select how often it meets, or Not stated"),
    ({"frequency": "weekly"}, "frequency", "Not a valid choice."),
    ({"decision_rule": None}, "decision_rule", "Select how it takes decisions, or Not stated"),
    ({"frequency_note": "x" * 501}, "frequency_note",
     "How often it meets, in the arrangements' words, must be 500 characters or fewer"),
    ({"chair_post": "x" * 201}, "chair_post",
     "Post that chairs it must be 200 characters or fewer"),
    ({"chair_partner": "COUNCIL", "chair_agency": "POLICE"}, "chair_agency",
     "Select a statutory partner or an agency for the chair's post, not both"),
    ({"chair_partner": "EAST_COUNCIL"}, "chair_partner", "Not a valid choice."),
    ({"joint_with_name": "Isle of Wight Safeguarding Children Partnership"},
     "joint_with_name",
     "Only a task and finish group can be run jointly with another partnership"),
    ({"joint_with_name": "Isle of Wight SCP", "joint_with": "SOUTH",
      "kind": "task_and_finish"}, "joint_with_name",
     "Select a partnership in the database or enter a neighbour's name, not both"),
    ({"joint_with_name": "x" * 201, "kind": "task_and_finish"}, "joint_with_name",
     "Neighbouring partnership must be 200 characters or fewer"),
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
        council, east_council = (db.session.execute(sa.text(
            "SELECT statutory_partner.id FROM statutory_partner JOIN partnership ON "
            "partnership.id = statutory_partner.partnership_id WHERE slug = :s AND "
            "kind = 'local_authority'"), {"s": slug}).scalar_one() for slug in (NORTH, EAST))
    police = add_agency(app, NORTH, "Northshire Constabulary", Sector.POLICE_AND_JUSTICE)
    before = bodies(app)
    names = {"SOUTH": str(south), "COLLAB": str(areas), "COUNCIL": str(council),
             "EAST_COUNCIL": str(east_council), "POLICE": str(police)}
    for changes, field, message in BAD_BODIES:
        changes = {key: names.get(value, value)
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
    with app.app_context():
        council = db.session.scalars(sa.select(StatutoryPartner.id).where(
            StatutoryPartner.kind == PartnerKind.LOCAL_AUTHORITY).order_by(
            StatutoryPartner.id)).first()
    both = page(team.submit(new, {"partner": str(council), "agency": str(police),
                                  "role": "Director", "kind": "core"}))
    assert both.title.get_text().startswith("Error:")
    assert field_error(both, "agency") == (
        "Select a statutory partner or an agency for the seat, not both")
    assert members_of(app, body) == []
    seat = team.submit(new, {"partner": str(council), "agency": "",
                             "role": "Director of Children's Services", "kind": "core"})
    assert seat.status_code == 302
    seat_row = page(team.get(f"{BASE}/{body}")).select_one(
        "#members + .app-table-scroll table tbody tr")
    assert [td.get_text(" ", strip=True) for td in seat_row.find_all("td")[:3]] == [
        "Local authority", "Director of Children's Services", ""]
    with app.app_context():
        db.session.execute(sa.delete(BodyMember))
        db.session.commit()

    assert team.submit(new, {"agency": str(police), "role": "Chief Superintendent",
                             "person": str(person), "kind": "core"}).status_code == 302
    assert team.submit(new, {"agency": str(neighbour), "role": "Observer", "person": "",
                             "kind": "co_opted"}).status_code == 302
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")[:4]]
            for tr in page(team.get(f"{BASE}/{body}")).select(
                "#members + .app-table-scroll table tbody tr")]
    assert rows == [["Northshire Constabulary", "Chief Superintendent", "Sam Superintendent",
                     "Core member"],
                    ["Southshire Council", "Observer", "", "Co-opted member"]]
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
    assert "Removed body member" in history and "Role : Observer" in history
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
    other = add_body(app, "Other Board", slug=NORTH, kind=BodyKind.BOARD)
    add_line(app, body, other, LineKind.UPDATES_TO)
    with app.app_context():
        member = db.session.scalars(sa.select(BodyMember.id)).one()
        line = db.session.scalars(sa.select(AccountabilityLine.id)).one()
    before = (bodies(app), members_of(app, body), lines(app))
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
            (f"{BASE}/{body}/lines/new", {"kind": "reports_to", "to_name": "Intruders"}),
            (f"{BASE}/{body}/lines/{line}/remove", {}),
        ]:
            assert reader.get(url).status_code == 403, (role, url)
            assert reader.post_with_token(url, data, token_from=BASE).status_code == 403
    assert (bodies(app), members_of(app, body), lines(app)) == before


def test_stored_text_is_escaped_on_every_agency_and_body_page(
    app: Flask, areas: int, team: BrowserLikeClient,
) -> None:
    script, image = "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>'
    agency = add_agency(app, NORTH, script, Sector.OTHER, notes=image, reason_included=script)
    body = add_body(app, image, slug=NORTH, purpose=script, objectives=[script, image],
                    short_name=script[:40], chair_appointment=image, chair_post=script[:200],
                    frequency_note=image, joint_with_name=script)
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
    assert image not in team.get(f"{BASE}/{body}/lines/new").get_data(as_text=True)


def test_the_chart_draws_other_lines_dashed_and_the_outline_says_them(
    app: Flask, areas: int, team: BrowserLikeClient,
) -> None:
    board = add_body(app, "Main Board", slug=NORTH, kind=BodyKind.BOARD, position=1)
    executive = add_body(app, "Executive Group", slug=NORTH, kind=BodyKind.EXECUTIVE,
                         position=2)
    group = add_body(app, "Early Help Group", slug=NORTH, position=3)
    add_line(app, executive, board)
    add_line(app, group, executive)
    add_line(app, group, board, LineKind.UPDATES_TO)
    with app.app_context(), acting_as("tests"):
        body = db.session.get_one(Body, group)
        body.lines.append(AccountabilityLine(kind=LineKind.ACCOUNTABLE_TO,
                                             to_name="Health and Wellbeing Board", position=2))
        db.session.commit()
        partnership = body.partnership
        assert partnership is not None
        outline = structure_outline(partnership)
        dot = structure_dot(partnership)
        svg = draw_structure_chart(partnership).svg
    [top] = outline
    [middle] = top.children
    [leaf] = middle.children
    assert (top.name, middle.name, leaf.name) == ("Main Board", "Executive Group",
                                                  "Early Help Group")
    assert leaf.lines == ["gives updates to Main Board",
                          "accountable to Health and Wellbeing Board"]
    assert f"b{executive} -> b{group};" in dot  # the structure: solid, from the parent
    assert (f'b{group} -> b{board} [style="dashed", dir="forward", constraint="false", '
            f'label="Gives updates to"') in dot
    assert "Health and Wellbeing Board" not in dot  # outside the register: said, not drawn
    assert svg is None or "Gives updates to" in svg  # None: Graphviz is not installed
    text = " ".join(page(team.get(f"/partnerships/{NORTH}")).get_text(" ", strip=True).split())
    assert ("Early Help Group (Subgroup); also gives updates to Main Board; accountable to "
            "Health and Wellbeing Board") in text

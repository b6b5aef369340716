"""Collaborations: partnerships that share an executive and subgroups."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Body, BodyKind, Collaboration, Frequency
from tests.register.builders import add_partnership, field_error
from tests.support.client import BrowserLikeClient, page

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

# Every role is refused every change in tests/test_authorization.py; these read the pages too.
NOT_TEAM = [Role.ADMIN, Role.PARTNER, Role.SCRUTINEER]


def _collaborations(app: Flask) -> list[tuple[str, bool, list[str], int]]:
    with app.app_context():
        return [(c.name, c.independently_chaired, [p.slug for p in c.partnerships], c.version)
                for c in db.session.scalars(sa.select(Collaboration).order_by(Collaboration.id))]


def _four_areas(app: Flask) -> dict[str, int]:
    return {slug: add_partnership(app, slug) for slug in ("hillshire", "dale", "moor", "coast")}


def test_the_team_records_a_four_area_collaboration_with_shared_bodies(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    ids = _four_areas(app)
    team = signed_in(Role.TEAM)
    response = team.submit("/collaborations/new", {
        "name": "Four Areas Safeguarding Collaboration", "short_name": "4A",
        "description": "Shared procedures, an executive group and three subgroups",
        "independently_chaired": "True", "partnerships": [str(i) for i in ids.values()]})
    assert response.status_code == 302
    assert _collaborations(app) == [("Four Areas Safeguarding Collaboration", True,
                                     ["coast", "dale", "hillshire", "moor"], 1)]
    collaboration_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context(), acting_as("tests"):
        db.session.add_all([
            Body(collaboration_id=collaboration_id, kind=BodyKind.SUBGROUP,
                 name="Child Exploitation Subgroup", frequency=Frequency.QUARTERLY, position=2),
            Body(collaboration_id=collaboration_id, kind=BodyKind.EXECUTIVE,
                 name="Four Areas Executive", frequency=Frequency.QUARTERLY, position=1),
        ])
        db.session.commit()

    detail = page(team.get(f"/collaborations/{collaboration_id}"))
    members = [a.get_text(strip=True) for a in detail.select("main ul.govuk-list--bullet a")]
    assert members == [f"{slug.title()} Safeguarding Children Partnership"
                       for slug in ("coast", "dale", "hillshire", "moor")]
    shared = [tr.td.get_text(strip=True) for tr in detail.select("tbody tr")
              if tr.find_parent("table").caption.get_text(strip=True) != "History"]
    assert shared == ["Four Areas Executive", "Child Exploitation Subgroup"]
    history = detail.select_one("table caption:-soup-contains('History')").find_parent("table")
    assert "Partnerships" in history.get_text() and "Coast Safeguarding" in history.get_text()
    overview = page(team.get("/partnerships/dale"))
    assert overview.find("a", href=f"/collaborations/{collaboration_id}") is not None
    listing = page(team.get("/collaborations")).select_one("tbody tr").get_text(" ", strip=True)
    assert listing == "Four Areas Safeguarding Collaboration COASCP, DALSCP, HILSCP, MOOSCP Yes"


def test_bad_details_are_shown_next_to_their_fields_and_nothing_is_saved(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_partnership(app, "hillshire")
    team = signed_in(Role.TEAM)
    html = page(team.submit("/collaborations/new", {"name": "", "partnerships": ["999"]}))
    assert html.title.get_text().startswith("Error:")
    assert field_error(html, "name") == "Enter the collaboration's name"
    assert field_error(html, "independently_chaired") == (
        "Select yes if the collaboration is chaired independently")
    assert field_error(html, "partnerships") is not None
    assert team.submit("/collaborations/new", {"name": "Pair", "independently_chaired": "False"}
                       ).status_code == 302
    clash = page(team.submit("/collaborations/new", {"name": "pair",
                                                     "independently_chaired": "False"}))
    assert field_error(clash, "name") == "A collaboration with this name already exists"
    assert _collaborations(app) == [("Pair", False, [], 1)]


def test_changing_members_is_versioned_audited_and_conflicts_are_caught(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    ids = _four_areas(app)
    alice, bob = signed_in(Role.TEAM), signed_in(Role.TEAM)
    alice.submit("/collaborations/new", {"name": "Pair", "independently_chaired": "False",
                                         "partnerships": [str(ids["hillshire"])]})
    collaboration_id = db_id(app)
    url = f"/collaborations/{collaboration_id}/edit"
    checked = page(bob.get(url)).select("input[name=partnerships][checked]")
    assert [box["value"] for box in checked] == [str(ids["hillshire"])]

    # Only the members change: that alone is a new version, with a history row.
    saved = alice.submit(url, {"name": "Pair", "independently_chaired": "False", "version": "1",
                               "partnerships": [str(ids["hillshire"]), str(ids["dale"])]})
    assert saved.status_code == 302
    assert _collaborations(app) == [("Pair", False, ["dale", "hillshire"], 2)]
    history = page(alice.get(f"/collaborations/{collaboration_id}")).select_one(
        "table caption:-soup-contains('History')").find_parent("table").get_text(" ", strip=True)
    assert ("Partnerships : Hillshire Safeguarding Children Partnership → Dale Safeguarding "
            "Children Partnership; Hillshire Safeguarding Children Partnership") in history

    conflict = bob.submit(url, {"name": "Pair", "independently_chaired": "False", "version": "1",
                                "partnerships": [str(ids["moor"])]})
    assert conflict.status_code == 409
    table = {tr.th.get_text(" ", strip=True).replace(" Different", ""):
             [td.get_text(strip=True) for td in tr.find_all("td")]
             for tr in page(conflict).select("tbody tr")}
    assert table["Member partnerships"] == [
        "Moor Safeguarding Children Partnership",
        "Dale Safeguarding Children Partnership, Hillshire Safeguarding Children Partnership"]
    assert _collaborations(app) == [("Pair", False, ["dale", "hillshire"], 2)]
    # An unchanged save is no change at all.
    assert alice.submit(url, {"name": "Pair", "independently_chaired": "False", "version": "2",
                              "partnerships": [str(ids["dale"]), str(ids["hillshire"])]}
                        ).status_code == 302
    assert _collaborations(app)[0][3] == 2


def test_neighbours_not_in_this_database_are_named_added_and_removed(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    ids = _four_areas(app)
    team = signed_in(Role.TEAM)
    created = team.submit("/collaborations/new", {
        "name": "Child Death Review Footprint", "independently_chaired": "False",
        "partnerships": [str(ids["hillshire"])],
        "external_members": "Isle of Wight Safeguarding Children Partnership\n\n"
                            "  Portsmouth   Safeguarding Children Partnership \n"})
    assert created.status_code == 302, field_error(page(created), "external_members")
    with app.app_context():
        saved = db.session.scalars(sa.select(Collaboration)).one()
        assert saved.external_members == ["Isle of Wight Safeguarding Children Partnership",
                                          "Portsmouth Safeguarding Children Partnership"]
    detail = page(team.get(created.headers["Location"]))
    outside = detail.select_one("h3:-soup-contains('not in this database') + ul")
    assert [li.get_text(strip=True) for li in outside.find_all("li")] == [
        "Isle of Wight Safeguarding Children Partnership",
        "Portsmouth Safeguarding Children Partnership"]
    listing = page(team.get("/collaborations")).select_one("tbody tr").get_text(" ", strip=True)
    assert "HILSCP, Isle of Wight Safeguarding Children Partnership, Portsmouth" in listing

    url = f"{created.headers['Location']}/edit"
    form = page(team.get(url))
    assert form.find("textarea", attrs={"name": "external_members"}).get_text() == (
        "Isle of Wight Safeguarding Children Partnership\n"
        "Portsmouth Safeguarding Children Partnership")
    base = {"name": "Child Death Review Footprint", "independently_chaired": "False",
            "partnerships": [str(ids["hillshire"])], "version": "1"}
    for names, message in (
        ("Isle of Wight SCP\nisle of wight scp", "isle of wight scp is listed twice"),
        ("x" * 201, "Each name must be 200 characters or fewer"),
        ("\n".join(f"Area {n}" for n in range(51)), "Enter 50 names or fewer"),
        ("Dale Safeguarding Children Partnership",
         "Dale Safeguarding Children Partnership is in this database: select it under member "
         "partnerships instead"),
    ):
        html = page(team.submit(url, {**base, "external_members": names}))
        assert html.title.get_text().startswith("Error:"), names
        assert field_error(html, "external_members") == message, names
    removed = team.submit(url, {**base, "external_members":
                                "Isle of Wight Safeguarding Children Partnership"})
    assert removed.status_code == 302
    with app.app_context():
        saved = db.session.scalars(sa.select(Collaboration)).one()
        assert (saved.external_members, saved.version) == (
            ["Isle of Wight Safeguarding Children Partnership"], 2)
    history = page(team.get(created.headers["Location"])).select_one(
        "table caption:-soup-contains('History')").find_parent("table").get_text(" ", strip=True)
    assert "Portsmouth" in history


def db_id(app: Flask) -> int:
    with app.app_context():
        return db.session.scalars(sa.select(Collaboration.id)).one()


@pytest.mark.parametrize("role", NOT_TEAM, ids=lambda role: role.value)
def test_other_roles_read_but_cannot_change_anything(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient], role: Role,
) -> None:
    with app.app_context(), acting_as("tests"):
        collaboration = Collaboration(name="Read Only Collaboration")
        db.session.add(collaboration)
        db.session.commit()
        collaboration_id = collaboration.id
    client = signed_in(role)
    for url in ("/collaborations", f"/collaborations/{collaboration_id}"):
        html = page(client.get(url))
        hrefs = [a.get("href", "") for a in html.find_all("a")]
        assert not [h for h in hrefs if h.endswith(("/new", "/edit"))], (url, hrefs)
    for url in ("/collaborations/new", f"/collaborations/{collaboration_id}/edit"):
        assert client.get(url).status_code == 403
        response = client.post_with_token(url, {"name": "Changed", "version": "1",
                                                "independently_chaired": "True"},
                                          token_from="/account")
        assert response.status_code == 403
    assert _collaborations(app) == [("Read Only Collaboration", False, [], 1)]

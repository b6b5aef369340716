"""Independent scrutiny: a named person, an organisation, or experts commissioned per priority."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Body, BodyKind, Frequency, Scrutineer
from tests.register.builders import add_partnership, add_person, date_parts, field_error
from tests.support.client import BrowserLikeClient, page

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

# Every role is refused every change in tests/test_authorization.py; these read the pages too.
NOT_TEAM = [Role.ADMIN, Role.PARTNER, Role.SCRUTINEER]
WHOLE = {"kind": "person", "whole_partnership": "True", "scope": "",
         "appointed_by": "The three partners"}


def _scrutineers(app: Flask) -> list[tuple[str, bool, str, list[str], str, int]]:
    with app.app_context():
        return [(s.person.name if s.person else s.organisation, s.whole_partnership, s.scope,
                 [b.name for b in s.bodies], s.kind.value, s.version)
                for s in db.session.scalars(sa.select(Scrutineer).order_by(Scrutineer.id))]


def _bodies(app: Flask, partnership_id: int, *names: str) -> list[int]:
    with app.app_context(), acting_as("tests"):
        bodies = [Body(partnership_id=partnership_id, kind=BodyKind.SUBGROUP, name=name,
                       frequency=Frequency.QUARTERLY, position=i) for i, name in enumerate(names)]
        db.session.add_all(bodies)
        db.session.commit()
        return [body.id for body in bodies]


def _overview_scrutiny(client: BrowserLikeClient, query: str = "") -> list[list[str]]:
    html = page(client.get(f"/partnerships/hillshire{query}"))
    table = html.select_one("table caption:-soup-contains('Independent scrutineers')")
    if table is None:
        return []
    return [[td.get_text(" ", strip=True) for td in tr.find_all("td")]
            for tr in table.find_parent("table").select("tbody tr")]


def test_a_named_independent_scrutineer_of_the_whole_partnership(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_partnership(app, "hillshire")
    chair = add_person(app, "Indira Independent", organisation="Independent consultant")
    team = signed_in(Role.TEAM)
    form = page(team.get("/partnerships/hillshire/scrutineers/new"))
    assert form.find("input", attrs={"name": "is_chair"}) is None
    response = team.submit("/partnerships/hillshire/scrutineers/new", {
        **WHOLE, "person": str(chair), **date_parts("valid_from", dt.date(2019, 9, 29))})
    assert response.status_code == 302
    assert _scrutineers(app) == [("Indira Independent", True, "", [], "person", 1)]

    reader = signed_in(Role.SCRUTINEER)
    assert _overview_scrutiny(reader) == [
        ["Indira Independent", "The whole partnership", "The three partners", "A named person"]]
    assert _overview_scrutiny(reader, "?on=2019-09-28") == []
    detail = page(reader.get(response.headers["Location"]))
    summary = detail.select_one(".govuk-summary-list").get_text(" ", strip=True)
    assert "chair" not in summary.lower()
    assert "Commissioned From 29 September 2019" in summary
    history = detail.select_one("table caption:-soup-contains('History')").find_parent("table")
    assert "Added scrutineer" in history.get_text()
    person = " ".join(page(reader.get(f"/people/{chair}")).get_text(" ", strip=True).split())
    assert "The whole partnership" in person
    assert "independent chair" not in person


def test_an_organisation_or_experts_commissioned_per_priority_need_no_named_person(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    add_partnership(app, "hillshire")
    team = signed_in(Role.TEAM)
    url = "/partnerships/hillshire/scrutineers/new"
    organisation = team.submit(url, {
        **WHOLE, "kind": "organisation", "person": "", "organisation": "Peer Review Ltd"})
    assert organisation.status_code == 302
    commissioned = team.submit(url, {
        "kind": "commissioned", "person": "", "organisation": "", "whole_partnership": "False",
        "scope": "Experts commissioned for each priority: neglect, exploitation",
        "appointed_by": ""})
    assert commissioned.status_code == 302, field_error(page(commissioned), "person")
    by_post = team.submit(url, {**WHOLE, "person": "", "post": "The independent chair"})
    assert by_post.status_code == 302, field_error(page(by_post), "person")
    assert _scrutineers(app)[2][1:] == (True, "", [], "person", 1)
    assert _scrutineers(app)[:2] == [
        ("Peer Review Ltd", True, "", [], "organisation", 1),
        ("", False, "Experts commissioned for each priority: neglect, exploitation", [],
         "commissioned", 1)]
    reader = signed_in(Role.CHAIR)
    rows = _overview_scrutiny(reader)
    assert ["Experts commissioned for each priority",
            "Experts commissioned for each priority: neglect, exploitation", "",
            "Experts commissioned for each priority"] in rows
    detail = page(reader.get(commissioned.headers["Location"]))
    summary = detail.select_one(".govuk-summary-list").get_text(" ", strip=True)
    assert "Appointed by" not in summary and "Commissioned" not in summary.replace(
        "Experts commissioned", "")
    listing = page(reader.get("/partnerships/hillshire/scrutineers")).get_text(" ", strip=True)
    assert "Peer Review Ltd" in listing and "The independent chair" in listing


def test_different_scrutineers_per_priority_with_no_independent_chair(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    partnership_id = add_partnership(app, "hillshire")
    neglect, exploitation, hub = _bodies(app, partnership_id, "Neglect Subgroup",
                                         "Exploitation Subgroup", "Learning Hub")
    first = add_person(app, "Priya Peer")
    second = add_person(app, "Quinn Quality")
    team = signed_in(Role.TEAM)
    url = "/partnerships/hillshire/scrutineers/new"
    form = page(team.get(url))
    assert [box["value"] for box in form.select("input[name=bodies]")] == [
        str(neglect), str(exploitation), str(hub)]
    for person, scope, bodies in ((first, "Priority 1: neglect", [neglect, hub]),
                                  (second, "Priority 2: child exploitation", [exploitation])):
        response = team.submit(url, {
            "person": str(person), "whole_partnership": "False", "scope": scope,
            "bodies": [str(b) for b in bodies], "appointed_by": "The executive",
            "kind": "person"})
        assert response.status_code == 302, field_error(page(response), "scope")
    assert _scrutineers(app) == [
        ("Priya Peer", False, "Priority 1: neglect", ["Neglect Subgroup", "Learning Hub"],
         "person", 1),
        ("Quinn Quality", False, "Priority 2: child exploitation", ["Exploitation Subgroup"],
         "person", 1)]
    assert _overview_scrutiny(signed_in(Role.CHAIR)) == [
        ["Priya Peer", "Priority 1: neglect. Bodies: Neglect Subgroup, Learning Hub",
         "The executive", "A named person"],
        ["Quinn Quality", "Priority 2: child exploitation. Bodies: Exploitation Subgroup",
         "The executive", "A named person"]]


def test_bad_scrutineer_details_are_shown_next_to_their_fields_and_nothing_is_saved(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    partnership_id = add_partnership(app, "hillshire")
    other_id = add_partnership(app, "dale")
    [foreign] = _bodies(app, other_id, "Dale Board")
    _bodies(app, partnership_id, "Hillshire Board")
    first = add_person(app, "First Scrutineer")
    rival = add_person(app, "Second Scrutineer")
    team = signed_in(Role.TEAM)
    url = "/partnerships/hillshire/scrutineers/new"
    assert team.submit(url, {**WHOLE, "person": str(first)}).status_code == 302

    empty = page(team.submit(url, {}))
    assert empty.title.get_text().startswith("Error:")
    assert field_error(empty, "kind") == "Select who carries out the scrutiny"
    assert field_error(empty, "whole_partnership") == "Select what the scrutineer covers"
    no_person = page(team.submit(url, {**WHOLE, "person": ""}))
    assert no_person.title.get_text().startswith("Error:")
    assert field_error(no_person, "person") == (
        "Select the scrutineer, or enter the post that scrutinises")
    long_post = page(team.submit(url, {**WHOLE, "person": "", "post": "x" * 201}))
    assert field_error(long_post, "post") == "Post must be 200 characters or fewer"
    no_organisation = page(team.submit(url, {**WHOLE, "kind": "organisation", "person": "",
                                             "organisation": "  "}))
    assert field_error(no_organisation, "organisation") == (
        "Enter the organisation that carries out the scrutiny")
    long_name = page(team.submit(url, {**WHOLE, "kind": "organisation", "person": "",
                                       "organisation": "x" * 201}))
    assert field_error(long_name, "organisation") == (
        "Organisation must be 200 characters or fewer")
    bad_kind = page(team.submit(url, {**WHOLE, "kind": "chair", "person": str(rival)}))
    assert field_error(bad_kind, "kind") is not None
    no_scope = page(team.submit(url, {"kind": "person", "person": str(rival),
                                      "whole_partnership": "False"}))
    assert field_error(no_scope, "scope") == (
        "Enter the priorities this scrutineer covers, or select the bodies they scrutinise")
    backwards = page(team.submit(url, {**WHOLE, "person": str(rival),
                                       **date_parts("valid_from", dt.date(2024, 1, 1)),
                                       **date_parts("valid_to", dt.date(2023, 1, 1))}))
    assert field_error(backwards, "valid_to") == (
        "The end date must be the same as or after the start date")
    other_areas_body = page(team.submit(url, {"kind": "person", "person": str(rival),
                                              "whole_partnership": "False",
                                              "bodies": [str(foreign)]}))
    assert field_error(other_areas_body, "bodies") is not None
    assert [row[0] for row in _scrutineers(app)] == ["First Scrutineer"]


def test_a_stale_edit_gets_the_conflict_page_and_whole_scope_clears_named_scope(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    partnership_id = add_partnership(app, "hillshire")
    [board] = _bodies(app, partnership_id, "Hillshire Board")
    person = add_person(app, "Sasha Scrutineer")
    alice, bob = signed_in(Role.TEAM), signed_in(Role.TEAM)
    created = alice.submit("/partnerships/hillshire/scrutineers/new", {
        "person": str(person), "whole_partnership": "False", "scope": "Priority 3",
        "bodies": [str(board)], "kind": "person"})
    url = created.headers["Location"] + "/edit"
    form = page(bob.get(url))
    assert form.find("input", attrs={"name": "bodies", "value": str(board)}).has_attr("checked")
    assert form.find("input", attrs={"name": "version"})["value"] == "1"

    widened = alice.submit(url, {**WHOLE, "person": str(person), "scope": "Priority 3",
                                 "bodies": [str(board)], "version": "1"})
    assert widened.status_code == 302
    assert _scrutineers(app) == [("Sasha Scrutineer", True, "", [], "person", 2)]
    history = page(alice.get(created.headers["Location"])).select_one(
        "table caption:-soup-contains('History')").find_parent("table").get_text(" ", strip=True)
    assert "Bodies : Hillshire Board → (none)" in history

    conflict = bob.submit(url, {"kind": "person", "person": str(person),
                                "whole_partnership": "False", "scope": "Priority 4",
                                "bodies": [str(board)], "version": "1"})
    assert conflict.status_code == 409
    table = {tr.th.get_text(" ", strip=True).replace(" Different", ""):
             [td.get_text(strip=True) for td in tr.find_all("td")]
             for tr in page(conflict).select("tbody tr")}
    assert table["Bodies they scrutinise"] == ["Hillshire Board", "(none)"]
    assert table["Named priorities"] == ["Priority 4", "(none)"]
    assert table["Scrutineer"] == ["Sasha Scrutineer", "Sasha Scrutineer"]
    assert _scrutineers(app) == [("Sasha Scrutineer", True, "", [], "person", 2)]


@pytest.mark.parametrize("role", NOT_TEAM, ids=lambda role: role.value)
def test_other_roles_read_but_cannot_change_anything(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient], role: Role,
) -> None:
    partnership_id = add_partnership(app, "hillshire")
    person = add_person(app, "Read Only")
    with app.app_context(), acting_as("tests"):
        scrutineer = Scrutineer(partnership_id=partnership_id, person_id=person)
        db.session.add(scrutineer)
        db.session.commit()
        scrutineer_id = scrutineer.id
    client = signed_in(role)
    base = "/partnerships/hillshire/scrutineers"
    for url in (base, f"{base}/{scrutineer_id}"):
        html = page(client.get(url))
        hrefs = [a.get("href", "") for a in html.find_all("a")]
        assert not [h for h in hrefs if h.endswith(("/new", "/edit"))], (url, hrefs)
    for url in (f"{base}/new", f"{base}/{scrutineer_id}/edit"):
        assert client.get(url).status_code == 403
        response = client.post_with_token(url, {**WHOLE, "person": str(person), "version": "1"},
                                          token_from="/account")
        assert response.status_code == 403
    assert _scrutineers(app) == [("Read Only", True, "", [], "person", 1)]

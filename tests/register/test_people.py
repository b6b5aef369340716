"""People: the list and search, their details and account, their roles, and their scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import (
    Agency,
    Appointment,
    AppointmentRole,
    Body,
    BodyKind,
    Capacity,
    Frequency,
    PartnerKind,
    Person,
    Scrutineer,
    Sector,
)
from partnership.register.services.people import Scope, scope_of
from tests.register.builders import add_partnership, add_person, add_representative, field_error
from tests.support.client import BrowserLikeClient, page

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

# Every role is refused every change in tests/test_authorization.py; these read the pages too.
NOT_TEAM = [Role.ADMIN, Role.PARTNER, Role.SCRUTINEER]


def _agency(app: Flask, partnership_id: int, name: str) -> int:
    with app.app_context(), acting_as("tests"):
        agency = Agency(partnership_id=partnership_id, name=name, sector=Sector.EDUCATION)
        db.session.add(agency)
        db.session.commit()
        return agency.id


def _people(app: Flask) -> list[tuple[str, str, int | None, str, int | None]]:
    with app.app_context():
        return [(p.name, p.job_title, p.agency_id, p.organisation, p.user_id)
                for p in db.session.scalars(sa.select(Person).order_by(Person.id))]


def test_the_team_adds_a_person_with_an_agency_and_an_account(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient], make_user: Callable[..., User],
) -> None:
    partnership_id = add_partnership(app, "hillshire")
    college = _agency(app, partnership_id, "Hillshire College")
    account = make_user(Role.CHAIR, name="Dana Chair")
    team = signed_in(Role.TEAM)
    form = page(team.get("/people/new"))
    options = form.find("select", attrs={"name": "agency"})("option")
    agencies = [o.get_text(strip=True) for o in options]
    assert agencies == ["Not an agency in the list", "Hillshire College (HILSCP)"]
    accounts = [o["value"] for o in form.find("select", attrs={"name": "user_id"})("option")]
    assert str(account.id) in accounts

    response = team.submit("/people/new", {
        "name": "Dana Chair", "job_title": "Principal", "agency": str(college),
        "email": "dana@example.org", "phone": "01632 960 123", "user_id": str(account.id)})

    assert response.status_code == 302
    assert _people(app) == [("Dana Chair", "Principal", college, "", account.id)]
    person_id = int(response.headers["Location"].rsplit("/", 1)[1])
    detail = page(team.get(f"/people/{person_id}"))
    assert "Hillshire College" in detail.select_one(".govuk-summary-list").get_text()
    assert "holds no role in the register yet" in detail.get_text()
    history = detail.select_one("table caption:-soup-contains('History')").find_parent("table")
    assert "Added person" in history.get_text()
    # The account is no longer offered to anyone else.
    offered = page(team.get("/people/new")).find("select", attrs={"name": "user_id"})("option")
    assert str(account.id) not in [o["value"] for o in offered]


def test_bad_details_are_shown_next_to_their_fields_and_nothing_is_saved(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient], make_user: Callable[..., User],
) -> None:
    partnership_id = add_partnership(app, "hillshire")
    college = _agency(app, partnership_id, "Hillshire College")
    account = make_user(Role.AGENCY)
    add_person(app, "Already Linked", user_id=account.id)
    team = signed_in(Role.TEAM)

    html = page(team.submit("/people/new", {"name": "", "email": "nope", "phone": "call me"}))
    assert html.title.get_text().startswith("Error:")
    assert field_error(html, "name") == "Enter the person's full name"
    assert field_error(html, "email").startswith("Enter an email address in the correct format")
    assert field_error(html, "phone") == "Enter a telephone number, like 01632 960 001"

    both = page(team.submit("/people/new", {"name": "Both", "agency": str(college),
                                            "organisation": "Somewhere else"}))
    assert field_error(both, "organisation") == (
        "Leave the organisation blank when the person works for an agency in the list")
    taken = page(team.submit("/people/new", {"name": "Second", "user_id": str(account.id)}))
    assert field_error(taken, "user_id") == "Not a valid choice."  # not even offered
    assert _people(app) == [("Already Linked", "", None, "", account.id)]


def test_an_account_linked_meanwhile_is_refused_with_a_field_error(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient], make_user: Callable[..., User],
) -> None:
    account = make_user(Role.AGENCY)
    team = signed_in(Role.TEAM)
    form = page(team.get("/people/new"))
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    add_person(app, "Quicker Colleague", user_id=account.id)  # while the form was open
    response = team.post("/people/new", data={"csrf_token": token, "name": "Slower",
                                              "user_id": str(account.id)})
    assert response.status_code == 200
    assert field_error(page(response), "user_id") in (
        "Not a valid choice.",
        "This account is already linked to Quicker Colleague. Each account belongs to one person")
    assert [p[0] for p in _people(app)] == ["Quicker Colleague"]


def test_people_can_be_searched_by_name(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    for name in ("Ann Archer", "Ben Baker", "Anna 100% Real"):
        add_person(app, name)
    client = signed_in(Role.SCRUTINEER)

    def names(query: str) -> list[str]:
        html = page(client.get(f"/people?q={query}"))
        return [tr.find("a").get_text(strip=True) for tr in html.select("tbody tr")]

    assert names("") == ["Ann Archer", "Anna 100% Real", "Ben Baker"]
    assert names("ann") == ["Ann Archer", "Anna 100% Real"]
    assert names("100%25") == ["Anna 100% Real"]  # % is a letter here, not a wildcard
    assert names("%25") == ["Anna 100% Real"]
    assert names("zed") == []
    assert "No one's name contains “zed”" in page(client.get("/people?q=zed")).get_text()


def test_a_person_page_lists_everything_they_are_in_the_register(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    partnership_id = add_partnership(app, "hillshire")
    person_id = add_person(app, "Robin Roles")
    add_representative(app, "hillshire", PartnerKind.POLICE, person_id, Capacity.DELEGATED,
                       dt.date(2021, 1, 1))
    with app.app_context(), acting_as("tests"):
        agency = Agency(partnership_id=partnership_id, name="Hillshire Youth Service",
                        sector=Sector.LOCAL_AUTHORITY, champion_id=person_id)
        body = Body(partnership_id=partnership_id, kind=BodyKind.SUBGROUP,
                    name="Learning and Inquiry Group", frequency=Frequency.MONTHLY,
                    chair_id=person_id)
        scrutineer = Scrutineer(partnership_id=partnership_id, person_id=person_id,
                                whole_partnership=True)
        chair = Appointment(partnership_id=partnership_id, role=AppointmentRole.PARTNERSHIP_CHAIR,
                            post="Independent chair", person_id=person_id, independent=True,
                            valid_from=dt.date(2024, 4, 1))
        db.session.add_all([agency, body, scrutineer, chair])
        db.session.commit()
    text = page(signed_in(Role.CHAIR).get(f"/people/{person_id}")).select_one("main").get_text(
        " ", strip=True)
    text = " ".join(text.split())
    assert "Delegated representative for Police" in text
    assert "Chairs Learning and Inquiry Group (HILSCP)" in text
    assert "Independent scrutineer Hillshire Safeguarding Children Partnership : " \
           "The whole partnership" in text
    assert "Partnership chair of Hillshire Safeguarding Children Partnership: Independent " \
           "chair (independent), from 1 April 2024 Current" in text
    assert "Safeguarding champion Hillshire Youth Service (HILSCP)" in text


def test_scope_of_a_user_comes_from_their_person_record(
    app: Flask, make_user: Callable[..., User],
) -> None:
    partnership_id = add_partnership(app, "hillshire")
    college = _agency(app, partnership_id, "Hillshire College")
    account = make_user(Role.CHAIR)
    nobody = make_user(Role.AGENCY)
    person_id = add_person(app, "Sam Scope", agency=None, user_id=account.id)
    current = add_representative(app, "hillshire", PartnerKind.HEALTH, person_id, Capacity.LEAD,
                                 dt.date(2020, 1, 1))
    add_representative(app, "hillshire", PartnerKind.POLICE, person_id, Capacity.DELEGATED,
                       dt.date(2018, 1, 1), dt.date(2019, 12, 31))
    with app.app_context(), acting_as("tests"):
        db.session.get_one(Person, person_id).agency_id = college
        chaired = Body(partnership_id=partnership_id, kind=BodyKind.SUBGROUP, name="Education",
                       frequency=Frequency.TERMLY, chair_id=person_id)
        ended = Body(partnership_id=partnership_id, kind=BodyKind.TASK_AND_FINISH,
                     name="Old group", frequency=Frequency.AD_HOC, chair_id=person_id,
                     ends_on=dt.date(2020, 1, 1))
        db.session.add_all([chaired, ended])
        db.session.commit()
        health_partner = db.session.execute(sa.text(
            "SELECT partner_id FROM representative WHERE id = :id"), {"id": current}).scalar_one()
        scope = scope_of(db.session.get(User, account.id))
        assert scope == Scope(person_id=person_id, agency_id=college,
                              chaired_body_ids=frozenset({chaired.id}),
                              partner_ids=frozenset({health_partner}),
                              represented_partnership_ids=frozenset({partnership_id}))
        then = scope_of(db.session.get(User, account.id), dt.date(2019, 6, 1))
        assert then.partner_ids != scope.partner_ids and len(then.partner_ids) == 1
        assert then.chaired_body_ids == frozenset({chaired.id, ended.id})
        assert scope_of(db.session.get(User, nobody.id)) == Scope()


def test_a_stale_edit_gets_the_conflict_page(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    person_id = add_person(app, "Original Name")
    alice, bob = signed_in(Role.TEAM), signed_in(Role.TEAM)
    url = f"/people/{person_id}/edit"
    assert page(bob.get(url)).find("input", attrs={"name": "version"})["value"] == "1"
    assert alice.submit(url, {"name": "Alice's Name", "version": "1"}).status_code == 302
    conflict = bob.submit(url, {"name": "Bob's Name", "version": "1"})
    assert conflict.status_code == 409
    assert "Bob's Name" in page(conflict).get_text()
    assert [p[0] for p in _people(app)] == ["Alice's Name"]


@pytest.mark.parametrize("role", NOT_TEAM, ids=lambda role: role.value)
def test_other_roles_read_but_cannot_change_anything(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient], role: Role,
) -> None:
    person_id = add_person(app, "Read Only")
    client = signed_in(role)
    for url in ("/people", f"/people/{person_id}"):
        html = page(client.get(url))
        hrefs = [a.get("href", "") for a in html.find_all("a")]
        assert not [h for h in hrefs if h.endswith(("/new", "/edit"))], (url, hrefs)
    for url in ("/people/new", f"/people/{person_id}/edit"):
        assert client.get(url).status_code == 403
        response = client.post_with_token(url, {"name": "Changed", "version": "1"},
                                          token_from="/account")
        assert response.status_code == 403
    assert [p[0] for p in _people(app)] == ["Read Only"]

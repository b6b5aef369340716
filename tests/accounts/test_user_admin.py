"""The administrator creates an account in one step: its role, the partnerships it serves,
who it is in the register and their agency; bad input is refused next to its field with
nothing saved."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Agency, Person
from tests.support.client import BrowserLikeClient, page
from tests.support.partnerships import add_partnership

EMAIL = "new.chair@example.org"
FIRST = "a first passphrase for the chair"


def _agency(app: Flask, partnership_id: int, name: str) -> int:
    with app.app_context():
        agency = Agency(partnership_id=partnership_id, name=name)
        db.session.add(agency)
        db.session.commit()
        return agency.id


def _account(app: Flask, email: str = EMAIL) -> User | None:
    with app.app_context():
        user = db.session.scalars(sa.select(User).where(User.email == email)).first()
        if user is not None:
            user.partnership_ids  # noqa: B018 - load the links before the session ends
            db.session.expunge(user)
        return user


def _error_next_to(response, field: str) -> str:  # type: ignore[no-untyped-def]
    found = page(response).find(id=f"{field}-error")
    assert found is not None, f"no error next to {field}"
    return found.get_text(" ", strip=True)


def _new(admin: BrowserLikeClient, **data: object):  # type: ignore[no-untyped-def]
    return admin.submit("/users/new", {"name": "Nia Chair", "email": EMAIL, "role": "chair",
                                       "password": FIRST, **data})


def test_an_account_that_serves_no_partnership_is_refused_and_nothing_is_saved(
        app: Flask, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_partnership(app, "north")
    admin = signed_in(Role.ADMIN)
    response = _new(admin, person="new", job_title="Head of Safeguarding")
    assert response.status_code == 200
    assert page(response).title is not None and page(response).title.text.startswith("Error: ")
    assert "Select at least one partnership" in _error_next_to(response, "partnerships")
    assert _account(app) is None
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 0


def test_one_step_makes_a_chair_with_a_new_person_and_their_agency(
        app: Flask, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    north, south = add_partnership(app, "north"), add_partnership(app, "south")
    agency = _agency(app, north, "North Health Trust")
    admin = signed_in(Role.ADMIN)
    form = admin.get("/users/new").get_data(as_text=True)
    assert "North Health Trust" in form and "Partnerships this account serves" in form
    response = _new(admin, partnerships=[north, south], person="new",
                    job_title="Designated Nurse", agency=agency)
    assert response.status_code == 302
    user = _account(app)
    assert user is not None and user.partnership_ids == {north, south}
    with app.app_context():
        person = db.session.scalars(sa.select(Person).where(Person.user_id == user.id)).one()
        assert (person.name, person.job_title, person.agency_id) == (
            "Nia Chair", "Designated Nurse", agency)
    detail = admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "NORTH Partnership" in detail and "Designated Nurse" in detail


def test_an_existing_person_is_linked_and_one_linked_elsewhere_is_refused(
        app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
        make_user: Callable[..., User]) -> None:
    north = add_partnership(app, "north")
    other = make_user(Role.AGENCY)
    with app.app_context():
        free, taken = Person(name="Free Person"), Person(name="Taken Person", user_id=other.id)
        db.session.add_all([free, taken])
        db.session.commit()
        free_id, taken_id = free.id, taken.id
    admin = signed_in(Role.ADMIN)
    response = _new(admin, partnerships=north, person=taken_id)
    assert response.status_code == 200  # not offered: the form refuses the choice
    assert _error_next_to(response, "person")
    assert _account(app) is None
    response = _new(admin, partnerships=north, person=free_id)
    assert response.status_code == 302
    user = _account(app)
    with app.app_context():
        assert db.session.get(Person, free_id).user_id == user.id  # type: ignore[union-attr]


def test_an_agency_of_a_partnership_the_account_does_not_serve_is_refused(
        app: Flask, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    north, south = add_partnership(app, "north"), add_partnership(app, "south")
    southern = _agency(app, south, "South Police")
    admin = signed_in(Role.ADMIN)
    response = _new(admin, partnerships=north, person="new", agency=southern)
    assert "partnership this account serves" in _error_next_to(response, "agency")
    response = _new(admin, partnerships=north, person="", agency=_agency(app, north, "North LA"))
    assert "Select the person" in _error_next_to(response, "agency")
    response = _new(admin, partnerships=north, person="", job_title="Chair")
    assert _error_next_to(response, "job_title")
    assert _account(app) is None
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 0


def test_editing_changes_the_partnerships_and_an_administrator_serves_all(
        app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
        make_user: Callable[..., User]) -> None:
    north, south = add_partnership(app, "north"), add_partnership(app, "south")
    officer = make_user(Role.TEAM, partnerships=[north])
    admin = signed_in(Role.ADMIN)
    url = f"/users/{officer.id}/edit"
    shown = page(admin.get(url))
    checked = {int(box["value"]) for box in shown.select('input[name="partnerships"]')
               if box.has_attr("checked")}
    assert checked == {north}
    base = {"name": officer.name, "email": officer.email, "version": officer.version}
    refused = admin.submit(url, {**base, "role": "team"})
    assert "Select at least one partnership" in _error_next_to(refused, "partnerships")
    assert admin.submit(url, {**base, "role": "team", "partnerships": south}).status_code == 302
    assert _account(app, officer.email).partnership_ids == {south}  # type: ignore[union-attr]
    fresh = _account(app, officer.email)
    assert admin.submit(url, {**base, "version": fresh.version,  # type: ignore[union-attr]
                              "role": "admin"}).status_code == 302
    promoted = _account(app, officer.email)
    assert promoted is not None and promoted.role is Role.ADMIN
    assert promoted.partnership_ids == frozenset()

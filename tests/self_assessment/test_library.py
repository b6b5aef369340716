"""The standards library: a set started from the starter set or from nothing, standards
added, changed, moved and removed (not once a round has asked about them)."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.extensions import db
from partnership.policy import Role
from partnership.scales.models import GradeScale
from partnership.self_assessment.models import Standard, StandardSet
from tests.conftest import PASSWORD
from tests.register.records import add_area
from tests.self_assessment import add_round, base
from tests.support.client import BrowserLikeClient, page


def sign_in(app: Flask, user: User) -> BrowserLikeClient:
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    return client


def titles(app: Flask, set_id: int) -> list[tuple[int, str, str]]:
    with app.app_context():
        return [(s.position, s.number, s.title) for s in db.session.scalars(
            sa.select(Standard).where(Standard.set_id == set_id)
            .order_by(Standard.position))]


def test_the_team_keeps_a_standards_set(app: Flask, make_user: Callable[..., User]) -> None:
    add_area(app, "northshire")
    team = sign_in(app, make_user(Role.TEAM))
    home = base("northshire")
    # The schools starter set, graded on the starter ratings.
    response = team.post_with_token(f"{home}/sets/starter", {"kind": "schools"},
                                    token_from=home)
    with app.app_context():
        schools = db.session.scalars(sa.select(StandardSet)).one()
        assert (schools.name, schools.scale.name) == (
            "Schools and settings safeguarding standards", "Self-assessment ratings")
        assert [s.title for s in schools.standards][:2] == [
            "Designated safeguarding lead", "Safeguarding and child protection policy"]
        scale_id = db.session.scalars(sa.select(GradeScale.id).where(
            GradeScale.name == "Self-assessment ratings")).one()
    assert response.headers["Location"].endswith(f"/sets/{schools.id}")

    # A set of its own: the name must be new in the partnership.
    response = team.submit(f"{home}/sets/new", {"name": schools.name, "kind": "section_11",
                                                "scale": str(scale_id)})
    assert response.status_code == 200
    assert "already has a standards set with this name" in page(response).select_one(
        ".govuk-error-message").text
    response = team.submit(f"{home}/sets/new", {"name": "Voluntary sector standards",
                                                "kind": "section_11", "scale": str(scale_id)})
    assert response.status_code == 302
    set_url = response.headers["Location"]
    set_id = int(set_url.rsplit("/", 1)[1])
    for number, title in (("1", "Leadership"), ("2", "Safer recruitment"), ("3", "Training")):
        response = team.submit(f"{set_url}/standards/new", {"number": number, "title": title})
        assert response.status_code == 302
    refused = team.submit(f"{set_url}/standards/new", {"number": "2", "title": "Again"})
    assert "already has a standard 2" in page(refused).get_text()
    ids = {title: _standard_id(app, set_id, title) for _, _, title in titles(app, set_id)}
    # Changed, moved up, removed.
    edit_url = f"{home}/standards/{ids['Training']}/edit"
    shown = page(team.get(edit_url))
    version = shown.select_one("input[name=version]")["value"]
    assert team.submit(edit_url, {"number": "3", "title": "Training and induction",
                                  "version": version}).status_code == 302
    team.post_with_token(f"{home}/standards/{ids['Training']}/move/up", token_from=set_url)
    assert titles(app, set_id) == [(1, "1", "Leadership"), (2, "3", "Training and induction"),
                                   (3, "2", "Safer recruitment")]
    team.post_with_token(f"{home}/standards/{ids['Leadership']}/remove", token_from=set_url)
    assert titles(app, set_id) == [(1, "3", "Training and induction"),
                                   (2, "2", "Safer recruitment")]
    # Others read the library but do not change it.
    chair = sign_in(app, make_user(Role.CHAIR))
    shown = chair.get(set_url)
    assert shown.status_code == 200
    assert page(shown).select("main form") == []


def _standard_id(app: Flask, set_id: int, title: str) -> int:
    with app.app_context():
        return db.session.scalars(sa.select(Standard.id).where(
            Standard.set_id == set_id, Standard.title == title)).one()


def test_a_standard_asked_about_in_a_round_stays(app: Flask,
                                                 make_user: Callable[..., User]) -> None:
    add_area(app, "northshire")
    add_round(app, "northshire", launch=False)
    with app.app_context():
        standard = db.session.scalars(sa.select(Standard).order_by(Standard.id)).first()
        standard_id, set_id, count = standard.id, standard.set_id, len(
            standard.standard_set.standards)
    team = sign_in(app, make_user(Role.TEAM))
    set_url = f"{base('northshire')}/sets/{set_id}"
    response = team.post_with_token(f"{base('northshire')}/standards/{standard_id}/remove",
                                    token_from=set_url, follow_redirects=True)
    assert "used by a round" in page(response).get_text()
    assert len(titles(app, set_id)) == count

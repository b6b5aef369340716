"""Grading scales through the pages: the team sets one up best first, reorders and removes
grades; a grade answers give stays; everyone reads; the starter scales."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Partnership
from partnership.scales.models import GradeScale
from partnership.scales.services import STARTER_SCALES, starter_scales
from tests.case_audits.records import AuditWorld, add_audit, build
from tests.meetings import sign_in
from tests.register.builders import field_error
from tests.support.client import BrowserLikeClient, page


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> AuditWorld:
    return build(app, make_user)


def _labels(app: Flask, scale_id: int) -> list[tuple[str, bool]]:
    with app.app_context():
        scale = db.session.get_one(GradeScale, scale_id)
        return [(g.label, g.is_gap) for g in scale.grades]


def test_the_team_sets_up_a_scale_best_first_and_reorders_it(
        app: Flask, world: AuditWorld) -> None:
    team = sign_in(app, world.team)
    base = f"/partnerships/{world.slug}/scales"
    created = team.submit(f"{base}/new", {"name": "Ofsted-style grades",
                                          "description": "Four grades"})
    assert created.status_code == 302
    url = created.headers["Location"].split("#")[0]
    scale_id = int(url.rsplit("/", 1)[1])
    for label, gap in (("Outstanding", False), ("Inadequate", True), ("Good", False)):
        data = {"label": label, **({"is_gap": "y"} if gap else {})}
        assert team.submit(f"{url}/grades/new", data).status_code == 302
    # The same label twice is refused next to the field.
    again = team.submit(f"{url}/grades/new", {"label": "good"})
    assert "already has a grade called good" in (field_error(page(again), "label") or "")
    with app.app_context():
        good = next(g for g in db.session.get_one(GradeScale, scale_id).grades
                    if g.label == "Good")
        good_id = good.id
    moved = team.post_with_token(f"{url}/grades/{good_id}/move", {"direction": "up"},
                                 token_from=url)
    assert moved.status_code == 302
    assert _labels(app, scale_id) == [("Outstanding", False), ("Good", False),
                                      ("Inadequate", True)]
    shown = page(team.get(url)).get_text(" ", strip=True)
    assert "Outstanding" in shown and "Needs an action" in shown
    removed = team.submit(f"{url}/grades/{good_id}/remove", {})
    assert removed.status_code == 302
    assert _labels(app, scale_id) == [("Outstanding", False), ("Inadequate", True)]
    assert "Ofsted-style grades" in page(team.get(base)).get_text()


def test_a_grade_that_answers_give_cannot_be_removed(app: Flask, world: AuditWorld) -> None:
    add_audit(app, world, agencies=("Police",), cases=1, questions=1, grades={"Police": [2]})
    team = sign_in(app, world.team)
    with app.app_context():
        grade = db.session.get_one(GradeScale, world.scale_id).grades[1]
        grade_id, label = grade.id, grade.label
    url = f"/partnerships/{world.slug}/scales/{world.scale_id}"
    refused = team.submit(f"{url}/grades/{grade_id}/remove", {}, follow_redirects=True)
    assert f"{label} cannot be removed: 1 answer gives it" in page(refused).get_text()
    assert (label, True) in _labels(app, world.scale_id)
    assert "the case audit “Neglect audit”" in page(team.get(url)).get_text()


def test_renaming_a_scale_from_an_old_page_conflicts(app: Flask, world: AuditWorld) -> None:
    url = f"/partnerships/{world.slug}/scales/{world.scale_id}/edit"
    first, second = sign_in(app, world.team), sign_in(app, world.team)
    forms = {c: page(c.get(url)) for c in (first, second)}

    def post(client: BrowserLikeClient, name: str) -> int:
        html = forms[client]
        return client.post(url, data={
            "csrf_token": html.find("input", attrs={"name": "csrf_token"})["value"],
            "version": html.find("input", attrs={"name": "version"})["value"],
            "name": name, "description": ""}).status_code

    assert post(first, "Audit grades") == 302
    assert post(second, "Case grades") == 409
    assert _labels(app, world.scale_id)  # unchanged grades
    with app.app_context():
        assert db.session.get_one(GradeScale, world.scale_id).name == "Audit grades"


def test_everyone_reads_scales_and_only_the_team_changes_them(
        app: Flask, world: AuditWorld, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    url = f"/partnerships/{world.slug}/scales/{world.scale_id}"
    for role in (Role.CHAIR, Role.AGENCY, Role.PARTNER, Role.SCRUTINEER):
        client = signed_in(role)
        html = page(client.get(url))
        assert "Case audit grades" in html.get_text(), role
        assert html.find("a", string="Add a grade") is None, role
        assert client.get(f"{url}/edit").status_code == 403, role


def test_starter_scales_are_added_once(app: Flask, world: AuditWorld) -> None:
    with app.app_context():
        partnership = db.session.get_one(Partnership, world.partnership_id)
        again = starter_scales(partnership)
        assert set(again) == set(STARTER_SCALES)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(GradeScale).where(
            GradeScale.partnership_id == world.partnership_id)) == len(STARTER_SCALES)

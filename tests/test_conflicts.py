"""Never lose an edit: stale forms get a conflict page; a lost race becomes an EditConflict."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from partnership.accounts.models import User
from partnership.audit.models import AuditEvent
from partnership.editing import EditConflict, commit_edit
from partnership.extensions import db
from partnership.policy import Role
from tests.support.client import BrowserLikeClient, csrf_token_from, page
from tests.support.partnerships import add_partnership


def _saved(app: Flask, user_id: int) -> tuple[str, str, Role, int]:
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        return user.name, user.email, user.role, user.version


def _updates(app: Flask, user_id: int) -> list[AuditEvent]:
    with app.app_context():
        found = db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "update",
                                        AuditEvent.record_type == "user_account",
                                        AuditEvent.record_id == str(user_id))
            .order_by(AuditEvent.id)
        ).all()
        db.session.expunge_all()
    return list(found)


def test_a_stale_form_gets_the_conflict_page_and_can_then_overwrite(
    app: Flask, make_user: Callable[..., User],
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    serves = add_partnership(app, "north")
    target = make_user(Role.PARTNER, name="Original Name", email="original@example.org")
    url = f"/users/{target.id}/edit"
    alice, bob = signed_in(Role.ADMIN), signed_in(Role.ADMIN)

    # Both open the edit form at the same version.
    form_a, form_b = page(alice.get(url)), page(bob.get(url))
    opened_at = str(target.version)
    for form in (form_a, form_b):
        assert form.find("input", attrs={"name": "version"})["value"] == opened_at

    # A saves first.
    saved = alice.post(url, data={
        "csrf_token": form_a.find("input", attrs={"name": "csrf_token"})["value"],
        "version": opened_at, "name": "Alice's Name", "email": "original@example.org",
        "role": "chair", "partnerships": serves,
    })
    assert saved.status_code == 302
    a_values = ("Alice's Name", "original@example.org", Role.CHAIR, target.version + 1)
    assert _saved(app, target.id) == a_values

    # B saves from the version they opened: 409, their values beside A's, nothing saved.
    conflict = bob.post(url, data={
        "csrf_token": form_b.find("input", attrs={"name": "csrf_token"})["value"],
        "version": opened_at, "name": "Bob's Name", "email": "bob.choice@example.org",
        "role": "partner", "partnerships": serves,
    })
    assert conflict.status_code == 409
    html = page(conflict)
    table = {
        tr.find("th").get_text(" ", strip=True).replace(" Different", ""):
            [td.get_text(strip=True) for td in tr.find_all("td")]
        for tr in html.find("tbody").find_all("tr")
    }
    assert table["Full name"] == ["Bob's Name", "Alice's Name"]
    assert table["Email address"] == ["bob.choice@example.org", "original@example.org"]
    assert table["Role"] == ["Statutory partner representative", "Chair"]  # labels, not codes
    assert _saved(app, target.id) == a_values
    (only_update,) = _updates(app, target.id)
    assert only_update.actor == alice.user.email  # type: ignore[attr-defined]
    assert only_update.changes == {"name": ["Original Name", "Alice's Name"],
                                   "role": ["partner", "chair"]}

    # The conflict page's form carries the current version and B's values ...
    form = html.find("form", attrs={"method": "post", "class": None})
    hidden = {i["name"]: i["value"] for i in form.find_all("input", attrs={"type": "hidden"})}
    assert hidden["version"] == str(target.version + 1)
    assert (hidden["name"], hidden["email"], hidden["role"]) == (
        "Bob's Name", "bob.choice@example.org", "partner")
    assert form.find("button", string=lambda s: s and "Save my values over the saved ones" in s)

    # ... so "Save my values over the saved ones" now succeeds.
    action = form.get("action") or url
    overwritten = bob.post(action, data=hidden)
    assert overwritten.status_code == 302
    assert _saved(app, target.id) == (
        "Bob's Name", "bob.choice@example.org", Role.PARTNER, target.version + 2)
    updates = _updates(app, target.id)
    assert [u.actor for u in updates] == [alice.user.email, bob.user.email]  # type: ignore[attr-defined]
    assert updates[1].changes == {
        "name": ["Alice's Name", "Bob's Name"],
        "email": ["original@example.org", "bob.choice@example.org"],
        "role": ["chair", "partner"],
    }


def test_a_forged_old_version_never_moves_the_counter_back(
    app: Flask, make_user: Callable[..., User],
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    serves = add_partnership(app, "north")
    target = make_user(Role.TEAM, name="Counter Person")
    admin = signed_in(Role.ADMIN)
    url = f"/users/{target.id}/edit"
    assert admin.submit(url, {"name": "Counter Two", "email": target.email, "role": "team",
                              "version": str(target.version),
                              "partnerships": serves}).status_code == 302
    token = csrf_token_from(admin.get(url))
    for forged in (str(target.version), "0", "-1", "abc", ""):
        response = admin.post(url, data={"csrf_token": token, "version": forged,
                                          "name": "Forged", "email": target.email,
                                          "role": "admin", "partnerships": serves})
        assert response.status_code == 409, forged
    assert _saved(app, target.id) == ("Counter Two", target.email, Role.TEAM,
                                      target.version + 1)


def test_version_id_col_catches_two_sessions_racing(
    app: Flask, make_user: Callable[..., User],
) -> None:
    target = make_user(Role.TEAM, name="Raced Person")
    with app.app_context(), Session(db.engine) as first, Session(db.engine) as second:
        mine = first.get(User, target.id)
        theirs = second.get(User, target.id)
        assert mine is not None and theirs is not None
        assert mine.version == theirs.version == target.version
        mine.name = "First Writer"
        first.commit()
        theirs.name = "Second Writer"
        with pytest.raises(StaleDataError):
            second.flush()
        second.rollback()
    assert _saved(app, target.id)[0] == "First Writer"
    assert _saved(app, target.id)[3] == target.version + 1


def test_commit_edit_turns_a_lost_race_into_an_edit_conflict(
    app: Flask, make_user: Callable[..., User],
) -> None:
    target = make_user(Role.TEAM, name="Raced Person")
    with app.app_context():
        user = db.session.get(User, target.id)
        assert user is not None
        user.name = "Slow Writer"
        with Session(db.engine) as other:
            winner = other.get(User, target.id)
            assert winner is not None
            winner.name = "Fast Writer"
            other.commit()
        with pytest.raises(EditConflict) as raised:
            commit_edit(user, {"name": "Slow Writer"})
        conflict = raised.value
        assert conflict.values == {"name": "Slow Writer"}
        assert conflict.obj.name == "Fast Writer"
        assert conflict.obj.version == target.version + 1
    assert _saved(app, target.id)[0] == "Fast Writer"
    assert [u.changes for u in _updates(app, target.id)] == [
        {"name": ["Raced Person", "Fast Writer"]}]

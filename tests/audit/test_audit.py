"""The audit trail: one row per change, sign-in and sign-out, append-only, searchable (ASVS V16)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import DatabaseError

from partnership.accounts.models import User
from partnership.audit.models import AuditEvent
from partnership.audit.services import REDACTED
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Agency
from tests.conftest import PASSWORD
from tests.support.client import BrowserLikeClient, page
from tests.support.partnerships import add_partnership

NEW_PASSWORD = "a fresh and rather long passphrase"


def rows(app: Flask, *where: Any) -> list[AuditEvent]:
    """Return audit rows (detached), oldest first."""
    with app.app_context():
        found = db.session.scalars(
            sa.select(AuditEvent).where(*where).order_by(AuditEvent.id)
        ).all()
        db.session.expunge_all()
    return list(found)


def count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) or 0


def get_user(app: Flask, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user is not None
        db.session.expunge(user)
    return user


@pytest.fixture
def north(app: Flask) -> int:
    """A partnership for the accounts the administrator edits to serve."""
    return add_partnership(app, "north")


# --- changes to records -----------------------------------------------------------------


def test_creating_a_user_writes_one_create_row(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    admin = signed_in(Role.ADMIN)
    serves = add_partnership(app, "north")
    started = dt.datetime.now(dt.UTC)
    response = admin.submit(
        "/users/new",
        {"name": "Nadia Newcomer", "email": "Nadia@Example.org", "role": "chair",
         "password": NEW_PASSWORD, "partnerships": serves},
    )
    assert response.status_code == 302
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])

    (row,) = rows(app, AuditEvent.action == "create", AuditEvent.record_type == "user_account",
                  AuditEvent.record_id == str(new_id))
    assert row.user_id == admin.user.id  # type: ignore[attr-defined]
    assert row.actor == admin.user.email  # type: ignore[attr-defined]
    assert row.role == "admin"
    assert row.outcome == "success"
    assert row.request_id == response.headers["X-Request-ID"]
    assert row.client_addr == "127.0.0.1"
    assert row.at.tzinfo is not None and row.at.utcoffset() == dt.timedelta(0)
    assert started - dt.timedelta(seconds=5) <= row.at <= dt.datetime.now(dt.UTC)
    assert row.changes["name"] == [None, "Nadia Newcomer"]
    assert row.changes["email"] == [None, "nadia@example.org"]
    assert row.changes["role"] == [None, "chair"]
    assert row.changes["password_hash"] == REDACTED
    # Nothing else was recorded as a change by this request but the partnership it serves.
    others = [r for r in rows(app, AuditEvent.request_id == row.request_id) if r.id != row.id]
    assert [(r.action, r.record_type) for r in others] == [("create", "user_partnership")]
    assert others[0].partnerships == f",{serves},"


def test_an_edit_writes_one_row_with_only_the_changed_fields(
    app: Flask, north: int, make_user: Callable[..., User],
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    target = make_user(Role.PARTNER, name="Pat Partner")
    admin = signed_in(Role.ADMIN)
    before = count(app)
    response = admin.submit(
        f"/users/{target.id}/edit",
        {"name": "Pat Partner-Jones", "email": target.email, "role": "agency",
         "version": str(target.version), "partnerships": north},
    )
    assert response.status_code == 302
    assert count(app) == before + 1
    (row,) = rows(app, AuditEvent.action == "update", AuditEvent.record_id == str(target.id))
    assert row.record_type == "user_account"
    assert row.actor == admin.user.email  # type: ignore[attr-defined]
    assert row.role == "admin"
    assert row.changes == {"name": ["Pat Partner", "Pat Partner-Jones"],
                           "role": ["partner", "agency"]}


def test_a_save_that_changes_nothing_writes_no_row(
    app: Flask, north: int, make_user: Callable[..., User],
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    target = make_user(Role.PARTNER, name="Pat Partner")
    admin = signed_in(Role.ADMIN)
    before = count(app)
    response = admin.submit(
        f"/users/{target.id}/edit",
        # the same values, typed a little differently (the email is normalised)
        {"name": " Pat Partner ", "email": target.email.upper(), "role": "partner",
         "version": str(target.version), "partnerships": north},
    )
    assert response.status_code == 302
    assert count(app) == before
    assert get_user(app, target.id).version == target.version


def test_passwords_are_recorded_as_redacted_and_hashes_never_appear(
    app: Flask, make_user: Callable[..., User],
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    target = make_user(Role.AGENCY)
    admin = signed_in(Role.ADMIN)
    # An administrator sets a new first password ...
    assert admin.submit(f"/users/{target.id}/password",
                        {"password": NEW_PASSWORD}).status_code == 302
    # ... and a user changes their own.
    user = signed_in(Role.TEAM)
    response = user.submit("/account/password",
                           {"current_password": PASSWORD, "password": NEW_PASSWORD})
    assert response.status_code == 302

    for user_id in (target.id, user.user.id):  # type: ignore[attr-defined]
        (row,) = rows(app, AuditEvent.action == "update", AuditEvent.record_id == str(user_id))
        assert row.changes["password_hash"] == REDACTED
        assert "password_changed_at" in row.changes

    with app.app_context():
        hashes = db.session.scalars(sa.select(User.password_hash)).all()
    everything = json.dumps([
        [r.actor, r.action, r.record_type, r.record_id, r.outcome, r.changes]
        for r in rows(app)
    ])
    for secret in (*hashes, target.password_hash, user.user.password_hash,  # type: ignore[attr-defined]
                   PASSWORD, NEW_PASSWORD):
        assert secret not in everything
    assert "$argon2" not in everything
    shown = admin.get("/audit").get_data(as_text=True)
    assert "$argon2" not in shown and REDACTED in shown


# --- signing in and out -----------------------------------------------------------------


def test_sign_in_success_failure_locked_and_sign_out_are_recorded(
    make_app: Callable[..., Flask], make_user: Callable[..., User],
) -> None:
    app = make_app(SIGN_IN_MAX_FAILURES=2)
    user = make_user(Role.CHAIR)
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    sign_in_rows = (AuditEvent.action.in_(["sign-in", "sign-out"]),)

    assert client.sign_in(user.email, PASSWORD).status_code == 302
    assert client.sign_out().status_code == 302
    assert client.sign_in(user.email, "not the password").status_code == 200
    assert client.sign_in(user.email.upper(), "still not it").status_code == 200
    assert client.sign_in(user.email, PASSWORD).status_code == 429  # locked, though correct
    assert client.sign_in("nobody@example.org", PASSWORD).status_code == 200

    recorded = [(r.action, r.outcome, r.actor, r.user_id, r.record_type, r.record_id)
                for r in rows(app, *sign_in_rows)]
    me = (user.email, user.id, "user_account", str(user.id))
    assert recorded == [
        ("sign-in", "success", *me),
        ("sign-out", "success", *me),
        ("sign-in", "failure", *me),
        ("sign-in", "failure", *me),
        ("sign-in", "locked", *me),
        ("sign-in", "failure", "nobody@example.org", None, None, None),
    ]
    for row in rows(app, *sign_in_rows):
        assert row.request_id and row.client_addr == "127.0.0.1"
        assert row.at.utcoffset() == dt.timedelta(0)
    assert all(r.role == "chair" for r in rows(app, *sign_in_rows)[:5])


# --- append-only ------------------------------------------------------------------------


APPEND_ONLY_VIOLATIONS = [
    "UPDATE audit_event SET action = 'tampered'",
    "UPDATE audit_event SET changes = NULL WHERE id = (SELECT min(id) FROM audit_event)",
    "DELETE FROM audit_event",
    "DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)",
]


def test_the_audit_table_is_append_only(
    app: Flask, make_user: Callable[..., User], backend: str,
) -> None:
    make_user(Role.TEAM)  # writes a create row
    before = [(r.id, r.action, r.changes) for r in rows(app)]
    assert before
    statements = [*APPEND_ONLY_VIOLATIONS, *(["TRUNCATE audit_event"]
                                             if backend == "postgresql" else [])]
    for statement in statements:
        with app.app_context():
            with pytest.raises(DatabaseError):
                db.session.execute(sa.text(statement))
                db.session.commit()
            db.session.rollback()
        assert [(r.id, r.action, r.changes) for r in rows(app)] == before, statement

    # The ORM is refused too.
    with app.app_context():
        row = db.session.scalars(sa.select(AuditEvent)).first()
        assert row is not None
        row.action = "tampered"
        with pytest.raises(DatabaseError):
            db.session.commit()
        db.session.rollback()
        db.session.delete(db.session.scalars(sa.select(AuditEvent)).first())
        with pytest.raises(DatabaseError):
            db.session.commit()
        db.session.rollback()
    assert [(r.id, r.action, r.changes) for r in rows(app)] == before


# --- searching and history --------------------------------------------------------------


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


SEEDED = [
    # actor, action, record_type, record_id, at
    ("alice@example.org", "export", "report", "41", "2020-01-10T12:00:00"),
    ("alice@example.org", "export", "report", "41", "2020-01-20T12:00:00"),
    ("alice@example.org", "view", "report", "42", "2020-02-05T23:59:00"),
    ("bob@example.org", "view", "user_account", "7", "2020-01-15T08:00:00"),
    ("bob@example.org", "view", "user_account", "7", "2020-03-01T00:00:00"),
    *[("carol_x@example.org", "export", "pack", "p", f"2021-06-01T10:{i:02d}:00")
      for i in range(12)],
]


@pytest.fixture
def seeded(app: Flask) -> Flask:
    with app.app_context():
        db.session.add_all(
            AuditEvent(actor=actor, action=action, record_type=rtype, record_id=rid, at=_at(at))
            for actor, action, rtype, rid, at in SEEDED
        )
        db.session.commit()
    app.config["PAGE_SIZE"] = 5
    return app


def results(response: Any) -> tuple[int, list[tuple[str, str, str]]]:
    """Return the total and the (who, action, record) of each row shown."""
    assert response.status_code == 200
    html = page(response)
    table = html.find("table", class_="govuk-table")
    if table is None:
        return 0, []
    total = int(table.find("caption").get_text().split()[0])
    shown = []
    for tr in table.find("tbody").find_all("tr"):
        cells = tr.find_all("td")
        who = cells[1].contents[0].strip()
        shown.append((who, cells[2].get_text(" ", strip=True),
                      " ".join(cells[3].get_text().split())))
    return total, shown


def test_search_filters_by_user_action_record_and_dates(
    seeded: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    client = signed_in(Role.TEAM)

    total, shown = results(client.get("/audit?actor=ALICE"))
    assert total == 3 and {who for who, _, _ in shown} == {"alice@example.org"}

    total, shown = results(client.get("/audit?action=view"))
    assert total == 3 and all(action == "view" for _, action, _ in shown)

    total, shown = results(client.get("/audit?record_type=report&record_id=41"))
    assert total == 2 and all(record == "report 41" for _, _, record in shown)

    total, shown = results(client.get("/audit?record_type=user_account&record_id=7&action=view"))
    assert total == 2 and all(who == "bob@example.org" for who, _, _ in shown)

    # Dates are inclusive whole UTC days.
    total, shown = results(client.get("/audit?date_from=2020-01-12&date_to=2020-02-05"))
    assert total == 3
    assert [who for who, _, _ in shown] == [
        "alice@example.org", "alice@example.org", "bob@example.org"]
    total, _ = results(client.get("/audit?date_from=2020-02-06&date_to=2020-03-01"))
    assert total == 1
    total, _ = results(client.get("/audit?actor=alice&date_to=2020-01-10"))
    assert total == 1

    # LIKE wildcards in the user filter are taken literally.
    assert results(client.get("/audit?actor=%25"))[0] == 0
    assert results(client.get("/audit?actor=carol_x"))[0] == 12
    assert results(client.get("/audit?actor=carol%25x"))[0] == 0


def test_search_paginates_newest_first_and_keeps_the_filters(
    seeded: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    client = signed_in(Role.ADMIN)
    first = client.get("/audit?actor=carol_x&action=export")
    total, page_one = results(first)
    assert total == 12 and len(page_one) == 5
    next_link = page(first).find("a", rel="next")
    assert next_link is not None
    href = str(next_link["href"])
    assert "actor=carol_x" in href and "action=export" in href and "page=2" in href
    page_two = results(client.get(href))[1]
    page_three = results(client.get("/audit?actor=carol_x&action=export&page=3"))[1]
    assert len(page_two) == 5 and len(page_three) == 2
    assert client.get("/audit?actor=carol_x&page=4").status_code == 404

    # newest first, no row twice: read the times back from the pages
    times = []
    for number in (1, 2, 3):
        html = page(client.get(f"/audit?actor=carol_x&page={number}"))
        times += [tr.find("td").get_text(strip=True)
                  for tr in html.find("table").find("tbody").find_all("tr")]
    assert len(set(times)) == 12
    assert times == sorted(times, reverse=True)


def test_the_user_page_shows_that_record_s_history(
    app: Flask, north: int, make_user: Callable[..., User],
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    target = make_user(Role.TEAM, name="Historic Person")
    other = make_user(Role.TEAM, name="Unrelated Person")
    admin = signed_in(Role.ADMIN)
    admin.submit(f"/users/{target.id}/edit",
                 {"name": "Renamed Person", "email": target.email, "role": "team",
                  "version": str(target.version), "partnerships": north})
    admin.submit(f"/users/{other.id}/edit",
                 {"name": "Other Renamed", "email": other.email, "role": "team",
                  "version": str(other.version), "partnerships": north})
    html = page(admin.get(f"/users/{target.id}"))
    history = html.find("caption", string=lambda s: s and "History" in s).find_parent("table")
    text = " ".join(history.get_text(" ").split())
    assert "Changed user" in text and "Historic Person → Renamed Person" in text
    assert "Added user" in text
    assert "Other Renamed" not in text and "Unrelated Person" not in text
    body = [tr.find_all("td")[2].p.get_text(strip=True)
            for tr in history.find("tbody").find_all("tr")]
    assert body == ["Changed user: Renamed Person", "Added user: Historic Person"]  # newest first


@pytest.mark.parametrize("role", [Role.ADMIN, Role.TEAM, Role.PARTNER], ids=lambda r: r.value)
def test_team_and_admin_can_search_and_others_cannot(
    role: Role, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    """Spot checks; tests/test_authorization.py walks every role."""
    expected = 200 if role in (Role.ADMIN, Role.TEAM) else 403
    assert signed_in(role).get("/audit").status_code == expected


def test_a_team_officer_reads_only_the_events_of_the_partnerships_they_serve(
    app: Flask, make_user: Callable[..., User],
) -> None:
    north, south = add_partnership(app, "north"), add_partnership(app, "south")
    with app.app_context():
        db.session.add_all([Agency(partnership_id=north, name="Northern Police"),
                            Agency(partnership_id=south, name="Southern Police")])
        db.session.commit()
        stored = {name: partnerships for name, partnerships in db.session.execute(
            sa.select(AuditEvent.changes["name"].as_string(), AuditEvent.partnerships)
            .where(AuditEvent.record_type == "agency"))}
    assert sorted(stored.values()) == [f",{north},", f",{south},"]

    officer = make_user(Role.TEAM, partnerships=[north])
    admin = make_user(Role.ADMIN)
    shown = {}
    for who in (officer, admin):
        client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
        assert client.sign_in(who.email, PASSWORD).status_code == 302
        html = page(client.get("/audit?record_type=agency"))
        shown[who.role] = html.get_text(" ")
    assert "Northern Police" in shown[Role.TEAM] and "Southern Police" not in shown[Role.TEAM]
    assert "Northern Police" in shown[Role.ADMIN] and "Southern Police" in shown[Role.ADMIN]

"""The operator's ``flask users ...`` commands: no default accounts, same rules as the web.

SECURITY.md 1a (a fresh database has no usable account; the first admin comes from the
command line with a secret read from stdin, never from argv) and 1h (changes are audited).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from partnership.accounts.models import User, UserSession
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.policy import Role
from tests.conftest import PASSWORD
from tests.support.partnerships import add_partnership

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

# These tests are about flows, not the hash: see test_passwords.py for that.

EMAIL = "first.admin@example.org"


def _create(runner, email: str = EMAIL, password: str = PASSWORD, *extra: str):
    return runner.invoke(
        args=["users", "create", email, "--role", "admin", "--name", "Ada Lovelace",
              "--password-stdin", *extra],
        input=f"{password}\n",
    )


def _users(app) -> list[User]:
    with app.app_context():
        users = list(db.session.scalars(sa.select(User).order_by(User.email)))
        db.session.expunge_all()
        return users


def test_a_freshly_migrated_database_has_no_accounts(app, runner):
    result = runner.invoke(args=["users", "list"])

    assert result.exit_code == 0
    assert result.output.strip() == ""
    assert _users(app) == []


def test_create_reads_the_password_from_stdin_and_the_account_works(app, runner):
    result = _create(runner)

    assert result.exit_code == 0, result.output
    assert f"Created {EMAIL} (admin)" in result.output
    assert PASSWORD not in result.output
    [user] = _users(app)
    assert (user.email, user.name, user.role, user.disabled) == (
        EMAIL, "Ada Lovelace", Role.ADMIN, False,
    )
    client = app.test_client()
    assert client.sign_in(EMAIL, PASSWORD).status_code == 302
    assert client.get("/users").status_code == 200


def test_create_refuses_a_weak_password_without_echoing_it(app, runner):
    for weak in ("password1234", "tqv8 rnzp 3", "Safeguarding2024!", "Ada Lovelace 99"):
        result = _create(runner, password=weak)

        assert result.exit_code != 0, weak
        assert "Password" in result.output, weak
        assert weak not in result.output
    assert _users(app) == []


def test_create_refuses_an_email_that_already_has_an_account(app, runner):
    assert _create(runner).exit_code == 0

    again = _create(runner, EMAIL.upper(), "another long passphrase here")

    assert again.exit_code != 0
    assert "already exists" in again.output
    assert len(_users(app)) == 1


def test_list_shows_each_account_with_role_and_state(app, runner, make_user):
    make_user(Role.TEAM, email="bea@example.org", name="Bea Team")
    make_user(Role.SCRUTINEER, email="cal@example.org", name="Cal Scrutiny", disabled=True)

    result = runner.invoke(args=["users", "list"])

    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "bea@example.org\tteam\tactive\tBea Team",
        "cal@example.org\tscrutineer\tdisabled\tCal Scrutiny",
    ]
    assert PASSWORD not in result.output
    assert "argon2" not in result.output


def test_disable_stops_sign_in_and_ends_the_live_session(app, runner, signed_in):
    person = signed_in(Role.TEAM)
    assert person.get("/account").status_code == 200

    result = runner.invoke(args=["users", "disable", person.user.email])

    assert result.exit_code == 0, result.output
    assert person.get("/account").status_code == 302
    assert app.test_client().sign_in(person.user.email, PASSWORD).status_code == 200
    with app.app_context():
        live = db.session.scalar(
            sa.select(sa.func.count(UserSession.id)).where(
                UserSession.user_id == person.user.id, UserSession.ended_at.is_(None)
            )
        )
    assert live == 0


def test_set_role_changes_what_the_person_can_do(app, runner, signed_in):
    person = signed_in(Role.TEAM)
    assert person.get("/users").status_code == 403

    result = runner.invoke(args=["users", "set-role", person.user.email, "admin"])

    assert result.exit_code == 0, result.output
    assert person.get("/users").status_code == 200


def test_commands_refuse_unknown_accounts_and_roles(app, runner, make_user):
    user = make_user(Role.TEAM)

    unknown = runner.invoke(args=["users", "disable", "nobody@example.org"])
    bad_role = runner.invoke(args=["users", "set-role", user.email, "superuser"])

    assert unknown.exit_code != 0
    assert "No account" in unknown.output
    assert bad_role.exit_code != 0
    [stored] = _users(app)
    assert stored.role == Role.TEAM


def test_command_line_changes_are_audited_as_cli(app, runner):
    assert _create(runner).exit_code == 0
    assert runner.invoke(args=["users", "set-role", EMAIL, "team"]).exit_code == 0
    assert runner.invoke(args=["users", "disable", EMAIL]).exit_code == 0

    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == EMAIL))
        events = list(db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.record_type == "user_account",
                   AuditEvent.record_id == str(user_id))
            .order_by(AuditEvent.id)
        ))
        rows = [(e.actor, e.user_id, e.action, e.changes) for e in events]

    assert [(actor, action) for actor, _, action, _ in rows] == [
        ("cli", "create"), ("cli", "update"), ("cli", "update"),
    ]
    created, role_change, disabling = (changes for _, _, _, changes in rows)
    assert created["email"] == [None, EMAIL]
    assert created["password_hash"] == "[redacted]"
    assert role_change == {"role": ["admin", "team"]}
    assert disabling == {"disabled": [False, True]}
    assert all(user_id is None for _, user_id, _, _ in rows)


def test_create_gives_an_account_the_partnerships_it_serves(app, runner):
    north = add_partnership(app, "north", "North Safeguarding Children Partnership")
    add_partnership(app, "south", "South Safeguarding Children Partnership")
    args = ["users", "create", "team@example.org", "--role", "team", "--password-stdin"]

    refused = runner.invoke(args=args, input=f"{PASSWORD}\n")
    assert refused.exit_code != 0 and "--partnership" in refused.output
    unknown = runner.invoke(args=[*args, "--partnership", "West"], input=f"{PASSWORD}\n")
    assert unknown.exit_code != 0 and "No partnership called West" in unknown.output
    assert _users(app) == []

    made = runner.invoke(args=[*args, "--partnership", "North Safeguarding Children Partnership"],
                         input=f"{PASSWORD}\n")
    assert made.exit_code == 0, made.output
    with app.app_context():
        [user] = db.session.scalars(sa.select(User)).all()
        assert set(user.partnership_ids) == {north}

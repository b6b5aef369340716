"""Two PostgreSQL roles: the owner migrates, the app's login role only reads and writes rows.

Followed as docs/production.md says: deploy/postgresql/create-roles.sql as a superuser,
``flask db upgrade`` as the owner, ``flask db-roles grant`` as the owner, the app as the app
role. Then the app role tries every way of rewriting the audit trail, and fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from psycopg import errors, sql

from config import TestConfig
from partnership import create_app
from partnership.accounts import services as accounts
from partnership.audit.models import AuditEvent
from partnership.audit.services import acting_as
from partnership.demo.loader import load_demo
from partnership.extensions import db
from partnership.operations import roles
from partnership.policy import Role
from tests.conftest import PASSWORD
from tests.operations.conftest import ROOT, needs_postgresql, role_url, run_tool
from tests.support.client import BrowserLikeClient
from tests.support.postgres import TempCluster

CREATE_ROLES = ROOT / "deploy" / "postgresql" / "create-roles.sql"


@dataclass
class Deployment:
    """A database set up the production way, and how to reach it as each role."""

    cluster: TempCluster
    owner: str
    app_role: str
    database: str

    def url(self, role: str) -> str:
        """Return the SQLAlchemy URL for connecting as ``role``."""
        return role_url(self.cluster, role, self.database)

    def connect(self, role: str) -> psycopg.Connection:
        """Open an autocommit connection as ``role``."""
        return psycopg.connect(host=str(self.cluster.socket), user=role, dbname=self.database,
                               autocommit=True)

    def flask(self, role: str, *args: str) -> tuple[int, str]:
        """Run a ``flask`` command with the app connected as ``role``."""
        app = build_app(self.url(role))
        try:
            result = app.test_cli_runner().invoke(args=list(args))
        finally:
            dispose(app)
        return result.exit_code, result.output


def build_app(url: str) -> Flask:
    """Build the real app on a database URL."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url)
    app.test_client_class = BrowserLikeClient
    return app


def dispose(app: Flask) -> None:
    """Close the app's connections."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def create_roles(cluster: TempCluster, owner: str, app_role: str, database: str) -> None:
    """Run deploy/postgresql/create-roles.sql as the superuser, as the guide says."""
    run_tool(cluster, "psql", "-X", "--username", "postgres", "--dbname", "postgres",
             "-v", f"owner_role={owner}", "-v", f"app_role={app_role}",
             "-v", f"database={database}", "-f", str(CREATE_ROLES))


def deploy(cluster: TempCluster) -> Deployment:
    """Create the roles and database, migrate as the owner and grant the app role."""
    tag = uuid.uuid4().hex[:8]
    deployment = Deployment(cluster, f"owner_{tag}", f"app_{tag}", f"tracker_{tag}")
    create_roles(cluster, deployment.owner, deployment.app_role, deployment.database)
    owner_app = build_app(deployment.url(deployment.owner))
    with owner_app.app_context():
        upgrade()
    dispose(owner_app)
    code, output = deployment.flask(deployment.owner, "db-roles", "grant",
                                    "--app-role", deployment.app_role)
    assert code == 0, output
    return deployment


def tear_down(deployment: Deployment) -> None:
    """Drop the database and both roles."""
    with deployment.cluster.connect() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(deployment.database)))
        for role in (deployment.app_role, deployment.owner):
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@pytest.fixture(scope="module")
def shared(request: pytest.FixtureRequest) -> Iterator[Deployment]:
    """One deployment for the tests that only try things (and leave it as it was)."""
    needs_postgresql(request.config)
    deployment = deploy(request.getfixturevalue("postgres_cluster"))
    yield deployment
    tear_down(deployment)


@pytest.fixture
def fresh(request: pytest.FixtureRequest) -> Iterator[Deployment]:
    """A deployment of its own, for tests that change privileges."""
    needs_postgresql(request.config)
    deployment = deploy(request.getfixturevalue("postgres_cluster"))
    yield deployment
    tear_down(deployment)


def _audit_state(deployment: Deployment) -> tuple[int, list[tuple[str, str]]]:
    with deployment.connect(deployment.owner) as conn:
        count = conn.execute("SELECT count(*) FROM audit_event").fetchone()[0]
        triggers = conn.execute(
            "SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'audit_event'::regclass "
            "AND NOT tgisinternal ORDER BY tgname").fetchall()
    return count, triggers


REFUSED = [
    "ALTER TABLE audit_event DISABLE TRIGGER ALL",
    "ALTER TABLE audit_event DISABLE TRIGGER USER",
    "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only",
    "DROP TRIGGER audit_event_append_only ON audit_event",
    "UPDATE audit_event SET actor = 'someone else'",
    "DELETE FROM audit_event",
    "TRUNCATE audit_event",
    "DROP TABLE audit_event",
    "DROP TABLE audit_event CASCADE",
    "ALTER TABLE audit_event RENAME TO audit_event_old",
    "ALTER TABLE audit_event OWNER TO CURRENT_USER",
    "DROP FUNCTION refuse_change_to_append_only() CASCADE",
    "CREATE OR REPLACE FUNCTION refuse_change_to_append_only() RETURNS trigger "
    "LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
    "SET session_replication_role = replica",
    "UPDATE progress_update SET id = id",
    "DELETE FROM progress_update",
    "TRUNCATE user_account CASCADE",
    "UPDATE alembic_version SET version_num = '0000'",
    "CREATE TABLE public.shadow_audit (id integer)",
]


def test_the_app_role_cannot_rewrite_or_remove_the_audit_trail(shared: Deployment) -> None:
    before = _audit_state(shared)
    assert before[1] == [("audit_event_append_only", "O")]
    allowed = []
    with shared.connect(shared.app_role) as conn:
        for statement in REFUSED:
            try:
                conn.execute(statement)
            except errors.InsufficientPrivilege:
                continue
            allowed.append(statement)
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(shared.owner)))
    assert allowed == []
    assert _audit_state(shared) == before


def test_the_app_role_appends_to_the_audit_trail_and_reads_and_writes_other_tables(
    shared: Deployment,
) -> None:
    with shared.connect(shared.app_role) as conn:
        new_id = conn.execute(
            "INSERT INTO audit_event (at, actor, action, outcome) "
            "VALUES (now(), 'probe', 'probe', 'ok') RETURNING id").fetchone()[0]
        assert conn.execute("SELECT actor FROM audit_event WHERE id = %s",
                            (new_id,)).fetchone() == ("probe",)
        user_id = conn.execute(
            "INSERT INTO user_account (email, name, role, password_hash, disabled, "
            "must_change_password, created_at, password_changed_at, version) "
            "VALUES ('probe@example.org', 'Probe', 'team', 'x', false, false, now(), now(), 1) "
            "RETURNING id").fetchone()[0]
        conn.execute("UPDATE user_account SET name = 'Probe Two' WHERE id = %s", (user_id,))
        assert conn.execute("SELECT name FROM user_account WHERE id = %s",
                            (user_id,)).fetchone() == ("Probe Two",)
        # Accounts are disabled, never deleted (progress_update's guard refuses even the
        # ON DELETE SET NULL cascade): delete a session instead.
        session_id = conn.execute(
            "INSERT INTO user_session (user_id, token_hash, created_at, last_seen_at) "
            "VALUES (%s, 'probe-token', now(), now()) RETURNING id", (user_id,)).fetchone()[0]
        conn.execute("UPDATE user_session SET last_seen_at = now() WHERE id = %s", (session_id,))
        conn.execute("DELETE FROM user_session WHERE id = %s", (session_id,))
        assert conn.execute("SELECT count(*) FROM user_session WHERE id = %s",
                            (session_id,)).fetchone() == (0,)


def test_the_app_signs_in_when_it_connects_as_the_app_role(shared: Deployment) -> None:
    app = build_app(shared.url(shared.app_role))
    try:
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.current_user())) == shared.app_role
            with acting_as("tests"):
                user = accounts.create_user("signs.in@example.org", "Signs In", Role.TEAM,
                                            PASSWORD)
                db.session.commit()
            user_id = user.id
        client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
        assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}
        response = client.sign_in("signs.in@example.org", PASSWORD)
        assert response.status_code == 302
        assert client.get("/").status_code == 200
        assert client.sign_out().status_code == 302
        with app.app_context():
            actions = set(db.session.scalars(
                sa.select(AuditEvent.action).where(AuditEvent.user_id == user_id)))
        assert {"sign-in", "sign-out"} <= actions
    finally:
        dispose(app)


def test_check_finds_nothing_wrong_after_the_grant(shared: Deployment) -> None:
    code, output = shared.flask(shared.owner, "db-roles", "check", "--app-role",
                                shared.app_role)
    assert code == 0, output
    assert "privileges as intended" in output
    # The same check from the app's own connection: the owner is read from the schema.
    code, output = shared.flask(shared.app_role, "db-roles", "check", "--app-role",
                                shared.app_role)
    assert code == 0, output


def test_the_grant_is_exact_on_append_only_and_version_tables(shared: Deployment) -> None:
    engine = sa.create_engine(shared.url(shared.owner))
    try:
        with engine.connect() as conn:
            guards = roles.append_only_guards(conn)
            held = {
                table: {p for p in roles.ALL_TABLE_PRIVILEGES if conn.scalar(
                    sa.text("SELECT has_table_privilege(:role, :table, :p)"),
                    {"role": shared.app_role, "table": table, "p": p})}
                for table in ("audit_event", "progress_update", "alembic_version",
                              "user_account")
            }
    finally:
        engine.dispose()
    assert set(guards) == {"audit_event", "figure_image", "progress_update", "published_page",
                           "signed_content"}
    assert held == {
        "audit_event": {"SELECT", "INSERT"},
        "progress_update": {"SELECT", "INSERT"},
        "alembic_version": {"SELECT"},
        "user_account": {"SELECT", "INSERT", "UPDATE", "DELETE"},
    }


def test_the_grant_is_idempotent_and_repairs_what_was_granted_by_hand(
    fresh: Deployment,
) -> None:
    with fresh.connect(fresh.owner) as conn:
        conn.execute(sql.SQL("GRANT UPDATE, TRUNCATE, TRIGGER ON audit_event TO {}").format(
            sql.Identifier(fresh.app_role)))
    code, output = fresh.flask(fresh.owner, "db-roles", "check", "--app-role", fresh.app_role)
    assert code == 1
    assert "TRIGGER, TRUNCATE, UPDATE on audit_event" in output

    for _ in range(2):
        code, output = fresh.flask(fresh.owner, "db-roles", "grant", "--app-role",
                                   fresh.app_role)
        assert code == 0, output
    assert ("SELECT, INSERT on audit_event, figure_image, progress_update, published_page, "
            "signed_content") in output
    code, output = fresh.flask(fresh.owner, "db-roles", "check", "--app-role", fresh.app_role)
    assert code == 0, output
    with fresh.connect(fresh.app_role) as conn, pytest.raises(errors.InsufficientPrivilege):
        conn.execute("UPDATE audit_event SET actor = 'x'")


def test_tables_a_later_migration_adds_are_covered_before_the_grant_is_rerun(
    fresh: Deployment,
) -> None:
    with fresh.connect(fresh.owner) as conn:  # what a later migration does, as the owner
        conn.execute("CREATE TABLE later_record (id serial PRIMARY KEY, note text)")
    with fresh.connect(fresh.app_role) as conn:
        conn.execute("INSERT INTO later_record (note) VALUES ('new')")
        conn.execute("UPDATE later_record SET note = 'changed'")
        assert conn.execute("SELECT note FROM later_record").fetchall() == [("changed",)]
        conn.execute("DELETE FROM later_record")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("DROP TABLE later_record")


def test_a_later_append_only_table_is_narrowed_when_the_grant_is_rerun(
    fresh: Deployment,
) -> None:
    with fresh.connect(fresh.owner) as conn:
        conn.execute("CREATE TABLE later_log (id serial PRIMARY KEY, note text)")
        conn.execute("CREATE TRIGGER later_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
                     "ON later_log FOR EACH STATEMENT "
                     "EXECUTE FUNCTION refuse_change_to_append_only()")
    code, output = fresh.flask(fresh.owner, "db-roles", "check", "--app-role", fresh.app_role)
    assert code == 1 and "later_log" in output
    code, output = fresh.flask(fresh.owner, "db-roles", "grant", "--app-role", fresh.app_role)
    assert code == 0, output
    with fresh.connect(fresh.app_role) as conn:
        conn.execute("INSERT INTO later_log (note) VALUES ('kept')")
        with pytest.raises(errors.InsufficientPrivilege):
            conn.execute("UPDATE later_log SET note = 'x'")


def test_the_grant_refuses_an_app_role_that_could_act_as_the_owner(fresh: Deployment) -> None:
    with fresh.cluster.connect(fresh.database) as conn:
        conn.execute(sql.SQL("GRANT {} TO {}").format(
            sql.Identifier(fresh.owner), sql.Identifier(fresh.app_role)))
    code, output = fresh.flask(fresh.owner, "db-roles", "grant", "--app-role", fresh.app_role)
    assert code == 1
    assert f"{fresh.app_role} is a member of {fresh.owner}" in output
    code, output = fresh.flask(fresh.owner, "db-roles", "grant", "--app-role", fresh.owner)
    assert code == 1
    assert "must not be the owner" in output


def test_the_grant_refuses_tables_not_owned_by_the_owner(fresh: Deployment) -> None:
    with fresh.cluster.connect(fresh.database) as conn:
        conn.execute("CREATE TABLE stray (id integer)")  # created by the superuser
    code, output = fresh.flask(fresh.owner, "db-roles", "grant", "--app-role", fresh.app_role)
    assert code == 1
    assert "table public.stray is owned by postgres" in output


def test_the_create_roles_script_runs_again_without_harm(shared: Deployment) -> None:
    create_roles(shared.cluster, shared.owner, shared.app_role, shared.database)
    with shared.cluster.connect() as conn:
        owner = conn.execute("SELECT pg_get_userbyid(datdba) FROM pg_database "
                             "WHERE datname = %s", (shared.database,)).fetchone()[0]
        attributes = conn.execute(
            "SELECT rolname, rolcanlogin, rolsuper, rolcreaterole, rolcreatedb "
            "FROM pg_roles WHERE rolname = ANY(%s) ORDER BY rolname",
            ([shared.owner, shared.app_role],)).fetchall()
    assert owner == shared.owner
    assert attributes == [(shared.app_role, True, False, False, False),
                          (shared.owner, True, False, False, False)]
    code, output = shared.flask(shared.owner, "db-roles", "check", "--app-role",
                                shared.app_role)
    assert code == 0, output


def test_roles_are_a_postgresql_matter(tmp_path) -> None:  # type: ignore[no-untyped-def]
    app = build_app(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        result = app.test_cli_runner().invoke(args=["db-roles", "grant", "--app-role", "x"])
    finally:
        dispose(app)
    assert result.exit_code == 1
    assert "database roles are for PostgreSQL" in result.output


def test_everything_the_demo_writes_the_app_role_may_write(fresh: Deployment) -> None:
    app = build_app(fresh.url(fresh.app_role))
    try:
        with app.app_context(), acting_as("tests"):
            counts = load_demo()
            db.session.commit()
    finally:
        dispose(app)
    assert counts["accounts"] > 0
    code, output = fresh.flask(fresh.owner, "db-roles", "check", "--app-role", fresh.app_role)
    assert code == 0, output

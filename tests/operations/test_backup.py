"""Backup and restore, as docs/production.md says, round-trip a loaded database exactly.

SQLite: ``flask backup sqlite --out FILE`` (the online backup API, not ``cp``) and ``flask
restore sqlite FILE [--replace]``. PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore
--clean --if-exists --no-owner --no-privileges --role=OWNER --single-transaction``.
"""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from psycopg import sql

from config import TestConfig
from partnership import create_app
from partnership.accounts import services as accounts
from partnership.accounts.models import User
from partnership.audit.services import acting_as
from partnership.demo.loader import load_demo
from partnership.extensions import db
from partnership.policy import Role
from tests.conftest import PASSWORD
from tests.operations.conftest import role_url, run_tool
from tests.support.client import BrowserLikeClient
from tests.support.postgres import TempCluster

# The flags docs/production.md gives for pg_restore (the test adds --dbname and the file).
PG_RESTORE_FLAGS = ("--clean", "--if-exists", "--no-owner", "--no-privileges",
                    "--single-transaction")
Snapshot = tuple[dict[str, int], list[tuple[Any, ...]]]


def snapshot(url: str) -> Snapshot:
    """Return the row count of every table and every audit_event row, in order."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = sorted(sa.inspect(conn).get_table_names())
            counts = {name: conn.scalar(sa.select(sa.func.count()).select_from(sa.table(name)))
                      for name in tables}
            audit = sa.Table("audit_event", sa.MetaData(), autoload_with=conn)
            events = [tuple(row) for row in conn.execute(sa.select(audit).order_by(audit.c.id))]
    finally:
        engine.dispose()
    return counts, events  # type: ignore[return-value]


def load(app: Flask, make_user: Callable[..., User]) -> None:
    """Fill the database: the demo plus a few accounts made the ordinary way."""
    with app.app_context(), acting_as("tests"):
        load_demo()
        db.session.commit()
    for role in (Role.ADMIN, Role.TEAM, Role.SCRUTINEER):
        make_user(role)


def add_account(url: str, make_app: Callable[..., Flask], email: str) -> BrowserLikeClient:
    """Create an account on a database and sign in with it (ids continue after a restore)."""
    app = make_app(SQLALCHEMY_DATABASE_URI=url)
    with app.app_context(), acting_as("tests"):
        accounts.create_user(email, "After Restore", Role.TEAM, PASSWORD)
        db.session.commit()
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(email, PASSWORD).status_code == 302
    return client


def test_a_loaded_database_round_trips_through_backup_and_restore(
    backend: str, app: Flask, make_app: Callable[..., Flask], make_user: Callable[..., User],
    database_url: str, tmp_path: Path, request: pytest.FixtureRequest,
) -> None:
    load(app, make_user)
    before = snapshot(database_url)
    counts, events = before
    assert counts["audit_event"] == len(events) > 100
    assert counts["user_account"] > 3 and counts["progress_update"] > 0

    if backend == "sqlite":
        _round_trip_sqlite(app, make_app, database_url, tmp_path, before)
    else:
        _round_trip_postgresql(request.getfixturevalue("postgres_cluster"), make_app,
                               database_url, before)


def _round_trip_sqlite(app: Flask, make_app: Callable[..., Flask], database_url: str,
                       tmp_path: Path, before: Snapshot) -> None:
    backup = tmp_path / "backups" / "partnership.db"
    backup.parent.mkdir()
    result = app.test_cli_runner().invoke(args=["backup", "sqlite", "--out", str(backup)])
    assert result.exit_code == 0, result.output
    assert backup.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only
    assert list(backup.parent.iterdir()) == [backup]  # no partial file left behind

    # Into a new, empty file (a new server).
    fresh = f"sqlite:///{tmp_path / 'restored.db'}"
    result = make_app(SQLALCHEMY_DATABASE_URI=fresh).test_cli_runner().invoke(
        args=["restore", "sqlite", str(backup)])
    assert result.exit_code == 0, result.output
    assert snapshot(fresh) == before

    # Over the live database, after a change the backup does not have.
    add_account(database_url, make_app, "made.after.the.backup@example.org")
    assert snapshot(database_url) != before
    result = app.test_cli_runner().invoke(args=["restore", "sqlite", str(backup)])
    assert result.exit_code == 1
    assert "already holds data; pass --replace" in result.output
    result = app.test_cli_runner().invoke(args=["restore", "sqlite", str(backup), "--replace"])
    assert result.exit_code == 0, result.output
    assert snapshot(database_url) == before
    add_account(database_url, make_app, "made.after.the.restore@example.org")


def _round_trip_postgresql(cluster: TempCluster, make_app: Callable[..., Flask],
                           database_url: str, before: Snapshot) -> None:
    source = sa.engine.make_url(database_url).database
    assert source
    tag = uuid.uuid4().hex[:8]
    owner, restored = f"restore_owner_{tag}", f"restored_{tag}"
    restored_url = role_url(cluster, "postgres", restored)
    dump = cluster.root / f"{source}.dump"  # a folder the postgres user may write to
    with cluster.connect() as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(owner)))
        conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
            sql.Identifier(restored), sql.Identifier(owner)))

    def restore() -> None:
        run_tool(cluster, "pg_restore", "--username", "postgres", *PG_RESTORE_FLAGS,
                 f"--role={owner}", f"--dbname={restored}", str(dump))

    try:
        run_tool(cluster, "pg_dump", "--username", "postgres", "--format=custom",
                 f"--file={dump}", f"--dbname={source}")

        # Into a new, empty database owned by the owner role (a new server).
        restore()
        assert snapshot(restored_url) == before
        with cluster.connect(restored) as conn:
            owners = {row[0] for row in conn.execute(
                "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")}
            guard = conn.execute("SELECT tgenabled FROM pg_trigger "
                                 "WHERE tgname = 'audit_event_append_only'").fetchall()
        assert owners == {owner}
        assert guard == [("O",)]

        # Over that database in use, after a change the backup does not have: --clean drops
        # and recreates every table (the audit trigger guards rows, not the table itself).
        add_account(restored_url, make_app, "made.after.the.backup@example.org")
        assert snapshot(restored_url) != before
        restore()
        assert snapshot(restored_url) == before
        add_account(restored_url, make_app, "made.after.the.restore@example.org")
    finally:
        dump.unlink(missing_ok=True)
        with cluster.connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(restored)))
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(owner)))


def test_a_backup_never_overwrites_a_file(app: Flask, tmp_path: Path, backend: str) -> None:
    if backend != "sqlite":
        result = app.test_cli_runner().invoke(
            args=["backup", "sqlite", "--out", str(tmp_path / "x.db")])
        assert result.exit_code == 1
        assert "not SQLite: back it up with pg_dump" in result.output
        return
    existing = tmp_path / "existing.db"
    existing.write_bytes(b"an older backup")
    result = app.test_cli_runner().invoke(args=["backup", "sqlite", "--out", str(existing)])
    assert result.exit_code == 1
    assert "already exists" in result.output
    assert existing.read_bytes() == b"an older backup"


def test_restore_refuses_a_file_that_is_not_a_backup_of_this_app(tmp_path: Path) -> None:
    stranger = tmp_path / "stranger.db"
    with contextlib.closing(sqlite3.connect(stranger)) as conn:
        conn.execute("CREATE TABLE something (id integer)")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'live.db'}")
    result = app.test_cli_runner().invoke(args=["restore", "sqlite", str(stranger),
                                                "--replace"])
    assert result.exit_code == 1
    assert "not a database of this app" in result.output

"""A throwaway PostgreSQL cluster for the test session (Indico-style: temp dir, unix socket)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's server binaries are not installed (run .ci/run or install postgresql)."""


def _bin_dir() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: float(p.split("/")[-2])
    )
    for candidate in reversed(candidates):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgresUnavailable("initdb not found: install the postgresql package")


class TempCluster:
    """initdb + pg_ctl in a temporary folder, listening only on a unix socket."""

    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="partnership-pg-"))
        self.data = self.root / "data"
        self.socket = self.root / "socket"
        self.socket.mkdir()
        self.as_root = os.geteuid() == 0
        self._reused: dict[str, str] = {}  # reusable copies and their schema's fingerprint
        if self.as_root:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket, "postgres")

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:  # initdb refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        """Create the cluster and start the server."""
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-sync")
        # A throwaway cluster: durability settings off for speed, no TCP listener.
        options = (
            f"-k {self.socket} -h '' -F "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-t", "60",
                  "-l", str(self.root / "server.log"), "start")
        deadline = time.monotonic() + 30
        while True:
            try:
                with self.connect():
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        """Stop the server and remove its files."""
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        """Open an autocommit connection for administration."""
        return psycopg.connect(host=str(self.socket), user="postgres", dbname=dbname,
                               autocommit=True)

    def url(self, dbname: str) -> str:
        """Return an SQLAlchemy URL for a database in this cluster."""
        return f"postgresql+psycopg://postgres@/{dbname}?host={self.socket}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create a database (optionally copied from a template) and return its URL."""
        with self.connect() as conn:
            clause = f" TEMPLATE {template}" if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{clause}')  # names are ours, never user input
        return self.url(name)

    def reused_copy(self, name: str, template: str) -> str:
        """Return a database that holds what ``template`` holds, reusing ``name`` if it can.

        Copying a template takes PostgreSQL a tenth to a third of a second (it writes the
        whole database, catalogues included, through the WAL); emptying the tables a test
        wrote to takes milliseconds. The copy is reused when its schema is still the
        template's (a test that ran migrations or DDL leaves a different fingerprint, and the
        copy is made afresh) and the template held no rows but Alembic's own.
        """
        if name not in self._reused:
            self.create_database(name, template=template)
            with self.connect(name) as conn:
                self._reused[name] = _fingerprint(conn)
            return self.url(name)
        with self.connect(name) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            if _fingerprint(conn) == self._reused[name]:
                _empty_tables(conn)
                return self.url(name)
        del self._reused[name]
        self.drop_database(name)
        return self.reused_copy(name, template)

    def drop_database(self, name: str) -> None:
        """Drop a database, closing any connection left open."""
        with self.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# What the schema is: every relation with its identity and every column with its type, the
# triggers and functions, and the Alembic revision. Names are ours, never user input.
_FINGERPRINT = """
SELECT md5(concat_ws('|',
  (SELECT string_agg(c.oid || ':' || c.relname || ':' || c.relkind::text, ',' ORDER BY c.oid)
     FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace),
  (SELECT string_agg(a.attrelid || ':' || a.attname || ':' || a.atttypid || ':'
                     || a.attnotnull || ':' || a.attisdropped, ',' ORDER BY a.attrelid, a.attnum)
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0),
  (SELECT string_agg(t.oid::text, ',' ORDER BY t.oid) FROM pg_trigger t WHERE NOT t.tgisinternal),
  (SELECT string_agg(p.oid::text, ',' ORDER BY p.oid)
     FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace),
  (SELECT string_agg(version_num, ',') FROM alembic_version)))
"""


def _fingerprint(conn: psycopg.Connection) -> str:
    row = conn.execute(_FINGERPRINT).fetchone()
    assert row is not None
    return str(row[0])


def _empty_tables(conn: psycopg.Connection) -> None:
    """Delete every row a test left (Alembic's own excepted) and restart every sequence.

    ``session_replication_role = replica`` skips the foreign-key checks and the guards'
    triggers (the audit trail is append-only, published versions never change), so the
    tables can be emptied in any order.
    """
    tables = [row[0] for row in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename <> 'alembic_version'")]
    if not tables:
        return
    probe = sql.SQL(" UNION ALL ").join(
        sql.SQL("SELECT {} WHERE EXISTS (SELECT 1 FROM {})").format(
            sql.Literal(table), sql.Identifier(table))
        for table in tables)
    written = [row[0] for row in conn.execute(probe)]
    with conn.transaction():
        if written:
            conn.execute("SET LOCAL session_replication_role = replica")
            for table in written:
                conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
        conn.execute(
            "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, false) "
            "FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL")

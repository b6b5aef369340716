"""Consistent online copies of an SQLite database, and restoring one.

A plain ``cp`` of a live SQLite file can catch a write half-done; SQLite's online backup
API copies a consistent snapshot page by page while the app keeps running. Restoring uses
the same API in the other direction, so the live file is replaced in one locked step.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import dialect as sqlite_dialect

VERSION_TABLE = "alembic_version"
SQLITE = sqlite_dialect()


class BackupError(Exception):
    """The backup or restore was refused; the message says why."""


def sqlite_path(uri: str) -> Path:
    """Return the file behind an SQLite database URL, refusing anything else."""
    url = sa.engine.make_url(uri)
    if url.get_backend_name() != "sqlite":
        raise BackupError(f"this database is {url.get_backend_name()}, not SQLite: "
                          "back it up with pg_dump (docs/production.md)")
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError("only an SQLite database in a plain file can be backed up")
    return Path(url.database)


@contextlib.contextmanager
def _open(path: Path, mode: str) -> Iterator[sqlite3.Connection]:
    """Open an existing database file (``ro`` or ``rw``) without ever creating one."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True)
    try:
        yield connection
    finally:
        connection.close()


def row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    """Count the rows in every table of a database."""
    names = [row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    counts = {}
    for name in names:
        # The table name comes from the file's own schema: SQLAlchemy quotes it.
        query = sa.select(sa.func.count()).select_from(sa.table(name))
        counts[name] = connection.execute(str(query.compile(dialect=SQLITE))).fetchone()[0]
    return counts


def _check(connection: sqlite3.Connection, what: Path) -> dict[str, int]:
    result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise BackupError(f"{what} fails SQLite's integrity check: {result}")
    counts = row_counts(connection)
    if VERSION_TABLE not in counts:
        raise BackupError(f"{what} is not a database of this app (no {VERSION_TABLE} table)")
    return counts


def schema_revision(connection: sqlite3.Connection) -> str | None:
    """Return the migration a database is at, if it has one."""
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return row[0] if row else None


def backup_sqlite(source: Path, target: Path) -> dict[str, int]:
    """Copy a live database to a new file (owner-only), check it and return its row counts."""
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a folder")
    # Write beside the target, then rename: a backup file is either complete or absent.
    fd, partial_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial",
                                        dir=target.parent)  # mode 0600: it holds personal data
    os.close(fd)
    partial = Path(partial_name)
    try:
        with _open(source, "ro") as live, _open(partial, "rw") as copy:
            live.backup(copy)
            counts = _check(copy, source)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return counts


def has_data(path: Path) -> bool:
    """Say whether a database holds any row beyond its migration bookkeeping."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    with _open(path, "ro") as connection:
        counts = row_counts(connection)
    return any(n for name, n in counts.items() if name != VERSION_TABLE)


def restore_sqlite(backup: Path, target: Path, *, replace: bool = False) -> dict[str, int]:
    """Replace the database at ``target`` with a backup; refuse to overwrite data unless told."""
    if not backup.is_file():
        raise BackupError(f"{backup} does not exist")
    if backup.resolve() == target.resolve():
        raise BackupError("the backup and the database are the same file")
    with _open(backup, "ro") as copy:
        counts = _check(copy, backup)
        if has_data(target) and not replace:
            raise BackupError(f"{target} already holds data; pass --replace to overwrite it "
                              "(back it up first)")
        if not target.exists():
            fd = os.open(target, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
        with _open(target, "rw") as live:
            copy.backup(live)
            restored = _check(live, target)
    if restored != counts:
        raise BackupError(f"{target} does not match the backup after restoring")
    return counts

"""Where evidence bytes live: one folder outside the web root (``EVIDENCE_DIR``), each file
under a random name, written whole or not at all, and kept in step with the database.

A file is written as soon as it is attached, but its row is only real once the transaction
commits: so the session remembers what it wrote, and a rollback deletes it again (a refused
form, a failed demo load leave nothing behind). Removing a file works the other way round:
its bytes are deleted only after the commit that marks its row removed, so a rollback never
leaves a row whose bytes are gone.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, SessionTransaction
from werkzeug.security import safe_join

from partnership.extensions import db

CHUNK_BYTES = 1024 * 1024
WRITTEN = "evidence_written"  # session.info: (path, transaction) written, not yet committed
DOOMED = "evidence_doomed"  # session.info: paths to delete once the transaction commits


class TooLarge(Exception):
    """The upload is bigger than the limit."""


def folder() -> Path:
    """The evidence folder (made, private to the service, when first needed)."""
    path = Path(current_app.config["EVIDENCE_DIR"])
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def path_of(stored_name: str) -> Path:
    """Where a stored file's bytes are (the name is ours, and joined safely all the same)."""
    joined = safe_join(str(folder()), stored_name)
    if joined is None:
        raise FileNotFoundError(stored_name)
    return Path(joined)


@dataclass
class Incoming:
    """An upload written to a temporary file in the evidence folder, not yet kept."""

    path: Path
    size: int
    sha256: str


@contextlib.contextmanager
def receive(stream: IO[bytes], max_bytes: int) -> Iterator[Incoming]:
    """Copy an upload into the evidence folder, counting and hashing it; the temporary file
    is deleted when the block ends unless it was kept (``keep``)."""
    path = folder() / f".incoming-{secrets.token_hex(16)}"
    digest = hashlib.sha256()
    size = 0
    try:
        # Created new (never through an existing name) and readable by the service alone.
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            while chunk := stream.read(CHUNK_BYTES):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        yield Incoming(path, size, digest.hexdigest())
    finally:
        path.unlink(missing_ok=True)


def keep(incoming: Incoming) -> str:
    """Give the received file its random name, atomically, and return that name; the file is
    deleted again if the transaction rolls back."""
    stored_name = secrets.token_hex(32)
    final = path_of(stored_name)
    os.replace(incoming.path, final)  # atomic within the one folder
    session = db.session()
    # Remember the innermost transaction too: a savepoint rolled back takes its files.
    written: list[tuple[str, Any]] = session.info.setdefault(WRITTEN, [])
    written.append((str(final), session.get_transaction() if not session.in_nested_transaction()
                    else session.get_nested_transaction()))
    return stored_name


def delete_after_commit(stored_name: str, session: Session | None = None) -> None:
    """Delete the stored bytes once the current transaction commits (never if it rolls back)."""
    doomed: list[str] = (session or db.session).info.setdefault(DOOMED, [])
    doomed.append(str(path_of(stored_name)))


def _committed(session: Session) -> None:
    session.info.pop(WRITTEN, None)
    for path in session.info.pop(DOOMED, []):
        Path(path).unlink(missing_ok=True)


def _ended(session: Session, transaction: SessionTransaction) -> None:
    """A transaction that ends without a commit (rolled back, or closed) takes back what it
    wrote; a savepoint's end is left to the transaction around it."""
    if transaction.parent is not None:
        return
    session.info.pop(DOOMED, None)
    for path, _transaction in session.info.pop(WRITTEN, []):
        Path(path).unlink(missing_ok=True)


def _within(transaction: Any, outer: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


def _savepoint_rolled_back(session: Session, previous: SessionTransaction) -> None:
    """A savepoint rolled back takes back the files written inside it."""
    if previous.parent is None or WRITTEN not in session.info:
        return  # the whole transaction: _ended deletes everything
    kept = []
    for path, transaction in session.info[WRITTEN]:
        if _within(transaction, previous):
            Path(path).unlink(missing_ok=True)
        else:
            kept.append((path, transaction))
    session.info[WRITTEN] = kept


def install_listeners() -> None:
    """Keep the folder in step with every session's commits and rollbacks, once."""
    for event, listener in (("after_commit", _committed), ("after_transaction_end", _ended),
                            ("after_soft_rollback", _savepoint_rolled_back)):
        if not sa.event.contains(Session, event, listener):
            sa.event.listen(Session, event, listener)


def open_bytes(stored_name: str) -> IO[bytes]:
    """Open a stored file to read (FileNotFoundError if its bytes are gone)."""
    return path_of(stored_name).open("rb")


def exists(stored_name: str) -> bool:
    """Whether a stored file's bytes are there."""
    return path_of(stored_name).is_file()

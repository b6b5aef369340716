"""Writing and reading the audit trail.

Changes to records are captured by one session hook, so no feature writes its own
audit rows for create, update or delete: it just saves the record. Other events
(sign-in, refusals, views of restricted records, exports) are written with
:func:`record_event`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy.orm import Session

from partnership import policy
from partnership.audit.models import AuditEvent
from partnership.database import Base, contains, utcnow
from partnership.extensions import db

REDACTED = "[redacted]"
# Who acts outside a web request (the command line, scheduled jobs).
_offline_actor: ContextVar[str | None] = ContextVar("offline_actor", default=None)


@dataclass(frozen=True)
class Actor:
    """Who did something, as recorded."""

    user_id: int | None
    label: str
    role: str | None


@contextmanager
def acting_as(label: str) -> Iterator[None]:
    """Attribute changes made outside a request (CLI, jobs) to ``label``."""
    token = _offline_actor.set(label)
    try:
        yield
    finally:
        _offline_actor.reset(token)


def current_actor() -> Actor:
    """Return the signed-in user, or the offline actor, or 'system'."""
    if has_request_context():
        user = current_user._get_current_object() if current_user else None
        if user is not None and getattr(user, "is_authenticated", False):
            return Actor(user.id, user.email, str(user.role))
        return Actor(None, "anonymous", None)
    return Actor(None, _offline_actor.get() or "system", None)


def _context() -> dict[str, Any]:
    if has_request_context():
        return {"request_id": g.get("request_id"), "client_addr": request.remote_addr}
    return {"request_id": None, "client_addr": None}


def record_type_of(obj: Base) -> str:
    """Name the record type as stored in the audit trail (the table name)."""
    return obj.__table__.name  # type: ignore[attr-defined]


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _column_changes(obj: Base, kind: str) -> dict[str, Any]:
    state = sa.inspect(obj)
    mapper = state.mapper
    version_key = mapper.version_id_col.key if mapper.version_id_col is not None else None
    changes: dict[str, Any] = {}
    for attr in mapper.column_attrs:
        key = attr.key
        if key == version_key:
            continue
        history = state.attrs[key].history
        if kind == "update" and not history.has_changes():
            continue
        before = history.deleted[0] if history.deleted else None
        after = history.added[0] if history.added else None
        if kind == "create":
            before, after = None, (after if history.added else state.attrs[key].value)
            if after is None:
                continue
        elif kind == "delete":
            before, after = state.attrs[key].value, None
        if kind == "update" and before == after:
            continue
        if key in type(obj).__audit_redacted__:
            changes[key] = REDACTED
        else:
            changes[key] = [_jsonable(before), _jsonable(after)]
    return changes


def partnerships_column(record: object) -> str | None:
    """Say which partnerships a record belongs to, as the audit trail stores it (',1,3,')."""
    if record is None or isinstance(record, str):
        return None
    owners = policy.partnerships_of(record)
    if not owners:
        return None
    return ",".join(["", *(str(owner) for owner in sorted(owners)), ""])[:200]


def partnerships_where(served: frozenset[int] | None) -> sa.ColumnElement[bool]:
    """Events a user serving ``served`` may read (None: every event): theirs, or of none."""
    if served is None:
        return sa.true()
    return sa.or_(AuditEvent.partnerships.is_(None),
                  *(AuditEvent.partnerships.contains(f",{owner},") for owner in sorted(served)))


def _audited(obj: object) -> bool:
    # Flask-SQLAlchemy rebuilds the declarative base, so test the flag, not the class.
    return bool(getattr(type(obj), "__audited__", False))


def _record_changes(session: Session, flush_context: Any) -> None:
    """After each flush, write one audit row per created, changed or deleted record."""
    actor = current_actor()
    context = _context()
    rows = []
    for kind, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            if not _audited(obj):
                continue
            changes = _column_changes(obj, kind)
            if kind == "update" and not changes:
                continue  # a no-op save leaves no trace
            rows.append(
                {
                    "at": utcnow(),
                    "user_id": actor.user_id,
                    "actor": actor.label,
                    "role": actor.role,
                    "action": kind,
                    "record_type": record_type_of(obj),
                    "record_id": record_id_of(obj),
                    "outcome": "success",
                    "changes": changes,
                    "partnerships": partnerships_column(obj),
                    **context,
                }
            )
    if rows:
        session.connection().execute(sa.insert(AuditEvent), rows)


def install_listeners() -> None:
    """Hook the change recorder into every ORM session, once."""
    if not sa.event.contains(Session, "after_flush", _record_changes):
        sa.event.listen(Session, "after_flush", _record_changes)


def record_event(
    action: str,
    *,
    record_type: str | None = None,
    record_id: object = None,
    outcome: str = "success",
    actor: Actor | None = None,
    changes: dict[str, Any] | None = None,
    commit: bool = True,
    about: object = None,
) -> None:
    """Write one audit row for an event that is not a record change, and commit it.

    ``about`` is the record the event concerns, if any: the row then names its partnerships,
    so that a team officer reads only the events of the partnerships they serve."""
    actor = actor or current_actor()
    db.session.add(
        AuditEvent(
            user_id=actor.user_id,
            actor=actor.label[:254],
            role=actor.role,
            action=action,
            record_type=record_type,
            record_id=None if record_id is None else str(record_id)[:60],
            outcome=outcome,
            changes=changes,
            partnerships=partnerships_column(about),
            **_context(),
        )
    )
    if commit:
        db.session.commit()


def record_view(obj: Base) -> None:
    """Record that the current user looked at a restricted record."""
    record_event("view", record_type=record_type_of(obj), record_id=record_id_of(obj), about=obj)


def record_id_of(obj: Base) -> str:
    """Return the record's primary key as stored in the audit trail (at most 60 characters)."""
    key = sa.inspect(obj).mapper.primary_key_from_instance(obj)
    return "-".join(str(part) for part in key)[:60]


def history_of(obj: Base) -> list[AuditEvent]:
    """Return the audit rows about one record, newest first."""
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(
                AuditEvent.record_type == record_type_of(obj),
                AuditEvent.record_id == record_id_of(obj),
            )
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        )
    )


@dataclass
class AuditFilter:
    """What the audit log search asks for."""

    actor: str | None = None
    action: str | None = None
    record_type: str | None = None
    record_id: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def search_statement(criteria: AuditFilter,
                     served: frozenset[int] | None = None) -> sa.Select[tuple[AuditEvent]]:
    """Build the query for the audit log search, newest first, within ``served`` partnerships."""
    stmt = sa.select(AuditEvent).where(partnerships_where(served))
    if criteria.actor:
        stmt = stmt.where(contains(AuditEvent.actor, criteria.actor))
    if criteria.action:
        stmt = stmt.where(AuditEvent.action == criteria.action)
    if criteria.record_type:
        stmt = stmt.where(AuditEvent.record_type == criteria.record_type)
    if criteria.record_id:
        stmt = stmt.where(AuditEvent.record_id == criteria.record_id)
    if criteria.date_from:
        start = dt.datetime.combine(criteria.date_from, dt.time(), tzinfo=dt.UTC)
        stmt = stmt.where(AuditEvent.at >= start)
    if criteria.date_to:
        end = dt.datetime.combine(criteria.date_to + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        stmt = stmt.where(AuditEvent.at < end)
    return stmt.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())



ACTIONS = [
    "create",
    "update",
    "delete",
    "sign-in",
    "sign-out",
    "refused",
    "view",
    "export",
    "import",
    "session-ended",
]

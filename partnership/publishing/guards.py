"""Published versions and sealed signatures never change: refused in the ORM, whoever calls.

The database refuses the same changes (:mod:`partnership.publishing.triggers`), so a script
or a console session cannot get round these checks either. After publication a version may
only be superseded (by the next published version), have its file stored, once, and have
its number moved up when a version of an earlier date is published after it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, Session

from partnership.publishing.models import PublicationStatus, Publishable, Signature
from partnership.publishing.workflow import AlreadyPublished

# Columns that may change after publication, and when.
FILE_COLUMNS = frozenset({"pdf", "sha256", "pages"})
SUPERSEDING_COLUMNS = frozenset({"status", "superseded_at"})
BOOKKEEPING = frozenset({"version"})  # the optimistic-locking counter


def _committed(target: Any, name: str) -> Any:
    history = sa.inspect(target).attrs[name].history
    return (history.deleted or history.unchanged or [None])[0]


def was_published(target: Any) -> bool:
    """Say whether a version was published (or superseded) before this flush."""
    status = _committed(target, "status")
    return status is not None and PublicationStatus(status) is not PublicationStatus.DRAFT


def _changed(target: Any) -> set[str]:
    state = sa.inspect(target)
    return {attr.key for attr in state.mapper.column_attrs
            if state.attrs[attr.key].history.has_changes()}


def _refuse_changes_to_published(_mapper: Mapper[Any], _connection: Any, target: Any) -> None:
    """Stop a flush that would change a published version beyond superseding and filing."""
    if not isinstance(target, Publishable) or not was_published(target):
        return
    changed = _changed(target) - BOOKKEEPING
    allowed: set[str] = set()
    if _committed(target, "pdf") is None and _committed(target, "sha256") is None:
        allowed |= FILE_COLUMNS
    if (_committed(target, "status") == PublicationStatus.PUBLISHED
            and target.status == PublicationStatus.SUPERSEDED):
        allowed |= SUPERSEDING_COLUMNS
    number = _committed(target, "number")
    if number is not None and target.number is not None and target.number > number:
        allowed.add("number")  # an earlier-dated version was put in before this one
    if changed - allowed:
        raise AlreadyPublished(f"“{getattr(target, 'title', 'This version')}” is published and "
                               "cannot be changed.")


def _refuse_changes_to_sealed(_mapper: Mapper[Any], _connection: Any,
                              target: Signature) -> None:
    if _committed(target, "sealed"):
        raise AlreadyPublished("This sign-off belongs to a published version and cannot be "
                               "changed.")


def _refuse_signing_published(_mapper: Mapper[Any], connection: Any,
                              target: Signature) -> None:
    from_table = _version_table(target)
    if from_table is None:
        return
    status = connection.scalar(sa.select(from_table.c.status)
                               .where(from_table.c.id == target.version_id))
    if status is not None and PublicationStatus(status) is not PublicationStatus.DRAFT:
        raise AlreadyPublished("This version is published and cannot be signed off again.")


_TABLES: dict[str, sa.Table] = {}


def _version_table(target: Signature) -> sa.Table | None:
    return _TABLES.get(str(target.document))


def _refuse_deleting_published(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.deleted:
        if isinstance(obj, Publishable) and was_published(obj):
            raise AlreadyPublished(f"“{getattr(obj, 'title', 'This version')}” is published "
                                   "and cannot be deleted.")
        if isinstance(obj, Signature) and _committed(obj, "sealed"):
            raise AlreadyPublished("This sign-off belongs to a published version and cannot "
                                   "be deleted.")


def guard(kind: str, model: type[Any]) -> None:
    """Install, once, the checks that keep a document's published versions immutable."""
    _TABLES[kind] = model.__table__
    hooks: list[tuple[Any, str, Any]] = [
        (model, "before_update", _refuse_changes_to_published),
        (Signature, "before_update", _refuse_changes_to_sealed),
        (Signature, "before_insert", _refuse_signing_published),
        (Session, "before_flush", _refuse_deleting_published),
    ]
    for target, name, hook in hooks:
        if not sa.event.contains(target, name, hook):
            sa.event.listen(target, name, hook)

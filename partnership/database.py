"""The declarative base, column types and mixins every model shares."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from partnership import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    """Return the current time as an aware UTC datetime (the one clock's instant)."""
    return clock.now()


class UTCDateTime(sa.types.TypeDecorator[dt.datetime]):
    """Store datetimes as naive UTC and hand them back as aware UTC on every database."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> Any:
        """Refuse naive datetimes so local time never slips in unnoticed."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: sa.Dialect) -> Any:
        """Attach UTC to what the database returns."""
        return None if value is None else value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    """Base of every model: naming convention, and audit opt-out hooks.

    Every model is audited (create, update, delete) unless it sets ``__audited__ = False``.
    Columns named in ``__audit_redacted__`` are recorded as changed without their values.
    """

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    __audited__: ClassVar[bool] = True
    __audit_redacted__: ClassVar[frozenset[str]] = frozenset()


class Versioned:
    """Optimistic locking: a counter bumped on every UPDATE and checked on save.

    SQLAlchemy's ``version_id_col`` only catches a race between two flushes; a stale
    form is caught by :func:`partnership.editing.apply_edit`, which compares the
    version the user started from with the current one.
    """

    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    @sa.orm.declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


def prepare_sqlite_file(uri: str) -> None:
    """Create an SQLite database file readable by its owner only (0600) before first use."""
    url = sa.engine.make_url(uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    path = Path(url.database)
    if not path.parent.is_dir():
        return  # let the database driver report the bad path
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    path.chmod(0o600)


# Used by migrations: the database itself refuses UPDATE and DELETE on append-only tables.
def create_append_only_guard(op: Any, table: str) -> None:
    """Make the database itself refuse UPDATE and DELETE on an append-only table."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE OR REPLACE FUNCTION refuse_change_to_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only';
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION refuse_change_to_append_only()"
        )
    else:
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            )


def drop_append_only_guard(op: Any, table: str, *, last: bool = True) -> None:
    """Remove the guard (downgrade only); ``last`` drops the shared PostgreSQL function too."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        if last:
            op.execute("DROP FUNCTION IF EXISTS refuse_change_to_append_only()")
    else:
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")


def contains(column: Any, text: str) -> sa.ColumnElement[bool]:
    """Say in SQL that ``column`` contains ``text``, ignoring case, with ``%`` and ``_`` taken
    literally (the same on SQLite and PostgreSQL)."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.func.lower(column).like(f"%{escaped}%", escape="\\")

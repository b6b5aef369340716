"""Downgrades never delete data silently: one check that every migration run goes through.

Before the first step of a downgrade runs, each step's ``downgrade()`` is rehearsed: run
against an Alembic ``Operations`` that records what it would do and executes nothing. Every
table it would drop and every column it would remove is then counted, and if any holds data
the whole run is refused, naming the tables, the row counts and how to go ahead. The
operator goes ahead by setting ``ALLOW_DATA_LOSS=1`` in the environment.

Nothing in a migration script has to remember this: ``op.drop_table``, ``op.drop_column``,
``batch_op.drop_column`` and plain ``DROP TABLE`` / ``ALTER TABLE ... DROP COLUMN`` SQL given
to ``op.execute`` are all seen. A migration whose tables hold nothing of value after a
downgrade (a sign-in throttle, say) lists them in a module-level ``TRANSIENT_TABLES``.

A downgrade must change data only through ``op`` (``op.execute``, ``op.bulk_insert``), which
the rehearsal records without running; ``op.get_bind()`` hands back the real connection.
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from alembic import op as op_proxy
from alembic.operations import BatchOperations, Operations, ops
from alembic.runtime.migration import MigrationContext, RevisionStep
from alembic.util import CommandError

ALLOW_DATA_LOSS = "ALLOW_DATA_LOSS"

log = logging.getLogger(__name__)

_DROP_TABLE_SQL = re.compile(r"\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?\"?(\w+)\"?", re.IGNORECASE)
_DROP_COLUMN_SQL = re.compile(
    r"\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?\"?(\w+)\"?\s+DROP\s+(?:COLUMN\s+)?"
    r"(?!CONSTRAINT\b)(?:IF\s+EXISTS\s+)?\"?(\w+)\"?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Drop:
    """A table, or one column of it, that a downgrade step would remove."""

    table: str
    column: str | None
    revision: str

    def __str__(self) -> str:
        return f"{self.table}.{self.column}" if self.column else self.table


class DataLossRefused(CommandError):
    """A downgrade would delete data and the operator has not said it may."""


# --- rehearsing a migration function ----------------------------------------------------


class _BatchRehearsal(BatchOperations):
    """A batch whose operations are recorded, not run (a real one copies the table on SQLite)."""

    def __init__(self, rehearsal: Operations, table_name: str, schema: str | None) -> None:
        # Batch operations read only the table name and schema from their impl.
        super().__init__(rehearsal.migration_context,
                         impl=SimpleNamespace(table_name=table_name, schema=schema))  # type: ignore[arg-type]
        self._rehearsal = rehearsal

    def invoke(self, operation: ops.MigrateOperation) -> Any:
        """Record the operation with the rehearsal it belongs to."""
        return self._rehearsal.invoke(operation)


def rehearse(migration_context: MigrationContext,
             migration_fn: Callable[[], None]) -> list[ops.MigrateOperation]:
    """Run a migration function without touching the database; return what it would do."""
    recorded: list[ops.MigrateOperation] = []
    # A plain Operations, changed on the instance: Alembic's ``op`` proxy is registered for
    # the Operations class itself, and a subclass would not be installed as the proxy.
    rehearsal = Operations(migration_context)

    def record(operation: ops.MigrateOperation) -> None:
        recorded.append(operation)

    @contextmanager
    def batch_alter_table(table_name: str, schema: str | None = None,
                          **kw: Any) -> Iterator[BatchOperations]:
        yield _BatchRehearsal(rehearsal, table_name, schema)

    rehearsal.invoke = record  # type: ignore[method-assign,assignment]
    rehearsal.batch_alter_table = batch_alter_table  # type: ignore[method-assign,assignment]

    # Migration scripts call the module-level ``alembic.op``, a proxy to the Operations of
    # the run in progress: point it at the rehearsal, then give it back.
    previous = getattr(op_proxy, "_proxy", None)
    rehearsal._install_proxy()
    try:
        migration_fn()
    finally:
        if previous is not None:
            previous._install_proxy()
        else:
            rehearsal._remove_proxy()
    return recorded


def dropped(operations: Iterable[ops.MigrateOperation]) -> list[tuple[str, str | None]]:
    """The tables (column None) and columns that these operations remove."""
    found: list[tuple[str, str | None]] = []
    for operation in operations:
        if isinstance(operation, ops.DropTableOp):
            found.append((operation.table_name, None))
        elif isinstance(operation, ops.DropColumnOp):
            found.append((operation.table_name, operation.column_name))
        elif isinstance(operation, ops.ExecuteSQLOp):
            sql = str(operation.sqltext)
            found += [(table, None) for table in _DROP_TABLE_SQL.findall(sql)]
            found += [(table, column) for table, column in _DROP_COLUMN_SQL.findall(sql)]
    return found


def created(operations: Iterable[ops.MigrateOperation]) -> list[tuple[str, str | None]]:
    """The tables (column None) and columns that these operations add."""
    found: list[tuple[str, str | None]] = []
    for operation in operations:
        if isinstance(operation, ops.CreateTableOp):
            found.append((operation.table_name, None))
        elif isinstance(operation, ops.AddColumnOp):
            found.append((operation.table_name, operation.column.name))
    return found


def planned_drops(migration_context: MigrationContext, step: RevisionStep) -> list[Drop]:
    """What one downgrade step would remove, less the tables its script calls transient."""
    transient = set(getattr(step.revision.module, "TRANSIENT_TABLES", ()))
    revision = step.revision.revision
    return [
        Drop(table, column, revision)
        for table, column in dropped(rehearse(migration_context, step.migration_fn))
        if table not in transient
    ]


# --- counting what would be lost --------------------------------------------------------


def rows_lost(connection: sa.Connection, drop: Drop) -> int:
    """Rows in a table about to be dropped, or rows with a value in a column about to go."""
    if not sa.inspect(connection).has_table(drop.table):
        return 0  # an earlier step creates it: counted again when its own step runs
    if drop.column is None:
        table = sa.table(drop.table)
        return connection.scalar(sa.select(sa.func.count()).select_from(table)) or 0
    table = sa.table(drop.table, sa.column(drop.column))
    return connection.scalar(
        sa.select(sa.func.count()).select_from(table).where(table.c[drop.column].is_not(None))
    ) or 0


def _counted(connection: sa.Connection, drops: Iterable[Drop]) -> list[tuple[Drop, int]]:
    return [(drop, count) for drop in drops if (count := rows_lost(connection, drop))]


def _describe(losses: list[tuple[Drop, int]]) -> str:
    lines = []
    for drop, count in losses:
        unit = ("row" if drop.column is None else "value") + ("" if count == 1 else "s")
        lines.append(f"  {drop}: {count} {unit} (dropped by revision {drop.revision})")
    return "\n".join(lines)


def data_loss_allowed() -> bool:
    """Say whether the operator has set ALLOW_DATA_LOSS=1 for this run."""
    return os.environ.get(ALLOW_DATA_LOSS) == "1"


def refuse_if_losing_data(connection: sa.Connection, drops: Iterable[Drop], *,
                          where: str = "Nothing has been changed.") -> None:
    """Raise DataLossRefused if any of these drops would delete data, unless allowed.

    ``where`` tells the operator what state the refusal leaves the database in.
    """
    losses = _counted(connection, drops)
    if not losses:
        return
    if data_loss_allowed():
        log.warning("%s=1: the downgrade deletes this data:\n%s", ALLOW_DATA_LOSS,
                    _describe(losses))
        return
    raise DataLossRefused(
        "Refusing to downgrade: it would delete data still in the database.\n"
        f"{_describe(losses)}\n"
        f"{where} To delete this data, back up the database first, then run the same "
        f"command again with {ALLOW_DATA_LOSS}=1 in its environment."
    )


# --- the hook env.py installs -----------------------------------------------------------


def refuse_silent_data_loss(migration_context: MigrationContext) -> None:
    """Make this run refuse, before its first step, a downgrade that would delete data."""
    # Alembic offers no public hook between planning the steps and running the first, so
    # wrap the command's planning function (``MigrationContext.run_migrations`` calls it).
    plan = migration_context._migrations_fn
    if plan is None:
        return

    def checked_plan(heads: Any, context: MigrationContext) -> list[Any]:
        steps = list(plan(heads, context))
        downgrades = [s for s in steps if isinstance(s, RevisionStep) and not s.is_upgrade]
        if not downgrades:
            return steps
        connection = context.connection
        assert connection is not None, "the guard runs online only"
        # RevisionStep defines __eq__ without __hash__: keep the pairs in a list.
        drops = [(step, planned_drops(context, step)) for step in downgrades]
        # The whole run first, so nothing is dropped when any step would lose data (when
        # allowed, each step says what it deletes as it goes)...
        if not data_loss_allowed():
            refuse_if_losing_data(connection, [d for _, ds in drops for d in ds])
        # ...and each step again as it runs, for tables an earlier step recreates or fills.
        for step, step_drops in drops:
            step.migration_fn = _counted_again(context, step, step_drops)
        return steps

    migration_context._migrations_fn = checked_plan


def _counted_again(context: MigrationContext, step: RevisionStep,
                   drops: list[Drop]) -> Callable[..., None]:
    downgrade = step.migration_fn
    revision = step.revision.revision
    # PostgreSQL runs the whole run in one transaction (unless env.py asks for one per
    # step); SQLite's DDL commits step by step.
    one_transaction = (context.impl.transactional_ddl
                       and not context.opts.get("transaction_per_migration"))
    where = ("Nothing has been changed: the run's earlier steps were undone."
             if one_transaction else
             f"Stopped before revision {revision}: the steps before it, which deleted "
             "no data, are done.")

    @functools.wraps(downgrade)  # Alembic logs the step by the function's name
    def checked_downgrade(**kw: Any) -> None:
        assert context.connection is not None
        refuse_if_losing_data(context.connection, drops, where=where)
        downgrade(**kw)

    return checked_downgrade

"""Database triggers that keep published versions and sealed signatures unchanged.

Used by migrations, on SQLite and PostgreSQL alike. The version-table trigger names every
column that must not change, read from the table when it is created: a migration that adds
a column to a guarded table (or rebuilds it, as SQLite's batch mode does) must call
:func:`drop_publication_guard` before and :func:`create_publication_guard` after. A test
checks that every guarded table has its triggers at the head revision.
"""

# Table and column names here come from our own code and schema, never from input.

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa

# May change after publication: the file (once), the status (published → superseded), the
# day it was superseded, and the optimistic-locking counter (and the number, up only).
MUTABLE_AFTER_PUBLICATION = ("status", "superseded_at", "pdf", "sha256", "pages", "version")


# A version's status by its id: formatted with names _names() has checked, never with input.
_STATUS_OF = "(SELECT status FROM {table} WHERE id = {row})"
_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")


def _names(*names: str) -> None:
    """Refuse anything but a plain lower-case SQL identifier (they come from our code)."""
    for name in names:
        if not _IDENTIFIER.fullmatch(name):
            raise ValueError(f"not a table, column or kind name: {name!r}")


def _postgres(op: Any) -> bool:
    return op.get_bind().dialect.name == "postgresql"


def _fixed_columns(op: Any, table: str, renumbering: bool) -> list[str]:
    columns = [column["name"] for column in sa.inspect(op.get_bind()).get_columns(table)]
    _names(*columns)
    mutable = (*MUTABLE_AFTER_PUBLICATION, *(("number",) if renumbering else ()))
    return [name for name in columns if name not in mutable]


def _same(name: str, postgres: bool) -> str:
    if postgres:  # json has no equality operator: compare the text
        return f"(NEW.{name})::text IS NOT DISTINCT FROM (OLD.{name})::text"
    return f"NEW.{name} IS OLD.{name}"


def _allowed_update(op: Any, table: str, renumbering: bool) -> str:
    postgres = _postgres(op)
    same = " AND ".join(_same(name, postgres)
                        for name in _fixed_columns(op, table, renumbering))
    file_same = " AND ".join(_same(name, postgres) for name in ("pdf", "sha256", "pages"))
    superseding = "(OLD.status = 'published' AND NEW.status = 'superseded')"
    # An earlier-dated version put in before this one moves its number up, never down.
    moved_up = (f" AND ({_same('number', postgres)} OR NEW.number > OLD.number)"
                if renumbering else "")
    return (f"({same}) "
            f"AND (NEW.status = OLD.status OR {superseding}) "
            f"AND ({_same('superseded_at', postgres)} OR {superseding}) "
            f"AND (({file_same}) OR (OLD.pdf IS NULL AND OLD.sha256 IS NULL)){moved_up}")


def create_publication_guard(op: Any, table: str, *, renumbering: bool = True) -> None:
    """Make the database refuse changes to a published version and its deletion.

    ``renumbering`` lets a published version's number move up (and only up): the numbers
    follow the order of the versions' dates, so a version of an earlier date published
    later takes its place among them (from migration 0012; False gives the guard before).
    """
    _names(table)
    message = f"{table}: a published version never changes"
    allowed = _allowed_update(op, table, renumbering)
    if _postgres(op):
        op.execute(f"""
            CREATE OR REPLACE FUNCTION {table}_published_guard() RETURNS trigger AS $$
            BEGIN
                IF OLD.status <> 'draft' THEN
                    IF TG_OP = 'DELETE' OR NOT ({allowed}) THEN
                        RAISE EXCEPTION USING MESSAGE = '{message}';
                    END IF;
                END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql""")
        op.execute(f"CREATE TRIGGER {table}_published_guard BEFORE UPDATE OR DELETE ON {table} "
                   f"FOR EACH ROW EXECUTE FUNCTION {table}_published_guard()")
        return
    op.execute(f"CREATE TRIGGER {table}_published_no_update BEFORE UPDATE ON {table} "
               f"WHEN OLD.status <> 'draft' AND NOT ({allowed}) "
               f"BEGIN SELECT RAISE(ABORT, '{message}'); END")
    op.execute(f"CREATE TRIGGER {table}_published_no_delete BEFORE DELETE ON {table} "
               f"WHEN OLD.status <> 'draft' BEGIN SELECT RAISE(ABORT, '{message}'); END")


def drop_publication_guard(op: Any, table: str) -> None:
    """Remove a version table's guard (before rebuilding the table, or on downgrade)."""
    if _postgres(op):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_published_guard ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_published_guard()")
        return
    op.execute(f"DROP TRIGGER IF EXISTS {table}_published_no_update")
    op.execute(f"DROP TRIGGER IF EXISTS {table}_published_no_delete")


def create_child_guard(op: Any, table: str, parent: str, key: str) -> None:
    """Make the database refuse adding, changing or removing rows of a published parent
    (a yearly report's narrative, say)."""
    _names(table, parent, key)
    message = f"{table}: its {parent} is published and never changes"
    if _postgres(op):
        op.execute(f"""
            CREATE OR REPLACE FUNCTION {table}_published_guard() RETURNS trigger AS $$
            DECLARE parent_id integer;
            BEGIN
                IF TG_OP = 'DELETE' THEN parent_id := OLD.{key}; ELSE parent_id := NEW.{key};
                END IF;
                IF {_STATUS_OF.format(table=parent, row="parent_id")} <> 'draft'
                   OR (TG_OP = 'UPDATE' AND
                       {_STATUS_OF.format(table=parent, row="OLD." + key)} <> 'draft') THEN
                    RAISE EXCEPTION USING MESSAGE = '{message}';
                END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql""")
        op.execute(f"CREATE TRIGGER {table}_published_guard BEFORE INSERT OR UPDATE OR DELETE "
                   f"ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_published_guard()")
        return
    for verb, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD")):
        op.execute(f"CREATE TRIGGER {table}_published_no_{verb.lower()} BEFORE {verb} "
                   f"ON {table} WHEN {_STATUS_OF.format(table=parent, row=row + '.' + key)} "
                   f"<> 'draft' BEGIN SELECT RAISE(ABORT, '{message}'); END")


def drop_child_guard(op: Any, table: str) -> None:
    """Remove a child table's guard."""
    if _postgres(op):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_published_guard ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {table}_published_guard()")
        return
    for verb in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS {table}_published_no_{verb}")


def create_signature_guard(op: Any, versions: dict[str, str]) -> None:
    """Make the database refuse changing or deleting a sealed signature, and signing a
    version that is not a draft. ``versions`` maps each document kind to its version table.
    """
    _names(*versions, *versions.values())
    message = "signature: a sign-off of a published version never changes"
    not_draft = " OR ".join(
        f"(NEW.document = '{kind}' AND "
        f"{_STATUS_OF.format(table=table, row='NEW.version_id')} <> 'draft')"
        for kind, table in sorted(versions.items())) or "FALSE"
    if _postgres(op):
        op.execute(f"""
            CREATE OR REPLACE FUNCTION signature_sealed_guard() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'INSERT' THEN
                    IF {not_draft} THEN RAISE EXCEPTION USING MESSAGE = '{message}'; END IF;
                    RETURN NEW;
                END IF;
                IF OLD.sealed THEN RAISE EXCEPTION USING MESSAGE = '{message}'; END IF;
                IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
                RETURN NEW;
            END;
            $$ LANGUAGE plpgsql""")
        op.execute("CREATE TRIGGER signature_sealed_guard BEFORE INSERT OR UPDATE OR DELETE "
                   "ON signature FOR EACH ROW EXECUTE FUNCTION signature_sealed_guard()")
        return
    op.execute("CREATE TRIGGER signature_sealed_no_update BEFORE UPDATE ON signature "
               f"WHEN OLD.sealed BEGIN SELECT RAISE(ABORT, '{message}'); END")
    op.execute("CREATE TRIGGER signature_sealed_no_delete BEFORE DELETE ON signature "
               f"WHEN OLD.sealed BEGIN SELECT RAISE(ABORT, '{message}'); END")
    op.execute("CREATE TRIGGER signature_published_no_insert BEFORE INSERT ON signature "
               f"WHEN {not_draft.replace('FALSE', '0')} "
               f"BEGIN SELECT RAISE(ABORT, '{message}'); END")


def drop_signature_guard(op: Any) -> None:
    """Remove the signature guard (to recreate it for a new kind of document, or on
    downgrade)."""
    if _postgres(op):
        op.execute("DROP TRIGGER IF EXISTS signature_sealed_guard ON signature")
        op.execute("DROP FUNCTION IF EXISTS signature_sealed_guard()")
        return
    for name in ("signature_sealed_no_update", "signature_sealed_no_delete",
                 "signature_published_no_insert"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")

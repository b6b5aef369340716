"""PostgreSQL roles: an owner that runs migrations, and the app's login role that only
reads and writes rows.

The owner owns every table, sequence and function (it ran ``flask db upgrade``), so only it
can alter or drop them, or disable a trigger. The app role gets SELECT, INSERT, UPDATE and
DELETE on tables and USAGE, SELECT on sequences; on append-only tables (those guarded by the
``refuse_change_to_append_only`` trigger, the audit trail among them) only SELECT and INSERT;
on Alembic's version table only SELECT. Default privileges give it the same on tables the
owner creates later, and re-running :func:`grant_app_role` after each upgrade puts every
table back to exactly the privileges above. Identifiers are always quoted by
``psycopg.sql``; values are always bound parameters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
import sqlalchemy as sa
from psycopg import sql

# The trigger function migrations put on append-only tables (partnership.database).
APPEND_ONLY_FUNCTION = "refuse_change_to_append_only"
# Always treated as append-only, and its guard must be there: the audit trail.
AUDIT_TABLE = "audit_event"
# Alembic's bookkeeping: the app reads it at most; only migrations write it.
VERSION_TABLE = "alembic_version"

READ_WRITE = ("SELECT", "INSERT", "UPDATE", "DELETE")
APPEND_ONLY = ("SELECT", "INSERT")
READ_ONLY = ("SELECT",)
SEQUENCE = ("USAGE", "SELECT")
ALL_TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES",
                        "TRIGGER")
ALL_SEQUENCE_PRIVILEGES = ("USAGE", "SELECT", "UPDATE")


class RoleSetupError(Exception):
    """The roles cannot be set up safely as asked (the message says what to change)."""


@dataclass
class GrantSummary:
    """What the app role may now do, table by table."""

    app_role: str
    owner_role: str
    schema: str
    tables: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sequences: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Describe the grants in a few lines for the operator."""
        by_privileges: dict[tuple[str, ...], list[str]] = {}
        for table, privileges in sorted(self.tables.items()):
            by_privileges.setdefault(privileges, []).append(table)
        lines = []
        for privileges, tables in sorted(by_privileges.items(), key=lambda item: len(item[1])):
            shown = ", ".join(tables) if len(tables) <= 5 else f"{len(tables)} tables"
            lines.append(f"{', '.join(privileges)} on {shown}")
        lines.append(f"{', '.join(SEQUENCE)} on {len(self.sequences)} sequences")
        lines.append(f"the same on tables and sequences {self.owner_role} creates later "
                     f"in schema {self.schema}")
        return lines


def _driver(conn: sa.Connection) -> psycopg.Connection[Any]:
    if conn.dialect.name != "postgresql":
        raise RoleSetupError("database roles are for PostgreSQL; this database is "
                             f"{conn.dialect.name}")
    driver = conn.connection.driver_connection
    if not isinstance(driver, psycopg.Connection):
        raise RoleSetupError("connect with the psycopg driver (postgresql+psycopg://...)")
    return driver


def _execute(conn: sa.Connection, statement: sql.Composable) -> None:
    with _driver(conn).cursor() as cursor:
        cursor.execute(statement)


def _rows(conn: sa.Connection, query: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with _driver(conn).cursor() as cursor:
        cursor.execute(query, params)  # constant SQL text, bound parameters
        return cursor.fetchall()


def _privileges(names: Iterable[str]) -> sql.Composable:
    return sql.SQL(", ").join(sql.SQL(name) for name in names)  # our constants only


def default_owner(conn: sa.Connection, schema: str = "public") -> str:
    """Return the role that owns the migrated schema (its Alembic table), else current_user."""
    found = _rows(conn, "SELECT pg_get_userbyid(c.relowner) FROM pg_class c "
                        "JOIN pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = %s AND c.relname = %s",
                  (schema, VERSION_TABLE))
    return str(found[0][0] if found else _rows(conn, "SELECT current_user", ())[0][0])


def _require_role(conn: sa.Connection, role: str) -> None:
    if not _rows(conn, "SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)):
        raise RoleSetupError(f"role {role!r} does not exist: create it first "
                             "(deploy/postgresql/create-roles.sql)")


def _objects_in_schema(conn: sa.Connection, schema: str) -> list[tuple[str, str, str]]:
    """Return (kind, name, owner) for every table, sequence and function in the schema
    (extensions' own objects left out)."""
    return [(str(kind), str(name), str(owner)) for kind, name, owner in _rows(
        conn,
        """
        SELECT CASE c.relkind WHEN 'S' THEN 'sequence' WHEN 'v' THEN 'view'
                              WHEN 'm' THEN 'view' ELSE 'table' END,
               c.relname, pg_get_userbyid(c.relowner)
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                           AND d.objid = c.oid AND d.deptype = 'e')
        UNION ALL
        SELECT 'function', p.proname, pg_get_userbyid(p.proowner)
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
         WHERE n.nspname = %s
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                           AND d.objid = p.oid AND d.deptype = 'e')
         ORDER BY 1, 2
        """,
        (schema, schema),
    )]


def _tables(conn: sa.Connection, schema: str) -> list[str]:
    return [name for kind, name, _ in _objects_in_schema(conn, schema) if kind == "table"]


def _sequences(conn: sa.Connection, schema: str) -> list[str]:
    return [name for kind, name, _ in _objects_in_schema(conn, schema) if kind == "sequence"]


def append_only_guards(conn: sa.Connection, schema: str = "public") -> dict[str, list[str]]:
    """Return each append-only table's guard triggers with their state (``O`` = enabled)."""
    guards: dict[str, list[str]] = {}
    for table, trigger, enabled in _rows(
        conn,
        """
        SELECT c.relname, t.tgname, t.tgenabled
          FROM pg_trigger t
          JOIN pg_class c ON c.oid = t.tgrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace
          JOIN pg_proc p ON p.oid = t.tgfoid
         WHERE n.nspname = %s AND p.proname = %s AND NOT t.tgisinternal
         ORDER BY 1, 2
        """,
        (schema, APPEND_ONLY_FUNCTION),
    ):
        guards.setdefault(str(table), []).append(f"{trigger}:{enabled}")
    return guards


def intended_privileges(table: str, append_only: set[str]) -> tuple[str, ...]:
    """Return the privileges the app role should hold on one table."""
    if table == VERSION_TABLE:
        return READ_ONLY
    if table == AUDIT_TABLE or table in append_only:
        return APPEND_ONLY
    return READ_WRITE


def _refusals(conn: sa.Connection, app_role: str, owner_role: str, schema: str) -> list[str]:
    """Problems no GRANT can fix: the app role could become the owner or bypass privileges."""
    problems = []
    if app_role == owner_role:
        problems.append("the app role must not be the owner role")
    attributes = _rows(
        conn,
        "SELECT rolsuper, rolcreaterole, rolbypassrls, pg_has_role(%s, %s, 'MEMBER') "
        "FROM pg_roles WHERE rolname = %s",
        (app_role, owner_role, app_role),
    )
    if attributes:
        superuser, createrole, bypassrls, member_of_owner = attributes[0]
        if superuser:
            problems.append(f"{app_role} is a superuser: ALTER ROLE ... NOSUPERUSER")
        if createrole:
            problems.append(f"{app_role} may create roles: ALTER ROLE ... NOCREATEROLE")
        if bypassrls:
            problems.append(f"{app_role} bypasses row security: ALTER ROLE ... NOBYPASSRLS")
        if member_of_owner and app_role != owner_role:
            problems.append(f"{app_role} is a member of {owner_role} and could act as it: "
                            f"REVOKE {owner_role} FROM {app_role}")
    if _rows(conn, "SELECT 1 FROM pg_database d WHERE d.datname = current_database() "
                   "AND pg_has_role(%s, d.datdba, 'MEMBER')", (app_role,)):
        problems.append(f"{app_role} owns the database: ALTER DATABASE ... OWNER TO {owner_role}")
    for kind, name, owner in _objects_in_schema(conn, schema):
        if owner != owner_role:
            problems.append(f"{kind} {schema}.{name} is owned by {owner}, not {owner_role}: "
                            f"run the migrations as {owner_role} (or ALTER ... OWNER TO)")
    return problems


def grant_app_role(conn: sa.Connection, app_role: str, *, owner_role: str | None = None,
                   schema: str = "public") -> GrantSummary:
    """Give the app role exactly the privileges it needs on every table and sequence.

    Run as the owner role (or a superuser naming ``owner_role``) after every upgrade; it is
    idempotent. Everything happens in the caller's transaction (``engine.begin()``).
    """
    owner_role = owner_role or default_owner(conn, schema)
    _require_role(conn, app_role)
    _require_role(conn, owner_role)
    problems = _refusals(conn, app_role, owner_role, schema)
    if problems:
        raise RoleSetupError("; ".join(problems))

    role = sql.Identifier(app_role)
    owner = sql.Identifier(owner_role)
    namespace = sql.Identifier(schema)
    summary = GrantSummary(app_role, owner_role, schema)
    # Nobody but the owner creates objects here (PostgreSQL 15 already defaults to this).
    _execute(conn, sql.SQL("REVOKE CREATE ON SCHEMA {} FROM PUBLIC").format(namespace))
    _execute(conn, sql.SQL("REVOKE CREATE ON SCHEMA {} FROM {}").format(namespace, role))
    _execute(conn, sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(namespace, role))

    append_only = set(append_only_guards(conn, schema))
    for table in _tables(conn, schema):
        privileges = intended_privileges(table, append_only)
        target = sql.Identifier(schema, table)
        # Revoke first so anything granted by hand (UPDATE on the audit trail, TRUNCATE,
        # TRIGGER) goes; both statements are in one transaction, so the app never sees a gap.
        _execute(conn, sql.SQL("REVOKE ALL ON TABLE {} FROM {}").format(target, role))
        _execute(conn, sql.SQL("REVOKE ALL ON TABLE {} FROM PUBLIC").format(target))
        _execute(conn, sql.SQL("GRANT {} ON TABLE {} TO {}").format(
            _privileges(privileges), target, role))
        summary.tables[table] = privileges
    for sequence in _sequences(conn, schema):
        target = sql.Identifier(schema, sequence)
        _execute(conn, sql.SQL("REVOKE ALL ON SEQUENCE {} FROM {}").format(target, role))
        _execute(conn, sql.SQL("GRANT {} ON SEQUENCE {} TO {}").format(
            _privileges(SEQUENCE), target, role))
        summary.sequences.append(sequence)

    # Tables a later migration creates: covered from the moment they exist. A new
    # append-only table gets read-write here until the grant is re-run; its trigger still
    # refuses UPDATE and DELETE meanwhile, and only the owner can remove the trigger.
    _execute(conn, sql.SQL(
        "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT {} ON TABLES TO {}"
    ).format(owner, namespace, _privileges(READ_WRITE), role))
    _execute(conn, sql.SQL(
        "ALTER DEFAULT PRIVILEGES FOR ROLE {} IN SCHEMA {} GRANT {} ON SEQUENCES TO {}"
    ).format(owner, namespace, _privileges(SEQUENCE), role))
    return summary


def _held(conn: sa.Connection, role: str, schema: str, *, sequences: bool) -> dict[str, set[str]]:
    """Return the privileges the role holds (directly, by membership or via PUBLIC) per
    table or per sequence."""
    if sequences:
        query = """
            SELECT c.relname, p.privilege
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             CROSS JOIN unnest(%s::text[]) AS p(privilege)
             WHERE n.nspname = %s AND c.relkind = 'S'
               AND has_sequence_privilege(%s, c.oid, p.privilege)
            """
        names = list(ALL_SEQUENCE_PRIVILEGES)
    else:
        query = """
            SELECT c.relname, p.privilege
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             CROSS JOIN unnest(%s::text[]) AS p(privilege)
             WHERE n.nspname = %s AND c.relkind IN ('r', 'p')
               AND has_table_privilege(%s, c.oid, p.privilege)
            """
        names = list(ALL_TABLE_PRIVILEGES)
    held: dict[str, set[str]] = {}
    for name, privilege in _rows(conn, query, (names, schema, role)):
        held.setdefault(str(name), set()).add(str(privilege))
    return held


def _default_privileges(conn: sa.Connection, owner_role: str, app_role: str,
                        schema: str) -> dict[str, set[str]]:
    """Return the default privileges the owner's new tables (r) and sequences (S) give."""
    found: dict[str, set[str]] = {"r": set(), "S": set()}
    for objtype, privilege in _rows(
        conn,
        """
        SELECT d.defaclobjtype, acl.privilege_type
          FROM pg_default_acl d
          JOIN pg_namespace n ON n.oid = d.defaclnamespace
          CROSS JOIN LATERAL aclexplode(d.defaclacl) acl
         WHERE n.nspname = %s AND d.defaclrole = %s::regrole AND acl.grantee = %s::regrole
        """,
        (schema, owner_role, app_role),
    ):
        found.setdefault(str(objtype), set()).add(str(privilege))
    return found


def check_app_role(conn: sa.Connection, app_role: str, *, owner_role: str | None = None,
                   schema: str = "public") -> list[str]:
    """List every way the app role's privileges differ from the intended ones (none: safe)."""
    owner_role = owner_role or default_owner(conn, schema)
    _require_role(conn, app_role)
    _require_role(conn, owner_role)
    problems = _refusals(conn, app_role, owner_role, schema)

    if not _rows(conn, "SELECT has_database_privilege(%s, current_database(), 'CONNECT')",
                 (app_role,))[0][0]:
        problems.append(f"{app_role} may not connect to this database: GRANT CONNECT")
    usage, create = _rows(conn, "SELECT has_schema_privilege(%s, %s, 'USAGE'), "
                                "has_schema_privilege(%s, %s, 'CREATE')",
                          (app_role, schema, app_role, schema))[0]
    if not usage:
        problems.append(f"{app_role} lacks USAGE on schema {schema}")
    if create:
        problems.append(f"{app_role} may create objects in schema {schema}")

    guards = append_only_guards(conn, schema)
    if AUDIT_TABLE in _tables(conn, schema) and AUDIT_TABLE not in guards:
        problems.append(f"{AUDIT_TABLE} has no append-only trigger")
    for table, triggers in guards.items():
        for trigger in triggers:
            name, state = trigger.rsplit(":", 1)
            if state == "D":
                problems.append(f"trigger {name} on {table} is disabled")

    tables = _held(conn, app_role, schema, sequences=False)
    for table in _tables(conn, schema):
        intended = set(intended_privileges(table, set(guards)))
        actual = tables.get(table, set())
        if actual - intended:
            problems.append(f"{app_role} has {', '.join(sorted(actual - intended))} on "
                            f"{table} (should have only {', '.join(sorted(intended))})")
        if intended - actual:
            problems.append(f"{app_role} lacks {', '.join(sorted(intended - actual))} on {table}")
    sequences = _held(conn, app_role, schema, sequences=True)
    for sequence in _sequences(conn, schema):
        actual = sequences.get(sequence, set())
        if actual != set(SEQUENCE):
            problems.append(f"{app_role} has {', '.join(sorted(actual)) or 'nothing'} on "
                            f"sequence {sequence} (should have {', '.join(SEQUENCE)})")

    defaults = _default_privileges(conn, owner_role, app_role, schema)
    if defaults["r"] != set(READ_WRITE):
        problems.append(f"tables {owner_role} creates later will not be readable and "
                        f"writable by {app_role}: run the grant")
    if defaults["S"] != set(SEQUENCE):
        problems.append(f"sequences {owner_role} creates later will not be usable by "
                        f"{app_role}: run the grant")
    return problems

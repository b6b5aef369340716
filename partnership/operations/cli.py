"""Operator commands: ``flask --app wsgi db-roles ...``, ``backup sqlite``, ``restore sqlite``."""

from __future__ import annotations

from pathlib import Path

import click
import psycopg
from flask import current_app
from flask.cli import AppGroup

from partnership.extensions import db
from partnership.operations import roles, sqlite_backup

db_roles_cli = AppGroup("db-roles", help="PostgreSQL roles: the owner and the app's login role.")
backup_cli = AppGroup("backup", help="Back up the database.")
restore_cli = AppGroup("restore", help="Restore the database from a backup.")

APP_ROLE = click.option("--app-role", required=True,
                        help="The login role the web app connects as, e.g. tracker_app.")
OWNER_ROLE = click.option("--owner-role", default=None,
                          help="The role that owns the schema (default: the owner of the "
                               "migrated tables).")
SCHEMA = click.option("--schema", default="public", show_default=True)


@db_roles_cli.command("grant")
@APP_ROLE
@OWNER_ROLE
@SCHEMA
def grant(app_role: str, owner_role: str | None, schema: str) -> None:
    """Give the app role exactly what it needs; run as the owner after every db upgrade."""
    try:
        # begin(): the grants are committed together, or (on any problem) not at all.
        with db.engine.begin() as conn:
            summary = roles.grant_app_role(conn, app_role, owner_role=owner_role, schema=schema)
            problems = roles.check_app_role(conn, app_role, owner_role=summary.owner_role,
                                            schema=schema)
            if problems:
                raise roles.RoleSetupError("grants not applied: " + "; ".join(problems))
    except (roles.RoleSetupError, psycopg.Error) as error:
        raise click.ClickException(str(error).strip()) from None
    click.echo(f"{app_role} may now use (owner {summary.owner_role}):")
    for line in summary.lines():
        click.echo(f"  {line}")


@db_roles_cli.command("check")
@APP_ROLE
@OWNER_ROLE
@SCHEMA
def check(app_role: str, owner_role: str | None, schema: str) -> None:
    """Report any way the app role could do more (or less) than it should; exit 1 if so."""
    with db.engine.connect() as conn:
        try:
            problems = roles.check_app_role(conn, app_role, owner_role=owner_role, schema=schema)
        except (roles.RoleSetupError, psycopg.Error) as error:
            raise click.ClickException(str(error).strip()) from None
        finally:
            conn.rollback()
    if problems:
        for problem in problems:
            click.echo(f"problem: {problem}", err=True)
        raise click.ClickException(f"{len(problems)} problem(s) with {app_role}'s privileges")
    click.echo(f"{app_role}: privileges as intended; the audit trail is append-only")


def _database_file() -> Path:
    try:
        return sqlite_backup.sqlite_path(current_app.config["SQLALCHEMY_DATABASE_URI"])
    except sqlite_backup.BackupError as error:
        raise click.ClickException(str(error)) from None


def _echo_counts(verb: str, counts: dict[str, int]) -> None:
    rows = sum(n for name, n in counts.items() if name != sqlite_backup.VERSION_TABLE)
    click.echo(f"{verb}: {len(counts)} tables, {rows} rows, "
               f"{counts.get('audit_event', 0)} audit events")


@backup_cli.command("sqlite")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The new backup file (never overwritten).")
def backup_sqlite(out: Path) -> None:
    """Copy the live SQLite database consistently (safe while the app runs)."""
    source = _database_file()
    try:
        counts = sqlite_backup.backup_sqlite(source, out)
    except sqlite_backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    _echo_counts(f"Backed up {source} to {out}", counts)


@restore_cli.command("sqlite")
@click.argument("backup", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="Overwrite a database that already holds data.")
def restore_sqlite(backup: Path, replace: bool) -> None:
    """Restore the SQLite database from a backup; stop the web app first."""
    target = _database_file()
    db.engine.dispose()  # hold no connection to the file being replaced
    try:
        counts = sqlite_backup.restore_sqlite(backup, target, replace=replace)
    except sqlite_backup.BackupError as error:
        raise click.ClickException(str(error)) from None
    _echo_counts(f"Restored {target} from {backup}", counts)
    click.echo("Then run: flask --app wsgi db upgrade")

"""Running the service: PostgreSQL roles, backups and restores (see docs/production.md)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register ``flask db-roles ...``, ``flask backup ...`` and ``flask restore ...``."""
    from partnership.operations.cli import backup_cli, db_roles_cli, restore_cli

    for group in (db_roles_cli, backup_cli, restore_cli):
        app.cli.add_command(group)

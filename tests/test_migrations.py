"""The migrations build exactly the models' schema, have one head, and go down and up again.

The ideas of pytest-alembic's default tests, run on every backend.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app
from flask_migrate import downgrade, upgrade

from partnership.extensions import db

APP_TABLES = {"audit_event", "user_account", "user_session"}


def _differences(app: Flask) -> list[Any]:
    """What autogenerate would put in a new migration, with the settings env.py uses.

    env.py's ``render_item`` only changes how a type is written into a script, not what is
    compared, so it is not needed here; types are compared (Alembic's default).
    """
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"compare_type": True,
                  **current_app.extensions["migrate"].configure_args},
        )
        return list(compare_metadata(context, db.metadata))


def _tables(app: Flask) -> set[str]:
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names())


def _append_only_holds(app: Flask) -> bool:
    with app.app_context():
        db.session.execute(sa.insert(db.metadata.tables["audit_event"]).values(
            action="probe", actor="migration test", outcome="success",
            at=sa.func.current_timestamp()))
        db.session.commit()
        try:
            db.session.execute(sa.text("DELETE FROM audit_event"))
            db.session.commit()
        except sa.exc.DatabaseError:
            db.session.rollback()
            return True
        return False


def test_the_migrated_schema_matches_the_models(app: Flask) -> None:
    assert _differences(app) == []


def test_there_is_a_single_head_revision(app: Flask) -> None:
    with app.app_context():
        config = current_app.extensions["migrate"].migrate.get_config()
        script = ScriptDirectory.from_config(config)
        heads = script.get_heads()
        assert len(heads) == 1, f"several heads: {heads}; merge them"
        # Every revision is reachable from the head, in one line back to the base.
        revisions = list(script.walk_revisions())
        assert revisions[-1].down_revision is None
        assert sum(1 for r in revisions if r.down_revision is None) == 1


def test_downgrade_to_base_and_upgrade_again(app: Flask, backend: str) -> None:
    assert _tables(app) >= APP_TABLES
    with app.app_context():
        downgrade(revision="base")
        db.session.remove()
    assert _tables(app) - {"alembic_version"} == set(), "the downgrade left tables behind"
    if backend == "postgresql":
        with app.app_context():
            leftover = db.session.scalar(sa.text(
                "SELECT count(*) FROM pg_proc WHERE proname = 'refuse_change_to_append_only'"))
        assert leftover == 0, "the downgrade left the trigger function behind"

    with app.app_context():
        upgrade()
        db.session.remove()
    assert _tables(app) >= APP_TABLES
    assert _differences(app) == []
    assert _append_only_holds(app), "the re-upgraded audit table is not append-only"

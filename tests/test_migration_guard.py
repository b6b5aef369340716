"""A downgrade never deletes data silently: it refuses, naming what would go, unless told.

The check is migrations/guard.py, installed for every run by migrations/env.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app

from migrations import guard
from migrations.guard import ALLOW_DATA_LOSS, DataLossRefused, created, dropped, rehearse
from partnership.accounts.models import SignInThrottle
from partnership.actions.models import Action
from partnership.audit.services import Actor, record_event
from partnership.database import utcnow
from partnership.extensions import db
from partnership.publishing.models import PublicationStatus
from partnership.register.models import Partnership
from partnership.reports.models import YearlyReport
from partnership.reviews.models import Recommendation, Review, ReviewKind


@pytest.fixture(autouse=True)
def _not_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the shell running the tests has set, data loss starts out not allowed."""
    monkeypatch.delenv(ALLOW_DATA_LOSS, raising=False)


def _config() -> Config:
    return current_app.extensions["migrate"].migrate.get_config()


def _downgrade(app: Flask, revision: str) -> None:
    """Run Alembic's own downgrade command (what ``flask db downgrade`` runs)."""
    with app.app_context():
        try:
            command.downgrade(_config(), revision)
        finally:
            db.session.remove()


def _head(app: Flask) -> str | None:
    with app.app_context():
        return ScriptDirectory.from_config(_config()).get_current_head()


def _version(app: Flask) -> str | None:
    with app.app_context():
        return db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))


def _tables(app: Flask) -> set[str]:
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def _count(app: Flask, table: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(sa.table(table)))


def _partnership() -> Partnership:
    partnership = Partnership(slug="guarded", name="Guarded Safeguarding Partnership",
                              short_name="GSP")
    db.session.add(partnership)
    return partnership


def _published_report(app: Flask) -> None:
    with app.app_context():
        pdf = b"%PDF-1.7\n% a published yearly report\n"
        db.session.add(YearlyReport(
            partnership=_partnership(), title="Guarded report 2023-24",
            period_start=dt.date(2023, 4, 1), period_end=dt.date(2024, 3, 31),
            status=PublicationStatus.PUBLISHED, snapshot={}, pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(), pages=1,
            published_on=dt.date(2024, 9, 30), published_at=utcnow()))
        db.session.commit()


def _audit_row(app: Flask) -> None:
    with app.app_context():
        record_event("sign-in", actor=Actor(None, "someone@example.org", None))


def test_downgrading_below_the_yearly_report_refuses_while_a_report_exists(
    app: Flask, backend: str
) -> None:
    _published_report(app)
    tables = _tables(app)

    with pytest.raises(DataLossRefused) as refused:
        _downgrade(app, "0004")

    message = str(refused.value)
    assert "yearly_report: 1 row (dropped by revision 0005)" in message
    assert "Nothing has been changed" in message
    assert f"{ALLOW_DATA_LOSS}=1" in message
    assert _version(app) == _head(app)
    assert _count(app, "yearly_report") == 1
    assert _tables(app) == tables


def test_downgrading_to_base_refuses_while_the_audit_trail_has_rows(
    app: Flask, backend: str
) -> None:
    _audit_row(app)
    tables = _tables(app)

    with pytest.raises(DataLossRefused) as refused:
        _downgrade(app, "base")

    assert "audit_event: 1 row (dropped by revision 0001)" in str(refused.value)
    assert _version(app) == _head(app)
    assert _tables(app) == tables
    assert _count(app, "audit_event") == 1


def test_removing_a_column_that_holds_values_is_refused_too(app: Flask, backend: str) -> None:
    with app.app_context():
        partnership = _partnership()
        review = Review(partnership=partnership, kind=ReviewKind.NATIONAL_PANEL,
                        title="A national panel review")
        recommendation = Recommendation(review=review, number=1, text="Guard the data")
        db.session.add(Action(partnership=partnership, year=2025, title="Follow it up",
                              recommendation=recommendation))
        db.session.add(Action(partnership=partnership, year=2025, title="Not from a review"))
        db.session.commit()

    with pytest.raises(DataLossRefused) as refused:
        _downgrade(app, "0003")

    message = str(refused.value)
    assert "action.recommendation_id: 1 value (dropped by revision 0004)" in message
    assert "recommendation: 1 row" in message
    assert _version(app) == _head(app)
    assert _count(app, "action") == 2


def test_with_allow_data_loss_set_the_downgrades_go_through(
    app: Flask, backend: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _published_report(app)
    _audit_row(app)
    monkeypatch.setenv(ALLOW_DATA_LOSS, "1")

    _downgrade(app, "0004")
    assert _version(app) == "0004"
    assert "yearly_report" not in _tables(app)
    # What went is still said, on the migration log (stderr).
    assert "yearly_report: 1 row (dropped by revision 0005)" in capsys.readouterr().err

    _downgrade(app, "base")
    assert _version(app) is None
    assert _tables(app) == set()


def test_an_empty_database_downgrades_freely(app: Flask, backend: str) -> None:
    _downgrade(app, "base")

    assert _version(app) is None
    assert _tables(app) == set()


def test_a_step_that_finds_data_as_it_runs_stops_there(
    app: Flask, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each step counts again as it runs; on PostgreSQL a refusal then undoes the whole run."""
    _audit_row(app)
    tables = _tables(app)
    counted = guard._counted
    calls = itertools.count()
    # The count over the whole run (the first) finds nothing, as if a step were to fill a
    # table that a later step drops.
    monkeypatch.setattr(guard, "_counted", lambda connection, drops: (
        [] if next(calls) == 0 else counted(connection, drops)))

    with pytest.raises(DataLossRefused) as refused:
        _downgrade(app, "base")

    assert "audit_event: 1 row (dropped by revision 0001)" in str(refused.value)
    assert _count(app, "audit_event") == 1
    if backend == "postgresql":
        assert "Nothing has been changed" in str(refused.value)
        assert _version(app) == _head(app)
        assert _tables(app) == tables
    else:
        assert "Stopped before revision 0001" in str(refused.value)
        assert _version(app) == "0001"


def test_a_table_its_migration_calls_transient_is_dropped_without_asking(
    app: Flask, backend: str
) -> None:
    """The sign-in throttle only holds locks of a few minutes: nothing worth keeping."""
    with app.app_context():
        db.session.add(SignInThrottle(email="someone@example.org", window_started_at=utcnow(),
                                      attempts=3, checking=0))
        db.session.commit()

    _downgrade(app, "0005")

    assert _version(app) == "0005"
    assert "sign_in_throttle" not in _tables(app)


def test_flask_db_downgrade_exits_non_zero_and_says_why(app: Flask, backend: str) -> None:
    _published_report(app)
    runner = app.test_cli_runner()

    result = runner.invoke(args=["db", "downgrade", "0004"])

    assert result.exit_code != 0
    assert "Refusing to downgrade" in result.output
    assert "yearly_report: 1 row" in result.output
    assert f"{ALLOW_DATA_LOSS}=1" in result.output
    assert _version(app) == _head(app)
    assert _count(app, "yearly_report") == 1

    allowed = runner.invoke(args=["db", "downgrade", "0004"], env={ALLOW_DATA_LOSS: "1"})

    assert allowed.exit_code == 0, allowed.output
    assert _version(app) == "0004"


def test_every_downgrade_is_seen_to_drop_what_its_upgrade_created(
    app: Flask, backend: str
) -> None:
    """The rehearsal sees every table and column each downgrade removes, and runs nothing."""
    tables = _tables(app)
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection)
        for script in ScriptDirectory.from_config(_config()).walk_revisions():
            made = rehearse(context, script.module.upgrade)
            undone = rehearse(context, script.module.downgrade)
            assert sorted(dropped(undone)) == sorted(created(made)), (
                f"revision {script.revision}: the guard would not see all of what its "
                "downgrade drops; drop tables and columns with op.drop_table / drop_column"
            )
    assert _tables(app) == tables, "rehearsing a migration changed the database"
    assert _version(app) == _head(app)

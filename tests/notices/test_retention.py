"""Retention and the daily recomputation, as the scheduled jobs run them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.actions.models import ImportUpload
from partnership.evidence import store
from partnership.evidence.models import EvidenceFile
from partnership.extensions import db
from partnership.notices import schedules
from partnership.notices.models import RunOutcome, ScheduledRun
from partnership.plans.models import Plan
from partnership.policy import Role
from tests.notices import world
from tests.support.clock import pin_clock

NOW = dt.datetime(2027, 6, 1, 1, 30, tzinfo=dt.UTC)


def test_retention_drops_old_spreadsheets_and_files_of_deleted_records(
        app: Flask, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch) -> None:
    chair = make_user(Role.CHAIR)
    ids = world.build(app, chair.id)
    pin_clock(monkeypatch, NOW)
    with app.app_context():
        plan = Plan(partnership_id=ids.partnership_id, title="Plan", first_year=2026,
                    last_year=2028)
        db.session.add(plan)
        db.session.flush()
        for days in (91, 89):
            db.session.add(ImportUpload(user_id=chair.id, plan_id=plan.id, filename=f"{days}.csv",
                                        content=b"a,b\n", mapping={},
                                        created_at=NOW - dt.timedelta(days=days)))
        folder = store.folder()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "orphan-bytes").write_bytes(b"paper")
        (folder / "kept-bytes").write_bytes(b"paper")
        common = {"partnership_id": ids.partnership_id, "owner_kind": "meeting",
                  "media_type": "text/plain", "size": 5, "sha256": "a" * 64}
        db.session.add_all([
            EvidenceFile(owner_id=ids.meeting_id + 1000, filename="gone.txt",
                         stored_name="orphan-bytes", **common),
            EvidenceFile(owner_id=ids.meeting_id, filename="kept.txt", stored_name="kept-bytes",
                         **common)])
        db.session.commit()
        schedules.run_retention({"occurrence": NOW.isoformat()})
        db.session.commit()
        assert db.session.scalars(sa.select(ImportUpload.filename)).all() == ["89.csv"]
        removed = {row.filename: row.removed_at is not None
                   for row in db.session.scalars(sa.select(EvidenceFile))}
        assert removed == {"gone.txt": True, "kept.txt": False}
        assert not (folder / "orphan-bytes").exists()
        assert (folder / "kept-bytes").exists()
        [run] = db.session.scalars(sa.select(ScheduledRun)).all()
        assert (run.job_name, run.outcome, run.detail) == (
            "retention", RunOutcome.OK,
            "1 imported spreadsheet(s) and 1 file(s) of deleted records removed")


def test_a_failed_run_is_recorded_for_the_admin(app: Flask,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> str:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(schedules, "_daily_hooks", [broken])
    with app.app_context(), pytest.raises(RuntimeError):
        schedules.run_daily({"occurrence": NOW.isoformat()})
    with app.app_context():
        [run] = db.session.scalars(sa.select(ScheduledRun)).all()
        assert (run.job_name, run.outcome, run.detail) == (
            "daily", RunOutcome.FAILED, "RuntimeError: the disk is full")
        [row] = [row for row in schedules.health() if row.name == "daily"]
        assert row.last_outcome is RunOutcome.FAILED and row.failures_last_day == 1

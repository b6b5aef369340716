"""``flask actions import FILE --plan ID``: the same checks as the pages, all or nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.actions.models import Status
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from tests.actions.test_spreadsheets import (
    GOOD_ROW,
    HEADINGS,
    WESSEX,
    World,
    actions_of,
    csv_bytes,
    wessexshire,
    xlsx_bytes,
)

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")


@pytest.fixture
def world(app: Flask) -> World:
    return wessexshire(app)


def write(tmp_path: Path, rows: list[list[Any]], name: str = "tracker.csv") -> Path:
    file = tmp_path / name
    file.write_bytes(xlsx_bytes(rows) if name.endswith(".xlsx") else csv_bytes(rows))
    return file


def events(app: Flask, action: str) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_a_good_file_is_imported_and_the_count_printed(app: Flask, runner: Any, world: World,
                                                       tmp_path: Path) -> None:
    file = write(tmp_path, [HEADINGS, GOOD_ROW, ["B2", "Publish the neglect strategy"]])

    result = runner.invoke(args=["actions", "import", str(file), "--plan", str(world.plan_id)])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "Imported 2 actions into Business plan 2024 to 2027"
    assert "Title: column 'Action'" in result.stdout
    first, second = actions_of(app)
    assert (first.objective_id, first.lead_agency_id, first.lead_person_id, first.body_id,
            first.status) == (world.a1_id, world.police_id, world.person_id, world.body_id,
                              Status.IN_PROGRESS)
    [note] = first.updates
    assert (note.narrative, note.author_id, note.author_name, note.recorded_on) == (
        "Audit tool agreed", None, "Imported from tracker.csv", clock.today())
    assert second.title == "Publish the neglect strategy"
    [event] = events(app, "import")
    assert (event.actor, event.changes["actions"], event.changes["file"]) == (
        "cli", 2, "tracker.csv")
    assert {e.actor for e in events(app, "create") if e.record_type == "action"} == {"cli"}


def test_a_bad_file_prints_each_bad_row_and_imports_nothing(app: Flask, runner: Any,
                                                            world: World, tmp_path: Path) -> None:
    file = write(tmp_path, [HEADINGS, GOOD_ROW, ["A1", "Late", "", "", "", "", "31/13/2024"],
                            GOOD_ROW, ["A1", "Who leads?", "Polic"]])

    result = runner.invoke(args=["actions", "import", str(file), "--plan", str(world.plan_id)])

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Row 3, Due date: '31/13/2024' is not a date. Use a date such as 31/03/2025",
        f"Row 5, Lead: no agency called 'Polic' in {WESSEX}. Did you mean 'Wessexshire Police'?",
        "Error: tracker.csv was not imported: 2 rows with problems; nothing was changed"]
    assert actions_of(app) == []
    assert events(app, "import") == []


def test_map_chooses_columns_and_dry_run_changes_nothing(app: Flask, runner: Any, world: World,
                                                         tmp_path: Path) -> None:
    file = write(tmp_path, [["Task name", "Notes", "When"],
                            ["Review thresholds", "Started", dt.date(2024, 9, 30)]],
                 "tracker.xlsx")
    args = ["actions", "import", str(file), "--plan", str(world.plan_id),
            "--map", "title=Task name", "--map", "progress_note=Notes",
            "--map", "target_date=When"]

    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines()[-1] == (
        "1 action would be imported into Business plan 2024 to 2027 (dry run: nothing was "
        "changed)")
    assert actions_of(app) == []

    real = runner.invoke(args=args)
    assert real.exit_code == 0, real.output
    [action] = actions_of(app)
    assert (action.title, action.target_date, action.updates[0].narrative) == (
        "Review thresholds", dt.date(2024, 9, 30), "Started")


@pytest.mark.parametrize(("extra", "message"), [
    (["--map", "title=Nowhere"], "the spreadsheet has no column 'Nowhere'"),
    (["--map", "colour=Action"], "use field=Heading"),
    (["--map", "title="], "Choose the column that holds each action's title"),
])
def test_a_bad_map_is_refused(app: Flask, runner: Any, world: World, tmp_path: Path,
                              extra: list[str], message: str) -> None:
    file = write(tmp_path, [HEADINGS, GOOD_ROW])

    result = runner.invoke(args=["actions", "import", str(file), "--plan", str(world.plan_id),
                                 *extra])

    assert result.exit_code != 0
    assert message in " ".join(result.stderr.split())
    assert actions_of(app) == []


def test_an_unknown_plan_or_an_unreadable_file_is_refused(app: Flask, runner: Any, world: World,
                                                          tmp_path: Path) -> None:
    file = write(tmp_path, [HEADINGS, GOOD_ROW])
    wrong = tmp_path / "tracker.xls"
    wrong.write_bytes(b"\xd0\xcf\x11\xe0")

    unknown = runner.invoke(args=["actions", "import", str(file), "--plan", "999"])
    unreadable = runner.invoke(args=["actions", "import", str(wrong), "--plan",
                                     str(world.plan_id)])

    assert unknown.exit_code == 1
    assert "There is no plan with the id 999" in unknown.stderr
    assert unreadable.exit_code == 1
    assert "old Excel workbook (.xls)" in unreadable.stderr
    assert actions_of(app) == []

"""A downloaded tracker imported again: an update of the same actions, keyed by their ID.

Before, every row of a re-imported download was "ready" as a new action (11 rows, 0
problems: 11 duplicates). Now the preview says what each row will change, nothing changes
while any row has a problem, and importing the same file twice changes nothing the second
time."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.actions.models import Action, ImportUpload, Status
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.policy import Role
from tests.actions.test_import_views import uploaded
from tests.actions.test_spreadsheets import World, add_actions, csv_bytes, wessexshire
from tests.support.client import BrowserLikeClient, page


@pytest.fixture
def world(app: Flask) -> World:
    world = wessexshire(app)
    add_actions(app, world, ["Audit the front door", "Train the school nurses",
                             "Publish the neglect toolkit"])
    return world


@pytest.fixture
def team(signed_in: Callable[[Role], BrowserLikeClient], world: World) -> BrowserLikeClient:
    return signed_in(Role.TEAM)


def exported(client: BrowserLikeClient) -> list[list[str]]:
    text = client.get("/actions/export.csv?sort=title").get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def preview_rows(response: Any) -> dict[str, str]:
    """Title -> what the preview says the row will do."""
    rows = page(response).select("table.app-import-rows tbody tr")
    return {row.find_all("td")[1].get_text(" ", strip=True).split(" ID ")[0]:
            " ".join(row.find_all("td")[2].get_text(" ", strip=True).split()) for row in rows}


def snapshot(app: Flask) -> list[tuple[Any, ...]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            sa.select(Action.id, Action.title, Action.target_date, Action.lead_agency_id,
                      Action.version).order_by(Action.id))]


def test_a_changed_download_updates_its_actions_and_a_second_run_changes_nothing(
        app: Flask, team: BrowserLikeClient, world: World) -> None:
    rows = exported(team)
    headings = rows[0]
    column = {name: headings.index(name) for name in ("ID", "Title", "Target date",
                                                      "Lead agency")}
    by_title = {row[column["Title"]]: row for row in rows[1:]}
    by_title["Train the school nurses"][column["Target date"]] = "30/06/2030"
    by_title["Publish the neglect toolkit"][column["Lead agency"]] = "Wessexshire County Council"
    changed_file = csv_bytes(rows)

    upload_id = uploaded(team, world, rows)
    preview = team.get(f"/actions/import/{upload_id}/preview")
    html = page(preview)
    assert preview_rows(preview) == {
        "Audit the front door": "No change",
        "Train the school nurses": "Changes Target date: 2 January 2030 → 30 June 2030",
        "Publish the neglect toolkit":
            "Changes Lead agency: Wessexshire Police → Wessexshire County Council"}
    assert [html.find(id=name).get_text(strip=True) for name in (
        "new-rows", "changed-rows", "unchanged-rows")] == ["0", "2", "1"]
    before = snapshot(app)
    assert html.select_one("main form button").get_text(strip=True) == "Import: change 2"

    response = team.submit(f"/actions/import/{upload_id}/preview", follow_redirects=True)

    assert "2 actions changed from tracker.csv into Business plan 2024 to 2027" in page(
        response).get_text(" ")
    after = snapshot(app)
    assert [row[:4] for row in after] == [
        before[0][:4],
        (before[1][0], "Train the school nurses", dt.date(2030, 6, 30), world.police_id),
        (before[2][0], "Publish the neglect toolkit", dt.date(2030, 1, 3), world.council_id)]
    with app.app_context():
        updates = db.session.scalars(sa.select(AuditEvent.record_id).where(
            AuditEvent.record_type == "action", AuditEvent.action == "update")
            .order_by(AuditEvent.record_id)).all()
        assert updates == [str(before[1][0]), str(before[2][0])]  # one entry per action

    # The same file again: every row already matches, nothing to import, nothing changes.
    again = uploaded(team, world, list(csv.reader(io.StringIO(
        changed_file.decode("utf-8-sig"), newline=""))))
    second = team.get(f"/actions/import/{again}/preview")
    assert set(preview_rows(second).values()) == {"No change"}
    assert "Nothing will change" in page(second).get_text(" ")
    assert not page(second).select("main form[method=post]")
    team.submit(f"/actions/import/{again}/preview")
    assert snapshot(app) == after


def test_nothing_changes_while_any_row_has_a_problem(
        app: Flask, team: BrowserLikeClient, world: World) -> None:
    rows = exported(team)
    headings = rows[0]
    rows[1][headings.index("Target date")] = "30/06/2030"
    rows[2][headings.index("ID")] = "99999"
    rows.append(list(rows[3]))  # the same action twice
    upload_id = uploaded(team, world, rows)
    before = snapshot(app)

    preview = team.get(f"/actions/import/{upload_id}/preview")
    problems = [" ".join(row.get_text(" ", strip=True).split())
                for row in page(preview).select("table.app-import-problems tbody tr td:last-child")]
    twice = rows[3][headings.index("ID")]
    assert problems == [
        "Row 3, ID: there is no action with ID 99999 in Wessexshire Safeguarding Children "
        "Partnership. Leave the ID blank to add the row as a new action",
        f"Row 5, ID: row 4 changes action {twice} already: give each action one row"]
    response = team.submit(f"/actions/import/{upload_id}/preview")
    assert response.status_code == 200
    assert snapshot(app) == before
    with app.app_context():
        assert db.session.get_one(ImportUpload, upload_id).imported_at is None


def test_completing_an_action_in_the_file_records_its_completion_date(
        app: Flask, team: BrowserLikeClient, world: World) -> None:
    rows = exported(team)
    headings = rows[0]
    rows[1][headings.index("Status")] = "Complete"
    upload_id = uploaded(team, world, rows)
    preview = team.get(f"/actions/import/{upload_id}/preview")
    today = clock.today()
    assert preview_rows(preview)["Audit the front door"] == (
        "Changes Status: Not started → Complete % complete: (none) → 100% "
        f"Completion date: (none) → {long_date(today)}")
    team.submit(f"/actions/import/{upload_id}/preview")
    with app.app_context():
        done = db.session.scalars(sa.select(Action).where(
            Action.title == "Audit the front door")).one()
        assert (done.status, done.percent_complete, done.completed_on) == (
            Status.COMPLETE, 100, today)

"""Importing a tracker through the pages: upload, match columns, check every row, import once."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.actions.models import ImportUpload, ProgressUpdate, Status
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.policy import Role
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
from tests.support.client import BrowserLikeClient, page

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

START = "/actions/import"
TODAY = clock.today()


@pytest.fixture
def world(app: Flask) -> World:
    return wessexshire(app)


@pytest.fixture
def team(signed_in: Callable[[Role], BrowserLikeClient], world: World) -> BrowserLikeClient:
    return signed_in(Role.TEAM)


def upload(client: BrowserLikeClient, world: World, content: bytes,
           filename: str = "tracker.csv", **extra: Any) -> Any:
    return client.submit(START, {"plan": str(world.plan_id),
                                 "spreadsheet": (io.BytesIO(content), filename), **extra})


def uploaded(client: BrowserLikeClient, world: World, rows: list[list[Any]]) -> int:
    """Upload a CSV of these rows; return the upload's id (from the columns page's URL)."""
    response = upload(client, world, csv_bytes(rows))
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert location.endswith("/columns")
    return int(location.split("/")[-2])


def field_error(response: Any, name: str) -> str:
    html = page(response)
    message = html.find(id=f"{name}-error")
    assert message is not None, f"no error next to {name}"
    return " ".join(message.get_text(" ", strip=True).split())


def problem_rows(response: Any) -> list[list[str]]:
    html = page(response)
    table = html.select_one("table.app-import-problems")
    if table is None:
        return []
    return [[cell.get_text(" ", strip=True) for cell in row.find_all("td")]
            for row in table.select("tbody tr")]


def test_a_good_tracker_is_imported_with_its_links_and_progress_note(
        app: Flask, team: BrowserLikeClient, world: World) -> None:
    second = ["B2", "Publish the neglect strategy", "Wessexshire County Council", "", "",
              "", "30/09/2024", "Complete", "100", "Green", ""]
    upload_id = uploaded(team, world, [HEADINGS, GOOD_ROW, [], second])

    columns = team.get(f"{START}/{upload_id}/columns")
    assert columns.status_code == 200
    html = page(columns)
    chosen = {select["name"]: select.find("option", selected=True)["value"]
              for select in html.select("form select")}
    assert chosen["title"] == "Action" and chosen["agency"] == "Lead"
    assert chosen["target_date"] == "Due date" and chosen["objective"] == "Ref"
    assert chosen["detail"] == ""  # nothing matched
    assert "RAG" not in chosen.values()

    saved = team.submit(f"{START}/{upload_id}/columns", chosen)
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"{START}/{upload_id}/preview")

    preview = team.get(f"{START}/{upload_id}/preview")
    html = page(preview)
    assert html.find(id="good-rows").get_text(strip=True) == "2"
    assert html.find(id="bad-rows").get_text(strip=True) == "0"
    assert html.find("button", string="Import 2 actions") is not None

    imported = team.submit(f"{START}/{upload_id}/preview", {})
    assert imported.status_code == 302
    assert imported.headers["Location"].endswith(f"/actions?plan_id={world.plan_id}")
    listed = team.get(imported.headers["Location"])
    assert "2 actions imported from tracker.csv into Business plan 2024 to 2027" in \
        listed.get_data(as_text=True)

    first, other = actions_of(app)
    assert (first.title, first.partnership_id, first.objective_id, first.lead_agency_id,
            first.lead_person_id, first.body_id, first.start_date, first.target_date,
            first.status, first.percent_complete, first.year) == (
        "Run a voice of the child audit", world.partnership_id, world.a1_id, world.police_id,
        world.person_id, world.body_id, dt.date(2024, 4, 1), dt.date(2025, 3, 31),
        Status.IN_PROGRESS, 40, 2024)
    [note] = first.updates
    assert (note.narrative, note.recorded_on, note.author_id, note.author_name, note.status,
            note.percent_complete) == (
        "Audit tool agreed", TODAY, team.user.id, team.user.name,  # type: ignore[attr-defined]
        Status.IN_PROGRESS, 40)
    assert (other.objective_id, other.lead_agency_id, other.status, other.updates) == (
        world.b2_id, world.council_id, Status.COMPLETE, [])
    with app.app_context():
        [event] = db.session.scalars(sa.select(AuditEvent)
                                     .where(AuditEvent.action == "import")).all()
        assert (event.user_id, event.record_type, event.changes["actions"],
                event.changes["file"], event.changes["plan_id"]) == (
            team.user.id, "action", 2, "tracker.csv", world.plan_id)  # type: ignore[attr-defined]
        assert db.session.get(ImportUpload, upload_id).imported_at is not None

    again = team.submit(f"{START}/{upload_id}/preview", {})
    assert again.status_code == 302
    assert len(actions_of(app)) == 2  # a second click imports nothing
    assert "has been imported" in team.get(f"{START}/{upload_id}/preview").get_data(as_text=True)


def test_bad_rows_are_listed_and_nothing_can_be_imported(
        app: Flask, team: BrowserLikeClient, world: World) -> None:
    rows = [HEADINGS, GOOD_ROW,
            ["A1", "Late", "Wessexshire Police", "", "", "", "31/13/2024"],
            GOOD_ROW, GOOD_ROW, GOOD_ROW,
            ["A1", "Who leads?", "Polic"]]
    upload_id = uploaded(team, world, rows)

    preview = team.get(f"{START}/{upload_id}/preview")

    assert preview.status_code == 200
    html = page(preview)
    assert html.find(id="good-rows").get_text(strip=True) == "4"
    assert html.find(id="bad-rows").get_text(strip=True) == "2"
    assert "2 rows of tracker.csv have problems" in html.select_one(
        ".govuk-error-summary").get_text(" ", strip=True)
    assert problem_rows(preview) == [
        ["3", "Due date", "31/13/2024",
         "Row 3, Due date: '31/13/2024' is not a date. Use a date such as 31/03/2025"],
        ["7", "Lead", "Polic", f"Row 7, Lead: no agency called 'Polic' in {WESSEX}. "
                               "Did you mean 'Wessexshire Police'?"]]
    assert html.find("button", string=lambda s: bool(s and s.startswith("Import"))) is None

    forced = team.submit(f"{START}/{upload_id}/preview", {})
    assert forced.status_code == 200
    assert actions_of(app) == []  # all or nothing: the four good rows are not imported either
    with app.app_context():
        assert db.session.get(ImportUpload, upload_id).imported_at is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressUpdate)) == 0


def test_an_xlsx_tracker_with_real_dates_is_imported(
        app: Flask, team: BrowserLikeClient, world: World) -> None:
    content = xlsx_bytes([["Wessexshire tracker"], ["Action", "Objective", "Due date", "RAG"],
                          ["Audit the front door", "Hear the voice of the child",
                           dt.datetime(2025, 1, 31), "Red"]])
    response = upload(team, world, content, "tracker.xlsx")
    upload_id = int(response.headers["Location"].split("/")[-2])

    imported = team.submit(f"{START}/{upload_id}/preview", {})

    assert imported.status_code == 302
    [action] = actions_of(app)
    assert (action.title, action.objective_id, action.target_date, action.year) == (
        "Audit the front door", world.a1_id, dt.date(2025, 1, 31), 2024)


def test_actions_without_an_objective_are_shown_in_the_partnership_list(
        app: Flask, team: BrowserLikeClient, world: World) -> None:
    upload_id = uploaded(team, world, [["Action", "Lead"], ["Loose action", "Wessexshire Police"]])

    imported = team.submit(f"{START}/{upload_id}/preview", {})

    assert imported.headers["Location"].endswith(f"/actions?partnership_id={world.partnership_id}")
    [action] = actions_of(app)
    assert (action.partnership_id, action.objective_id, action.year) == (
        world.partnership_id, None, 2024)


def test_the_columns_can_be_changed_and_a_title_column_is_required(
        app: Flask, team: BrowserLikeClient, world: World) -> None:
    upload_id = uploaded(team, world, [["Task name", "Notes", "Owner"],
                                       ["Review the threshold document", "Started", "LIG"]])
    url = f"{START}/{upload_id}/columns"

    refused = team.submit(url, {"title": "", "progress_note": "Notes", "detail": "Notes"})
    assert refused.status_code == 200
    assert field_error(refused, "title") == (
        "Error: Choose the column that holds each action's title")
    assert "already chosen for Detail" in field_error(refused, "progress_note")
    preview = team.get(f"{START}/{upload_id}/preview")
    assert preview.status_code == 302 and preview.headers["Location"].endswith(url)

    saved = team.submit(url, {"title": "Task name", "detail": "Notes", "body": "Owner"})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get(ImportUpload, upload_id).mapping == {
            "title": "Task name", "detail": "Notes", "body": "Owner"}
    team.submit(f"{START}/{upload_id}/preview", {})
    [action] = actions_of(app)
    assert (action.title, action.detail, action.body_id) == (
        "Review the threshold document", "Started", world.body_id)


def test_someone_elses_upload_does_not_exist_for_you(
        app: Flask, team: BrowserLikeClient, world: World,
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    upload_id = uploaded(team, world, [HEADINGS, GOOD_ROW])
    colleague = signed_in(Role.TEAM)

    for path in ("columns", "preview"):
        url = f"{START}/{upload_id}/{path}"
        assert colleague.get(url).status_code == 404
        assert colleague.post_with_token(url, {"title": "Action"}).status_code == 404
    assert colleague.get(f"{START}/{upload_id + 1000}/preview").status_code == 404
    assert actions_of(app) == []


@pytest.mark.parametrize(("filename", "content", "message"), [
    ("tracker.txt", b"Action\nAudit\n", "The file must be a spreadsheet saved as .csv or .xlsx"),
    ("tracker.pdf", b"%PDF-1.7", "The file must be a spreadsheet saved as .csv or .xlsx"),
    ("tracker.csv", xlsx_bytes([["Action"], ["Audit"]]),
     "The file is an Excel workbook, though its name ends in .csv"),
    ("tracker.xlsx", b"Action,Lead\nAudit,Police\n",
     "The file is not an XLSX workbook, though its name ends in .xlsx"),
])
def test_the_wrong_kind_of_file_is_refused_next_to_the_field(
        app: Flask, team: BrowserLikeClient, world: World, filename: str, content: bytes,
        message: str) -> None:
    response = upload(team, world, content, filename)

    assert response.status_code == 200
    assert field_error(response, "spreadsheet").startswith(f"Error: {message}")
    assert page(response).select_one(".govuk-error-summary") is not None
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportUpload)) == 0


def test_a_plan_and_a_file_must_be_chosen(team: BrowserLikeClient, world: World) -> None:
    response = team.submit(START, {"plan": ""})

    assert field_error(response, "plan") == "Error: Choose the plan the actions belong to"
    assert field_error(response, "spreadsheet") == "Error: Choose a spreadsheet to upload"


def test_a_file_over_the_size_limit_is_refused_next_to_the_field(
        app: Flask, team: BrowserLikeClient, world: World) -> None:
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    content = csv_bytes([["Action"]] + [["x" * 100]] * 12_000)

    response = upload(team, world, content)

    assert response.status_code == 413
    assert field_error(response, "spreadsheet") == "Error: The file must be smaller than 1 MB"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ImportUpload)) == 0


def test_the_plan_choice_names_each_plans_partnership(team: BrowserLikeClient,
                                                      world: World) -> None:
    html = page(team.get(START))

    options = [o.get_text(strip=True) for o in html.select("select#plan option")]
    assert options == ["Choose a plan",
                       f"Business plan 2024 to 2027 ({WESSEX}, 2024\u201325 to 2026\u201327)"]
    assert html.select_one("main form")["enctype"] == "multipart/form-data"


def test_only_the_team_may_import(signed_in: Callable[[Role], BrowserLikeClient],
                                  world: World) -> None:
    for role in (Role.CHAIR, Role.AGENCY, Role.PARTNER, Role.SCRUTINEER):
        assert signed_in(role).get(START).status_code == 403

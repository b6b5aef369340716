"""Tracker spreadsheets: reading CSV and XLSX, matching headings, checking every row, and
exporting any list (formula cells neutralised, every page, the list's filter)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from openpyxl import Workbook, load_workbook

from partnership import clock
from partnership.actions import spreadsheets
from partnership.actions.models import Action, ProgressUpdate, Status
from partnership.actions.spreadsheets import suggest_mapping
from partnership.audit.models import AuditEvent
from partnership.audit.services import acting_as
from partnership.documents import spreadsheets as reading
from partnership.documents.spreadsheets import XLSX_MIMETYPE, SpreadsheetError, read_table
from partnership.extensions import db
from partnership.plans.models import Objective, Part, Plan
from partnership.policy import Role
from partnership.register.models import (
    Agency,
    Body,
    BodyKind,
    Frequency,
    PartnerKind,
    Partnership,
    Person,
    Sector,
    StatutoryPartner,
)
from tests.support.client import BrowserLikeClient

WESSEX = "Wessexshire Safeguarding Children Partnership"
TODAY = clock.today()


@dataclass(frozen=True)
class World:
    """Ids of the records a tracker's rows are matched against."""

    partnership_id: int
    plan_id: int
    a1_id: int
    b2_id: int
    body_id: int
    police_id: int
    council_id: int
    person_id: int


def wessexshire(app: Flask) -> World:
    """A partnership with a plan (objectives A1 and B2), a body, two agencies and a lead."""
    with app.app_context(), acting_as("tests"):
        partnership = Partnership(slug="wessexshire", name=WESSEX, short_name="WSCP")
        partnership.partners = [StatutoryPartner(kind=kind) for kind in PartnerKind]
        police = Agency(partnership=partnership, name="Wessexshire Police",
                        sector=Sector.POLICE_AND_JUSTICE)
        council = Agency(partnership=partnership, name="Wessexshire County Council",
                         sector=Sector.LOCAL_AUTHORITY)
        body = Body(partnership=partnership, kind=BodyKind.SUBGROUP,
                    name="Learning and Improvement Group", short_name="LIG",
                    frequency=Frequency.QUARTERLY)
        person = Person(name="Sam Jones", agency=police)
        plan = Plan(partnership=partnership, title="Business plan 2024 to 2027",
                    first_year=2024, last_year=2026)
        a1 = Objective(plan=plan, part=Part.STRATEGIC, position=1,
                       title="Hear the voice of the child")
        b2 = Objective(plan=plan, part=Part.ACTIVITY, position=2, title="Neglect strategy",
                       year=2024)
        db.session.add_all([partnership, police, council, body, person, plan, a1, b2])
        db.session.commit()
        return World(partnership.id, plan.id, a1.id, b2.id, body.id, police.id, council.id,
                     person.id)


def csv_bytes(rows: list[list[Any]], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    stream = io.StringIO(newline="")
    csv.writer(stream, delimiter=delimiter).writerows(rows)
    return stream.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list[Any]], *, formats: dict[str, str] | None = None,
               first_sheet: str = "Tracker") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = first_sheet
    for row in rows:
        sheet.append(row)
    for ref, number_format in (formats or {}).items():
        sheet[ref].number_format = number_format
    workbook.create_sheet("Notes").append(["Not", "read"])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


HEADINGS = ["Ref", "Action", "Lead", "Lead officer", "Owning body", "Start date", "Due date",
            "Status", "% complete", "RAG", "Latest progress"]
GOOD_ROW = ["A1", "Run a voice of the child audit", "Wessexshire Police", "Sam Jones", "LIG",
            "01/04/2024", "2025-03-31", "In progress", "40", "Amber", "Audit tool agreed"]


def actions_of(app: Flask) -> list[Action]:
    with app.app_context():
        actions = list(db.session.scalars(sa.select(Action).order_by(Action.id)))
        for action in actions:
            _ = action.updates
        db.session.expunge_all()
        return actions


# --- reading --------------------------------------------------------------------------------


def test_a_csv_is_read_with_its_real_row_numbers_below_a_title_row() -> None:
    content = csv_bytes([["Wessexshire tracker 2024-25"], [], HEADINGS, GOOD_ROW, [""] * 11,
                         ["B2", "Publish the neglect strategy"]], delimiter=";",
                        encoding="cp1252")

    table = read_table("tracker.csv", content)

    assert table.headings == HEADINGS
    assert [row.number for row in table.rows] == [4, 6]  # the blank row 5 is left out
    assert table.rows[1].values[:3] == ("B2", "Publish the neglect strategy", None)


def test_a_csv_in_windows_encoding_keeps_its_accents() -> None:
    content = csv_bytes([["Action", "Lead"], ["Réunion café", "Police"]], encoding="cp1252")

    assert read_table("t.csv", content).rows[0].values == ("Réunion café", "Police")


def test_an_xlsx_first_sheet_is_read_with_real_dates_and_percentages() -> None:
    content = xlsx_bytes([["Action", "Due date", "% complete", None, "Status"],
                          ["Audit", dt.datetime(2025, 3, 31), 0.5, None, "Complete"],
                          [None, None, None, None, None],
                          ["Strategy", dt.date(2025, 6, 30), 75, None, None]],
                         formats={"C2": "0%"})

    table = read_table("tracker.xlsx", content)

    assert table.headings == ["Action", "Due date", "% complete", "Column D", "Status"]
    assert [row.number for row in table.rows] == [2, 4]
    assert table.rows[0].values == ("Audit", dt.date(2025, 3, 31), "50%", None, "Complete")
    assert table.rows[1].values[:3] == ("Strategy", dt.date(2025, 6, 30), 75)


@pytest.mark.parametrize(("filename", "content", "message"), [
    ("tracker.xls", b"\xd0\xcf\x11\xe0 an old workbook", "old Excel workbook (.xls)"),
    ("tracker.txt", b"Action\nAudit\n", "must be a spreadsheet saved as .csv or .xlsx"),
    ("tracker.csv", b"PK\x03\x04 really a workbook", "Excel workbook, though its name ends in "
                                                     ".csv"),
    ("tracker.xlsx", b"Action,Lead\nAudit,Police\n", "not an XLSX workbook"),
    ("tracker.xlsx", b"PK\x03\x04 but damaged", "could not be read"),
    ("tracker.csv", b"Action\x00\x01\x02", "not a CSV file"),
    ("tracker.csv", b"   \n", "The file is empty"),
])
def test_the_wrong_kind_of_file_is_refused_with_a_reason(filename: str, content: bytes,
                                                         message: str) -> None:
    with pytest.raises(SpreadsheetError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_table(filename, content)


def test_a_sheet_with_too_many_rows_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    rows = [["Action", "Lead"]] + [[f"Action {n}", "Police"] for n in range(4)]

    with pytest.raises(SpreadsheetError, match="more than 3 rows"):
        read_table("t.csv", csv_bytes(rows))
    with pytest.raises(SpreadsheetError, match="more than 3 rows"):
        read_table("t.xlsx", xlsx_bytes(rows))
    assert len(read_table("t.csv", csv_bytes(rows[:4])).rows) == 3


def test_a_workbook_that_unpacks_too_large_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    content = xlsx_bytes([["Action", "Lead"], ["Audit", "Police"]])
    assert read_table("t.xlsx", content).rows
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1000)

    with pytest.raises(SpreadsheetError, match="too large to read"):
        read_table("t.xlsx", content)


def test_headings_are_matched_by_name_and_synonym_and_rag_is_ignored() -> None:
    headings = ["Ref", " ACTION ", "Lead", "Lead Officer", "Due date", "RAG", "status",
                "% Complete", "Evidence of impact", "Comments", "Action"]

    mapping = suggest_mapping(headings)

    assert mapping == {"objective": "Ref", "title": " ACTION ", "agency": "Lead",
                       "person": "Lead Officer", "target_date": "Due date", "status": "status",
                       "percent_complete": "% Complete", "impact": "Evidence of impact",
                       "progress_note": "Comments"}


def test_every_synonym_suggests_one_field_only() -> None:
    seen: dict[str, str] = {}
    for each in spreadsheets.FIELDS:
        for name in (each.label, each.name.replace("_", " "), *each.synonyms):
            key = spreadsheets._key(name)
            assert seen.setdefault(key, each.name) == each.name, f"{name!r} is ambiguous"


# --- checking every row ---------------------------------------------------------------------


def check(app: Flask, world: World, rows: list[list[Any]], filename: str = "t.csv",
          content: bytes | None = None) -> spreadsheets.Checked:
    content = content if content is not None else csv_bytes(rows)
    with app.app_context():
        table = read_table(filename, content)
        plan = db.session.get(Plan, world.plan_id)
        return spreadsheets.validate(plan, suggest_mapping(table.headings), table, TODAY)


def test_each_bad_row_is_reported_with_its_row_number_column_and_reason(app: Flask) -> None:
    world = wessexshire(app)
    bad = [
        ["A1", "Fine", "Wessexshire Police", "", "", "", "31/03/2025", "", "", "", ""],
        ["A1", "Bad date", "", "", "", "", "31/13/2024", "", "", "", ""],
        ["A9", "", "Polic", "Nobody Known", "The Board", "", "", "Finished", "120", "", ""],
        ["B2", "x" * 301, "", "", "", "01/04/2025", "01/01/2025", "", "abc", "", ""],
    ]

    checked = check(app, world, [HEADINGS, *bad])

    assert [str(p) for p in checked.problems] == [
        "Row 3, Due date: '31/13/2024' is not a date. Use a date such as 31/03/2025",
        "Row 4, Action: the title is blank. Every action needs a title",
        "Row 4, Ref: no objective 'A9' in Business plan 2024 to 2027. Its objectives are A1, B2",
        f"Row 4, Owning body: no body called 'The Board' in {WESSEX}",
        f"Row 4, Lead: no agency called 'Polic' in {WESSEX}. Did you mean 'Wessexshire Police'?",
        "Row 4, Lead officer: no person called 'Nobody Known' in the register. Add them to the "
        "register first, or leave the lead officer blank",
        "Row 4, Status: 'Finished' is not a status. Use one of: Not started, In progress, "
        "Complete, Deferred, Ongoing, Cancelled",
        "Row 4, % complete: '120' is not a whole number from 0 to 100",
        "Row 5, Action: the title is 301 characters long. It must be 300 characters or fewer",
        "Row 5, % complete: 'abc' is not a number from 0 to 100",
        "Row 5, Due date: '01/01/2025' is before the start date 01/04/2025. The target date "
        "must be on or after the start date",
    ]
    assert checked.bad_rows == [3, 4, 5]
    assert [c.row for c in checked.candidates] == [2]
    problem = checked.problems[0]
    assert (problem.row, problem.heading, problem.value) == (3, "Due date", "31/13/2024")
    assert not checked.ok


def test_a_good_row_becomes_a_candidate_linked_to_the_register(app: Flask) -> None:
    world = wessexshire(app)
    rows = [HEADINGS, GOOD_ROW,
            ["neglect strategy", "Publish the strategy", "wessexshire county council", "", "",
             "", "", "complete", "100%", "Green", ""],
            ["", "", "", "", "", "", "", "", "", "Red", ""]]  # only an ignored column

    checked = check(app, world, rows)

    assert checked.problems == []
    assert checked.skipped == [4]
    first, second = checked.candidates
    assert (first.row, first.title, first.objective.id, first.agency.id, first.person.id,
            first.body.id) == (2, "Run a voice of the child audit", world.a1_id,
                               world.police_id, world.person_id, world.body_id)
    assert (first.start_date, first.target_date, first.status, first.percent_complete,
            first.year, first.progress_note) == (
        dt.date(2024, 4, 1), dt.date(2025, 3, 31), Status.IN_PROGRESS, 40, 2024,
        "Audit tool agreed")
    assert (second.objective.id, second.agency.id, second.status, second.percent_complete,
            second.year) == (world.b2_id, world.council_id, Status.COMPLETE, 100, 2024)


def test_the_year_comes_from_its_column_else_the_dates_else_the_plan(app: Flask) -> None:
    world = wessexshire(app)
    headings = ["Action", "Year", "Start date", "Target date"]
    rows = [headings, ["Named year", "2025\u201326", "", "31/03/2025"],
            ["From the target", "", "01/04/2024", "30/04/2025"],
            ["From the start", "", "02/05/2025", ""], ["From the plan", "", "", ""],
            ["Outside the plan", "2030-31", "", ""], ["Not a year", "soon", "", ""]]

    checked = check(app, world, rows)

    assert [(c.title, c.year) for c in checked.candidates] == [
        ("Named year", 2025), ("From the target", 2025), ("From the start", 2025),
        ("From the plan", 2024)]
    assert [str(p) for p in checked.problems] == [
        "Row 6, Year: 2030\u201331 is outside the plan's years (2024\u201325 to 2026\u201327)",
        "Row 7, Year: 'soon' is not a reporting year. Use a year such as 2024-25"]


def test_real_xlsx_dates_and_dd_mm_yyyy_text_are_both_dates(app: Flask) -> None:
    world = wessexshire(app)
    content = xlsx_bytes([["Action", "Start date", "Target date", "Completion date"],
                          ["One", dt.datetime(2024, 4, 1), "31/03/2025", None],
                          ["Two", "2024-05-01", dt.date(2024, 6, 30), dt.date(2024, 6, 1)]])

    checked = check(app, world, [], "t.xlsx", content)

    assert checked.problems == []
    assert [(c.start_date, c.target_date, c.completed_on, c.status)
            for c in checked.candidates] == [
        (dt.date(2024, 4, 1), dt.date(2025, 3, 31), None, Status.NOT_STARTED),
        (dt.date(2024, 5, 1), dt.date(2024, 6, 30), dt.date(2024, 6, 1), Status.COMPLETE)]


def test_one_bad_row_means_nothing_is_imported(app: Flask) -> None:
    world = wessexshire(app)
    checked = check(app, world, [HEADINGS, GOOD_ROW, ["A1", "Bad", "", "", "", "", "soon"]])

    assert checked.candidates and checked.problems
    with app.app_context(), pytest.raises(ValueError, match="no problems"):
        spreadsheets.commit_import(db.session.get(Plan, world.plan_id), checked,
                                   filename="t.csv", user=None, author_name="tests")
    assert actions_of(app) == []


def test_a_failure_while_importing_leaves_nothing_behind(app: Flask,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    world = wessexshire(app)
    second = ["B2", "Second", "", "", "", "", "", "", "", "", ""]
    with app.app_context():
        table = read_table("t.csv", csv_bytes([HEADINGS, GOOD_ROW, second]))
        plan = db.session.get(Plan, world.plan_id)
        checked = spreadsheets.validate(plan, suggest_mapping(table.headings), table, TODAY)
        checked.candidates[1].percent_complete = 101  # the database refuses this row
        with pytest.raises(sa.exc.IntegrityError):
            spreadsheets.commit_import(plan, checked, filename="t.csv", user=None,
                                       author_name="tests")
    assert actions_of(app) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ProgressUpdate)) == 0


# --- exporting ------------------------------------------------------------------------------


def add_actions(app: Flask, world: World, titles: list[str], **fields: Any) -> None:
    with app.app_context(), acting_as("tests"):
        for n, title in enumerate(titles):
            db.session.add(Action(
                partnership_id=world.partnership_id, year=2024, title=title,
                objective_id=world.a1_id, lead_agency_id=world.police_id,
                target_date=dt.date(2030, 1, 1) + dt.timedelta(days=n), **fields))
        db.session.commit()


HOSTILE = ["=HYPERLINK(\"http://evil.example\",\"Click\")", "+1+1", "-2+3", "@SUM(A1)",
           "\tTabbed", "\rReturned", "Plain title"]


@pytest.fixture
def scrutineer(signed_in: Callable[[Role], BrowserLikeClient]) -> BrowserLikeClient:
    return signed_in(Role.SCRUTINEER)


def test_csv_export_neutralises_every_formula_cell(app: Flask,
                                                   scrutineer: BrowserLikeClient) -> None:
    world = wessexshire(app)
    add_actions(app, world, HOSTILE, outcome="=cmd|' /C calc'!A0", impact="-10")

    response = scrutineer.get("/actions/export.csv")

    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=actions-{TODAY.isoformat()}.csv")
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header = rows[0]
    title, outcome, impact = (header.index(h) for h in ("Title", "Outcome", "Evidence of impact"))
    assert [row[title] for row in rows[1:]] == [
        "'" + t if t != "Plain title" else t for t in HOSTILE]
    assert {row[outcome] for row in rows[1:]} == {"'=cmd|' /C calc'!A0"}
    assert {row[impact] for row in rows[1:]} == {"'-10"}
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_xlsx_export_neutralises_formula_cells_and_is_laid_out(
        app: Flask, scrutineer: BrowserLikeClient) -> None:
    world = wessexshire(app)
    add_actions(app, world, HOSTILE, start_date=dt.date(2024, 4, 1), percent_complete=20,
                status=Status.IN_PROGRESS)

    response = scrutineer.get("/actions/export.xlsx")

    assert response.status_code == 200
    assert response.mimetype == XLSX_MIMETYPE
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=actions-{TODAY.isoformat()}.xlsx")
    sheet = load_workbook(io.BytesIO(response.get_data())).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["ID", "Reference", "Source", "Title"]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:U{len(HOSTILE) + 1}"
    assert sheet.column_dimensions["D"].width == 50
    title = header.index("Title") + 1
    titles = [sheet.cell(row=r, column=title) for r in range(2, len(HOSTILE) + 2)]
    # (Readers differ on whether a carriage return comes back as a line feed: openpyxl 3.1.5
    # keeps it. The apostrophe is what matters, so line ends are compared as one.)
    assert [str(c.value).replace("\r", "\n") for c in titles] == [
        ("'" + t if t != "Plain title" else t).replace("\r", "\n") for t in HOSTILE]
    assert all(c.data_type == "s" for c in titles)  # text, never a formula
    start = sheet.cell(row=2, column=header.index("Start date") + 1)
    assert start.is_date and start.value == dt.datetime(2024, 4, 1)
    row = {h: sheet.cell(row=2, column=i + 1).value for i, h in enumerate(header)}
    assert (row["Reference"], row["Partnership"], row["Year"], row["Lead agency"],
            row["Status"], row["% complete"], row["RAG"], row["Update overdue"]) == (
        "A1", WESSEX, "2024\u201325", "Wessexshire Police", "In progress", 20, "Green", "No")


def test_export_follows_the_list_filter_and_holds_every_page(
        app: Flask, scrutineer: BrowserLikeClient) -> None:
    world = wessexshire(app)
    app.config["PAGE_SIZE"] = 2
    add_actions(app, world, [f"Police action {n}" for n in range(5)])
    with app.app_context(), acting_as("tests"):
        db.session.add(Action(partnership_id=world.partnership_id, year=2024,
                              title="Council action", lead_agency_id=world.council_id))
        db.session.commit()

    response = scrutineer.get(f"/actions/export.csv?agency_id={world.police_id}&sort=title")

    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))
    assert [row[3] for row in rows[1:]] == [f"Police action {n}" for n in range(5)]
    everything = scrutineer.get("/actions/export.csv")
    assert len(everything.get_data().decode("utf-8-sig").strip().splitlines()) == 7
    with app.app_context():
        events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "export")
                                    .order_by(AuditEvent.id)).all()
        assert [(e.record_type, e.changes["rows"], e.changes["filter"], e.user_id)
                for e in events] == [
            ("action", 5, {"agency_id": str(world.police_id), "sort": "title"},
             scrutineer.user.id),  # type: ignore[attr-defined]
            ("action", 6, {}, scrutineer.user.id)]  # type: ignore[attr-defined]


def test_an_export_reimports_into_the_same_plan_as_the_same_actions(
        app: Flask, scrutineer: BrowserLikeClient) -> None:
    """Re-importing a download changed nothing and added nothing (it used to add duplicates)."""
    world = wessexshire(app)
    add_actions(app, world, ["Round trip"], start_date=dt.date(2024, 5, 1),
                percent_complete=30, status=Status.IN_PROGRESS, outcome="Better audits")

    for name in ("again.xlsx", "again.csv"):
        content = scrutineer.get(f"/actions/export.{name.rsplit('.', 1)[1]}").get_data()
        checked = check(app, world, [], name, content)

        assert checked.problems == []
        [again] = checked.candidates
        assert again.is_update and again.title == "Round trip"
        assert again.changes == [], [str(change) for change in again.changes]
        assert checked.new_rows == [] and not checked.changes_anything

"""Schools and settings: a spreadsheet checked row by row, all or nothing, listed by phase."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from openpyxl import Workbook

from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Establishment, Sector
from tests.register.builders import field_error
from tests.register.records import add_agency, add_area
from tests.support.client import BrowserLikeClient, page
from tests.support.queries import sql_statements as counted_queries

# Pages, forms, imports and rules in Python: the queries under them run on PostgreSQL
# in their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

SLUG = "northshire"
BASE = f"/partnerships/{SLUG}/establishments"
PHASES = ["Primary", "Secondary", "Nursery", "16 plus", "All-through", ""]
HEADER = ["name", "URN", "phase", "type", "local authority"]
GIAS_HEADER = ["URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName",
               "TypeOfEstablishment (name)", "EstablishmentStatus (name)",
               "PhaseOfEducation (name)", "Postcode"]


@pytest.fixture
def area(app: Flask) -> int:
    return add_area(app, SLUG, "Northshire Safeguarding Children Partnership")


@pytest.fixture
def group(app: Flask, area: int) -> int:
    return add_agency(app, SLUG, "Education establishments", Sector.EDUCATION, is_group=True)


@pytest.fixture
def team(signed_in: Callable[[Role], BrowserLikeClient], group: int) -> BrowserLikeClient:
    return signed_in(Role.TEAM)


def school_rows(count: int, *, first_urn: int = 140000) -> list[list[str]]:
    """Fictional schools and settings: name, URN, phase, type, local authority."""
    return [[f"Northshire School {n:03d}", str(first_urn + n), PHASES[n % len(PHASES)],
             "Academy converter" if n % 3 else "Community school", "Northshire"]
            for n in range(count)]


def as_csv(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def as_xlsx(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client: BrowserLikeClient, content: bytes, group: int | str,
           filename: str = "schools.csv") -> Any:
    return client.submit(f"{BASE}/upload", {"group": str(group),
                                            "spreadsheet": (io.BytesIO(content), filename)},
                         content_type="multipart/form-data")


def upload_and_confirm(client: BrowserLikeClient, content: bytes, group: int,
                       filename: str = "schools.csv") -> str:
    preview = upload(client, content, group, filename)
    assert preview.status_code == 200
    html = page(preview)
    assert html.select_one("#summary") is not None, html.select(".govuk-error-message")
    token = html.select_one("input[name=checked]")["value"]
    csrf = html.select_one("form[action$='/confirm'] input[name=csrf_token]")["value"]
    saved = client.post(f"{BASE}/upload/confirm", data={"csrf_token": csrf, "checked": token},
                        follow_redirects=True)
    assert saved.status_code == 200
    return page(saved).select_one(".govuk-notification-banner--success").get_text(" ", strip=True)


def stored(app: Flask) -> list[tuple[str, str, str, str, str, int | None]]:
    with app.app_context():
        return [(e.urn, e.name, e.phase, e.kind, e.local_authority, e.agency_id)
                for e in db.session.scalars(sa.select(Establishment).order_by(Establishment.urn))]


def test_four_hundred_rows_are_checked_previewed_and_saved_then_listed_by_phase(
    app: Flask, team: BrowserLikeClient, group: int,
) -> None:
    rows = school_rows(400)
    preview = page(upload(team, as_csv(rows), group))
    summary = preview.select_one("#summary").get_text(" ", strip=True)
    assert "400 to add" in summary and "0 to update" in summary
    assert stored(app) == []  # nothing saved before the confirmation

    report = upload_and_confirm(team, as_csv(rows), group)
    assert "400 added, 0 updated, 0 unchanged" in report
    saved = stored(app)
    assert len(saved) == 400 and {s[5] for s in saved} == {group}

    listing = page(team.get(BASE))
    counts = {row.th.get_text(strip=True): row.td.get_text(strip=True)
              for row in listing.select("#phases tbody tr")}
    assert counts == {"16 plus": "67", "All-through": "66", "Nursery": "67", "Primary": "67",
                      "Secondary": "67", "Phase not stated": "66"}
    assert list(counts)[-1] == "Phase not stated"
    assert len(listing.select("main tbody tr")) == 6 + 50  # the counts, then a page of 50
    assert listing.select_one(".govuk-pagination") is not None
    last = page(team.get(f"{BASE}?page=8")).get_text(" ", strip=True)
    assert "Phase not stated" in last
    nursery = page(team.get(f"{BASE}?phase=Nursery")).select("main table")[1:]
    assert [t.caption.get_text(strip=True) for t in nursery] == ["Nursery"]
    assert page(team.get(f"{BASE}?group={group}")).h1.get_text(strip=True).endswith(
        "Education establishments")
    agency_page = page(team.get(f"/partnerships/{SLUG}/agencies/{group}")).get_text(" ")
    assert "400 schools and settings" in agency_page


def test_the_list_takes_the_same_number_of_queries_for_ten_or_four_hundred(
    app: Flask, team: BrowserLikeClient, group: int,
) -> None:
    upload_and_confirm(team, as_csv(school_rows(10)), group)
    with counted_queries(app) as few:
        assert team.get(BASE).status_code == 200
    upload_and_confirm(team, as_csv(school_rows(400)), group)
    with counted_queries(app) as many:
        assert team.get(BASE).status_code == 200
    assert len(many) == len(few)


def test_every_problem_is_listed_by_row_and_column_and_nothing_is_saved(
    app: Flask, team: BrowserLikeClient, group: int,
) -> None:
    upload_and_confirm(team, as_csv(school_rows(3)), group)
    before = stored(app)
    rows = school_rows(400, first_urn=150000)
    rows[4][0] = "   "  # row 6 in the spreadsheet: no name
    rows[9][1] = "12345"  # row 11: not 6 digits
    rows[19][1] = rows[2][1]  # row 21: same URN as row 4
    rows[29][1] = ""  # row 31: no URN
    rows[39][2] = "P" * 61  # row 41: phase too long
    response = upload(team, as_csv(rows), group)
    assert response.status_code == 200
    html = page(response)
    assert html.title.get_text().startswith("Error:")
    assert html.select_one(".govuk-error-summary") is not None
    assert field_error(html, "spreadsheet") == (
        "The file has 5 problems: nothing has been changed. Fix them and upload the file again")
    problems = [[c.get_text(" ", strip=True) for c in row.find_all("td")]
                for row in html.select("#problems tbody tr")]
    assert problems == [
        ["6", "name", "Enter the establishment's name"],
        ["11", "URN", "The URN must be 6 digits, like 100000 (not “12345”)"],
        ["21", "URN", "URN 150002 is also on row 4: each establishment once only"],
        ["31", "URN", "Enter the URN"],
        ["41", "phase", "Phase must be 60 characters or fewer"],
    ]
    assert stored(app) == before


@pytest.mark.parametrize(("content", "filename", "message"), [
    (as_csv([["A School", "100001", "", "", "", "x"]], [*HEADER, "Headteacher"]),
     "schools.csv", "“Headteacher” is not a column we know"),
    (as_csv([["100001"]], ["URN"]), "schools.csv", "The file has no Name column"),
    (as_csv([["A", "100001", "B", "100002"]], ["name", "URN", "Name", "urn"]), "schools.csv",
     "There is more than one Name column"),
])
def test_header_problems_are_named_with_their_column(
    app: Flask, team: BrowserLikeClient, group: int, content: bytes, filename: str,
    message: str,
) -> None:
    html = page(upload(team, content, group, filename))
    problems = html.select_one("#problems").get_text(" ", strip=True)
    assert message in problems and "Header" in problems
    assert stored(app) == []


@pytest.mark.parametrize(("content", "filename", "message"), [
    (b"name,URN\nA School,100001\n", "schools.txt", "The selected file must be a CSV or XLSX file"),
    (b"", "schools.csv", "The selected file is empty"),
    (b"name,URN\n", "schools.csv", "The file has a header row but no establishments"),
    (b"not a zip at all", "schools.xlsx", "The file is not an XLSX spreadsheet we can read"),
    (b"x" * 2000, "schools.csv", "The file must be 0 MB or smaller"),
])
def test_a_file_that_cannot_be_read_is_refused_next_to_the_field(
    app: Flask, team: BrowserLikeClient, group: int, content: bytes, filename: str,
    message: str,
) -> None:
    app.config["ESTABLISHMENT_FILE_MAX_BYTES"] = 1000
    html = page(upload(team, content, group, filename))
    assert html.title.get_text().startswith("Error:")
    assert (field_error(html, "spreadsheet") or "").startswith(message)
    assert stored(app) == []


def test_no_file_or_no_group_is_refused(app: Flask, team: BrowserLikeClient, group: int) -> None:
    html = page(team.submit(f"{BASE}/upload", {"group": ""},
                            content_type="multipart/form-data"))
    assert field_error(html, "spreadsheet") == "Select a CSV or XLSX file of establishments"
    assert field_error(html, "group") == "Select the group the establishments are listed under"
    other = add_agency(app, SLUG, "Not a group", Sector.EDUCATION)
    html = page(upload(team, as_csv(school_rows(2)), other))
    assert field_error(html, "group") == "Not a valid choice."


def test_a_gias_export_and_an_xlsx_file_are_read_and_reuploading_updates_by_urn(
    app: Flask, team: BrowserLikeClient, group: int,
) -> None:
    gias = [[str(140000 + n), "999", "Northshire", str(2000 + n), name, kind, "Open",
             phase, "NS1 1AA"] for n, (name, _urn, phase, kind, _la) in
            enumerate(school_rows(5))]
    preview = page(upload(team, as_csv(gias, GIAS_HEADER), group))
    assert "5 to add" in preview.select_one("#summary").get_text()
    assert "LA (code), EstablishmentNumber, EstablishmentStatus (name), Postcode" in (
        preview.get_text())
    assert "5 added" in upload_and_confirm(team, as_csv(gias, GIAS_HEADER), group)
    assert stored(app)[0] == ("140000", "Northshire School 000", "Primary", "Community school",
                              "Northshire", group)

    # The same schools as XLSX (URNs as numbers, stray spaces), one renamed, one new.
    rows: list[list[Any]] = [[f"  {name} ", int(urn), phase, kind, la]
                             for name, urn, phase, kind, la in school_rows(6)]
    rows[1][0] = "Northshire Academy 001"
    rows.insert(3, [None, None, None, None, None])  # a blank row is skipped
    preview = page(upload(team, as_xlsx(rows), group, "schools.xlsx"))
    summary = preview.select_one("#summary").get_text(" ", strip=True)
    assert "1 to add" in summary and "1 to update" in summary and "4 unchanged" in summary
    assert "Northshire School 001 → Northshire Academy 001" in preview.select_one(
        "#updated").get_text(" ", strip=True)
    report = upload_and_confirm(team, as_xlsx(rows), group, "schools.xlsx")
    assert "1 added, 1 updated, 4 unchanged" in report
    names = [s[1] for s in stored(app)]
    assert names[1] == "Northshire Academy 001" and len(names) == 6

    # A problem in an XLSX file is reported with the spreadsheet's row number.
    rows[5][1] = "ABC123"
    html = page(upload(team, as_xlsx(rows), group, "schools.xlsx"))
    assert [c.get_text(strip=True) for c in html.select("#problems tbody td")][:2] == [
        "7", "URN"]


def test_a_tampered_confirmation_changes_nothing(
    app: Flask, team: BrowserLikeClient, group: int,
) -> None:
    preview = page(upload(team, as_csv(school_rows(3)), group))
    csrf = preview.select_one("form[action$='/confirm'] input[name=csrf_token]")["value"]
    token = preview.select_one("input[name=checked]")["value"]
    forged = team.post(f"{BASE}/upload/confirm", data={"csrf_token": csrf,
                                                       "checked": token[:-4] + "AAAA"},
                       follow_redirects=True)
    assert "nothing has been changed" in page(forged).get_text()
    assert stored(app) == []


def test_only_the_team_uploads_and_everyone_reads(
    app: Flask, team: BrowserLikeClient, group: int,
    signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    upload_and_confirm(team, as_csv(school_rows(3)), group)
    preview = page(upload(team, as_csv(school_rows(5)), group))
    token = preview.select_one("input[name=checked]")["value"]
    for role in (Role.SCRUTINEER, Role.PARTNER, Role.CHAIR, Role.AGENCY, Role.ADMIN):
        reader = signed_in(role)
        listing = reader.get(BASE)
        assert listing.status_code == 200
        assert "Northshire School 000" in listing.get_data(as_text=True)
        assert "/upload" not in listing.get_data(as_text=True)
        assert reader.get(f"{BASE}/upload").status_code == 403
        assert reader.post_with_token(f"{BASE}/upload/confirm", {"checked": token},
                                      token_from=BASE.rsplit("/", 1)[0]).status_code == 403
    assert len(stored(app)) == 3
    add_area(app, "southshire")
    assert team.get(f"{BASE}?group=999999").status_code == 404

"""Relevant agencies: grouped lists, the form's rules, contributions, conflicts and access."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import ConfigurationError, clock
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Agency, AgencyBasis, Contribution, Sector
from partnership.register.services.agencies import DutyStart, duty_starts
from tests.register.builders import date_parts, field_error
from tests.register.records import add_agency, add_area, add_person, get
from tests.support.client import BrowserLikeClient, page

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

SLUG = "northshire"
BASE = f"/partnerships/{SLUG}/agencies"
LAST_YEAR = clock.today() - dt.timedelta(days=365)


@pytest.fixture
def area(app: Flask) -> int:
    return add_area(app, SLUG, "Northshire Safeguarding Children Partnership")


@pytest.fixture
def team(signed_in: Callable[[Role], BrowserLikeClient], area: int) -> BrowserLikeClient:
    return signed_in(Role.TEAM)


def agency_form(**changes: Any) -> dict[str, Any]:
    """A valid agency form, as a browser posts it."""
    values: dict[str, Any] = {"name": "Northshire Youth Offending Team", "sector":
                              Sector.POLICE_AND_JUSTICE.value, "group": "", "champion": "",
                              "reason_included": "Works with children in the justice system",
                              "notes": "", "basis": "", **date_parts("duty_from", None),
                              **date_parts("active_from", None),
                              **date_parts("active_to", None)}
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


def agencies(app: Flask) -> list[tuple[str, int | None, bool]]:
    with app.app_context():
        return [(a.name, a.group_id, a.is_group) for a in db.session.scalars(
            sa.select(Agency).order_by(Agency.id))]


def table_rows(table: Any) -> list[list[str]]:
    return [[cell.get_text(" ", strip=True) for cell in row.find_all(["th", "td"])]
            for row in table.select("tbody tr")]


def test_the_list_shows_groups_with_their_members_then_sectors(
    app: Flask, area: int, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    group = add_agency(app, SLUG, "Health providers", Sector.HEALTH, is_group=True)
    add_agency(app, SLUG, "Solent NHS Trust", Sector.HEALTH, group_id=group)
    add_agency(app, SLUG, "Ambulance Service", Sector.HEALTH, group_id=group)
    add_agency(app, SLUG, "Northshire Constabulary", Sector.POLICE_AND_JUSTICE)
    add_agency(app, SLUG, "Children and Family Court Advisory Service", Sector.OTHER,
               notes="Adopted a national position of not attending")
    add_agency(app, SLUG, "Old Diocese", Sector.VOLUNTARY_AND_FAITH, active_to=LAST_YEAR)

    html = page(signed_in(Role.SCRUTINEER).get(BASE))
    tables = html.select("main table")
    captions = [t.caption.get_text(" ", strip=True) for t in tables]
    assert captions[0].startswith("Health providers (Health")
    assert table_rows(tables[0]) == [["Ambulance Service", "Health", "Not stated", "Active", ""],
                                     ["Solent NHS Trust", "Health", "Not stated", "Active", ""]]
    # Then by sector, in the sectors' order; group members are not repeated there.
    assert captions[1:4] == ["Police and justice", "Voluntary and faith", "Other"]
    assert table_rows(tables[3]) == [["Children and Family Court Advisory Service", "Other",
                                      "Not stated", "Active",
                                      "Adopted a national position of not attending"]]
    assert table_rows(tables[2])[0][3] == "No longer active"
    assert "Add an agency" not in html.get_text()

    team = signed_in(Role.TEAM)
    health = page(team.get(f"{BASE}?sector=health"))
    assert [t.caption.get_text(" ", strip=True).split(" (")[0]
            for t in health.select("main table")] == ["Health providers"]
    inactive = page(team.get(f"{BASE}?status=inactive")).select("main table")
    assert [table_rows(t) for t in inactive] == [[["Old Diocese", "Voluntary and faith",
                                                  "Not stated", "No longer active", ""]]]
    active = page(team.get(f"{BASE}?status=active")).get_text()
    assert "Old Diocese" not in active and "Northshire Constabulary" in active
    assert "Add an agency" in page(team.get(BASE)).get_text()


def test_the_team_adds_an_agency_to_a_group_and_its_page_shows_it(
    app: Flask, team: BrowserLikeClient,
) -> None:
    group = add_agency(app, SLUG, "Health providers", Sector.HEALTH, is_group=True)
    add_agency(app, SLUG, "A plain agency", Sector.HEALTH)
    champion = add_person(app, "Rhona Champion", job_title="Named nurse")

    shown = page(team.get(f"{BASE}/new"))
    offered = [o.get_text() for o in shown.select("select[name=group] option")]
    assert offered == ["Not in a group", "Health providers"]  # groups only

    response = team.submit(f"{BASE}/new", agency_form(
        name="Solent NHS Trust", sector="health", group=str(group), champion=str(champion),
        **date_parts("active_from", dt.date(2019, 4, 1))))
    assert response.status_code == 302
    created = agencies(app)[-1]
    assert created == ("Solent NHS Trust", group, False)

    detail = team.get(response.headers["Location"])
    text = page(detail).get_text(" ", strip=True)
    assert "Health providers" in text and "Rhona Champion, Named nurse" in text
    assert "From 1 April 2019" in text
    assert "Added agency" in page(detail).select("table")[-1].get_text()  # its history
    group_page = page(team.get(f"{BASE}/{group}")).get_text(" ", strip=True)
    assert "Solent NHS Trust" in group_page


BAD_AGENCIES: list[tuple[dict[str, Any], str, str]] = [
    ({"name": ""}, "name", "Enter the agency's name"),
    ({"name": "x" * 201}, "name", "Name must be 200 characters or fewer"),
    ({"name": "NORTHSHIRE CONSTABULARY"}, "name",
     "There is already an agency called NORTHSHIRE CONSTABULARY in this partnership"),
    ({"sector": "space"}, "sector", "Not a valid choice."),
    ({"basis": "obliged"}, "basis", "Not a valid choice."),
    ({"basis": "voluntary", **date_parts("duty_from", dt.date(2027, 9, 1))}, "duty_from",
     "An agency that takes part voluntarily has no duty to start"),
    ({"duty_from": ["1", "13", "2027"]}, "duty_from", "Its duty starts on (optional) must be a "
                                                       "real date"),
    ({"group": "GROUP", "is_group": "y"}, "group",
     "A group of agencies cannot be inside another group"),
    ({**date_parts("active_from", dt.date(2024, 4, 1)),
      **date_parts("active_to", dt.date(2024, 3, 31))}, "active_to",
     "The end date must be the same as or after the start date"),
    ({"active_to": ["31", "2", "2024"]}, "active_to", "Active to must be a real date"),
]


def test_bad_input_is_refused_next_to_its_field_and_nothing_is_saved(
    app: Flask, team: BrowserLikeClient,
) -> None:
    group = add_agency(app, SLUG, "Health providers", Sector.HEALTH, is_group=True)
    add_agency(app, SLUG, "Northshire Constabulary", Sector.POLICE_AND_JUSTICE)
    before = agencies(app)
    for changes, field, message in BAD_AGENCIES:
        if changes.get("group") == "GROUP":
            changes = {**changes, "group": str(group)}
        response = team.submit(f"{BASE}/new", agency_form(**changes))
        assert response.status_code == 200, changes
        html = page(response)
        assert html.title.get_text().startswith("Error:")
        assert (field_error(html, field) or "").startswith(message), (changes, message)
        assert html.select_one(".govuk-error-summary") is not None
    assert agencies(app) == before


def test_group_rules_hold_when_editing(app: Flask, team: BrowserLikeClient) -> None:
    group = add_agency(app, SLUG, "Health providers", Sector.HEALTH, is_group=True)
    other_group = add_agency(app, SLUG, "Schools", Sector.EDUCATION, is_group=True)
    member = add_agency(app, SLUG, "Solent NHS Trust", Sector.HEALTH, group_id=group)
    before = agencies(app)

    # A group is never offered as its own group, and a forged choice is refused.
    edit = f"{BASE}/{group}/edit"
    offered = [o["value"] for o in page(team.get(edit)).select("select[name=group] option")]
    assert str(group) not in offered and str(other_group) in offered
    forged = team.submit(edit, agency_form(name="Health providers", sector="health",
                                           is_group="y", group=str(group), version="1"))
    assert field_error(page(forged), "group") == "Not a valid choice."
    # A group with members cannot stop being a group, nor go inside another group.
    unticked = team.submit(edit, agency_form(name="Health providers", sector="health",
                                             version="1"))
    assert field_error(page(unticked), "is_group") == (
        "Health providers still has 1 member agency: move them out of the group first")
    nested = team.submit(edit, agency_form(name="Health providers", sector="health",
                                           is_group="y", group=str(other_group), version="1"))
    assert (field_error(page(nested), "group") or "").startswith(
        "A group of agencies cannot be inside another group")
    assert agencies(app) == before

    # Moving a member to another group works, and is recorded in its history.
    moved = team.submit(f"{BASE}/{member}/edit", agency_form(
        name="Solent NHS Trust", sector="health", group=str(other_group), version="1"))
    assert moved.status_code == 302
    assert get(app, Agency, member).group_id == other_group
    history = page(team.get(f"{BASE}/{member}")).select("table")[-1].get_text(" ", strip=True)
    assert "Group : Health providers → Schools" in history  # names, not ids


def test_a_stale_edit_gets_the_conflict_page(
    app: Flask, area: int, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    agency = add_agency(app, SLUG, "Northshire Constabulary", Sector.POLICE_AND_JUSTICE)
    alice, bob = signed_in(Role.TEAM), signed_in(Role.TEAM)
    url = f"{BASE}/{agency}/edit"
    assert alice.submit(url, agency_form(name="Northshire Police", sector="police_and_justice",
                                         version="1")).status_code == 302
    conflict = bob.submit(url, agency_form(name="Northshire Force", sector="police_and_justice",
                                           version="1"))
    assert conflict.status_code == 409
    text = page(conflict).get_text(" ", strip=True)
    assert "Northshire Force" in text and "Northshire Police" in text
    assert get(app, Agency, agency).name == "Northshire Police"


def contributions_of(app: Flask, agency_id: int) -> list[tuple[int, decimal.Decimal]]:
    with app.app_context():
        return [(c.year, c.amount) for c in db.session.scalars(
            sa.select(Contribution).where(Contribution.agency_id == agency_id)
            .order_by(Contribution.year))]


BAD_CONTRIBUTIONS = [
    ("2023", "", "amount", "Enter the amount"),
    ("2023", "lots", "amount", "Amount must be a number, like 12500 or 12500.50"),
    ("2023", "NaN", "amount", "Amount must be a number, like 12500 or 12500.50"),
    ("2023", "12.345", "amount", "Amount must not have more than 2 decimal places"),
    ("2023", "0", "amount", "Amount must be more than £0"),
    ("2023", "-50", "amount", "Amount must be more than £0"),
    ("2023", "10000000000", "amount", "Amount must be less than £10,000,000,000"),
    ("", "100", "year", "Enter the year the reporting year starts in"),
    ("twenty", "100", "year", "Year must be a number, like 2023"),
    ("1899", "100", "year", "Year must be between 2000 and 2100"),
    ("2022", "100", "year",
     "Northshire Constabulary already has a contribution for 2022 to 2023: change that one "
     "instead"),
]


def test_contributions_are_validated_and_nothing_bad_is_saved(
    app: Flask, team: BrowserLikeClient,
) -> None:
    agency = add_agency(app, SLUG, "Northshire Constabulary", Sector.POLICE_AND_JUSTICE)
    url = f"{BASE}/{agency}/contributions"
    assert team.submit(url, {"year": "2022", "amount": "£1,000"}).status_code == 302
    for year, amount, field, message in BAD_CONTRIBUTIONS:
        response = team.submit(url, {"year": year, "amount": amount})
        assert response.status_code == 200, (year, amount)
        assert field_error(page(response), field) == message, (year, amount)
    assert contributions_of(app, agency) == [(2022, decimal.Decimal("1000.00"))]


def test_contributions_are_totalled_per_reporting_year(
    app: Flask, team: BrowserLikeClient, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    police = add_agency(app, SLUG, "Northshire Constabulary", Sector.POLICE_AND_JUSTICE)
    council = add_agency(app, SLUG, "Northshire Council", Sector.LOCAL_AUTHORITY)
    for agency, year, amount in [(police, "2023", "12500.50"), (council, "2023", "40000"),
                                 (police, "2024", "13000.25")]:
        url = f"{BASE}/{agency}/contributions"
        assert team.submit(url, {"year": year, "amount": amount}).status_code == 302

    reader = signed_in(Role.PARTNER)
    totals = page(reader.get(BASE)).select_one("#contributions + .app-table-scroll table")
    assert table_rows(totals) == [["2023 to 2024", "2", "£52,500.50"],
                                  ["2024 to 2025", "1", "£13,000.25"]]
    detail = page(reader.get(f"{BASE}/{police}")).select_one(
        "#contributions + .app-table-scroll table")
    assert table_rows(detail) == [["2023 to 2024", "£12,500.50"], ["2024 to 2025", "£13,000.25"]]

    # Change one, then remove it after confirming.
    with app.app_context():
        first = db.session.scalars(sa.select(Contribution).where(
            Contribution.agency_id == police, Contribution.year == 2023)).one()
        first_id = first.id
    edit = f"{BASE}/{police}/contributions/{first_id}/edit"
    duplicate = team.submit(edit, {"year": "2024", "amount": "1", "version": "1"})
    assert field_error(page(duplicate), "year", ).startswith("Northshire Constabulary already")
    assert team.submit(edit, {"year": "2023", "amount": "12000", "version": "1"}
                       ).status_code == 302
    assert "12000.00" in page(team.get(edit)).get_text()  # its history
    remove = f"{BASE}/{police}/contributions/{first_id}/remove"
    confirm = page(team.get(remove))
    assert "Are you sure" in confirm.h1.get_text()
    assert team.submit(remove, {}).status_code == 302
    assert contributions_of(app, police) == [(2024, decimal.Decimal("13000.25"))]
    history = page(reader.get(f"{BASE}/{police}")).select("table")[-1].get_text(" ", strip=True)
    assert "Removed contribution" in history and "Amount : 12000.00" in history  # on the
    # agency's page
    totals = page(reader.get(BASE)).select_one("#contributions + .app-table-scroll table")
    assert table_rows(totals) == [["2023 to 2024", "1", "£40,000"],
                                  ["2024 to 2025", "1", "£13,000.25"]]


def test_only_the_team_changes_agencies(
    app: Flask, area: int, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    agency = add_agency(app, SLUG, "Northshire Constabulary", Sector.POLICE_AND_JUSTICE)
    with app.app_context():
        events = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.record_type.in_(["agency", "contribution"])))
    for role in (Role.SCRUTINEER, Role.PARTNER, Role.CHAIR, Role.AGENCY, Role.ADMIN):
        reader = signed_in(role)
        for shown in (BASE, f"{BASE}/{agency}"):
            html = page(reader.get(shown))
            hrefs = [a["href"] for a in html.find_all("a", href=True)]
            assert not [h for h in hrefs if h.endswith(("/edit", "/new", "/contributions"))]
            assert not html.select("main form[method=post]")
        for url, data in [(f"{BASE}/new", agency_form()),
                          (f"{BASE}/{agency}/edit", agency_form(version="1")),
                          (f"{BASE}/{agency}/contributions", {"year": "2023", "amount": "5"})]:
            assert reader.get(url).status_code == 403, (role, url)
            assert reader.post_with_token(url, data, token_from=BASE).status_code == 403
    assert agencies(app) == [("Northshire Constabulary", None, False)]
    assert contributions_of(app, agency) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
            AuditEvent.record_type.in_(["agency", "contribution"]))) == events


def test_an_agency_of_another_partnership_is_not_found(
    app: Flask, team: BrowserLikeClient,
) -> None:
    add_area(app, "southshire")
    theirs = add_agency(app, "southshire", "Southshire Police", Sector.POLICE_AND_JUSTICE)
    assert team.get(f"{BASE}/{theirs}").status_code == 404
    assert team.get(f"/partnerships/southshire/agencies/{theirs}").status_code == 200
    assert team.get("/partnerships/nowhere/agencies").status_code == 404


def test_legal_basis_and_duty_start_with_the_regulations_date_as_a_setting(
    app: Flask, team: BrowserLikeClient, make_app: Callable[..., Flask],
) -> None:
    response = team.submit(f"{BASE}/new", agency_form(
        name="Northshire Nursery Providers", sector=None, basis="designated_education_childcare"))
    assert response.status_code == 302
    nursery = int(response.headers["Location"].rsplit("/", 1)[1])
    saved = get(app, Agency, nursery)
    assert (saved.sector, saved.basis, saved.duty_from) == (
        None, AgencyBasis.DESIGNATED_EDUCATION_CHILDCARE, None)
    detail = page(team.get(f"{BASE}/{nursery}")).get_text(" ", strip=True)
    assert "Sector Not stated" in detail
    assert "Designated education or childcare agency" in detail
    assert "Its duty starts From a date set by regulations" in detail
    listed = page(team.get(BASE))
    assert "Sector not stated" in [c.get_text(strip=True) for c in listed.select("caption")]

    # Once regulations set the date, the setting gives it; an agency's own date wins.
    dated = make_app(EDUCATION_DUTY_FROM="2027-09-01")
    with dated.app_context():
        agency = db.session.get_one(Agency, nursery)
        assert duty_starts(agency) == DutyStart(dt.date(2027, 9, 1), "setting")
        assert duty_starts(agency).describe(agency.basis) == (
            "1 September 2027 (the date set by regulations)")
        agency.duty_from = dt.date(2027, 1, 1)
        assert duty_starts(agency) == DutyStart(dt.date(2027, 1, 1), "agency")
        agency.basis, agency.duty_from = AgencyBasis.VOLUNTARY, None
        assert duty_starts(agency) == DutyStart(None, "")
        agency.basis = AgencyBasis.NAMED_RELEVANT_AGENCY
        assert duty_starts(agency).describe(agency.basis) == ""  # not stated: nothing said
        db.session.rollback()

    # The agency's own date is kept and shown.
    changed = team.submit(f"{BASE}/{nursery}/edit", agency_form(
        name="Northshire Nursery Providers", sector="education", version="1",
        basis="designated_education_childcare", **date_parts("duty_from", dt.date(2027, 4, 1))))
    assert changed.status_code == 302
    assert "Its duty starts 1 April 2027" in page(team.get(f"{BASE}/{nursery}")).get_text(
        " ", strip=True)


@pytest.mark.parametrize("value", ["1 September 2027", "2027-13-01", "soon"])
def test_a_bad_education_duty_date_setting_stops_the_app_starting(
    make_app: Callable[..., Flask], value: str,
) -> None:
    with pytest.raises(ConfigurationError, match="EDUCATION_DUTY_FROM must be a date"):
        make_app(EDUCATION_DUTY_FROM=value)
    assert make_app(EDUCATION_DUTY_FROM="").config["EDUCATION_DUTY_FROM"] is None

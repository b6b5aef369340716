"""The partnership's dated roles: its chair, education's lead, observers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Appointment, AppointmentRole, Sector, StatutoryPartner
from tests.register.builders import date_parts, field_error
from tests.register.records import add_agency, add_area, add_person
from tests.support.client import BrowserLikeClient, page

SLUG = "northshire"
BASE = f"/partnerships/{SLUG}/appointments"


@pytest.fixture
def area(app: Flask) -> int:
    return add_area(app, SLUG, "Northshire Safeguarding Children Partnership")


@pytest.fixture
def team(signed_in: Callable[[Role], BrowserLikeClient], area: int) -> BrowserLikeClient:
    return signed_in(Role.TEAM)


def appointment_form(**changes: Any) -> dict[str, Any]:
    """A valid appointment form, as a browser posts it."""
    values: dict[str, Any] = {
        "role": "partnership_chair", "post": "Independent chair", "partner": "", "agency": "",
        "person": "", "independent": "True", "notes": "",
        **date_parts("valid_from", dt.date(2024, 4, 1)), **date_parts("valid_to", None)}
    values.update(changes)
    return {key: value for key, value in values.items() if value is not None}


def appointments(app: Flask) -> list[tuple[str, str, bool, dt.date | None, dt.date | None]]:
    with app.app_context():
        return [(a.role.value, a.post, a.independent, a.valid_from, a.valid_to)
                for a in db.session.scalars(sa.select(Appointment).order_by(Appointment.id))]


def partner_id(app: Flask, kind: str) -> int:
    with app.app_context():
        return db.session.scalars(sa.select(StatutoryPartner.id).where(
            StatutoryPartner.kind == kind)).one()


def test_the_team_records_a_chair_and_an_education_lead_and_the_overview_shows_them(
    app: Flask, team: BrowserLikeClient, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    education = add_agency(app, SLUG, "Northshire Schools Forum", Sector.EDUCATION)
    lead = add_person(app, "Priya Educator", job_title="Director of Education")
    made = team.submit(f"{BASE}/new", appointment_form(
        **date_parts("valid_from", dt.date(2023, 9, 1))))
    assert made.status_code == 302, page(made).select(".govuk-error-message")
    made = team.submit(f"{BASE}/new", appointment_form(
        role="education_lead", post="Director of Education", independent="False",
        agency=str(education), person=str(lead)))
    assert made.status_code == 302
    detail = page(team.get(made.headers["Location"])).get_text(" ", strip=True)
    assert "Northshire Schools Forum" in detail and "Priya Educator" in detail
    assert "sign off" in detail  # education's lead is not a statutory signatory

    reader = signed_in(Role.SCRUTINEER)
    overview = page(reader.get(f"/partnerships/{SLUG}"))
    roles = overview.select_one("#roles + dl").get_text(" ", strip=True)
    assert roles.index("Partnership chair") < roles.index("Education lead")
    assert "Independent chair (independent)" in roles
    assert "Director of Education, Priya Educator, Northshire Schools Forum" in roles
    listed = page(reader.get(BASE)).get_text(" ", strip=True)
    assert "Independent chair" in listed and "Add a role" not in listed


BAD: list[tuple[dict[str, Any], str, str]] = [
    ({"role": None}, "role", "Select the role"),
    ({"role": "king"}, "role", "Not a valid choice"),
    ({"post": "", "person": ""}, "post", "Enter the post, or select the person who holds it"),
    ({"post": "x" * 201}, "post", "Post must be 200 characters or fewer"),
    ({"partner": "PARTNER", "independent": "True"}, "independent",
     "An independent post is not in a statutory partner's organisation"),
    ({"partner": "PARTNER", "agency": "AGENCY", "independent": "False"}, "agency",
     "Select a statutory partner or an agency, not both"),
    ({"agency": "999999"}, "agency", "Not a valid choice"),
    ({**date_parts("valid_to", dt.date(2024, 3, 1))}, "valid_to",
     "The end date must be the same as or after the start date"),
    ({"valid_from": ["30", "2", "2024"]}, "valid_from", "From (optional) must be a real date"),
    # Overlaps the chair recorded below (from 1 April 2023 to 31 March 2025).
    ({**date_parts("valid_from", dt.date(2025, 1, 1))}, "valid_from",
     "Alex Chair is recorded as the partnership chair 1 April 2023 to 31 March 2025"),
]


def test_bad_input_is_refused_next_to_the_field_and_nothing_is_saved(
    app: Flask, team: BrowserLikeClient,
) -> None:
    chair = add_person(app, "Alex Chair")
    agency = add_agency(app, SLUG, "Northshire Schools Forum", Sector.EDUCATION)
    first = team.submit(f"{BASE}/new", appointment_form(
        post="", person=str(chair), **date_parts("valid_from", dt.date(2023, 4, 1)),
        **date_parts("valid_to", dt.date(2025, 3, 31))))
    assert first.status_code == 302
    before = appointments(app)
    police = partner_id(app, "police")
    for changes, field, message in BAD:
        if changes.get("partner") == "PARTNER":
            changes = {**changes, "partner": str(police)}
        if changes.get("agency") == "AGENCY":
            changes = {**changes, "agency": str(agency)}
        response = team.submit(f"{BASE}/new", appointment_form(**changes))
        assert response.status_code == 200, changes
        html = page(response)
        assert html.title.get_text().startswith("Error:")
        assert html.select_one(".govuk-error-summary") is not None
        assert (field_error(html, field) or "").startswith(message), (changes, field_error(
            html, field))
    assert appointments(app) == before
    # A chair from the day after the first one ends is fine, as are other roles meanwhile.
    later = appointment_form(post="Delegated safeguarding partner, police", independent="False",
                             partner=str(police),
                             **date_parts("valid_from", dt.date(2025, 4, 1)))
    assert team.submit(f"{BASE}/new", later).status_code == 302
    observer = appointment_form(role="participating_observer", independent="False",
                                post="Lead member for children")
    assert team.submit(f"{BASE}/new", observer).status_code == 302
    assert [a[0] for a in appointments(app)] == [
        AppointmentRole.PARTNERSHIP_CHAIR, AppointmentRole.PARTNERSHIP_CHAIR,
        AppointmentRole.PARTICIPATING_OBSERVER]


def test_editing_keeps_one_chair_at_a_time_and_a_stale_edit_conflicts(
    app: Flask, area: int, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    alice, bob = signed_in(Role.TEAM), signed_in(Role.TEAM)
    for start, end in [(dt.date(2020, 1, 1), dt.date(2022, 12, 31)), (dt.date(2023, 1, 1), None)]:
        assert alice.submit(f"{BASE}/new", appointment_form(
            **date_parts("valid_from", start), **date_parts("valid_to", end))).status_code == 302
    with app.app_context():
        first, second = db.session.scalars(sa.select(Appointment.id).order_by(Appointment.id))
    # Stretching the first into the second's time is refused; ending it is not.
    stretched = alice.submit(f"{BASE}/{first}/edit", appointment_form(
        version="1", **date_parts("valid_from", dt.date(2020, 1, 1)),
        **date_parts("valid_to", dt.date(2023, 6, 30))))
    assert "one chair at a time" in (field_error(page(stretched), "valid_from") or "")
    ended = alice.submit(f"{BASE}/{second}/edit", appointment_form(
        version="1", **date_parts("valid_from", dt.date(2023, 1, 1)),
        **date_parts("valid_to", dt.date(2026, 3, 31))))
    assert ended.status_code == 302
    stale = bob.post_with_token(f"{BASE}/{second}/edit", appointment_form(
        version="1", post="Someone else"), token_from=f"{BASE}/{second}/edit")
    assert stale.status_code == 409
    assert [a[4] for a in appointments(app)] == [dt.date(2022, 12, 31), dt.date(2026, 3, 31)]
    # Removing one recorded in error asks first.
    assert "Are you sure" in page(alice.get(f"{BASE}/{first}/remove")).h1.get_text()
    assert alice.submit(f"{BASE}/{first}/remove", {}).status_code == 302
    assert len(appointments(app)) == 1


def test_only_the_team_changes_appointments_and_others_read_them(
    app: Flask, team: BrowserLikeClient, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    assert team.submit(f"{BASE}/new", appointment_form()).status_code == 302
    with app.app_context():
        appointment = db.session.scalars(sa.select(Appointment.id)).one()
    for role in (Role.SCRUTINEER, Role.PARTNER, Role.CHAIR, Role.AGENCY, Role.ADMIN):
        reader = signed_in(role)
        for shown in (BASE, f"{BASE}/{appointment}"):
            response = reader.get(shown)
            assert response.status_code == 200, (role, shown)
            hrefs = [a["href"] for a in page(response).find_all("a", href=True)]
            assert not [h for h in hrefs if h.endswith(("/edit", "/new", "/remove"))]
        for url, data in [(f"{BASE}/new", appointment_form()),
                          (f"{BASE}/{appointment}/edit", appointment_form(version="1")),
                          (f"{BASE}/{appointment}/remove", {})]:
            assert reader.get(url).status_code == 403, (role, url)
            assert reader.post_with_token(url, data, token_from=BASE).status_code == 403
    assert len(appointments(app)) == 1
    add_area(app, "southshire")
    assert team.get(f"/partnerships/southshire/appointments/{appointment}").status_code == 404

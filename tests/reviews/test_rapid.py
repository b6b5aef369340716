"""The Rapid Review page: its 15 working days (bank holidays and closure days not counted),
the analysis, the recommended outcome and the dates, with every rule shown next to its field
and nothing saved when one is broken; the identifier guard on the free text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from partnership.accounts.models import User
from partnership.policy import Role
from partnership.reviews.models import (
    Case,
    ClockStart,
    RapidOutcome,
    RapidReview,
    RapidReviewSignOff,
)
from tests.register.builders import field_error
from tests.reviews.records_reviews import (
    add_case,
    add_closure,
    add_rapid,
    add_world,
    count,
    date_fields,
    flashes,
    goes_to_case,
    load,
    set_clock,
)
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import pin_clock

# Pages, forms, imports and rules in Python: the queries under them run on PostgreSQL
# in their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

NHS_NUMBER = "943 476 5919"  # a valid check digit
POSTCODE = "LS1 4AP"


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> dict[str, Any]:
    ids = add_world(app, make_user)
    ids["case"] = add_case(app, ids["partnership"], ids["group"], agency_ids=[ids["police"]])
    return ids


def on(monkeypatch: pytest.MonkeyPatch, day: dt.date) -> None:
    """Make the Rapid Review and local review pages judge dates as on ``day``."""
    pin_clock(monkeypatch, day)


def rapid_form(**changes: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "version": "", "analysis": "Agencies saw the bruising but did not share it.",
        "equality_analysis": "The family's first language was not English; no interpreter "
                             "was used.",
        "learning": "Information sharing between health and school.",
        "outcome": "local_review", "outcome_reason": "The criteria for a local review are met.",
        "panel_response": "",
        **date_fields(shared_with_scrutineer_on=dt.date(2025, 5, 6),
                      sent_to_panel_on=dt.date(2025, 5, 7), panel_response_on=None),
    }
    form.update(changes)
    return form


def test_the_first_save_starts_the_rapid_review_from_the_partnerships_clock(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    on(monkeypatch, dt.date(2025, 5, 12))
    set_clock(app, world["partnership"], ClockStart.NOTIFICATION)
    case = add_case(app, world["partnership"], world["group"], "Child R",
                    notified_on=dt.date(2025, 4, 22))
    team = signed_in(Role.TEAM)
    url = f"/cases/{case}/rapid-review"
    response = team.submit(url, rapid_form())
    assert goes_to_case(response, case, "rapid-review")
    assert flashes(team) == ["Rapid Review saved"]
    saved = load(app, Case, case, "rapid_review").rapid_review
    assert saved.started_on == dt.date(2025, 4, 22)  # the notification, not the awareness
    assert saved.outcome is RapidOutcome.LOCAL_REVIEW
    assert saved.equality_analysis.startswith("The family's first language")
    assert (saved.shared_with_scrutineer_on, saved.sent_to_panel_on) == (
        dt.date(2025, 5, 6), dt.date(2025, 5, 7))
    # Opened again, the form shows what was saved.
    html = page(team.get(url))
    assert html.select_one("input[name=outcome][value=local_review]").has_attr("checked")
    assert "information sharing" in html.select_one("textarea[name=learning]").text.lower()


def test_the_due_date_skips_easter_and_the_partnerships_closure_days(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_rapid(app, world["case"])  # started on Thursday 17 April 2025
    team = signed_in(Role.TEAM)
    url = f"/cases/{world['case']}/rapid-review"
    on(monkeypatch, dt.date(2025, 4, 22))
    # Good Friday, Easter Monday and the early May bank holiday are not working days:
    # 15 working days after 17 April is 13 May (8 May if they were counted).
    inset = page(team.get(url)).select_one(".govuk-inset-text").get_text(" ", strip=True)
    assert "Due 13 May 2025: 14 working days left" in inset
    assert "Started 17 April 2025" in inset

    add_closure(app, world["partnership"], dt.date(2025, 5, 12))
    inset = page(team.get(url)).select_one(".govuk-inset-text").get_text(" ", strip=True)
    assert "Due 14 May 2025: 14 working days left" in inset

    on(monkeypatch, dt.date(2025, 5, 16))
    inset = page(team.get(url)).select_one(".govuk-inset-text").get_text(" ", strip=True)
    assert "Overdue: due 14 May 2025, 2 working days ago" in inset


def test_the_due_date_skips_christmas_and_new_year(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = add_case(app, world["partnership"], world["group"], "Child W",
                    aware_on=dt.date(2025, 12, 19))
    team = signed_in(Role.TEAM)
    on(monkeypatch, dt.date(2025, 12, 23))
    inset = page(team.get(f"/cases/{case}/rapid-review")).select_one(".govuk-inset-text")
    assert "Due 14 January 2026: 13 working days left" in inset.get_text(" ", strip=True)


def test_a_clock_waiting_for_the_notification_says_so(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    set_clock(app, world["partnership"], ClockStart.NOTIFICATION)
    team = signed_in(Role.TEAM)
    html = page(team.get(f"/cases/{world['case']}/rapid-review"))
    assert "The clock starts when the incident is notified" in html.select_one(
        ".govuk-inset-text").get_text()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"outcome_reason": ""}, "outcome_reason", "Enter the reason for the recommended outcome"),
    (date_fields(sent_to_panel_on=dt.date(2025, 6, 2)), "sent_to_panel_on",
     "Date sent to the national panel must be today or in the past"),
    (date_fields(shared_with_scrutineer_on=dt.date(2025, 4, 1)), "shared_with_scrutineer_on",
     "Date shared with the independent scrutineer must be on or after 17 April 2025, the day "
     "the partners became aware"),
    (date_fields(panel_response_on=dt.date(2025, 5, 6)), "panel_response_on",
     "Date of the panel's response must be on or after 7 May 2025, the date it was sent to the "
     "panel"),
    ({**date_fields(sent_to_panel_on=None, panel_response_on=dt.date(2025, 5, 8))},
     "sent_to_panel_on", "Enter the date the Rapid Review was sent to the panel before the "
                         "date of its response"),
    ({"panel_response": "The panel agreed."}, "panel_response_on",
     "Enter the date of the panel's response"),
    ({"sent_to_panel_on": ["30", "2", "2025"]}, "sent_to_panel_on",
     "Date sent to the national panel must be a real date"),
])
def test_broken_rules_are_shown_next_to_their_fields_and_nothing_is_saved(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch, changes: dict[str, Any], field: str, message: str,
) -> None:
    on(monkeypatch, dt.date(2025, 5, 20))
    rapid = add_rapid(app, world["case"])
    team = signed_in(Role.TEAM)
    response = team.submit(f"/cases/{world['case']}/rapid-review",
                           rapid_form(version="1", **changes))
    assert response.status_code == 200
    html = page(response)
    assert field_error(html, field) == message
    assert message in html.select_one(".govuk-error-summary").get_text()
    saved = load(app, RapidReview, rapid)
    assert (saved.analysis, saved.outcome, saved.sent_to_panel_on, saved.version) == (
        "", None, None, 1)


@pytest.mark.parametrize(("field", "text", "message"), [
    ("analysis", f"Seen at the clinic, NHS number {NHS_NUMBER}.", "Remove the NHS number."),
    ("equality_analysis", f"The family moved to {POSTCODE} last year.", "Remove the postcode."),
    ("learning", "The child (born 3 March 2019) was not seen alone.",
     "Remove the date of birth."),
    ("outcome_reason", f"Address {POSTCODE}.", "Remove the postcode."),
    ("panel_response", f"Ref {NHS_NUMBER}", "Remove the NHS number."),
])
def test_free_text_that_looks_like_an_identifier_is_refused_with_the_reason(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch, field: str, text: str, message: str,
) -> None:
    on(monkeypatch, dt.date(2025, 5, 20))
    team = signed_in(Role.TEAM)
    changes: dict[str, Any] = {field: text}
    if field == "panel_response":
        changes.update(date_fields(panel_response_on=dt.date(2025, 5, 9)))
    response = team.submit(f"/cases/{world['case']}/rapid-review", rapid_form(**changes))
    error = field_error(page(response), field)
    assert error is not None and error.startswith(message)
    assert "never a child's or family member's details" in error
    assert count(app, RapidReview) == 0  # not even started


def test_changing_the_outcome_withdraws_the_partners_sign_offs(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from partnership.audit.services import acting_as
    from partnership.extensions import db
    from partnership.register.models import Partnership

    on(monkeypatch, dt.date(2025, 5, 20))
    rapid = add_rapid(app, world["case"], outcome=RapidOutcome.LOCAL_REVIEW,
                      outcome_reason="The criteria for a local review are met.")
    with app.app_context(), acting_as("tests"):
        police = next(p for p in db.session.get_one(Partnership, world["partnership"]).partners
                      if p.kind.value == "police")
        db.session.add(RapidReviewSignOff(rapid_review_id=rapid, partner=police,
                                          signed_by="A Superintendent"))
        db.session.commit()
    team = signed_in(Role.TEAM)
    url = f"/cases/{world['case']}/rapid-review"
    # Saving the same outcome keeps the sign-off.
    team.submit(url, rapid_form(version="1", learning="More learning."))
    assert count(app, RapidReviewSignOff) == 1
    team.submit(url, rapid_form(version="2", outcome="no_further_review",
                                outcome_reason="Learning captured locally."))
    assert count(app, RapidReviewSignOff) == 0
    assert "sign-offs were withdrawn" in flashes(team)[-1]


def test_a_stale_form_shows_the_conflict_instead_of_overwriting(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    on(monkeypatch, dt.date(2025, 5, 20))
    rapid = add_rapid(app, world["case"])
    team = signed_in(Role.TEAM)
    url = f"/cases/{world['case']}/rapid-review"
    team.submit(url, rapid_form(version="1", learning="Saved first."))
    response = team.submit(url, rapid_form(version="1", learning="Typed from an old page."))
    assert response.status_code == 409
    text = page(response).get_text(" ", strip=True)
    assert "Typed from an old page." in text and "Saved first." in text
    assert "A local child safeguarding practice review" in text  # the outcome in words
    assert load(app, RapidReview, rapid).learning == "Saved first."

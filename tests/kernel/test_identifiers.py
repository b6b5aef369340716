"""The identifier guard: free text about a case refuses what looks like an NHS number (by its
check digit), a UK postcode or a full date of birth, and says why next to the field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from flask import Flask

from partnership.accounts.models import User
from partnership.kernel.identifiers import WHY, identifier_problems, is_nhs_number
from partnership.policy import Role
from tests.register.builders import date_parts, field_error
from tests.reviews.records_cases import add_case, build_world, case_ids, case_row
from tests.support.client import BrowserLikeClient, page

NHS = f"Remove the NHS number. {WHY}"
POSTCODE = f"Remove the postcode. {WHY}"
BIRTH = f"Remove the date of birth. {WHY}"


@pytest.mark.parametrize(("text", "problems"), [
    ("NHS number 943 476 5919 was on the referral", [NHS]),
    ("9434765919", [NHS]),
    ("943-476-5919", [NHS]),
    # The same digits with a wrong check digit are not an NHS number.
    ("Ref 943 476 5918 from the hospital", []),
    ("Call 01632 960001 for the duty team", []),
    ("The family moved to LS1 4AP last year", [POSTCODE]),
    ("seen at sw1a1aa", [POSTCODE]),
    ("EC1A 1BB", [POSTCODE]),
    ("She was born on 3 March 2019", [BIRTH]),
    ("DOB: 03/03/2019", [BIRTH]),
    ("date of birth 2019-03-03", [BIRTH]),
    ("03.03.2019 (DOB)", [BIRTH]),
    ("born 3rd March, 2019", [BIRTH]),
    # Dates that are not a date of birth, and ordinary words, are fine.
    ("The partners became aware on 19 December 2025", []),
    ("Born prematurely; a section 47 enquiry followed on 2 May 2025", []),
    ("Child Q, aged 2, lived with her mother and siblings", []),
    ("DOB 3/3/2019, NHS 9434765919, LS1 4AP", [NHS, POSTCODE, BIRTH]),
])
def test_the_guard_finds_identifiers_and_nothing_else(text: str, problems: list[str]) -> None:
    assert identifier_problems(text) == problems


def test_the_nhs_number_check_digit() -> None:
    assert is_nhs_number("9434765919")
    assert not is_nhs_number("9434765918")
    assert not is_nhs_number("943476591")  # nine digits
    # Digits whose check digit would be 10 are never an NHS number.
    assert not any(is_nhs_number(f"100000001{d}") for d in "0123456789")


def test_the_case_forms_show_the_message_next_to_the_field_and_save_nothing(
    app: Flask, make_user: Callable[..., User], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    world = build_world(app, make_user)
    team = signed_in(Role.TEAM)
    response = team.submit(f"/cases/new?partnership={world.slug}", {
        "reference": "Child Q", "reviewing_body": str(world.group_id),
        "incident_type": "death", **date_parts("aware_on", dt.date(2025, 12, 19)),
        "summary": "Baby (DOB 01/02/2025) at LS1 4AP, NHS 943 476 5919"})
    assert response.status_code == 200
    html = page(response)
    assert field_error(html, "summary") == f"{NHS} {POSTCODE} {BIRTH}"
    assert "There is a problem" in html.get_text()
    assert case_ids(app) == []

    case_id = add_case(app, world.partnership_id, world.group_id, "Child Q",
                       summary="A baby was seriously injured.")
    edit = team.submit(f"/cases/{case_id}/edit", {
        "version": "1", "reference": "Child Q", "reviewing_body": str(world.group_id),
        "incident_type": "death", **date_parts("aware_on", dt.date(2025, 4, 17)),
        "summary": "Lives at EC1A 1BB"})
    assert field_error(page(edit), "summary") == POSTCODE
    assert case_row(app, case_id).summary == "A baby was seriously injured."
    referral = team.submit(f"/cases/{case_id}/national-referral", {
        **date_parts("referred_on", dt.date(2025, 5, 1)),
        "outcome": "The panel asked for NHS number 9434765919"})
    assert field_error(page(referral), "outcome") == NHS
    assert case_row(app, case_id).national_referral is None

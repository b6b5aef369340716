"""The escalations log: the team and the agencies involved record escalations without a
child's details; an agency lead sees only those their agency is party to; time to resolve is
counted in working days by one function; the summary counts by stage and theme."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership import clock
from partnership.accounts.models import User
from partnership.audit.services import acting_as
from partnership.escalations import services
from partnership.escalations.models import Escalation, EscalationStage
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Agency, Person
from tests.conftest import PASSWORD
from tests.register.builders import date_parts, field_error
from tests.register.records import add_agency, add_area
from tests.support.client import BrowserLikeClient, page

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

SLUG = "westmoor"
BASE = f"/partnerships/{SLUG}/escalations"
S = EscalationStage


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    ids = {"partnership": add_area(app, SLUG, "Westmoor Partnership")}
    for key, name in (("police", "Westmoor Police"), ("council", "Westmoor Council"),
                      ("health", "Westmoor Health"), ("fire", "Westmoor Fire")):
        ids[key] = add_agency(app, SLUG, name)
    return ids


def add_escalation(app: Flask, world: dict[str, int], by: str, with_: str,
                   raised_on: dt.date, stage: EscalationStage = S.MANAGER,
                   resolved_on: dt.date | None = None, others: tuple[str, ...] = (),
                   themes: tuple[str, ...] = ("Information sharing",), **fields: Any) -> int:
    with app.app_context(), acting_as("tests"):
        escalation = Escalation(
            partnership_id=world["partnership"], raised_on=raised_on,
            raised_by_id=world[by], raised_with_id=world[with_], stage=stage,
            summary=fields.pop("summary", f"{by} and {with_} disagreed."), themes=list(themes),
            resolved_on=resolved_on, resolution="Agreed." if resolved_on else "", **fields)
        escalation.other_agencies = [db.session.get_one(Agency, world[key]) for key in others]
        db.session.add(escalation)
        db.session.commit()
        return escalation.id


def lead_of(app: Flask, make_user: Callable[..., User], agency_id: int) -> BrowserLikeClient:
    """An agency lead whose person works for the agency, signed in."""
    user = make_user(Role.AGENCY)
    with app.app_context(), acting_as("tests"):
        db.session.add(Person(name="Alex Lead", user_id=user.id, agency_id=agency_id))
        db.session.commit()
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    return client


def escalation_form(world: dict[str, int], **changes: Any) -> dict[str, Any]:
    return {**date_parts("raised_on", clock.today() - dt.timedelta(days=10)),
            "raised_by": str(world["police"]), "raised_with": str(world["council"]),
            "stage": "manager", "summary": "A referral was closed without a strategy discussion.",
            "themes": ["Thresholds and step-down", "Police involvement"],
            **date_parts("resolved_on", None), "resolution": "", "learning": "", **changes}


# --- time to resolve ------------------------------------------------------------------------


@pytest.mark.parametrize(("raised", "resolved", "days"), [
    (dt.date(2026, 3, 4), dt.date(2026, 3, 4), 0),  # the same day
    (dt.date(2026, 3, 6), dt.date(2026, 3, 9), 1),  # Friday to Monday
    (dt.date(2026, 3, 2), dt.date(2026, 3, 16), 10),  # two weeks
    (dt.date(2025, 12, 24), dt.date(2025, 12, 29), 1),  # over Christmas and a weekend
    (dt.date(2026, 3, 2), None, None),  # still open
])
def test_time_to_resolve_is_counted_in_working_days(
        raised: dt.date, resolved: dt.date | None, days: int | None) -> None:
    assert services.days_to_resolve(
        SimpleNamespace(raised_on=raised, resolved_on=resolved)) == days


def test_the_summary_counts_by_stage_and_theme_with_the_median_time_to_resolve() -> None:
    def row(stage: EscalationStage, raised: dt.date, resolved: dt.date | None,
            *themes: str) -> Any:
        return SimpleNamespace(stage=stage, raised_on=raised, resolved_on=resolved,
                               themes=list(themes))

    rows = [row(S.PRACTITIONER, dt.date(2026, 3, 2), dt.date(2026, 3, 3), "Health"),  # 1
            row(S.MANAGER, dt.date(2026, 3, 2), dt.date(2026, 3, 6), "Health", "Police"),  # 4
            row(S.MANAGER, dt.date(2026, 3, 2), dt.date(2026, 3, 16), "Police"),  # 10
            row(S.PARTNERSHIP, dt.date(2026, 3, 2), None, "Police")]
    summary = services.summarise(rows, on=dt.date(2026, 4, 1))
    assert (summary.total, summary.open, summary.resolved) == (4, 1, 3)
    assert summary.by_stage == [(S.PRACTITIONER.label, 1), (S.MANAGER.label, 2),
                                (S.SENIOR_LEADER.label, 0), (S.PARTNERSHIP.label, 1)]
    assert summary.by_theme == [("Police", 3), ("Health", 2)]
    assert summary.median_days == 4
    assert summary.longest_days == 10
    assert services.days_words(1) == "1 working day"
    assert services.days_words(4.5) == "4.5 working days"


# --- recording ------------------------------------------------------------------------------


def test_the_team_logs_an_escalation_and_the_log_sums_it_up(
        app: Flask, world: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    response = team.submit(f"{BASE}/new", escalation_form(
        world, other_agencies=[str(world["health"])]), follow_redirects=True)
    text = page(response).get_text(" ", strip=True)
    assert "Escalation logged" in text
    assert "Westmoor Police" in text and "Westmoor Council" in text and "Westmoor Health" in text
    assert "Thresholds and step-down, Police involvement" in text
    assert "Not yet" in text

    with app.app_context():
        escalation_id = db.session.scalars(sa.select(Escalation.id)).one()
    raised = clock.today() - dt.timedelta(days=10)
    resolved = services.days_to_resolve(SimpleNamespace(raised_on=raised,
                                                        resolved_on=clock.today()))
    edit = f"{BASE}/{escalation_id}/edit"
    version = page(team.get(edit)).find("input", attrs={"name": "version"})["value"]
    done = team.submit(edit, escalation_form(
        world, version=version, **date_parts("resolved_on", clock.today()),
        resolution="The manager reviewed the referral and held a strategy discussion."),
        follow_redirects=True)
    assert services.days_words(resolved or 0) in page(done).get_text(" ", strip=True)

    listing = page(team.get(BASE)).get_text(" ", strip=True)
    assert "1 escalation" in listing and "0 open" in listing
    assert f"{services.days_words(resolved or 0)} median time to resolve" in listing


@pytest.mark.parametrize(("text", "problem"), [
    ("The child's NHS number is 943 476 5919", "Remove the NHS number."),
    ("The family moved to SW1A 1AA", "Remove the postcode."),
    ("A boy, date of birth 01/02/2016, was not seen", "Remove the date of birth."),
])
def test_the_summary_refuses_a_child_s_details(
        app: Flask, world: dict[str, int], signed_in: Callable[[Role], BrowserLikeClient],
        text: str, problem: str) -> None:
    team = signed_in(Role.TEAM)
    soup = page(team.submit(f"{BASE}/new", escalation_form(world, summary=text)))
    message = field_error(soup, "summary") or ""
    assert message.startswith(problem)
    assert "never a child's or family member's details" in message
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Escalation)) == 0


def test_the_rules_of_an_escalation(app: Flask, world: dict[str, int],
                                    signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    same = page(team.submit(f"{BASE}/new", escalation_form(
        world, raised_with=str(world["police"]))))
    assert field_error(same, "raised_with") == (
        "An escalation is between two agencies: choose a different agency it was raised with")
    early = page(team.submit(f"{BASE}/new", escalation_form(
        world, **date_parts("resolved_on", clock.today() - dt.timedelta(days=20)),
        resolution="Agreed.")))
    assert field_error(early, "resolved_on") == (
        "The date it was resolved must be the same as or after the date it was raised")
    unsaid = page(team.submit(f"{BASE}/new", escalation_form(
        world, **date_parts("resolved_on", clock.today()))))
    assert field_error(unsaid, "resolution") == "Say how it was resolved"


# --- who sees what --------------------------------------------------------------------------


def test_an_agency_lead_sees_only_the_escalations_their_agency_is_party_to(
        app: Flask, world: dict[str, int], make_user: Callable[..., User]) -> None:
    day = dt.date(2026, 5, 4)
    raised_by_fire = add_escalation(app, world, "fire", "council", day,
                                    summary="Fire raised a home's condition.")
    with_fire = add_escalation(app, world, "council", "fire", day + dt.timedelta(days=7),
                               summary="Council asked fire for a visit's outcome.")
    fire_involved = add_escalation(app, world, "police", "council", day, others=("fire",),
                                   summary="Fire was also at the strategy meeting.")
    elsewhere = add_escalation(app, world, "police", "health", day,
                               summary="Police and health disagreed about a medical.")
    fire = lead_of(app, make_user, world["fire"])

    listing = page(fire.get(BASE)).get_text(" ", strip=True)
    for shown in ("Fire raised", "Council asked fire", "Fire was also"):
        assert shown not in listing  # the list gives dates and agencies, not the summaries
    links = {a["href"] for a in page(fire.get(BASE)).select("tbody a")}
    assert links == {f"{BASE}/{i}" for i in (raised_by_fire, with_fire, fire_involved)}
    assert fire.get(f"{BASE}/{elsewhere}").status_code == 404
    assert fire.get(f"{BASE}/{elsewhere}/edit").status_code == 404
    assert fire.get(f"{BASE}/{with_fire}/edit").status_code == 200
    # Filtering by another agency lists nothing the lead may not see.
    police = page(fire.get(f"{BASE}?agency={world['police']}"))
    assert {a["href"] for a in police.select("tbody a")} == {f"{BASE}/{fire_involved}"}

    # A lead records escalations their own agency is party to, and no others.
    refused = fire.submit(f"{BASE}/new", escalation_form(world))
    assert (field_error(page(refused), "raised_by") or "").startswith(
        "You can record escalations your own agency is party to")
    logged = fire.submit(f"{BASE}/new", escalation_form(world, raised_by=str(world["fire"])))
    assert logged.status_code == 302

    police_lead = page(lead_of(app, make_user, world["police"]).get(BASE))
    assert {a["href"] for a in police_lead.select("tbody a")} == {
        f"{BASE}/{fire_involved}", f"{BASE}/{elsewhere}"}


def test_the_report_hook_counts_the_period(app: Flask, world: dict[str, int]) -> None:
    start, end = dt.date(2025, 4, 1), dt.date(2026, 3, 31)
    add_escalation(app, world, "police", "council", dt.date(2025, 3, 20),
                   resolved_on=dt.date(2025, 3, 27))  # before the period: not counted
    add_escalation(app, world, "police", "council", dt.date(2025, 3, 25),
                   resolved_on=dt.date(2025, 4, 8), stage=S.SENIOR_LEADER)  # resolved in it
    add_escalation(app, world, "fire", "council", dt.date(2025, 6, 2),
                   resolved_on=dt.date(2025, 6, 4), themes=("Thresholds and step-down",),
                   learning="Referrals now describe the home.")
    add_escalation(app, world, "health", "police", dt.date(2026, 3, 2), stage=S.PARTNERSHIP,
                   resolved_on=dt.date(2026, 4, 14))  # open when the period ended
    add_escalation(app, world, "health", "council", dt.date(2026, 4, 2))  # after it
    with app.app_context(), app.test_request_context():
        found = services.escalations_for_report(world["partnership"], start, end)
    assert (found.raised, found.resolved, found.open_at_end) == (2, 2, 1)
    assert found.by_stage == [(S.MANAGER.label, 1), (S.PARTNERSHIP.label, 1)]
    assert found.by_theme == [("Information sharing", 1), ("Thresholds and step-down", 1)]
    assert found.median_days == 6  # 10 working days and 2
    assert found.learning == ["Referrals now describe the home."]
    assert found.link == BASE

"""Entering figures: a period's total and breakdowns (the children's counts must add up; victims
and perpetrators are counted apart), corrections kept in the history and withdrawing approval,
two people never overwriting each other, the approval gate, the child population."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from partnership.accounts.models import User
from partnership.dataset.models import (
    Commentary,
    Dimension,
    Indicator,
    IndicatorValue,
    Population,
    Subject,
    Unit,
    ValueStatus,
)
from partnership.dataset.series import load_series
from partnership.extensions import db
from partnership.policy import Role
from tests.dataset.test_entry_builders import (
    BASE,
    Q2,
    add_indicator,
    add_value,
    agency_user,
    values_of,
    world,
)
from tests.register.builders import field_error
from tests.support.client import BrowserLikeClient, csrf_token_from, page

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

SEX = (Dimension.SEX, Subject.CHILDREN)
VICTIM_SEX = (Dimension.SEX, Subject.VICTIMS)
PERPETRATOR_SEX = (Dimension.SEX, Subject.PERPETRATORS)


@pytest.fixture
def ids(app: Flask) -> dict[str, int]:
    found = world(app)
    found["cp"] = add_indicator(app, "CP2", found["council"], unit=Unit.RATE,
                                breakdowns=[SEX], name="Children on a protection plan")
    found["cse"] = add_indicator(app, "CSE1", found["police"],
                                 breakdowns=[VICTIM_SEX, PERPETRATOR_SEX],
                                 name="Child sexual exploitation referrals")
    return found


def url(indicator_id: int, start: dt.date = Q2) -> str:
    return f"{BASE}/indicators/{indicator_id}/periods/{start.isoformat()}"


def enter(client: BrowserLikeClient, address: str, data: dict[str, object], *,
          follow_redirects: bool = False) -> TestResponse:
    """Open the figures page and post the figures, as a browser would (its hidden fields)."""
    shown = page(client.get(address))
    opened = shown.find("input", attrs={"name": "opened_at"})["value"]
    return client.submit(address, {"opened_at": opened, **data},
                         follow_redirects=follow_redirects)


def text_of(response: object) -> str:
    return page(response).get_text(" ", strip=True)  # type: ignore[arg-type]


def test_counts_by_sex_must_add_up_to_the_total(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    response = enter(team, url(ids["cp"]), {
        "number": "120", "split-sex-children-male": "50", "split-sex-children-female": "62",
        "status": "provisional"})
    assert response.status_code == 200
    soup = page(response)
    assert soup.title.string.startswith("Error:")
    assert field_error(soup, "split-sex-children-male") == (
        "The counts by sex add up to 112, 8 fewer than the total of 120")
    assert values_of(app) == []

    done = enter(team, url(ids["cp"]), {
        "number": "120", "split-sex-children-male": "56", "split-sex-children-female": "62",
        "split-sex-children-unknown": "2", "status": "provisional",
        "commentary": "Up on last quarter after two large sibling groups."},
        follow_redirects=True)
    assert "Saved CP2 Q2 2025\N{EN DASH}26" in text_of(done)
    saved = {(row[2], row[4]): row[5] for row in values_of(app)}
    assert saved == {(Dimension.TOTAL, ""): 120, (Dimension.SEX, "male"): 56,
                     (Dimension.SEX, "female"): 62, (Dimension.SEX, "unknown"): 2}
    with app.app_context():
        assert db.session.scalar(sa.select(Commentary.text)) == (
            "Up on last quarter after two large sibling groups.")


def test_victims_and_perpetrators_are_counted_apart_and_not_checked(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    response = enter(team, url(ids["cse"]), {
        "number": "14", "split-sex-victims-female": "11", "split-sex-victims-male": "2",
        "split-sex-perpetrators-male": "23", "status": "validated"}, follow_redirects=True)
    assert "Saved CSE1 Q2 2025\N{EN DASH}26" in text_of(response)
    assert len(values_of(app, ids["cse"])) == 4


def test_a_correction_keeps_its_history_and_withdraws_approval(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_value(app, ids["cse"], Q2, 14, status=ValueStatus.VALIDATED, approved=True)
    team = signed_in(Role.TEAM)
    shown = page(team.get(url(ids["cse"])))
    assert shown.select_one("#approval").get_text(strip=True) == "Approved for publication"
    assert shown.find("input", attrs={"name": "number"})["value"] == "14"
    response = enter(team, url(ids["cse"]), {"number": "15", "status": "validated"},
                           follow_redirects=True)
    text = text_of(response)
    history = page(response).select_one("#history").find_next("table").get_text(" ", strip=True)
    assert "need approving again" in text
    assert "Test Team Total: corrected from 14 to 15, approval withdrawn" in history
    assert "Total entered as 14 (validated)" in history
    assert values_of(app, ids["cse"])[0][5:] == (Decimal(15), ValueStatus.VALIDATED, None)
    assert "Not yet approved for publication" in text


def test_two_people_entering_the_same_period_never_overwrite_each_other(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    first, second = signed_in(Role.TEAM), signed_in(Role.TEAM)
    first_page, second_page = first.get(url(ids["cse"])), second.get(url(ids["cse"]))
    opened = page(first_page).find("input", attrs={"name": "opened_at"})["value"]
    assert first.post(url(ids["cse"]), data={
        "csrf_token": csrf_token_from(first_page), "opened_at": opened, "number": "14",
        "status": "provisional"}).status_code == 302
    late = second.post(url(ids["cse"]), data={
        "csrf_token": csrf_token_from(second_page), "opened_at": opened, "number": "41",
        "status": "provisional"})
    assert late.status_code == 409
    soup = page(late)
    assert soup.title.string.startswith("Error:")
    assert "Someone saved figures for this period after you opened it" in soup.get_text()
    assert soup.find("input", attrs={"name": "number"})["value"] == "41"  # nothing typed lost
    assert values_of(app, ids["cse"])[0][5] == 14
    again = second.post(url(ids["cse"]), data={
        "csrf_token": csrf_token_from(second_page),
        "opened_at": soup.find("input", attrs={"name": "opened_at"})["value"],
        "number": "41", "status": "provisional"})
    assert again.status_code == 302
    assert values_of(app, ids["cse"])[0][5] == 41


def test_an_agency_enters_only_its_own_indicators(
        app: Flask, ids: dict[str, int], make_user: Callable[..., User]) -> None:
    police = agency_user(app, make_user, ids["police"])
    assert police.get(url(ids["cp"])).status_code == 403
    response = enter(police, url(ids["cse"]), {"number": "9", "status": "provisional"})
    assert response.status_code == 302
    assert police.post(url(ids["cp"]), data={"number": "1"}).status_code in (400, 403)
    assert [row[0] for row in values_of(app)] == ["CSE1"]


def test_a_period_not_yet_started_or_not_a_period_start_is_not_found(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    assert team.get(url(ids["cp"], dt.date(2025, 8, 1))).status_code == 404
    assert team.get(url(ids["cp"], dt.date(2099, 4, 1))).status_code == 404
    assert team.get(f"{BASE}/indicators/{ids['cp']}/periods/soon").status_code == 404


def test_commentary_never_holds_a_child_s_details(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    response = enter(team, url(ids["cse"]), {
        "number": "3", "status": "provisional",
        "commentary": "Includes the girl born 3 March 2012 at SW1A 1AA"})
    message = field_error(page(response), "commentary") or ""
    assert message.startswith("Remove the postcode.")
    assert values_of(app) == []


def test_only_validated_figures_are_approved(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_value(app, ids["cp"], Q2, 120, status=ValueStatus.VALIDATED)
    add_value(app, ids["cp"], Q2, 64, dimension=Dimension.SEX, category="female",
              status=ValueStatus.VALIDATED)
    add_value(app, ids["cse"], Q2, 14)
    team = signed_in(Role.TEAM)
    soup = page(team.get(f"{BASE}/approve"))
    choices = {box.find_parent("tr").select("td")[1].get_text(strip=True): box["value"]
               for box in soup.select("input[name=chosen]")}
    assert set(choices) == {"CP2 Children on a protection plan",
                            "CSE1 Child sexual exploitation referrals"}
    refused = team.submit(f"{BASE}/approve", {"chosen": list(choices.values())})
    assert ("CSE1 Q2 2025\N{EN DASH}26 is provisional: set its figures to validated"
            in text_of(refused))
    assert all(row[7] is None for row in values_of(app))

    done = team.submit(f"{BASE}/approve",
                       {"chosen": [choices["CP2 Children on a protection plan"]]},
                       follow_redirects=True)
    assert "Approved for publication: the figures of 1 period" in text_of(done)
    approved = {row[0]: row[7] is not None for row in values_of(app)}
    assert approved == {"CP2": True, "CSE1": False}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorValue)
                                 .where(IndicatorValue.approved_by_id.is_not(None))) == 2

    for role in (Role.AGENCY, Role.PARTNER, Role.CHAIR):
        assert signed_in(role).get(f"{BASE}/approve").status_code == 403


def test_figures_changed_after_the_approval_page_opened_are_not_approved(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    value_id = add_value(app, ids["cse"], Q2, 14, status=ValueStatus.VALIDATED)
    team = signed_in(Role.TEAM)
    shown = team.get(f"{BASE}/approve")
    choice = page(shown).select_one("input[name=chosen]")["value"]
    with app.app_context():
        db.session.get(IndicatorValue, value_id).number = Decimal(41)
        db.session.commit()
    refused = team.post(f"{BASE}/approve", data={"csrf_token": csrf_token_from(shown),
                                                 "chosen": choice})
    assert "changed or approved by someone else" in text_of(refused)
    assert values_of(app)[0][7] is None


def test_the_team_keeps_the_child_population_and_everyone_reads_it(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    form = {"area": "Eastvale", "year": "2025", "children": "61250",
            "source": "ONS mid-year population estimates 2025"}
    change = f"{BASE}/population/change"
    assert "Added: Eastvale 2025" in text_of(team.submit(f"{BASE}/population", form,
                                                         action=change, follow_redirects=True))
    corrected = team.submit(f"{BASE}/population", {**form, "children": "61300"},
                            action=change, follow_redirects=True)
    assert "Corrected: Eastvale 2025" in text_of(corrected)
    with app.app_context():
        assert db.session.execute(sa.select(Population.area, Population.children)).all() == [
            ("Eastvale", 61300)]
    bad = team.submit(f"{BASE}/population", {**form, "children": "lots"}, action=change)
    assert field_error(page(bad), "children") == (
        "The number of children must be a whole number, like 61250")

    partner = signed_in(Role.PARTNER)
    shown = partner.get(f"{BASE}/population")
    assert "61,300" in text_of(shown)
    assert not page(shown).select("main form[method=post]")
    assert partner.post_with_token(change, form,
                                   token_from=f"{BASE}/population").status_code == 403


def test_published_figures_are_the_approved_ones_only(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    enter(team, url(ids["cse"]), {"number": "14", "status": "validated"})

    def published() -> list[Decimal]:
        with app.app_context():
            indicator = db.session.get(Indicator, ids["cse"])
            return [point.number for point in
                    load_series([indicator], published=True)[ids["cse"]].points]

    assert published() == []
    choice = page(team.get(f"{BASE}/approve")).select_one("input[name=chosen]")["value"]
    team.submit(f"{BASE}/approve", {"chosen": [choice]})
    assert published() == [14]
    enter(team, url(ids["cse"]), {"number": "15", "status": "validated"})
    assert published() == []

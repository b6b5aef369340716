"""The dashboards: every current indicator (or one priority's) with exceptions first, the
latest and previous figures, the comparators and the standing in words; the executive turns
an exception into an action in one step; the pages read a fixed number of statements at any
number of indicators."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.actions.models import Action
from partnership.dataset.models import (
    DatasetSettings,
    Dimension,
    Indicator,
    IndicatorValue,
    Polarity,
)
from partnership.extensions import db
from partnership.policy import Role
from tests.dataset.seeing import BASE, World, add_indicator, add_many, add_split, world
from tests.support.client import BrowserLikeClient, page
from tests.support.queries import sql_statements


@pytest.fixture
def ids(app: Flask) -> World:
    return world(app)


def statements(app: Flask, client: BrowserLikeClient, url: str) -> int:
    """The SQL statements one GET of ``url`` sends (after a warm-up request)."""
    assert client.get(url).status_code == 200, url
    with sql_statements(app) as sent:
        assert client.get(url).status_code == 200, url
    return len(sent)


def test_the_executive_sees_exceptions_first_and_raises_an_action_in_one_step(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_indicator(app, ids, "EH1", "Early help assessments", [100, 110, 120, 130],
                  polarity=Polarity.HIGHER, lower="10", upper="50", england=["30", "31", "32"])
    flagged = add_indicator(app, ids, "CP1", "Child protection plans",
                            [100, 110, 120, 130, 150, 180], england=["41.0"],
                            commentary={5: "Two large sibling groups."})
    team = signed_in(Role.TEAM)
    soup = page(team.get(f"{BASE}/dashboard"))
    rows = soup.select("#dashboard tbody tr")
    assert [r.th.get_text(strip=True) for r in rows] == [
        "CP1 Child protection plans", "EH1 Early help assessments"]
    first = [td.get_text(" ", strip=True) for td in rows[0].select("td")]
    assert first[0].startswith("Q2 2025\u201326 45.0 per 10,000")
    assert first[1] == "37.5 per 10,000 Up from 37.5, worse"  # 150 in 40,000 before
    assert first[2] == "England: 41.0 per 10,000 (Q1 2024\u201325)"
    assert first[3] == "Above the tolerance band (worse)"
    assert "worse for 3 periods in a row" in first[4]
    tag = rows[0].select_one("td strong.govuk-tag")
    assert tag is not None and "govuk-tag--red" in tag["class"]
    second = [td.get_text(" ", strip=True) for td in rows[1].select("td")]
    assert second[3] == "Within the tolerance band" and second[4] == "None"
    assert "1 with an exception" in soup.select_one("#headline").get_text()
    named = [element["id"] for element in soup.select("[id]")]
    assert len(named) == len(set(named)), "an id is repeated"

    # One step: the button on the dashboard makes the action and opens it.
    button = rows[0].select_one("form")
    assert button is not None
    token = button.select_one("input[name=csrf_token]")["value"]
    made = team.post(button["action"], data={"csrf_token": token, "back": "dashboard"})
    assert made.status_code == 302 and made.headers["Location"].startswith("/actions/")
    with app.app_context():
        action = db.session.scalar(sa.select(Action))
        assert action is not None
        assert action.title == ("Child protection plans: Q2 2025\u201326: above the tolerance "
                                "band (worse)")
        assert action.indicator_id == flagged
        assert (action.body_id, action.lead_agency_id, action.lead_person_id) == (
            ids.body, ids.agency, ids.owner)
        assert "The tolerance band is 20.0 to 40.0 per 10,000." in action.detail
        assert "Two large sibling groups." in action.detail
    # A second click adds no other; the indicator page lists the action with its rating.
    again = team.post(button["action"], data={"csrf_token": token})
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Action)) == 1
    indicator = page(team.get(f"{BASE}/indicators/{flagged}"))
    listed = indicator.select_one("#actions ~ .app-table-scroll table")
    assert listed is not None and "Child protection plans: Q2" in listed.get_text()
    assert listed.select_one("strong.govuk-tag") is not None


def test_who_may_raise_an_action_follows_the_tracker_s_rule(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    flagged = add_indicator(app, ids, "CP1", "Child protection plans", [100, 200])
    for role in (Role.PARTNER, Role.AGENCY, Role.SCRUTINEER, Role.CHAIR):  # chairs no group
        reader = signed_in(role)
        assert "Raise an action" not in page(reader.get(f"{BASE}/dashboard")).get_text()
        refused = reader.post_with_token(f"{BASE}/indicators/{flagged}/action",
                                         token_from=f"{BASE}/dashboard")
        assert refused.status_code == 403
    calm = add_indicator(app, ids, "CP2", "Repeat plans", [100, 100])
    team = signed_in(Role.TEAM)
    response = team.post_with_token(f"{BASE}/indicators/{calm}/action",
                                    token_from=f"{BASE}/dashboard", follow_redirects=True)
    assert "has no exception to raise an action on" in page(response).get_text()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Action)) == 0


def test_a_priority_s_dashboard_lists_its_indicators_only(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_indicator(app, ids, "CP1", "Child protection plans", [100])
    add_indicator(app, ids, "EH1", "Early help assessments", [100], objective=False)
    soup = page(signed_in(Role.CHAIR).get(f"{BASE}/dashboard?objective={ids.objective}"))
    assert soup.h1.get_text(strip=True) == (
        "A1 Children are protected from exploitation: dashboard")
    assert [r.th.get_text(strip=True) for r in soup.select("#dashboard tbody tr")] == [
        "CP1 Child protection plans"]


def test_the_pages_read_a_fixed_number_of_statements_at_any_size(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_many(app, ids, 3, quarters=4)
    with app.app_context():
        db.session.add(DatasetSettings(partnership_id=ids.partnership, suppress_below=3))
        db.session.commit()
        first = db.session.scalar(sa.select(sa.func.min(Indicator.id)))
    team = signed_in(Role.TEAM)
    pages = [f"{BASE}/dashboard", f"{BASE}/dashboard?objective={ids.objective}", BASE,
             "/dataset", f"{BASE}/export.xlsx"]
    small = [statements(app, team, url) for url in pages]
    add_many(app, ids, 197, start=3, quarters=20)  # 200 indicators, 5 years of quarters
    with app.app_context():
        db.session.add(Action(partnership_id=ids.partnership, year=2025, title="Raised",
                              indicator_id=first))
        db.session.commit()
    large = [statements(app, team, url) for url in pages]
    assert large == small


def test_the_indicator_page_reads_a_fixed_number_of_statements_at_any_length(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_many(app, ids, 1, quarters=2)
    add_many(app, ids, 1, start=1, quarters=20)
    with app.app_context():
        short, long = db.session.scalars(sa.select(Indicator.id).order_by(Indicator.id))
        latest = db.session.scalar(sa.select(sa.func.max(IndicatorValue.period_start))
                                   .where(IndicatorValue.indicator_id == long))
    assert latest is not None
    add_split(app, long, latest, Dimension.SEX, {"male": 60, "female": 70})
    add_split(app, long, latest, Dimension.ETHNICITY, {"white": 100, "asian": 30})
    team = signed_in(Role.TEAM)
    assert (statements(app, team, f"{BASE}/indicators/{short}")
            == statements(app, team, f"{BASE}/indicators/{long}"))

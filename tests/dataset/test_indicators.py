"""The indicator library and the indicator page: grouped by plan priority with the latest
figure and where it stands; the trend against England and the tolerance band with its table;
commentary and breakdowns; indicators added and changed by the team (never overwriting
another's edit); the settings; the starter library."""

from __future__ import annotations

import datetime as dt
import sys
import types
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.dataset.models import (
    DatasetSettings,
    Dimension,
    Indicator,
    Polarity,
    Subject,
    Unit,
)
from partnership.extensions import db
from partnership.policy import Role
from tests.dataset.seeing import BASE, QUARTERS, World, add_indicator, add_split, world
from tests.register.builders import field_error
from tests.support.client import BrowserLikeClient, page

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")


@pytest.fixture
def ids(app: Flask) -> World:
    return world(app)


def text_of(response: object) -> str:
    return page(response).get_text(" ", strip=True)  # type: ignore[arg-type]


def test_the_library_groups_indicators_by_priority_with_their_latest_figure(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_indicator(app, ids, "CP1", "Child protection plans", [100, 110, 120, 130, 150, 180])
    add_indicator(app, ids, "EH1", "Early help assessments", [400, 420], objective=False,
                  unit=Unit.COUNT, lower=None, upper=None)
    reader = signed_in(Role.PARTNER)
    soup = page(reader.get(BASE))
    captions = [c.get_text(" ", strip=True) for c in soup.select("caption")]
    assert captions[0].startswith("A1 Children are protected from exploitation")
    assert captions[1] == "Not linked to a plan priority"
    text = soup.get_text(" ", strip=True)
    # 180 children in 40,000: 45.0 per 10,000, above the band of 20 to 40 (lower is better).
    assert "Q2 2025\u201326: 45.0 per 10,000" in text
    assert "Above the tolerance band (worse)" in text
    assert "not yet approved" in text
    assert "worse for 3 periods in a row" in text
    assert "Q2 2024\u201325: 420" in text and "No tolerance band set" in text
    assert "Add an indicator" not in text and "Add the starter library" not in text
    # Words only: no enum values.
    assert "rate" not in [cell.get_text(strip=True) for cell in soup.select("td")]

    filtered = text_of(reader.get(f"{BASE}?objective={ids.objective}"))
    assert "Child protection plans" in filtered and "Early help" not in filtered
    library = page(signed_in(Role.TEAM).get(BASE))
    assert "Add an indicator" in library.get_text()
    named = [element["id"] for element in library.select("[id]")]
    assert len(named) == len(set(named)), "an id is repeated"


def test_the_indicator_page_shows_trend_band_benchmarks_commentary_and_breakdowns(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    indicator_id = add_indicator(
        app, ids, "CP1", "Child protection plans", [100, 110, None, 130, 150, 180],
        england=["41.0", "42.0", "42.5", "43.0"], breakdowns=[Dimension.SEX],
        commentary={5: "A rise after two large sibling groups."})
    add_split(app, indicator_id, QUARTERS[5], Dimension.SEX,
              {"male": 88, "female": 89, "unknown": 3})
    soup = page(signed_in(Role.AGENCY).get(f"{BASE}/indicators/{indicator_id}"))
    assert soup.title.string.startswith("CP1 Child protection plans \u2013 EAS")
    svg = soup.select_one("figure.app-chart svg")
    assert svg is not None and svg["role"] == "img"
    assert "Tolerance band" in svg.get_text(" ")
    table = soup.select_one("#trend-table")
    headings = [th.get_text(strip=True) for th in table.select("thead th")]
    assert headings == ["Quarter", "EAS", "England"]
    rows = {tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.select("td")]
            for tr in table.select("tbody tr")}
    assert rows["Q3 24\u201325"] == ["Not available", "42.5"]  # a quarter without a figure: a gap
    assert rows["Q2 25\u201326"] == ["45", "Not available"]
    assert "The shaded area is the tolerance band (20.0 to 40.0 per 10,000)." in soup.text
    text = soup.get_text(" ", strip=True)
    assert "A rise after two large sibling groups." in text
    assert "Provisional; not yet approved" in text
    assert "Lower is better" in text and "Eastvale Police" in text and "Pat Analyst" in text
    # The breakdown: counts, their share, and the small number marked.
    sex = next(t for t in soup.select("table") if t.caption.get_text(strip=True) == "Sex")
    cells = {tr.th.get_text(strip=True): [td.get_text(" ", strip=True) for td in tr("td")]
             for tr in sex.select("tbody tr")}
    assert cells["Male"] == ["88", "48.9%"]
    assert cells["Not known or not stated"] == ["3 Small number", "1.7%"]
    assert "Raise an action" not in text  # the agency lead may not raise actions


def test_the_team_adds_an_indicator_with_its_breakdowns(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    form = {"reference": "CSE1", "name": "Children at risk of sexual exploitation",
            "definition": "Open cases flagged at risk of child sexual exploitation.",
            "unit": "count", "polarity": "neither", "frequency": "quarterly",
            "breakdowns": ["victims.sex", "perpetrators.ethnicity"],
            "lower_tolerance": "10", "upper_tolerance": "30", "target": "",
            "source_agency": str(ids.agency), "owner": str(ids.owner),
            "objective": str(ids.objective), "body": str(ids.body), "source_note": "",
            "in_yearly_report": "y"}
    response = team.submit(f"{BASE}/indicators/new", form, follow_redirects=True)
    text = text_of(response)
    assert "Added: CSE1 Children at risk of sexual exploitation" in text
    assert "Ethnicity of perpetrators, Sex of victims" in text
    assert "10 to 30" in text
    with app.app_context():
        indicator = db.session.scalar(sa.select(Indicator))
        assert indicator is not None and indicator.in_yearly_report
        assert [(b.dimension, b.subject) for b in indicator.breakdowns] == [
            (Dimension.ETHNICITY, Subject.PERPETRATORS), (Dimension.SEX, Subject.VICTIMS)]

    again = team.submit(f"{BASE}/indicators/new", {**form, "reference": "cse1",
                                                   "lower_tolerance": "40"})
    soup = page(again)
    assert soup.title.string.startswith("Error:")
    assert "choose a different reference" in (field_error(soup, "reference") or "")
    assert "same as or more than the lower limit" in (field_error(soup, "upper_tolerance") or "")
    wrong = page(team.submit(f"{BASE}/indicators/new", {**form, "lower_tolerance": "ten"}))
    assert field_error(wrong, "lower_tolerance") == (
        "Lower limit of the tolerance band must be a number, like 30 or 12.5")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Indicator)) == 1


def test_an_indicator_is_changed_and_a_stale_edit_never_overwrites(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    indicator_id = add_indicator(app, ids, "CP1", "Child protection plans", [100],
                                 breakdowns=[Dimension.SEX])
    first, second = signed_in(Role.TEAM), signed_in(Role.TEAM)
    url = f"{BASE}/indicators/{indicator_id}/edit"
    stale = page(second.get(url))
    form = {field["name"]: field.get("value", "") for field in stale.select("input")
            if field.get("type") not in ("radio", "checkbox", "submit")}
    form.update({"unit": "rate", "polarity": "lower", "frequency": "quarterly",
                 "breakdowns": ["children.sex", "children.disability"],
                 "name": "Children on a protection plan"})
    mine = {name: value for name, value in form.items() if name != "csrf_token"}
    done = first.submit(url, {**mine, "name": "Children subject to a plan"},
                        follow_redirects=True)
    assert "Updated: CP1 Children subject to a plan" in text_of(done)
    clash = second.post(url, data=form)
    assert clash.status_code == 409
    with app.app_context():
        indicator = db.session.get(Indicator, indicator_id)
        assert indicator is not None and indicator.name == "Children subject to a plan"
        assert [b.dimension for b in indicator.breakdowns] == [Dimension.DISABILITY,
                                                               Dimension.SEX]
    assert signed_in(Role.PARTNER).get(url).status_code == 403

    # Retired: out of the library's tables, listed below them, its figures kept.
    current = page(first.get(url))
    form = {field["name"]: field.get("value", "") for field in current.select("input")
            if field.get("type") not in ("radio", "checkbox", "submit")
            and field["name"] != "csrf_token"}
    form.update({"unit": "rate", "polarity": "lower", "frequency": "quarterly",
                 "retired": "y"})
    first.submit(url, form)
    library = page(first.get(BASE))
    assert library.select("tbody tr") == []
    assert "CP1 Children subject to a plan" in library.select_one("#retired ~ ul").get_text()


def test_the_settings_keep_the_threshold_region_and_neighbours(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    url = f"{BASE}/settings"
    bad = page(team.submit(url, {"suppress_below": "many", "region": "", "neighbours": ""}))
    assert "must be a whole number" in (field_error(bad, "suppress_below") or "")
    done = team.submit(url, {"suppress_below": "10", "region": "North West",
                             "neighbours": "Wigan\n\nBolton \n"}, follow_redirects=True)
    assert "Settings saved" in text_of(done)
    with app.app_context():
        settings = db.session.get(DatasetSettings, ids.partnership)
        assert settings is not None
        assert (settings.suppress_below, settings.region, settings.neighbour_names) == (
            10, "North West", ["Wigan", "Bolton"])
    again = team.submit(url, {"suppress_below": "500", "region": "", "neighbours": ""})
    assert "between 0 and 100" in (field_error(page(again), "suppress_below") or "")


def test_the_starter_library_is_added_by_the_team(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient],
        monkeypatch: pytest.MonkeyPatch) -> None:
    starter = types.ModuleType("partnership.dataset.starter")

    def add_starter_library(partnership: object) -> list[Indicator]:
        indicator = Indicator(partnership=partnership, reference="S1", name="Starter one",
                              unit=Unit.COUNT, polarity=Polarity.NEITHER,
                              frequency=add_starter_library.frequency)  # type: ignore[attr-defined]
        db.session.add(indicator)
        return [indicator]

    from partnership.dataset.models import Frequency

    add_starter_library.frequency = Frequency.YEARLY  # type: ignore[attr-defined]
    starter.add_starter_library = add_starter_library  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "partnership.dataset.starter", starter)
    team = signed_in(Role.TEAM)
    done = team.post_with_token(f"{BASE}/starter", token_from=BASE, follow_redirects=True)
    assert "1 indicator added from the starter library" in text_of(done)
    assert "S1 Starter one" in text_of(done)


def test_an_indicator_of_another_partnership_is_not_found(
        app: Flask, ids: World, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    from tests.register.records import add_area

    add_area(app, "westvale", "Westvale Partnership")
    indicator_id = add_indicator(app, ids, "CP1", "Child protection plans", [100])
    team = signed_in(Role.TEAM)
    assert team.get(f"/partnerships/westvale/dataset/indicators/{indicator_id}"
                    ).status_code == 404
    assert team.get(f"{BASE}/dashboard?objective=999999").status_code == 404
    assert dt.date(2025, 7, 1) in QUARTERS

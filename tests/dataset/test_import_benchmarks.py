"""Importing benchmark releases: our own layout and the Department for Education's published
data files (England, the region, the statistical neighbours' average), every problem located
and nothing saved on any, each release kept beside the earlier ones."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from partnership.audit.services import acting_as
from partnership.dataset.models import (
    Benchmark,
    BenchmarkRelease,
    Comparator,
    DatasetSettings,
    Frequency,
    Indicator,
    Unit,
)
from partnership.dataset.series import load_series
from partnership.extensions import db
from partnership.policy import Role
from tests.dataset.test_entry_builders import BASE, add_indicator, csv, world
from tests.register.builders import date_parts
from tests.support.client import BrowserLikeClient, page


@pytest.fixture
def ids(app: Flask) -> dict[str, int]:
    found = world(app)
    found["cp"] = add_indicator(app, "CP2", found["council"], unit=Unit.RATE,
                                frequency=Frequency.YEARLY)
    with app.app_context(), acting_as("tests"):
        db.session.add(DatasetSettings(
            partnership_id=found["partnership"], region="North West",
            neighbours="Wigan\nBolton\nBury\nNowhere Borough"))
        db.session.commit()
    return found


def release_form(content: bytes, name: str = "release.csv", released: dt.date | None = None,
                 **changes: Any) -> dict[str, Any]:
    return {"publication": "Characteristics of children in need",
            **date_parts("released_on", released or dt.date(2025, 10, 30)),
            "url": "https://explore-education-statistics.service.gov.uk/",
            "spreadsheet": (io.BytesIO(content), name), "indicator": "", "column": "",
            **changes}


def post(client: BrowserLikeClient, form: dict[str, Any]) -> TestResponse:
    return client.submit(f"{BASE}/benchmarks/import", form, content_type="multipart/form-data",
                         follow_redirects=True)


def benchmarks(app: Flask) -> list[tuple[Any, ...]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            sa.select(BenchmarkRelease.released_on, Benchmark.comparator,
                      Benchmark.period_start, Benchmark.value)
            .join(BenchmarkRelease).order_by(Benchmark.id))]


def test_our_own_layout_and_a_later_release_kept_beside_the_first(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    team = signed_in(Role.TEAM)
    first = csv([["Indicator", "Period", "Comparator", "Value"],
                 ["CP2", "2024-25", "England", "41.5"],
                 ["CP2", "2024-25", "Statistical neighbours", "c"]])
    done = post(team, release_form(first))
    text = page(done).get_text(" ", strip=True)
    assert "Imported 2 figures from Characteristics of children in need" in text
    assert "Not published" in text
    revised = csv([["Indicator", "Period", "Comparator", "Value"],
                   ["CP2", "2024-25", "England", "41.9"]])
    post(team, release_form(revised, released=dt.date(2026, 10, 29)))
    assert benchmarks(app) == [
        (dt.date(2025, 10, 30), Comparator.ENGLAND, dt.date(2024, 4, 1), Decimal("41.50")),
        (dt.date(2025, 10, 30), Comparator.NEIGHBOURS, dt.date(2024, 4, 1), None),
        (dt.date(2026, 10, 29), Comparator.ENGLAND, dt.date(2024, 4, 1), Decimal("41.90"))]
    with app.app_context():
        series = load_series([db.session.get(Indicator, ids["cp"])])[ids["cp"]]
        latest = series.benchmarks[Comparator.ENGLAND][dt.date(2024, 4, 1)]
        assert latest.value == Decimal("41.90")
    listing = page(team.get(f"{BASE}/benchmarks")).get_text(" ", strip=True)
    assert "29 October 2026" in listing and "30 October 2025" in listing

    again = post(team, release_form(revised, released=dt.date(2026, 10, 29)))
    assert "already has 1 of these figures" in page(again).get_text(" ", strip=True)
    assert len(benchmarks(app)) == 3


def test_the_statistics_own_data_file(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    tidy = csv([
        ["time_period", "time_identifier", "geographic_level", "country_name", "region_name",
         "la_name", "cpp_rate"],
        ["2024", "Reporting year", "National", "England", "", "", "41.6"],
        ["2025", "Reporting year", "National", "England", "", "", "41.9"],
        ["2025", "Reporting year", "Regional", "England", "North West", "", "48.1"],
        ["2025", "Reporting year", "Regional", "England", "London", "", "35.0"],
        ["2025", "Reporting year", "Local authority", "England", "North West", "Wigan", "50"],
        ["2025", "Reporting year", "Local authority", "England", "North West", "Bolton", "46"],
        ["2025", "Reporting year", "Local authority", "England", "North West", "Bury", "x"],
        ["2025", "Reporting year", "Local authority", "England", "North West", "Salford", "60"],
    ])
    team = signed_in(Role.TEAM)
    needs = post(team, release_form(tidy))
    assert "choose the indicator its figures are for" in page(needs).get_text(" ", strip=True)
    done = post(team, release_form(tidy, indicator=str(ids["cp"]), column="CPP rate"))
    text = page(done).get_text(" ", strip=True)
    assert "Statistical neighbours: 3 of 4 found (not in the file: Nowhere Borough)" in text
    assert sorted(benchmarks(app), key=lambda row: (row[1].value, row[2])) == [
        (dt.date(2025, 10, 30), Comparator.ENGLAND, dt.date(2023, 4, 1), Decimal("41.60")),
        (dt.date(2025, 10, 30), Comparator.ENGLAND, dt.date(2024, 4, 1), Decimal("41.90")),
        (dt.date(2025, 10, 30), Comparator.NEIGHBOURS, dt.date(2024, 4, 1), Decimal("48.00")),
        (dt.date(2025, 10, 30), Comparator.REGION, dt.date(2024, 4, 1), Decimal("48.10"))]


def test_problems_are_located_and_nothing_is_saved(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    bad = csv([["Indicator", "Period", "Comparator", "Value"],
               ["CP2", "2024-25", "England", "41.5"],
               ["CP9", "2024-25", "England", "1"],
               ["CP2", "2024-25", "Scotland", "1"],
               ["CP2", "next year", "Region", "1"],
               ["CP2", "2024-25", "Region", "lots"],
               ["CP2", "2024-25", "England", "40"]])
    team = signed_in(Role.TEAM)
    response = post(team, release_form(bad))
    soup = page(response)
    assert soup.title.string.startswith("Error:")
    found = [row.select("td")[2].get_text(" ", strip=True)
             for row in soup.select("#problems ~ .app-table-scroll table tbody tr")]
    assert found == [
        "Row 3, Indicator: there is no indicator 'CP9' in the Eastvale Partnership dataset",
        "Row 4, Comparator: 'Scotland' is not a comparator: use England, Region or "
        "Statistical neighbours",
        "Row 5, Period: 'next year' is not a period of CP2: use a reporting year, such as "
        "2026-27",
        "Row 6, Value: 'lots' is not a figure (the statistics' symbols c, x, z and .. are "
        "read as no figure)",
        "Row 7, Value: row 2 already gives England for CP2 2024\N{EN DASH}25"]
    assert benchmarks(app) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BenchmarkRelease)) == 0


def test_only_the_team_keeps_benchmarks(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    for role in (Role.AGENCY, Role.PARTNER, Role.CHAIR, Role.SCRUTINEER):
        client = signed_in(role)
        assert client.get(f"{BASE}/benchmarks").status_code == 403
        assert client.get(f"{BASE}/benchmarks/import").status_code == 403


def test_a_year_s_figure_sits_at_the_year_s_last_quarter(
        app: Flask, ids: dict[str, int],
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    add_indicator(app, "CP3", ids["council"], unit=Unit.RATE)  # quarterly
    team = signed_in(Role.TEAM)
    post(team, release_form(csv([["Indicator", "Period", "Comparator", "Value"],
                                 ["CP3", "2024-25", "England", "40.2"]])))
    # "At 31 March 2025": shown beside the partnership's Q4 2024-25.
    assert benchmarks(app) == [
        (dt.date(2025, 10, 30), Comparator.ENGLAND, dt.date(2025, 1, 1), Decimal("40.20"))]

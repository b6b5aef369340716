"""The dataset's derived figures: rates and percentages computed, small numbers hidden, the
tolerance band, the run of worsening periods, and periods read as people write them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from partnership.dataset import figures
from partnership.dataset.categories import read_category
from partnership.dataset.models import Dimension, Frequency, Polarity, Unit
from partnership.dataset.periods import (
    Period,
    PeriodUnreadable,
    parse_period,
    period_of,
    periods_of_year,
)

D = Decimal


def test_a_rate_is_computed_per_10000_children_and_never_without_a_population() -> None:
    assert figures.figure(Unit.RATE, D(896), children=271_300) == D("33.0")
    assert figures.figure(Unit.RATE, D(896), children=None) is None
    assert figures.figure(Unit.PERCENTAGE, D(54), D(210)) == D("25.7")
    assert figures.figure(Unit.PERCENTAGE, D(54), None) is None
    assert figures.figure(Unit.COUNT, D(12)) == D(12)


def test_counts_below_the_threshold_are_hidden_but_zero_and_days_are_not() -> None:
    assert figures.suppressed(Unit.COUNT, D(4), 5)
    assert figures.suppressed(Unit.RATE, D(1), 5)
    assert not figures.suppressed(Unit.COUNT, D(5), 5)
    assert not figures.suppressed(Unit.COUNT, D(0), 5)
    assert not figures.suppressed(Unit.DAYS, D(2), 5)
    assert figures.words(Unit.COUNT, D(3), hidden=True, threshold=5) == "fewer than 5"
    assert figures.words(Unit.RATE, D("0.2"), hidden=True, threshold=5) == (
        "not published (small number)")
    assert figures.words(Unit.RATE, D("1234.5")) == "1,234.5 per 10,000"
    assert figures.words(Unit.PERCENTAGE, D("25.7"), number=D(54)) == "25.7% (54)"
    assert figures.words(Unit.COUNT, None) == "not available"


@pytest.mark.parametrize(("value", "polarity", "outside", "worse", "rag"), [
    ("24", Polarity.LOWER, True, True, "red"),
    ("19", Polarity.LOWER, True, False, "amber"),
    ("22", Polarity.LOWER, False, None, "green"),
    ("24", Polarity.NEITHER, True, None, "red"),
    ("19", Polarity.HIGHER, True, True, "red"),
])
def test_where_a_figure_stands_against_its_band(value: str, polarity: Polarity, outside: bool,
                                                worse: bool | None, rag: str) -> None:
    standing = figures.standing(D(value), D(20), D(23), polarity)
    assert (standing.outside, standing.worse, standing.rag) == (outside, worse, rag)


def test_no_band_means_no_exception() -> None:
    assert figures.standing(D(5), None, None, Polarity.LOWER) is figures.NO_BAND
    assert not figures.NO_BAND.outside


def test_worsening_needs_three_periods_each_worse_than_the_one_before() -> None:
    rising = [D(18), D(19), D(21), D(23)]
    assert figures.worsening(rising, Polarity.LOWER)
    assert not figures.worsening(rising, Polarity.HIGHER)
    assert not figures.worsening(rising, Polarity.NEITHER)
    assert not figures.worsening([D(18), D(19), D(19), D(23)], Polarity.LOWER)
    assert not figures.worsening([D(19), D(21), D(23)], Polarity.LOWER)  # too short
    assert not figures.worsening([D(18), None, D(21), D(23)], Polarity.LOWER)  # a gap


def test_periods_follow_the_reporting_year() -> None:
    q1 = period_of(dt.date(2026, 5, 20), Frequency.QUARTERLY)
    assert (q1.start, q1.end, q1.label) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30),
                                            "Q1 2026\u201327")
    q4 = period_of(dt.date(2027, 2, 1), Frequency.QUARTERLY)
    assert q4.label == "Q4 2026\u201327" and q4.shifted(1).label == "Q1 2027\u201328"
    assert period_of(dt.date(2026, 5, 20), Frequency.YEARLY).label == "2026\u201327"
    assert period_of(dt.date(2026, 5, 20), Frequency.MONTHLY).label == "May 2026"
    calendar = period_of(dt.date(2026, 5, 20), Frequency.QUARTERLY, year_start_month=1)
    assert calendar.label == "Q2 2026"
    assert [p.label for p in periods_of_year(2026, Frequency.QUARTERLY)][::3] == [
        "Q1 2026\u201327", "Q4 2026\u201327"]


@pytest.mark.parametrize(("text", "frequency", "start"), [
    ("Q1 2026-27", Frequency.QUARTERLY, dt.date(2026, 4, 1)),
    ("2026/27 Q3", Frequency.QUARTERLY, dt.date(2026, 10, 1)),
    ("q4 2025\u201326", Frequency.QUARTERLY, dt.date(2026, 1, 1)),
    ("14/02/2027", Frequency.QUARTERLY, dt.date(2027, 1, 1)),
    ("2026-04", Frequency.MONTHLY, dt.date(2026, 4, 1)),
    ("Sept 2026", Frequency.MONTHLY, dt.date(2026, 9, 1)),
    ("2026-27", Frequency.YEARLY, dt.date(2026, 4, 1)),
])
def test_periods_are_read_as_people_write_them(text: str, frequency: Frequency,
                                               start: dt.date) -> None:
    assert parse_period(text, frequency).start == start


@pytest.mark.parametrize(("text", "frequency"), [
    ("Q5 2026-27", Frequency.QUARTERLY), ("2026-28", Frequency.YEARLY),
    ("spring", Frequency.MONTHLY), ("Q1 2026-29", Frequency.QUARTERLY)])
def test_a_period_that_is_not_one_says_what_is_expected(text: str,
                                                         frequency: Frequency) -> None:
    with pytest.raises(PeriodUnreadable, match="such as"):
        parse_period(text, frequency)


def test_categories_are_read_from_codes_words_and_the_census_codes() -> None:
    assert read_category(Dimension.ETHNICITY, "WBRI") == "white"
    assert read_category(Dimension.ETHNICITY, "Asian or Asian British") == "asian"
    assert read_category(Dimension.SEX, " Girls ") == "female"
    assert read_category(Dimension.AGE_BAND, "10-15") == "10_15"
    assert read_category(Dimension.DISABILITY, "perhaps") is None


def test_period_order_and_equality() -> None:
    first = Period(dt.date(2026, 4, 1), Frequency.QUARTERLY)
    assert first < first.shifted(1) and first.shifted(4).shifted(-4) == first

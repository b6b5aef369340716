"""The shared kernel: the one rounding rule, words, month arithmetic and domain errors."""

from __future__ import annotations

import datetime as dt

from partnership.kernel.dates import add_months, long_date
from partnership.kernel.errors import DomainError, Refused
from partnership.kernel.numbers import percent, percent_words
from partnership.kernel.words import in_words, plural


def test_percent_rounds_half_up_not_to_even() -> None:
    assert percent(1, 8) == 13  # 12.5%: round() would give 12
    assert percent(5, 8) == 63  # 62.5%: round() would give 62
    assert percent(0, 0) is None
    assert percent_words(1, 8) == "13%"
    assert percent_words(0, 0, nothing="No meetings held") == "No meetings held"


def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month() -> None:
    assert add_months(dt.date(2026, 3, 5), 12) == dt.date(2027, 3, 5)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 1, 31), -2) == dt.date(2025, 11, 30)


def test_words() -> None:
    assert plural(1, "meeting") == "1 meeting"
    assert plural(1038, "meeting") == "1,038 meetings"
    assert in_words(["A", "", "B", "C"]) == "A, B and C"
    assert long_date(dt.date(2022, 7, 1)) == "1 July 2022"


def test_a_domain_error_carries_its_field() -> None:
    error = Refused("Sign-offs are missing", field="partner")
    assert isinstance(error, DomainError)
    assert (str(error), error.field) == ("Sign-offs are missing", "partner")

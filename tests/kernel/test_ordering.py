"""Records in a chosen order: closing up after a removal, moving one place up or down."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from partnership.kernel import ordering


@dataclass
class Row:
    id: int
    position: int


def test_close_up_numbers_the_rows_in_the_order_given() -> None:
    rows = [Row(7, 1), Row(3, 4), Row(9, 9)]
    ordering.close_up(rows)
    assert [(r.id, r.position) for r in rows] == [(7, 1), (3, 2), (9, 3)]


def test_a_row_moves_one_place_and_never_past_either_end() -> None:
    rows = [Row(1, 1), Row(2, 2), Row(3, 3)]
    assert ordering.move(rows, rows[2], "up")
    assert sorted((r.position, r.id) for r in rows) == [(1, 1), (2, 3), (3, 2)]
    first = next(r for r in rows if r.position == 1)
    assert not ordering.move(sorted(rows, key=lambda r: r.position), first, "up")
    assert first.position == 1
    with pytest.raises(ValueError, match="sideways"):
        ordering.move(rows, first, "sideways")

"""Records kept in an order the team chooses (a document's sections): close up and move.

The records carry a ``position`` (1, 2, 3…); the caller loads them in order and flushes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

MOVES = {"up": -1, "down": 1}


class Positioned(Protocol):
    """A record with an id and a place in its list."""

    id: int
    position: int


def close_up(rows: Sequence[Positioned]) -> None:
    """Number the rows 1, 2, 3… in the order given (only those out of place change)."""
    for index, row in enumerate(rows, start=1):
        if row.position != index:
            row.position = index


def move(rows: Sequence[Positioned], row: Positioned, direction: str) -> bool:
    """Move ``row`` one place ``up`` or ``down`` among ``rows`` (in order) and number them
    again; say whether it moved (not past either end). An unknown direction is a ValueError."""
    if direction not in MOVES:
        raise ValueError(f"no such move: {direction!r}")
    ordered = list(rows)
    index = next(i for i, other in enumerate(ordered) if other.id == row.id)
    target = index + MOVES[direction]
    if not 0 <= target < len(ordered):
        return False
    ordered[index], ordered[target] = ordered[target], ordered[index]
    close_up(ordered)
    return True

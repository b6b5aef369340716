"""The authorization matrix, part by part: each feature added since the table was one list
keeps its rows here (``tests/support/matrix/<feature>.py``) beside the records its URLs need.

A part is a module with ``EXPECTED`` (endpoint -> roles allowed), optionally
``SCRUTINEER_POSTS`` (the rules of the routes a scrutineer may POST to), ``HIDDEN`` (endpoints
that refuse with 404, as need-to-know records do) and ``placeholders(base)``, which adds the
feature's records for the matrix partnership (``base`` holds its partnership, agency, body,
person, meeting, action, progress update, user ids) and returns the URL values they give.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from types import ModuleType, SimpleNamespace
from typing import Any


def parts() -> list[ModuleType]:
    """Every part of the matrix, by module name."""
    return [importlib.import_module(f"{__name__}.{info.name}")
            for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name)]


def expected() -> dict[str, Any]:
    """Every part's rows."""
    rows: dict[str, Any] = {}
    for part in parts():
        overlap = set(rows) & set(part.EXPECTED)
        assert not overlap, f"{part.__name__} repeats {sorted(overlap)}"
        rows.update(part.EXPECTED)
    return rows


def scrutineer_posts() -> frozenset[str]:
    """The routes a scrutineer may POST to, from every part."""
    return frozenset().union(*(getattr(part, "SCRUTINEER_POSTS", frozenset())
                               for part in parts()))


def hidden() -> frozenset[str]:
    """The endpoints that refuse with 404, from every part."""
    return frozenset().union(*(getattr(part, "HIDDEN", frozenset()) for part in parts()))


def placeholders(base: SimpleNamespace) -> dict[str, str]:
    """Every part's records and URL values (a name given twice must mean the same)."""
    values: dict[str, str] = {}
    for part in parts():
        build: Callable[[SimpleNamespace], dict[str, str]] | None = getattr(
            part, "placeholders", None)
        if build is None:
            continue
        for name, value in build(base).items():
            assert values.get(name, value) == value, f"{part.__name__} redefines <{name}>"
            values[name] = value
    return values

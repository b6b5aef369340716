"""Demo-loaded template databases: the demo is loaded once per backend and day, then copied.

Loading the demo takes seconds (it renders the published documents); copying a database
takes milliseconds. A test asks for a loaded demo with the ``demo`` marker:

    @pytest.mark.demo                       # the demo as loaded today
    @pytest.mark.demo(day=dt.date(...))     # as if loaded on that day
    @pytest.mark.demo(scale=5)              # plus the benchmark's synthetic data
    @pytest.mark.demo(day=..., until="case reviews")  # only up to that stage of the load

and its ``app`` then starts on a fresh copy of that database. ``on_days`` parametrizes a
test over days, each with its own copy. The real ``flask demo load`` command keeps its own
tests, which load into an empty database.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.postgres import TempCluster


@dataclass(frozen=True)
class DemoRecipe:
    """What a template holds: the demo loaded on a day, with or without synthetic data."""

    day: dt.date
    scale: int | None = None
    until: str | None = None  # the last stage loaded (partnership.demo.loader.STAGES)

    @property
    def label(self) -> str:
        """Name the template (database and file names)."""
        stages = f"_to_{self.until.replace(' ', '_')}" if self.until else ""
        return f"demo_{self.day:%Y%m%d}" + (f"_x{self.scale}" if self.scale else "") + stages


def recipe_of(marker: pytest.Mark, today: dt.date) -> DemoRecipe:
    """Read a ``demo`` marker."""
    return DemoRecipe(day=marker.kwargs.get("day") or today, scale=marker.kwargs.get("scale"),
                      until=marker.kwargs.get("until"))


def on_days(days: Iterable[dt.date], until: str | None = None) -> list[Any]:
    """Parametrize ``day`` over days, each test on the demo as loaded that day (``until``: up
    to that stage only, when the test reads nothing loaded after it)."""
    marks = {"until": until} if until else {}
    return [pytest.param(day, marks=pytest.mark.demo(day=day, **marks), id=str(day))
            for day in days]


class DemoTemplates:
    """Build each template once per test session (and xdist worker), then hand out copies."""

    def __init__(self, folder: Path, fill: Callable[[str, DemoRecipe], None]) -> None:
        self.folder = folder
        self.fill = fill
        self.built: set[tuple[str, DemoRecipe]] = set()

    def sqlite_copy(self, empty_template: Path, recipe: DemoRecipe, target: Path) -> str:
        """Copy the SQLite template for this recipe (building it first) to ``target``."""
        template = self.folder / f"{recipe.label}.db"
        if ("sqlite", recipe) not in self.built:
            shutil.copyfile(empty_template, template)
            self.fill(f"sqlite:///{template}", recipe)
            self.built.add(("sqlite", recipe))
        shutil.copyfile(template, target)
        return f"sqlite:///{target}"

    def postgres_template(self, cluster: TempCluster, recipe: DemoRecipe) -> str:
        """Return the name of the PostgreSQL template database for this recipe."""
        name = f"template_{recipe.label}"
        if ("postgresql", recipe) not in self.built:
            url = cluster.create_database(name, template="template_partnership")
            self.fill(url, recipe)
            self.built.add(("postgresql", recipe))
        return name

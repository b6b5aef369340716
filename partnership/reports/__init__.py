"""The yearly report, generated from the records, and the scrutineer's reading room."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models, register the pages and ``flask report``."""
    from partnership.reports import models  # noqa: F401 - the models must be mapped

    del app

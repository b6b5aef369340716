"""The business plan: objectives, one-year activities, hub priorities and their phases."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models and register the pages."""
    from partnership.plans import models  # noqa: F401 - the models must be mapped

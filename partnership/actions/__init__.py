"""The action tracker: one kind of record for everything that must get done."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models and register the pages, the home panels and ``flask actions``."""
    from partnership.actions import models  # noqa: F401 - the models must be mapped

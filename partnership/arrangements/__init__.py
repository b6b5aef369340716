"""The published arrangements document, generated from the register."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the arrangements models (views and CLI are added as they are built)."""
    from partnership.arrangements import models  # noqa: F401 - the models must be mapped

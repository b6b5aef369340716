"""The partnership register: the partnership's structure as data."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the register's models (views and CLI are added as they are built)."""
    from partnership.register import models  # noqa: F401 - the models must be mapped

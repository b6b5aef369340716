"""Meetings of the partnership's bodies: agenda, attendance, decisions and minutes."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models and register the pages."""
    from partnership.meetings import models  # noqa: F401 - the models must be mapped
    from partnership.meetings.views import bp

    app.register_blueprint(bp)

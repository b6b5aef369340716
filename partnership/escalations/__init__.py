"""Escalations and professional differences between agencies."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models and register the pages."""
    from partnership.escalations import models  # noqa: F401 - the models must be mapped
    from partnership.escalations.views import bp

    app.register_blueprint(bp)

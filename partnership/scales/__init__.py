"""Grading scales a partnership sets for its audits and self-assessments."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models and register the pages."""
    from partnership.scales import models  # noqa: F401 - the models must be mapped
    from partnership.scales.views import bp

    app.register_blueprint(bp)

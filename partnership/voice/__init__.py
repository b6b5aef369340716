"""The voice of children and families: a register of engagement and what changed."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models and register the pages."""
    from partnership.voice import models  # noqa: F401 - the models must be mapped
    from partnership.voice.views import bp

    app.register_blueprint(bp)

"""The reading room: every published document in one place, for the scrutineer and others."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the reading room's pages."""
    from partnership.reading_room.views import bp

    app.register_blueprint(bp)

"""Search across actions, meetings, decisions, bodies, people, recommendations and documents."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the search page."""
    from partnership.search.views import bp

    app.register_blueprint(bp)

"""Calendar feeds: a private .ics feed per user, and an .ics file for every meeting."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the feed's model and register the pages."""
    from partnership.calendar import models  # noqa: F401 - maps the feed's table
    from partnership.calendar.views import bp

    app.register_blueprint(bp)

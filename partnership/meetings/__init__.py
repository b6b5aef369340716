"""Meetings of the partnership's bodies: agenda, attendance, decisions and minutes."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models and register the pages."""
    from partnership.meetings import models  # noqa: F401 - the models must be mapped
    from partnership.meetings.services import chaired_bodies, votes_to_confirm
    from partnership.meetings.views import bp

    app.register_blueprint(bp)
    # The partner's home page lists the minuted votes waiting for their confirmation.
    # and the chair's home page the groups they chair.
    app.jinja_env.globals.update(meetings_votes_to_confirm=votes_to_confirm,
                                 meetings_chaired_bodies=chaired_bodies)

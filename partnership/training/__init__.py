"""The multi-agency training programme: courses and sessions, attendance by agency and role,
evaluations, the follow-up of impact on practice, and uptake against expected places."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models and register the pages."""
    from partnership.training import models  # noqa: F401 - the models must be mapped
    from partnership.training.views import bp, bp_all

    app.register_blueprint(bp)
    app.register_blueprint(bp_all)

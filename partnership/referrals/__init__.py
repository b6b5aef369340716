"""Complex referrals from partner organisations under a memorandum of understanding: the hub
that takes them, routes them to police forces and partnerships, and watches their answers."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models and register the pages."""
    from partnership.referrals import models  # noqa: F401 - the models must be mapped
    from partnership.referrals.views import bp

    app.register_blueprint(bp)

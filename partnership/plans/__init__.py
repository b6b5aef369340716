"""The business plan: objectives, one-year activities, hub priorities and their phases."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models, register the pages and ``flask plans``."""
    from partnership.plans import models  # noqa: F401 - the models must be mapped
    from partnership.plans.cli import plans_cli
    from partnership.plans.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(plans_cli)

"""The published arrangements document, generated from the register."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models, register the pages and ``flask arrangements``."""
    from partnership.arrangements import (
        models,  # noqa: F401 - the models must be mapped
        services,
    )
    from partnership.arrangements.cli import arrangements_cli
    from partnership.arrangements.views import bp

    app.cli.add_command(arrangements_cli)
    app.register_blueprint(bp)
    services.guard_published_versions()
    # The home page's dashboard panels ask the services directly (see templates/arrangements/).
    app.jinja_env.globals.update(
        arrangements_review_dates=services.review_dates,
        arrangements_awaiting_sign_off=services.awaiting_sign_off,
    )

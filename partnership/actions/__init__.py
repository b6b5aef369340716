"""The action tracker: one kind of record for everything that must get done."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models, register the pages, the home page's panels and ``flask actions``."""
    from partnership.actions import (
        models,  # noqa: F401 - the models must be mapped
        services,
    )
    from partnership.actions.cli import actions_cli
    from partnership.actions.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(actions_cli)
    # The home page's dashboard panels ask the services directly (templates/actions/_attention).
    app.jinja_env.globals.update(actions_attention=services.attention_for)

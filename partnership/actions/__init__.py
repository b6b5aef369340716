"""The action tracker: one kind of record for everything that must get done."""

from __future__ import annotations

from flask import Flask, url_for


def init_app(app: Flask) -> None:
    """Map the models, register the pages, the home page's panels and ``flask actions``."""
    from partnership.accounts.saved_filters import filterable
    from partnership.actions import (
        models,
        ratings,
        services,
    )
    from partnership.actions.cli import actions_cli
    from partnership.actions.views import bp
    from partnership.evidence.owners import owner_page
    from partnership.policy import attachable

    app.register_blueprint(bp)
    # Each action's rating for today is kept in its row (lists page in SQL by it).
    ratings.install()
    app.cli.add_command(actions_cli)
    # Evidence files on progress updates, attached by whoever may record progress.
    attachable("progress_update", models.ProgressUpdate, "update")
    owner_page("progress_update", lambda update: url_for(
        "actions.detail", action_id=update.action_id, _anchor=f"update-{update.id}"))
    # The home page's dashboard panels ask the services directly (templates/actions/_attention).
    app.jinja_env.globals.update(actions_attention=services.attention_for)
    # Users save their own filters of the action list and of My actions.
    filterable("actions.index", "Actions")
    filterable("actions.mine", "My actions")

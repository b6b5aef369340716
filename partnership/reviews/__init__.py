"""Case reviews and learning: serious incidents, Rapid Reviews, local and national reviews,
learning from elsewhere, their recommendations and action plans."""

from __future__ import annotations

import importlib
import pkgutil

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models, add ``flask reviews`` and register every area's blueprint found in
    reviews/views/."""
    from partnership.publishing.workflow import add_waiting_provider
    from partnership.reviews import models, views  # noqa: F401 - the models must be mapped
    from partnership.reviews.cli import reviews_cli
    from partnership.reviews.services import urgency
    from partnership.reviews.services.rapid import decisions_waiting

    app.cli.add_command(reviews_cli)
    add_waiting_provider(decisions_waiting)
    # Each open case's urgency is kept in its row (the board pages in SQL by it).
    urgency.install()
    for module_info in sorted(pkgutil.iter_modules(views.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{views.__name__}.{module_info.name}")
        app.register_blueprint(module.bp)

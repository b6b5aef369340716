"""The published arrangements document, generated from the register."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models, register the pages and ``flask arrangements``."""
    from partnership.arrangements import services
    from partnership.arrangements.adapter import ArrangementsDocument
    from partnership.arrangements.cli import arrangements_cli
    from partnership.arrangements.models import ArrangementsVersion
    from partnership.arrangements.narrative import STORE as narrative
    from partnership.arrangements.views import bp
    from partnership.publishing import documents, guards
    from partnership.register.exchange import use_narrative

    app.cli.add_command(arrangements_cli)
    app.register_blueprint(bp)
    use_narrative(narrative)  # the register's files carry the narrative sections
    documents.register(ArrangementsDocument())
    guards.guard("arrangements", ArrangementsVersion)
    # The home page's dashboard panel asks the services directly (see templates/arrangements/).
    app.jinja_env.globals.update(arrangements_review_dates=services.review_dates)

"""The threshold document: the levels of need and how to get help, signed off by the three
safeguarding partners (Working Together 2023) through the one publishing workflow."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models, register the pages and join the publishing workflow."""
    from partnership.publishing import documents, guards
    from partnership.thresholds.adapter import ThresholdDocument
    from partnership.thresholds.models import ThresholdVersion
    from partnership.thresholds.views import bp

    app.register_blueprint(bp)
    documents.register(ThresholdDocument())
    guards.guard("thresholds", ThresholdVersion)

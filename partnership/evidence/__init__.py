"""Evidence files: one attachment mechanism for every record that carries evidence."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models and register the pages."""
    from partnership.evidence import models  # noqa: F401 - the models must be mapped
    from partnership.evidence.views import bp

    app.register_blueprint(bp)

"""The multi-agency dataset: indicators, their figures per period, rates per 10,000 children,
small-number suppression, benchmarks, exceptions that become actions, and dashboards."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models and register the pages and the command line."""
    from partnership.dataset import models  # noqa: F401 - the models must be mapped
    from partnership.dataset.cli import dataset_cli
    from partnership.dataset.views import bp, bp_all

    app.register_blueprint(bp)
    app.register_blueprint(bp_all)
    app.cli.add_command(dataset_cli)

"""The indicator library, the indicator page, the dashboards, exceptions turned into actions,
the export and the settings."""

from __future__ import annotations

from flask import render_template

from partnership.access import requires
from partnership.dataset.views import bp_all


@bp_all.route("")
@requires("view", "dataset")
def index() -> str:
    """Each partnership's dataset the reader serves."""
    return render_template("dataset/all.html")

"""The pages of escalations."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("escalations", __name__, url_prefix="/partnerships/<slug>/escalations")

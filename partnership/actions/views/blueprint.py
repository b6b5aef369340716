"""The action tracker's blueprint, which both route modules add to."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("actions", __name__, url_prefix="/actions")

"""The pages of scales."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("scales", __name__, url_prefix="/partnerships/<slug>/scales")

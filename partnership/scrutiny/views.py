"""The pages of scrutiny."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("scrutiny", __name__, url_prefix="/partnerships/<slug>/scrutiny")

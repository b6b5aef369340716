"""The pages of self assessment."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("self_assessment", __name__, url_prefix="/partnerships/<slug>/self-assessment")

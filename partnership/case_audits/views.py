"""The pages of case audits."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("case_audits", __name__, url_prefix="/partnerships/<slug>/case-audits")

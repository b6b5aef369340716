"""The action tracker's pages: one blueprint, its routes split by job.

``tracker`` holds the lists, My actions, an action's page and its forms; ``spreadsheets``
the CSV/XLSX export and the import.
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("actions", __name__, url_prefix="/actions")

from partnership.actions.views import spreadsheets, tracker  # noqa: E402, F401 - routes

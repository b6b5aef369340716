"""The action tracker's pages: one blueprint, its routes split by job.

``tracker`` holds the lists, My actions, an action's page and its forms; ``spreadsheets``
the CSV/XLSX export and the import. Importing this package adds both to ``bp``.
"""

from __future__ import annotations

from partnership.actions.views import spreadsheets, tracker
from partnership.actions.views.blueprint import bp

__all__ = ["bp", "spreadsheets", "tracker"]

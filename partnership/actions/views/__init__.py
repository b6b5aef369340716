"""The action tracker's pages: one blueprint, its routes split by job.

``tracker`` holds the lists, My actions, an action's page and its forms; ``spreadsheets``
the CSV/XLSX export and the import; ``collaboration`` comments, requests for a new target
date and changes in bulk. Importing this package adds them all to ``bp``.
"""

from __future__ import annotations

from partnership.actions.views import collaboration, spreadsheets, tracker
from partnership.actions.views.blueprint import bp

__all__ = ["bp", "collaboration", "spreadsheets", "tracker"]

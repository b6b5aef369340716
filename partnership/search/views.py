"""The search page, reached from the box in every page's header."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from partnership.access import requires
from partnership.search.services import MAX_QUERY, search, words_of

bp = Blueprint("search", __name__)


@bp.route("/search")
@requires("view", "home")
def results() -> str:
    """List what matches the words searched for, grouped by kind, of what the reader may see."""
    query = request.args.get("q", "")[:MAX_QUERY].strip()
    groups = search(current_user, query) if query else []
    return render_template("search/results.html", query=query, groups=groups,
                           too_short=bool(query) and not words_of(query))

"""The reading room's pages (being written)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reading_room", __name__, url_prefix="/reading-room")

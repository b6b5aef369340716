"""Where a generated document finds its stylesheets: in the PDF, through the renderer's
restricted fetcher; on screen (the in-app preview), as ordinary static files."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, has_request_context, url_for

from partnership.documents import pdf


def stylesheet_urls(paths: Iterable[str], *, for_pdf: bool) -> list[str]:
    """Return the URLs of these static stylesheets (``css/document.css``...), in order."""
    if for_pdf:
        return [pdf.static_url(path) for path in paths]
    if has_request_context():
        return [url_for("static", filename=path) for path in paths]
    return [f"{current_app.static_url_path}/{path}" for path in paths]

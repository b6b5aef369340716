"""The one way a page answers with a generated PDF: the stored render, or "being prepared".

No request waits on a render. The first request for a document queues it for the worker and
answers 202 with a page that reloads itself every few seconds (a ``<meta http-equiv=refresh>``:
our CSP allows no inline script); once the worker has stored the PDF the same address answers
with it. A failed render says why and offers to try again (``?retry=1``, which only queues a
failed render again: the address is safe to reload).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import render_template, request, send_file
from werkzeug.wrappers import Response

from partnership.documents import renders
from partnership.extensions import db

REFRESH_SECONDS = 3


def pdf_response(render_request: Mapping[str, Any], filename: str, *, download: bool,
                 back_url: str, back_text: str) -> Response:
    """Answer with the document's PDF if it is rendered, else the "being prepared" page.

    ``render_request`` is what :func:`partnership.documents.pdf.render_pdf` takes (html,
    title, author, resources). A 200 means the PDF was sent (audit it); 202 preparing; 500
    failed.
    """
    state = renders.request_render(**render_request)
    if state.failed and request.args.get("retry") == "1":
        state = renders.retry_render(state.digest) or state
    # Commit here: the worker must see the queued render before the page asks again.
    db.session.commit()
    if state.ready and state.pdf is not None:
        return send_file(io.BytesIO(state.pdf), mimetype="application/pdf",
                         as_attachment=download, download_name=filename, max_age=0,
                         etag=state.digest)
    here = _address_without_retry()
    context = {"title": _title(state), "state": state, "filename": filename,
               "back_url": back_url, "back_text": back_text, "refresh_url": here,
               "refresh_seconds": REFRESH_SECONDS,
               "retry_url": _with_query(here, retry="1")}
    if state.failed:
        return Response(render_template("documents/preparing.html", **context), status=500)
    response = Response(render_template("documents/preparing.html", **context), status=202)
    response.headers["Retry-After"] = str(REFRESH_SECONDS)
    return response


def _title(state: renders.RenderState) -> str:
    return "The PDF could not be made" if state.failed else "This PDF is being prepared"


def _address_without_retry() -> str:
    kept = [(name, value) for name, value in request.args.items(multi=True) if name != "retry"]
    return request.path + (f"?{urlencode(kept)}" if kept else "")


def _with_query(address: str, **extra: str) -> str:
    return address + ("&" if "?" in address else "?") + urlencode(extra)

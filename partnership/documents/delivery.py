"""The one way a page answers with a generated PDF: the stored render, or "being prepared".

No request waits on a render. The first request for a document queues it for the worker and
answers 202 with a page that reloads itself every few seconds (a ``<meta http-equiv=refresh>``:
our CSP allows no inline script); once the worker has stored the PDF the same address answers
with it. A failed render says why and offers to try again (``?retry=1``, which only queues a
failed render again: the address is safe to reload). A document built by the worker too is
followed by its build's job (``?job=<id>``).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import render_template, request, send_file
from werkzeug.wrappers import Response

from partnership.documents import renders
from partnership.documents.models import RenderStatus
from partnership.extensions import db

REFRESH_SECONDS = 3
# Ids are PostgreSQL integers (as in partnership.web, which this layer may not import).
DATABASE_ID_MAX = 2_147_483_647


def pdf_response(render_request: Mapping[str, Any] | renders.DocumentBuild, filename: str, *,
                 download: bool, back_url: str, back_text: str) -> Response:
    """Answer with the document's PDF if it is rendered, else the "being prepared" page.

    ``render_request`` is what :func:`partnership.documents.pdf.render_pdf` takes (html,
    title, author, resources), or, for a document that costs too much to build in a request,
    a :class:`~partnership.documents.renders.DocumentBuild` the worker builds. A 200 means
    the PDF was sent (audit it); 202 preparing; 500 failed.
    """
    retry = request.args.get("retry") == "1"
    here = _address_without("retry")
    if isinstance(render_request, renders.DocumentBuild):
        state, here = _built(render_request, retry)
    else:
        state = renders.request_render(**render_request)
        if state.failed and retry:
            state = renders.retry_render(state.digest) or state
    # Commit here: the worker must see the queued work before the page asks again.
    db.session.commit()
    if state.ready and state.pdf is not None:
        return send_file(io.BytesIO(state.pdf), mimetype="application/pdf",
                         as_attachment=download, download_name=filename, max_age=0,
                         etag=state.digest)
    context = {"title": _title(state), "state": state, "filename": filename,
               "back_url": back_url, "back_text": back_text, "refresh_url": here,
               "refresh_seconds": REFRESH_SECONDS,
               "retry_url": _with_query(here, retry="1")}
    if state.failed:
        return Response(render_template("documents/preparing.html", **context), status=500,
                        mimetype="text/html")
    response = Response(render_template("documents/preparing.html", **context), status=202,
                        mimetype="text/html")
    response.headers["Retry-After"] = str(REFRESH_SECONDS)
    return response


def _built(build: renders.DocumentBuild, retry: bool) -> tuple[renders.RenderState, str]:
    """Follow this page's build (``?job=<id>``), or start one; the state and the page's address."""
    try:
        job_id = int(request.args.get("job", ""))
    except ValueError:
        job_id = 0
    state = renders.build_state(job_id, build) if 0 < job_id <= DATABASE_ID_MAX else None
    if state is not None and not (state.failed and retry):
        return state, _address_without("retry")
    job_id = renders.request_build(build, request.host_url, again=retry)
    # A build of this document just made (the same few seconds) may be ready already.
    state = renders.build_state(job_id, build) or renders.RenderState("", RenderStatus.PREPARING)
    return state, _with_query(_address_without("retry", "job"), job=str(job_id))


def _title(state: renders.RenderState) -> str:
    return "The PDF could not be made" if state.failed else "This PDF is being prepared"


def _address_without(*names: str) -> str:
    kept = [(name, value) for name, value in request.args.items(multi=True) if name not in names]
    return request.path + (f"?{urlencode(kept)}" if kept else "")


def _with_query(address: str, **extra: str) -> str:
    return address + ("&" if "?" in address else "?") + urlencode(extra)

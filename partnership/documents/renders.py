"""Documents off the request path: renders kept by content digest, made by the worker.

A page that offers a PDF builds the document's render request (HTML, title, author,
resources: what :func:`partnership.documents.pdf.render_pdf` takes) and calls
:func:`request_render`. The request is stored under its digest (the one ``pdf.py`` computes:
everything the renderer reads) and a ``render-document`` job keyed by that digest is queued,
once; the worker renders it and stores the PDF. Until then the state is *preparing*. The same
content is never rendered twice while its row is kept: any number of requests, web servers or
workers share one row and one job.

Rows are bounded: unpinned renders not asked for in ``RENDER_KEEP_DAYS`` days, and the least
recently wanted ones beyond ``RENDER_BUDGET_BYTES``, are dropped with their jobs after each
render. Published documents are kept with their versions, not here.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import defer

from partnership import clock
from partnership.documents import pdf
from partnership.documents.models import DocumentRender, RenderStatus
from partnership.extensions import db
from partnership.jobs import services as jobs
from partnership.jobs.models import JobStatus

log = logging.getLogger(__name__)

RENDER_JOB = "render-document"
# last_wanted_at is written at most this often per render: a page read is not a write each time.
WANTED_RESOLUTION = dt.timedelta(hours=1)
GAVE_UP = ("The PDF could not be made: the background worker tried {attempts} times and "
           "gave up.")


@dataclass(frozen=True)
class RenderRequest:
    """What the renderer reads: the arguments of :func:`pdf.render_pdf`."""

    html: str
    title: str
    author: str = ""
    resources: Mapping[str, bytes] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        """The content digest ``pdf.py`` caches renders by."""
        return pdf._digest(self.html, self.title, self.author, self.resources)

    def encoded(self) -> bytes:
        """Compressed JSON of the request, as stored."""
        return zlib.compress(json.dumps({
            "html": self.html, "title": self.title, "author": self.author,
            "resources": {name: base64.b64encode(body).decode("ascii")
                          for name, body in self.resources.items()},
        }).encode("utf-8"))

    @classmethod
    def decoded(cls, data: bytes) -> RenderRequest:
        """Read a stored request back."""
        raw = json.loads(zlib.decompress(data))
        return cls(raw["html"], raw["title"], raw["author"],
                   {name: base64.b64decode(body) for name, body in raw["resources"].items()})

    def render(self) -> pdf.RenderedPdf:
        """Render it now, in a child process with the renderer's limits."""
        return pdf.render_pdf(self.html, title=self.title, author=self.author,
                              resources=dict(self.resources))


@dataclass(frozen=True)
class RenderState:
    """Where one render is: preparing, ready (with its PDF) or failed (with the reason)."""

    digest: str
    status: RenderStatus
    pdf: bytes | None = None
    pages: int | None = None
    error: str | None = None
    render_seconds: float | None = None

    @property
    def ready(self) -> bool:
        """The PDF is there."""
        return self.status is RenderStatus.READY

    @property
    def failed(self) -> bool:
        """The render failed; ``error`` says why."""
        return self.status is RenderStatus.FAILED


def job_key(digest: str) -> str:
    """The idempotency key of the job that renders ``digest``."""
    return f"{RENDER_JOB}:{digest}"


def _row(digest: str) -> DocumentRender | None:
    # The stored request is only read by the worker.
    return db.session.scalar(sa.select(DocumentRender).where(DocumentRender.digest == digest)
                             .options(defer(DocumentRender.request)))


def _state(row: DocumentRender) -> RenderState:
    return RenderState(row.digest, row.status, row.pdf, row.pages, row.error, row.render_seconds)


def request_render(html: str, title: str, author: str = "",
                   resources: Mapping[str, bytes] | None = None, *,
                   pin: bool = False) -> RenderState:
    """Return the render of this document, asking the worker for it if it is new.

    Flushed, not committed: the caller commits, and the worker sees the job then.
    """
    wanted = RenderRequest(html, title, author, dict(resources or {}))
    digest = wanted.digest
    now = clock.now()
    row = _row(digest)
    if row is None:
        # Two requests for a new document at once: one row, whoever inserts first.
        jobs.insert_unless_present(DocumentRender, {
            "digest": digest, "title": title[:500], "request": wanted.encoded(),
            "status": RenderStatus.PREPARING, "size": 0, "pinned": pin,
            "requested_at": now, "last_wanted_at": now}, "digest")
        row = _row(digest)
        if row is None:
            raise RuntimeError(f"the render {digest[:12]} could not be stored")
    else:
        if now - row.last_wanted_at > WANTED_RESOLUTION:
            row.last_wanted_at = now
        if pin and not row.pinned:
            row.pinned = True
    if row.status is not RenderStatus.PREPARING:
        return _state(row)
    # Idempotent: the job already queued (or run) for this digest, or a new one if it was lost.
    job = jobs.enqueue(RENDER_JOB, {"digest": digest}, key=job_key(digest))
    if job.status is JobStatus.FAILED:
        return RenderState(digest, RenderStatus.FAILED,
                           error=GAVE_UP.format(attempts=job.attempts))
    return _state(row)


def retry_render(digest: str) -> RenderState | None:
    """Ask the worker to render a failed document again (flushed, not committed)."""
    row = _row(digest)
    if row is None:
        return None
    if row.status is RenderStatus.FAILED:
        row.status = RenderStatus.PREPARING
        row.error = None
    job = jobs.job_with_key(job_key(digest))
    if job is None:
        jobs.enqueue(RENDER_JOB, {"digest": digest}, key=job_key(digest))
    elif row.status is RenderStatus.PREPARING:
        jobs.requeue(job)
    db.session.flush()
    return _state(row)


def render_now(html: str, title: str, author: str = "",
               resources: Mapping[str, bytes] | None = None, *,
               pin: bool = False) -> pdf.RenderedPdf:
    """Return the PDF now, rendering it in this process if the worker has not (CLI, demo).

    The render is stored like the worker's (the queued job then finds it done). Flushed,
    not committed. Raises :class:`pdf.RenderError` if it cannot be rendered.
    """
    state = request_render(html, title, author, resources, pin=pin)
    if state.ready and state.pdf is not None:
        return pdf.RenderedPdf(state.pdf, state.pages or 0)
    started = time.perf_counter()
    rendered = RenderRequest(html, title, author, dict(resources or {})).render()
    row = _row(state.digest)
    if row is not None:
        _store(row, rendered, time.perf_counter() - started)
    return rendered


def _store(row: DocumentRender, rendered: pdf.RenderedPdf, seconds: float) -> None:
    row.pdf = rendered.data
    row.pages = rendered.pages
    row.size = len(rendered.data)
    row.status = RenderStatus.READY
    row.error = None
    row.rendered_at = clock.now()
    row.render_seconds = round(seconds, 3)
    db.session.flush()


def render_document(payload: dict[str, Any]) -> None:
    """The ``render-document`` job: render the stored request and keep the PDF."""
    digest = str(payload["digest"])
    stored = db.session.scalar(sa.select(DocumentRender.request).where(
        DocumentRender.digest == digest, DocumentRender.status != RenderStatus.READY))
    if stored is None:
        return  # rendered already (render_now), or dropped before its turn
    wanted = RenderRequest.decoded(stored)
    # End the read transaction: no database transaction stays open through a long render.
    db.session.commit()
    started = time.perf_counter()
    try:
        rendered = wanted.render()
    except pdf.RenderError as error:
        # The same content fails the same way: keep the reason instead of retrying.
        row = db.session.get(DocumentRender, digest)
        if row is not None and row.status is RenderStatus.PREPARING:
            row.status = RenderStatus.FAILED
            row.error = str(error)[:2000]
            row.rendered_at = clock.now()
        log.warning("render %s (%s) failed: %s", digest[:12], wanted.title, error)
        return
    seconds = time.perf_counter() - started
    row = db.session.get(DocumentRender, digest)
    if row is None:
        return
    _store(row, rendered, seconds)
    log.info("rendered %s (%s): %d pages in %.2f s", digest[:12], wanted.title,
             rendered.pages, seconds)
    prune()


def prune(now: dt.datetime | None = None) -> int:
    """Drop renders not wanted lately or beyond the byte budget (never pinned or preparing).

    Their jobs go with them, so a document asked for again is rendered again. Flushed, not
    committed. Returns the number dropped.
    """
    now = now or clock.now()
    keep_days = current_app.config["RENDER_KEEP_DAYS"]
    budget = current_app.config["RENDER_BUDGET_BYTES"]
    droppable = sa.and_(DocumentRender.pinned.is_(False),
                        DocumentRender.status != RenderStatus.PREPARING)
    stale = set(db.session.scalars(sa.select(DocumentRender.digest).where(
        droppable, DocumentRender.last_wanted_at < now - dt.timedelta(days=keep_days))))
    kept_bytes = 0
    for digest, size in db.session.execute(
            sa.select(DocumentRender.digest, DocumentRender.size).where(droppable)
            .order_by(DocumentRender.last_wanted_at.desc(), DocumentRender.digest)):
        if digest in stale:
            continue
        kept_bytes += size
        if kept_bytes > budget:
            stale.add(digest)
    if not stale:
        return 0
    digests = sorted(stale)
    db.session.execute(sa.delete(DocumentRender).where(DocumentRender.digest.in_(digests))
                       .execution_options(synchronize_session=False))
    jobs.forget_keys([job_key(d) for d in digests])
    log.info("dropped %d kept render(s)", len(digests))
    return len(digests)


def init_app(app: Flask) -> None:
    """Register the render table and the ``render-document`` job handler."""
    jobs.handler(RENDER_JOB)(render_document)

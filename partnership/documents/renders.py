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
import hashlib
import importlib
import json
import logging
import time
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import defer

from partnership import clock
from partnership.documents import pdf, pool
from partnership.documents.models import DocumentRender, RenderStatus
from partnership.extensions import db
from partnership.jobs import services as jobs
from partnership.jobs.models import Job, JobStatus
from partnership.jobs.worker import when_starting

log = logging.getLogger(__name__)

RENDER_JOB = "render-document"
BUILD_JOB = "build-document"
# Requests for one document within this long share one build.
BUILD_SHARED = dt.timedelta(seconds=10)
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
    row = _stored(RenderRequest(html, title, author, dict(resources or {})), pin=pin)
    digest = row.digest
    if row.status is not RenderStatus.PREPARING:
        return _state(row)
    # Idempotent: the job already queued (or run) for this digest, or a new one if it was lost.
    job = jobs.enqueue(RENDER_JOB, {"digest": digest}, key=job_key(digest))
    if job.status is JobStatus.FAILED:
        return RenderState(digest, RenderStatus.FAILED,
                           error=GAVE_UP.format(attempts=job.attempts))
    return _state(row)


def _stored(wanted: RenderRequest, *, pin: bool = False) -> DocumentRender:
    """Return the row of this request, storing it (preparing) if it is new."""
    digest = wanted.digest
    title = wanted.title
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
    return row


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


# --- documents the worker builds as well as renders ---------------------------------------
#
# Some documents cost more to build than a page may take (the yearly report is assembled
# from every record of its period; the arrangements draw their structure chart). Their pages
# queue a build instead: the worker calls the document's builder (a function marked with
# @document_builder, taking JSON arguments, returning the render request), stores the
# request under its digest as above and renders it if it is new. The page follows its build
# (``?job=<id>``): the PDF of the document as it read when it was asked for.


def document_builder(function: Callable[..., Mapping[str, Any]]
                     ) -> Callable[..., Mapping[str, Any]]:
    """Mark a function the worker may call to build a document's render request."""
    function.__document_builder__ = True  # type: ignore[attr-defined]
    return function


@dataclass(frozen=True)
class DocumentBuild:
    """A document to build in the worker: its builder and the builder's JSON arguments."""

    builder: Callable[..., Mapping[str, Any]]
    args: dict[str, Any]

    @property
    def reference(self) -> str:
        """Where the worker finds the builder: ``module:qualified name``."""
        return f"{self.builder.__module__}:{self.builder.__qualname__}"

    def key(self, now: dt.datetime) -> str:
        """One build per document within BUILD_SHARED seconds (a double click builds once)."""
        bucket = int(now.timestamp() // BUILD_SHARED.total_seconds())
        wanted = json.dumps([self.reference, self.args, bucket], sort_keys=True)
        return f"{BUILD_JOB}:{hashlib.sha256(wanted.encode()).hexdigest()}"


def _builder(reference: str) -> Callable[..., Mapping[str, Any]]:
    module, _, name = reference.partition(":")
    found: Any = importlib.import_module(module)
    for part in name.split("."):
        found = getattr(found, part)
    if not getattr(found, "__document_builder__", False):
        raise LookupError(f"{reference} is not a document builder")
    return found  # type: ignore[no-any-return]


def request_build(build: DocumentBuild, base_url: str, *, again: bool = False) -> int:
    """Queue a build of the document as it reads now (flushed, not committed); its job id.

    ``again`` (try again after a failure) never shares the build just made.
    """
    job = jobs.enqueue(BUILD_JOB, {"builder": build.reference, "args": build.args,
                                   "base_url": base_url},
                       key=None if again else build.key(clock.now()))
    return job.id


def build_state(job_id: int, build: DocumentBuild) -> RenderState | None:
    """Where the build ``job_id`` of this document is; None if there is no such build."""
    job = db.session.get(Job, job_id)
    if job is None or job.kind != BUILD_JOB or (job.payload or {}).get("builder") != \
            build.reference or job.payload.get("args") != build.args:
        return None  # not a build of this document (or forgotten): build it afresh
    if job.status is JobStatus.FAILED:
        return RenderState("", RenderStatus.FAILED, error=GAVE_UP.format(attempts=job.attempts))
    digest = job.payload.get("digest")
    if job.status is not JobStatus.DONE or not digest:
        return RenderState("", RenderStatus.PREPARING)
    row = _row(digest)
    return None if row is None else _state(row)


def build_document(payload: dict[str, Any]) -> None:
    """The ``build-document`` job: build the request, keep it by digest, render it if new."""
    builder = _builder(str(payload["builder"]))
    # The links a document prints resolve as they would have in the page's own request.
    with current_app.test_request_context(base_url=payload.get("base_url") or None):
        wanted = builder(**payload["args"])
    row = _stored(RenderRequest(wanted["html"], wanted["title"], wanted.get("author", ""),
                                dict(wanted.get("resources") or {})))
    digest = row.digest
    job_id = jobs.running_job_id()
    if job_id is not None:  # the page follows this job to the render
        db.session.execute(sa.update(Job).where(Job.id == job_id)
                           .values(payload={**payload, "digest": digest}))
    if row.status is RenderStatus.FAILED:
        # A build is asked for afresh (a new visit, or "try again"): try the render again.
        row.status, row.error = RenderStatus.PREPARING, None
    if row.status is RenderStatus.PREPARING:
        render_document({"digest": digest})


def init_app(app: Flask) -> None:
    """Register the render table and the ``render-document`` and ``build-document`` jobs,
    and size the pool of warm render processes (started on the first render, not here)."""
    pool.configure(app.config["RENDER_POOL_SIZE"], app.config["RENDER_POOL_RECYCLE_AFTER"])
    # The job worker starts them as it starts: even its first document finds one warm.
    when_starting(pool.warm)
    jobs.handler(RENDER_JOB)(render_document)
    jobs.handler(BUILD_JOB)(build_document)

"""The document pages the benchmark times, and the renders the worker does for them.

No request renders: a generated document's page answers "being prepared" (202) at once and
queues the render (or, for the documents costly to build, the build: then the page reloads
``?job=<id>``, and the timings after the first are of that address); the worker renders it
(timed here as it happens, then ``--document-repeat`` times more from the stored request for
the spread); the page then answers with the PDF. Renders go to the pool of warm render
processes (partnership/documents/pool.py): the worker's first render may pay for starting
one, the repeats are warm; their median and p95 are held against the targets in
``RENDER_TARGETS_S``, and the memory of each render process is reported.
Published PDFs come from storage. Each page is timed on the server, as the other pages are
(the response is complete when the test client returns, so this bounds time to first byte).

A feature that offers a document adds its page to ``DOCUMENT_PAGES``; one with a document
but no page adds it to ``WORKER_DOCUMENTS``.
"""

from __future__ import annotations

import html
import math
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from partnership import clock
from partnership.arrangements.models import ArrangementsVersion
from partnership.bench import pages
from partnership.documents import pdf, pool, renders
from partnership.documents.models import DocumentRender
from partnership.extensions import db
from partnership.jobs import services as jobs
from partnership.jobs.models import Job, JobStatus
from partnership.plans import services as plan_services
from partnership.plans.document import plan_pdf_request
from partnership.plans.models import Plan
from partnership.policy import Role
from partnership.register.models import Partnership
from partnership.reports.assemble import assemble
from partnership.reports.cli import draft_of, period_of
from partnership.reports.document import report_pdf_request
from partnership.reports.models import YearlyReport
from partnership.web import offline_request_context

DEMO_SLUG = "wscp"
SYNTHETIC_SLUG = "synthetic-1"  # ~900 actions and ~5,000 updates over four years
# What a document page must answer within, at --scale 5 (the figure).
TARGET_MS = 200.0
WARM_UP = 3
# Warm renders timed per generated document, at least (after the worker's own render).
WARM_RENDERS = 5
# What a warm render must take at most, median and p95, at --scale 5 (the figures).
RENDER_TARGETS_S = {
    "business plan PDF (synthetic-1)": 1.1,
    "yearly report draft PDF": 1.5,
    "yearly report PDF (synthetic-1)": 1.5,
}
_REFRESH = re.compile(r'<meta http-equiv="refresh" content="\d+; url=([^"]+)"')


def _county() -> Partnership:
    county = db.session.scalar(sa.select(Partnership).where(Partnership.slug == DEMO_SLUG))
    if county is None:
        raise LookupError(f"no partnership {DEMO_SLUG!r}: was the demo loaded?")
    return county


def arrangements_draft() -> str:
    """The demo county's arrangements as a draft of today."""
    return f"/partnerships/{DEMO_SLUG}/arrangements/draft.pdf"


def county_plan() -> str:
    """The demo county's business plan for this reporting year."""
    plan_id = db.session.scalar(sa.select(Plan.id).where(Plan.partnership_id == _county().id)
                                .order_by(Plan.id).limit(1))
    if plan_id is None:
        raise LookupError(f"no plan for {DEMO_SLUG!r}: was the demo loaded?")
    return f"/plans/{plan_id}/plan.pdf"


def county_action_plan() -> str:
    """The action plan of the demo county's published local review."""
    return f"{pages.county_action_plan()}.pdf"


def county_draft_report() -> str:
    """The demo county's draft yearly report (assembled from the records on each request)."""
    return f"{pages.county_draft_report()}.pdf"


def _published(model: Any, where: Any) -> int:
    found = db.session.scalar(sa.select(model.id).where(where, model.pdf.is_not(None))
                              .order_by(model.id.desc()).limit(1))
    if found is None:
        raise LookupError(f"no published {model.__name__} with its PDF: was the demo loaded?")
    return int(found)


def published_arrangements() -> str:
    """The demo county's latest published arrangements, as stored."""
    version = _published(ArrangementsVersion, ArrangementsVersion.partnership_id == _county().id)
    return f"/partnerships/{DEMO_SLUG}/arrangements/versions/{version}.pdf"


def published_report() -> str:
    """The demo county's published yearly report, as stored."""
    report = _published(YearlyReport, YearlyReport.partnership_id == _county().id)
    return f"/partnerships/{DEMO_SLUG}/reports/{report}.pdf"


def synthetic_report_request() -> dict[str, Any]:
    """The render request of the first synthetic partnership's draft yearly report on its
    last complete year, narrative included (only the worker's render is timed)."""
    partnership = db.session.scalar(sa.select(Partnership)
                                    .where(Partnership.slug == SYNTHETIC_SLUG))
    if partnership is None:
        raise LookupError(f"no partnership {SYNTHETIC_SLUG!r}: was the data loaded?")
    today = clock.today()
    start, end = period_of(partnership, None, today)
    with offline_request_context():
        return report_pdf_request(draft_of(partnership, start, end, today))


def synthetic_plan_request() -> dict[str, Any]:
    """The render request of the first synthetic partnership's business plan for this
    reporting year: about 540 actions, the 500-row plan PDF of the target."""
    plan = db.session.scalar(sa.select(Plan).join(Partnership, Plan.partnership_id ==
                                                  Partnership.id)
                             .where(Partnership.slug == SYNTHETIC_SLUG).order_by(Plan.id)
                             .limit(1))
    if plan is None:
        raise LookupError(f"no plan for {SYNTHETIC_SLUG!r}: was the data loaded?")
    today = clock.today()
    with offline_request_context():
        return plan_pdf_request(plan, plan_services.chosen_year(plan, None, today), today)


@dataclass(frozen=True)
class DocumentPage:
    """A page that answers with a PDF: generated (rendered by the worker) or stored."""

    name: str
    role: Role
    url: Callable[[], str]
    generated: bool = True


DOCUMENT_PAGES = [
    DocumentPage("arrangements draft PDF", Role.TEAM, arrangements_draft),
    DocumentPage("yearly report draft PDF", Role.TEAM, county_draft_report),
    DocumentPage("business plan PDF", Role.TEAM, county_plan),
    DocumentPage("action plan PDF", Role.SCRUTINEER, county_action_plan),
    DocumentPage("published arrangements PDF", Role.SCRUTINEER, published_arrangements,
                 generated=False),
    DocumentPage("published yearly report PDF", Role.SCRUTINEER, published_report,
                 generated=False),
]
WORKER_DOCUMENTS: list[tuple[str, Callable[[], dict[str, Any]]]] = [
    ("business plan PDF (synthetic-1)", synthetic_plan_request),
    ("yearly report PDF (synthetic-1)", synthetic_report_request),
]


@dataclass
class Timing:
    """Server times of some requests to one address."""

    times_ms: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    @property
    def median(self) -> float:
        """The median, in ms."""
        return round(statistics.median(self.times_ms), 1) if self.times_ms else math.nan

    @property
    def p95(self) -> float:
        """The nearest-rank 95th percentile, in ms."""
        if not self.times_ms:
            return math.nan
        ordered = sorted(self.times_ms)
        return round(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)], 1)


@dataclass
class DocumentResult:
    """A document page's answers, and the worker's render of its document."""

    document: str
    role: str
    url: str
    first_ms: float | None = None  # the first request: stores the document, queues the render
    preparing: Timing = field(default_factory=Timing)  # the page asked again while rendering
    ready: Timing = field(default_factory=Timing)  # the PDF (from the worker, or stored)
    render_s: list[float] = field(default_factory=list)  # the worker's render, then repeats
    cpu_s: list[float] = field(default_factory=list)  # the render process's CPU, repeats
    process_mib: float | None = None  # the largest render process's resident memory after
    job_s: float | None = None  # the worker's whole job (read, render, store)
    pages: int | None = None
    size_kb: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def slowest_ms(self) -> float:
        """The slowest median the page answered with (what the target applies to)."""
        medians = [t.median for t in (self.preparing, self.ready) if t.times_ms]
        return max([*medians, *([self.first_ms] if self.first_ms is not None else [])])

    @property
    def warm_median(self) -> float:
        """The median of the warm renders (after the worker's), in seconds."""
        warm = self.render_s[1:]
        return round(statistics.median(warm), 2) if warm else math.nan

    @property
    def warm_p95(self) -> float:
        """The nearest-rank 95th percentile of the warm renders, in seconds."""
        warm = sorted(self.render_s[1:])
        return warm[max(0, math.ceil(0.95 * len(warm)) - 1)] if warm else math.nan

    @property
    def cpu_median(self) -> float:
        """The median CPU time the render process spent on a warm render, in seconds."""
        return round(statistics.median(self.cpu_s), 2) if self.cpu_s else math.nan

    @property
    def verdict(self) -> str:
        """'met' or 'NOT MET' against the document's render target; '-' without one."""
        target = RENDER_TARGETS_S.get(self.document)
        if target is None or not self.render_s[1:]:
            return "-"
        return "met" if self.warm_median <= target and self.warm_p95 <= target else "NOT MET"

    def as_dict(self) -> dict[str, Any]:
        """The figures as plain data, for --json."""
        return {"document": self.document, "role": self.role, "url": self.url,
                "first_ms": self.first_ms,
                "preparing_median_ms": self.preparing.median,
                "preparing_p95_ms": self.preparing.p95,
                "ready_median_ms": self.ready.median, "ready_p95_ms": self.ready.p95,
                "render_s": self.render_s, "warm_median_s": self.warm_median,
                "warm_p95_s": self.warm_p95, "warm_cpu_median_s": self.cpu_median,
                "target_s": RENDER_TARGETS_S.get(self.document), "verdict": self.verdict,
                "render_process_mib": self.process_mib,
                "job_s": self.job_s, "pages": self.pages,
                "size_kb": self.size_kb, "problems": self.problems}


def _get(client: FlaskClient, url: str, timing: Timing | None = None) -> tuple[int, str]:
    """GET ``url``; its status and, on a "being prepared" page, the address it reloads."""
    started = time.perf_counter()
    response = client.get(url)
    took = (time.perf_counter() - started) * 1000
    refresh = _REFRESH.search(response.get_data(as_text=True)) if response.status_code == 202 \
        else None
    response.close()
    if timing is not None:
        timing.times_ms.append(took)
        timing.statuses.append(response.status_code)
    return response.status_code, html.unescape(refresh.group(1)) if refresh else url


def _render_by_worker(app: Flask, result: DocumentResult, repeat: int) -> None:
    """Run what the page queued (a render, or a build that renders) as the worker does, then
    render the stored request again."""
    with app.app_context():
        queued = db.session.scalar(sa.select(sa.func.count(Job.id))
                                   .where(Job.status == JobStatus.QUEUED))
        if queued != 1:
            result.problems.append(f"{queued} jobs queued, not 1")
        started = time.perf_counter()
        jobs.run_pending(worker="bench worker")
        result.job_s = round(time.perf_counter() - started, 2)
        row = db.session.scalar(sa.select(DocumentRender)
                                .order_by(DocumentRender.rendered_at.desc()).limit(1))
        digest = row.digest if row is not None else ""
        if row is None or not row.pdf:
            result.problems.append(f"the render failed: {row.error if row else 'no row'}")
            return
        result.render_s.append(round(row.render_seconds or 0.0, 2))
        result.pages, result.size_kb = row.pages, row.size // 1024
        stored = db.session.scalar(sa.select(DocumentRender.request)
                                   .where(DocumentRender.digest == digest))
    wanted = renders.RenderRequest.decoded(stored)
    for _ in range(max(repeat - 1, WARM_RENDERS)):
        pdf._cache.clear()
        started = time.perf_counter()
        rendered = wanted.render()
        result.render_s.append(round(time.perf_counter() - started, 3))
        if rendered.cpu_seconds is not None:
            result.cpu_s.append(rendered.cpu_seconds)
    current = pool.current_pool()
    resident = [p.get("rss", 0) for p in (current.memory() if current is not None else [])]
    if resident:
        result.process_mib = round(max(resident) / 1024 / 1024, 1)


def measure_document_pages(app: Flask, clients: Callable[[Role], FlaskClient],
                           repeat: int, document_repeat: int) -> list[DocumentResult]:
    """Time every document page: "being prepared", the worker's render, then the PDF."""
    with app.app_context():
        jobs.run_pending()  # anything the data load queued, so each page's render is its own
        urls = [page.url() for page in DOCUMENT_PAGES]
        db.session.remove()
    results = []
    for page, url in zip(DOCUMENT_PAGES, urls, strict=True):
        client = clients(page.role)
        result = DocumentResult(page.name, page.role.value, url)
        follow = url  # the address the "being prepared" page reloads
        if page.generated:
            first = Timing()
            status, follow = _get(client, url, first)
            if status != 202:
                result.problems.append(f"the first request answered {status}, not 202")
            result.first_ms = round(first.times_ms[0], 1)
            for _ in range(repeat):
                _get(client, follow, result.preparing)
            _render_by_worker(app, result, document_repeat)
        for _ in range(WARM_UP):
            _get(client, follow)
        for _ in range(repeat):
            _get(client, follow, result.ready)
        for label, timing, wanted in (("preparing", result.preparing, 202),
                                      ("ready", result.ready, 200)):
            odd = sorted({s for s in timing.statuses if s != wanted})
            if odd:
                result.problems.append(f"{label}: answered {odd}, not {wanted}")
        results.append(result)
    for name, request_of in WORKER_DOCUMENTS:
        result = DocumentResult(name, "worker", "")
        with app.app_context():
            try:
                renders.request_render(**request_of())
                db.session.commit()
            except LookupError as missing:
                result.problems.append(str(missing))
                results.append(result)
                continue
        _render_by_worker(app, result, document_repeat)
        results.append(result)
    return results


def document_report(results: list[DocumentResult], repeat: int, document_repeat: int) -> str:
    """The plain-text tables: the pages' server times, then the worker's renders."""
    lines = ["", f"document pages: {repeat} timed requests each (the PDF after {WARM_UP} "
             f"warm-up); target: every page under {TARGET_MS:.0f} ms",
             f"{'document':<30} {'role':<10} {'first ms':>8} {'preparing ms':>13} "
             f"{'PDF ms':>13}  target"]
    for r in results:
        if not r.url:
            continue
        preparing = (f"{r.preparing.median:.1f}/{r.preparing.p95:.1f}"
                     if r.preparing.times_ms else "-")
        ready = f"{r.ready.median:.1f}/{r.ready.p95:.1f}" if r.ready.times_ms else "-"
        first = f"{r.first_ms:.1f}" if r.first_ms is not None else "-"
        met = "met" if r.slowest_ms <= TARGET_MS and not r.problems else "NOT MET"
        lines.append(f"{r.document:<30} {r.role:<10} {first:>8} {preparing:>13} {ready:>13}  "
                     f"{met}" + (f"  {'; '.join(r.problems)}" if r.problems else ""))
    lines.append("(preparing and PDF: median/p95; 'first' stores the document and queues its "
                 "render)")
    warm = max(document_repeat - 1, WARM_RENDERS)
    lines += ["", f"renders by the worker: the job as run (its render may start a render "
              f"process), then {warm} warm renders of the stored request; target: median and "
              "p95 of the warm renders",
              f"{'document':<32} {'job s':>6} {'first s':>8} {'median s':>9} {'p95 s':>6} "
              f"{'CPU s':>6} {'RSS MiB':>8} {'pages':>6} {'KB':>6} {'target':>7}  verdict"]
    for r in results:
        if not r.render_s:
            if r.url == "" or r.first_ms is not None:
                lines.append(f"{r.document:<32} {'; '.join(r.problems) or 'no render'}")
            continue
        target = RENDER_TARGETS_S.get(r.document)
        lines.append(f"{r.document:<32} {r.job_s or 0:>6.2f} {r.render_s[0]:>8.2f} "
                     f"{r.warm_median:>9.2f} {r.warm_p95:>6.2f} {r.cpu_median:>6.2f} "
                     f"{r.process_mib or math.nan:>8.0f} "
                     f"{r.pages or 0:>6} {r.size_kb or 0:>6} "
                     f"{f'{target:.1f}' if target else '-':>7}  {r.verdict}")
    lines.append("(CPU s: what the render process itself spent, median; other work on the "
                 "machine inflates the times, less so this. RSS: the largest render process's "
                 "resident memory after the document's renders)")
    lines.append(render_process_report())
    return "\n".join(lines)


def render_process_report() -> str:
    """One line: the render processes of this process's pool and each one's memory."""
    settings = pool.settings()
    current = pool.current_pool()
    processes = current.memory() if current is not None else []
    mib = 1024 * 1024
    each = ", ".join(f"{p.get('rss', 0) / mib:.0f} MiB (peak {p.get('peak_rss', 0) / mib:.0f}, "
                     f"{p['documents']} documents)" for p in processes)
    return (f"render processes: {len(processes)} warm (pool of {settings.size}, each replaced "
            f"after {settings.recycle_after} documents); resident memory each: {each or '-'}")


# --- assembling the yearly report (apart from rendering it) -----------------------------------

ASSEMBLE_TARGET_S = 1.0  # the yearly report assembles within this, at --scale 5


@dataclass
class AssemblyResult:
    """How long the yearly report of one partnership took to assemble, and how many SQL
    statements it ran."""

    partnership: str
    times_s: list[float] = field(default_factory=list)
    statements: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def median(self) -> float:
        """The median, in seconds."""
        return round(statistics.median(self.times_s), 3) if self.times_s else math.nan

    def as_dict(self) -> dict[str, Any]:
        """The figures as plain data, for --json."""
        return {"partnership": self.partnership, "assemble_s": self.times_s,
                "median_s": self.median, "statements": self.statements,
                "problems": self.problems}


def _counter(counted: list[int]) -> Callable[..., None]:
    def count(*_args: Any) -> None:
        counted[0] += 1
    return count


def measure_assembly(app: Flask, repeat: int) -> list[AssemblyResult]:
    """Time assembling the last complete year's report of the demo county and of the largest
    synthetic partnership, each ``repeat`` times (the render is timed apart, above)."""
    results = []
    for slug in (DEMO_SLUG, SYNTHETIC_SLUG):
        result = AssemblyResult(slug)
        with app.app_context(), offline_request_context():
            partnership = db.session.scalar(sa.select(Partnership)
                                            .where(Partnership.slug == slug))
            if partnership is None:
                result.problems.append("not loaded")
                results.append(result)
                continue
            today = clock.today()
            start, end = period_of(partnership, None, today)
            counted = [0]
            count = _counter(counted)
            sa.event.listen(db.engine, "before_cursor_execute", count)
            try:
                for _ in range(repeat):
                    db.session.expire_all()
                    counted[0] = 0
                    started = time.perf_counter()
                    assemble(partnership, start, end, today)
                    result.times_s.append(round(time.perf_counter() - started, 3))
            finally:
                sa.event.remove(db.engine, "before_cursor_execute", count)
            result.statements = counted[0]
            db.session.remove()
        results.append(result)
    return results


def assembly_report(results: list[AssemblyResult]) -> str:
    """The plain-text table of assembly times."""
    lines = ["", f"yearly report assembled from the records (no render); target: under "
             f"{ASSEMBLE_TARGET_S:.0f} s",
             f"{'partnership':<30} {'median s':>9} {'max s':>6} {'SQL':>5}  target"]
    for r in results:
        if not r.times_s:
            lines.append(f"{r.partnership:<30} {'; '.join(r.problems)}")
            continue
        met = "met" if max(r.times_s) <= ASSEMBLE_TARGET_S else "NOT MET"
        lines.append(f"{r.partnership:<30} {r.median:>9.3f} {max(r.times_s):>6.3f} "
                     f"{r.statements:>5}  {met}")
    return "\n".join(lines)

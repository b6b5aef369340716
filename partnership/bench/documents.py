"""The generated documents the benchmark renders: time to render and pages produced.

A feature that generates a document adds it to ``DOCUMENTS``.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

from partnership import clock
from partnership.arrangements.document import arrangements_pdf
from partnership.documents.pdf import RenderedPdf
from partnership.extensions import db
from partnership.kernel.dates import reporting_year
from partnership.plans.document import plan_pdf
from partnership.plans.models import Plan
from partnership.register.models import Partnership
from partnership.reports.cli import period_of, render_draft
from partnership.reviews.document import action_plan_pdf
from partnership.reviews.models import Case, Review, ReviewKind

DEMO_SLUG = "wscp"
SYNTHETIC_SLUG = "synthetic-1"  # ~900 actions and ~5,000 updates over four years


def county_arrangements() -> RenderedPdf:
    """The demo county's arrangements, as a draft of today."""
    county = db.session.scalar(sa.select(Partnership).where(Partnership.slug == DEMO_SLUG))
    if county is None:
        raise LookupError(f"no partnership {DEMO_SLUG!r}: was the demo loaded?")
    return arrangements_pdf(county, as_of=clock.today(), status="DRAFT")


def county_plan() -> RenderedPdf:
    """The demo county's business plan for this reporting year, as the plan PDF."""
    plan = db.session.scalar(sa.select(Plan).join(Partnership, Plan.partnership_id ==
                                                  Partnership.id)
                             .where(Partnership.slug == DEMO_SLUG).order_by(Plan.id).limit(1))
    if plan is None:
        raise LookupError(f"no plan for {DEMO_SLUG!r}: was the demo loaded?")
    today = clock.today()
    return plan_pdf(plan, reporting_year(today, plan.partnership.year_start_month), today)


def county_action_plan() -> RenderedPdf:
    """The multi-agency action plan of the demo county's published local review."""
    review = db.session.scalar(
        sa.select(Review).join(Case, Review.case_id == Case.id)
        .join(Partnership, Case.partnership_id == Partnership.id)
        .where(Partnership.slug == DEMO_SLUG, Review.kind == ReviewKind.LOCAL_REVIEW)
        .order_by(Review.id).limit(1))
    if review is None:
        raise LookupError(f"no published local review for {DEMO_SLUG!r}: was the demo loaded?")
    return action_plan_pdf(review, clock.today())


def yearly_report(slug: str) -> RenderedPdf:
    """A partnership's draft yearly report for its last complete reporting year: assembled
    from the records (every query) and rendered, as ``flask report yearly`` does."""
    partnership = db.session.scalar(sa.select(Partnership).where(Partnership.slug == slug))
    if partnership is None:
        raise LookupError(f"no partnership {slug!r}: was the demo loaded?")
    today = clock.today()
    start, end = period_of(partnership, None, today)
    return render_draft(partnership, start, end, today)


def county_yearly_report() -> RenderedPdf:
    """The demo county's draft yearly report."""
    return yearly_report(DEMO_SLUG)


def synthetic_yearly_report() -> RenderedPdf:
    """The first synthetic partnership's draft yearly report (the scaled data set)."""
    return yearly_report(SYNTHETIC_SLUG)


@dataclass(frozen=True)
class BenchDocument:
    """One document to render."""

    name: str
    render: Callable[[], RenderedPdf]


@dataclass(frozen=True)
class DocumentResult:
    """How long a document took to render, and how long it is."""

    document: str
    median_s: float
    max_s: float
    pages: int
    size_kb: int


DOCUMENTS = [BenchDocument("arrangements PDF (demo county)", county_arrangements),
             BenchDocument("business plan PDF (demo county)", county_plan),
             BenchDocument("action plan PDF (demo county)", county_action_plan),
             BenchDocument("yearly report PDF (demo county)", county_yearly_report),
             BenchDocument("yearly report PDF (synthetic-1)", synthetic_yearly_report)]


def measure_documents(repeat: int) -> list[DocumentResult]:
    """Render each document ``repeat`` times (inside an app context) and time it."""
    results = []
    for document in DOCUMENTS:
        times, rendered = [], None
        for _ in range(repeat):
            started = time.perf_counter()
            rendered = document.render()
            times.append(time.perf_counter() - started)
        assert rendered is not None
        results.append(DocumentResult(document.name, round(statistics.median(times), 2),
                                      round(max(times), 2), rendered.pages,
                                      len(rendered.data) // 1024))
    return results


def document_report(results: list[DocumentResult], repeat: int) -> str:
    """The plain-text table of document renders."""
    lines = ["", f"documents: {repeat} renders each",
             f"{'document':<34} {'median s':>9} {'max s':>7} {'pages':>6} {'KB':>6}"]
    lines += [f"{r.document:<34} {r.median_s:>9.2f} {r.max_s:>7.2f} {r.pages:>6} {r.size_kb:>6}"
              for r in results]
    return "\n".join(lines)

"""A review's multi-agency action plan as a printable document, in the familiar columns.

Like the business plan (:mod:`partnership.plans.document`), one template serves the PDF:
:func:`action_plan_html` turns the plan into plain values (so the template holds no rules)
and :func:`action_plan_pdf` renders it through the restricted WeasyPrint renderer, landscape
(``static/css/landscape-document.css``) with the table rules of
``static/css/action-plan-document.css``. The title is the review's title: for our own
reviews that names the case by its pseudonymous reference only.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from flask import render_template

from partnership.actions.rag import Rag
from partnership.documents import pdf
from partnership.documents.styles import stylesheet_urls
from partnership.kernel.dates import long_date
from partnership.reviews.models import Review
from partnership.reviews.services.learning import ActionPlan, PlanLine, action_plan

STYLESHEETS = ("css/document.css", "css/landscape-document.css",
               "css/action-plan-document.css")
COLUMNS = ("Recommendation", "Scope", "Action", "Lead agency and officer", "Milestones",
           "Target date", "RAG", "Agency response", "Completion date and outcome",
           "Evidence of impact")


@dataclass(frozen=True)
class Line:
    """One action as the document prints it: every cell in words."""

    title: str
    lead: str
    milestones: list[str]
    target: str
    rag: str
    completion: list[str]
    impact: str


@dataclass(frozen=True)
class Group:
    """A recommendation and its actions (the recommendation's cells span its actions' rows)."""

    number: int
    text: str
    thematic_area: str
    agencies: str
    scope: str
    response: str
    lines: list[Line]

    @property
    def span(self) -> int:
        """How many rows the recommendation's cells span (at least one)."""
        return max(1, len(self.lines))


def rag_words(line: PlanLine) -> str:
    """Say how an action is rated, in words: "Amber", "Complete", "Red, update overdue"."""
    judgement = line.action.judgement
    overdue = ", update overdue" if judgement.update_overdue else ""
    return f"{judgement.label}{overdue}"


def _completion(line: PlanLine) -> list[str]:
    parts = []
    if line.completed_on is not None:
        parts.append(f"Completed on {long_date(line.completed_on)}")
    elif line.action.rag is not Rag.CLOSED:
        percent = (f" ({line.action.percent_complete}%)"
                   if line.action.percent_complete is not None else "")
        parts.append(f"{line.action.status.label}{percent}")
    else:
        parts.append(line.action.judgement.label)
    if line.outcome:
        parts.append(line.outcome)
    return parts


def _line(line: PlanLine) -> Line:
    action = line.action
    return Line(title=action.title, lead=line.lead, milestones=line.milestones,
                target=long_date(action.target_date) if action.target_date else "None set",
                rag=rag_words(line), completion=_completion(line),
                impact=line.impact or "None recorded yet")


def groups_of(plan: ActionPlan) -> list[Group]:
    """Turn the action plan into the document's rows."""
    return [Group(number=entry.recommendation.number, text=entry.recommendation.text,
                  thematic_area=entry.recommendation.thematic_area,
                  agencies=entry.agencies, scope=entry.recommendation.scope.label,
                  response=entry.recommendation.agency_response,
                  lines=[_line(line) for line in entry.lines])
            for entry in plan.recommendations]


def document_title(review: Review) -> str:
    """Title the document (the PDF's title metadata): the review's title, nothing more."""
    return f"{review.title}: multi-agency action plan"


def pdf_filename(review: Review) -> str:
    """Name the PDF: ``rapid-review-child-q-action-plan.pdf``."""
    stem = re.sub(r"[^a-z0-9]+", "-", review.title.lower()).strip("-")[:80].strip("-")
    return f"{stem or 'review'}-action-plan.pdf"


def action_plan_html(review: Review, today: dt.date, *, for_pdf: bool = True) -> str:
    """Render the review's action plan as one standalone HTML page (the PDF's source)."""
    plan = action_plan(review, today)
    summary = plan.rollup
    counts = [f"{summary.count(rag)} {rag.label.lower()}" for rag in Rag if summary.count(rag)]
    return render_template(
        "learning/action_plan_document.html",
        title=document_title(review),
        review=review,
        partnership=review.partnership,
        kind=review.kind.label,
        published=long_date(review.published_on) if review.published_on else "",
        generated=long_date(today),
        columns=COLUMNS,
        groups=groups_of(plan),
        recommendations=len(plan.recommendations),
        actions=summary.total,
        counts=counts,
        for_pdf=for_pdf,
        stylesheet_urls=stylesheet_urls(STYLESHEETS, for_pdf=for_pdf),
    )


def action_plan_pdf_request(review: Review, today: dt.date) -> dict[str, Any]:
    """Gather what :func:`pdf.render_pdf` takes to print the review's action plan."""
    return {"html": action_plan_html(review, today, for_pdf=True),
            "title": document_title(review), "author": review.partnership.name}


def action_plan_pdf(review: Review, today: dt.date) -> pdf.RenderedPdf:
    """Render the review's action plan as a tagged, landscape A4 PDF."""
    return pdf.render_pdf(**action_plan_pdf_request(review, today))

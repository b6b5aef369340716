"""A review's multi-agency action plan as a printable document, in the familiar columns;
and a case's Rapid Review as a document for the national panel, in the panel's order.

Like the business plan (:mod:`partnership.plans.document`), one template serves the PDF:
:func:`action_plan_html` turns the plan into plain values (so the template holds no rules)
and :func:`action_plan_pdf` renders it through the restricted WeasyPrint renderer, landscape
(``static/css/landscape-document.css``) with the table rules of
``static/css/action-plan-document.css``. The title is the review's title: for our own
reviews that names the case by its pseudonymous reference only.

The Rapid Review's sections and their order are a setting (``REVIEWS_RAPID_REVIEW_SECTIONS``:
the panel has changed its template before); :func:`rapid_review_sections` turns the record
into plain values, one section each, and :func:`rapid_review_pdf_request` hands them to the
same machinery.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, render_template

from partnership.actions.rag import Rag
from partnership.documents import pdf
from partnership.documents.styles import stylesheet_urls
from partnership.kernel.dates import long_date
from partnership.reviews.models import Case, Review
from partnership.reviews.services.deadlines import closures_of, notification_due
from partnership.reviews.services.learning import ActionPlan, PlanLine, action_plan
from partnership.reviews.services.rapid import rapid_clock, request_status, sign_off_lines

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


# --- the Rapid Review ------------------------------------------------------------------------

RAPID_STYLESHEETS = ("css/document.css",)
NOT_WRITTEN = "Not written yet."


@dataclass(frozen=True)
class Section:
    """One section of the document: its heading, paragraphs, and rows of a two-column table
    (label, value) or a list."""

    key: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)
    items: list[tuple[str, str]] = field(default_factory=list)  # (title, text)
    table_caption: str = ""


def _text(value: str) -> list[str]:
    """A stored text as paragraphs (blank lines part them)."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", value or "") if p.strip()]
    return parts or [NOT_WRITTEN]


def _day(value: dt.date | None, empty: str = "Not recorded") -> str:
    return long_date(value) if value else empty


def _case_section(case: Case, heading: str) -> Section:
    due = notification_due(case, closures_of(case.partnership_id))
    rows = [("Case reference", case.reference),
            ("What happened", case.incident_type.label),
            ("Partners became aware", long_date(case.aware_on)),
            ("Notified to the national panel",
             _day(case.notified_on, "Not yet") + (" (late)" if case.notified_on
                                                  and case.notified_on > due else "")),
            ("Local authority where the incident happened",
             case.incident_authority or "Not recorded"),
            ("Local authority where the child lives", case.residence_authority or "Not recorded"),
            ("Looked-after child", "Yes" if case.looked_after else "No")]
    if case.looked_after_death:
        rows += [("Secretary of State told", _day(case.secretary_of_state_notified_on, "Not yet")),
                 ("Ofsted told", _day(case.ofsted_notified_on, "Not yet"))]
    rows.append(("Agencies involved", ", ".join(a.name for a in case.agencies) or "None recorded"))
    return Section("case", heading, paragraphs=_text(case.summary), rows=rows,
                   table_caption="The serious incident")


def rapid_review_sections(case: Case, today: dt.date) -> list[Section]:
    """The Rapid Review's sections in the order the setting gives (the panel's order)."""
    rapid = case.rapid_review
    sections = []
    for key, heading in current_app.config["REVIEWS_RAPID_REVIEW_SECTIONS"]:
        if key == "case":
            sections.append(_case_section(case, heading))
        elif rapid is None:
            sections.append(Section(key, heading, paragraphs=[NOT_WRITTEN]))
        elif key == "requests":
            rows = [(f"{r.agency.name}: {r.asked_for}", request_status(r, today))
                    for r in rapid.requests]
            sections.append(Section(key, heading, rows=rows,
                                    paragraphs=[] if rows else ["No information requested."],
                                    table_caption="Information asked of each agency"))
        elif key == "episodes":
            items = [(e.title, e.description) for e in rapid.episodes]
            sections.append(Section(key, heading, items=items,
                                    paragraphs=[] if items else [NOT_WRITTEN]))
        elif key == "decision":
            clock = rapid_clock(case, rapid, today)
            rows = [("Recommended outcome",
                     rapid.outcome.label if rapid.outcome else "Not decided yet"),
                    ("Rapid Review due", _day(clock.due_on)),
                    ("Shared with the independent scrutineer",
                     _day(rapid.shared_with_scrutineer_on, "Not yet")),
                    ("Sent to the national panel", _day(rapid.sent_to_panel_on, "Not yet")),
                    ("The panel's response", _day(rapid.panel_response_on, "None yet"))]
            paragraphs = _text(rapid.outcome_reason)
            if rapid.panel_response:
                paragraphs.append(f"The panel's response: {rapid.panel_response}")
            sections.append(Section(key, heading, paragraphs=paragraphs, rows=rows,
                                    table_caption="The decision and its dates"))
        elif key == "sign_off":
            rows = [(partner.name_on(today),
                     f"{row.signed_by}, {long_date(row.signed_at.date())}" if row
                     else "Not signed off")
                    for partner, row in sign_off_lines(rapid)]
            sections.append(Section(key, heading, rows=rows,
                                    table_caption="Each safeguarding partner's sign-off"))
        else:
            sections.append(Section(key, heading, paragraphs=_text(getattr(rapid, key, ""))))
    return sections


def rapid_review_title(case: Case) -> str:
    """Title the document: the case's pseudonymous reference, nothing more."""
    return f"Rapid Review: {case.reference}"


def rapid_review_filename(case: Case) -> str:
    """Name the PDF: ``rapid-review-child-t.pdf``."""
    stem = re.sub(r"[^a-z0-9]+", "-", case.reference.lower()).strip("-")[:60].strip("-")
    return f"rapid-review-{stem or 'case'}.pdf"


def rapid_review_html(case: Case, today: dt.date, *, for_pdf: bool = True) -> str:
    """Render the Rapid Review as one standalone HTML page (the PDF's source)."""
    return render_template(
        "rapid/document.html", title=rapid_review_title(case), case=case,
        partnership=case.partnership, sections=rapid_review_sections(case, today),
        generated=long_date(today), for_pdf=for_pdf,
        stylesheet_urls=stylesheet_urls(RAPID_STYLESHEETS, for_pdf=for_pdf))


def rapid_review_pdf_request(case: Case, today: dt.date) -> dict[str, Any]:
    """Gather what :func:`pdf.render_pdf` takes to print the Rapid Review."""
    return {"html": rapid_review_html(case, today, for_pdf=True),
            "title": rapid_review_title(case), "author": case.partnership.name}


def rapid_review_pdf(case: Case, today: dt.date) -> pdf.RenderedPdf:
    """Render the Rapid Review as a tagged A4 PDF."""
    return pdf.render_pdf(**rapid_review_pdf_request(case, today))

"""A year of the business plan as a printable document, in the familiar table layout.

Like the arrangements (:mod:`partnership.arrangements.document`), one template serves the
PDF: :func:`plan_html` turns the plan's year into plain values (so the template holds no
rules) and :func:`plan_pdf` renders it through the restricted WeasyPrint renderer, with
``static/css/document.css``, the landscape page of ``static/css/landscape-document.css``
and the table rules of ``static/css/plan-document.css``. Each objective is a table row:
objective, intended outcome, actions this year, actions completed last year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from flask import render_template

from partnership.actions.queries import TrackedAction
from partnership.actions.rag import Rag
from partnership.documents import pdf
from partnership.documents.styles import stylesheet_urls
from partnership.kernel.dates import long_date
from partnership.plans import services
from partnership.plans.models import Part, Plan

STYLESHEETS = ("css/document.css", "css/landscape-document.css", "css/plan-document.css")
NO_LEAD = "No lead named"
FIRST_COLUMN = {Part.STRATEGIC: "Strategic objective", Part.ACTIVITY: "One-year activity",
                Part.PRIORITY: "Priority"}


@dataclass(frozen=True)
class ActionLine:
    """An action as the plan prints it."""

    title: str
    lead: str
    target: str
    status: str


@dataclass(frozen=True)
class CompletedLine:
    """An action of the year before that was completed."""

    title: str
    completed: str


@dataclass(frozen=True)
class PhaseLine:
    """A priority's phase: name, planned months and where it stands."""

    name: str
    months: str
    state: str


@dataclass(frozen=True)
class ObjectiveRow:
    """One row of a part's table."""

    reference: str
    title: str
    lead_body: str
    joint_with: str
    year_note: str
    outcome: list[str]
    phases: list[PhaseLine]
    actions: list[ActionLine]
    completed_last_year: list[CompletedLine]


@dataclass(frozen=True)
class PartTable:
    """A part of the plan as one table."""

    anchor: str
    heading: str
    first_column: str
    rows: list[ObjectiveRow]


def paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs at blank lines (each later escaped by the template)."""
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", text or "") if part.strip()]


def action_status(action: TrackedAction) -> str:
    """Say where an action stands and how it is rated, in words: "In progress (40%): amber"."""
    if action.rag is Rag.COMPLETE:
        done = f" on {long_date(action.completed_on)}" if action.completed_on else ""
        return f"Complete{done}"
    if action.rag is Rag.CLOSED:
        return action.judgement.label
    percent = f" ({action.percent_complete}%)" if action.percent_complete is not None else ""
    overdue = ", update overdue" if action.judgement.update_overdue else ""
    return f"{action.status.label}{percent}: {action.rag.label.lower()}{overdue}"


def action_lead(action: TrackedAction) -> str:
    """Name who leads an action: the officer and agency, else the owning body."""
    named = [n for n in (action.lead_person_name, action.lead_agency_name) if n]
    return ", ".join(named) or action.body_name or NO_LEAD


def _action_line(action: TrackedAction) -> ActionLine:
    return ActionLine(title=action.title, lead=action_lead(action),
                      target=long_date(action.target_date) if action.target_date
                      else "No target date", status=action_status(action))


def _row(entry: services.ObjectiveEntry, plan: Plan) -> ObjectiveRow:
    objective = entry.objective
    year_note = ""
    if entry.from_another_year and objective.year is not None:
        year_note = (f"A {services.plan_year_label(plan, objective.year)} "
                     f"{'activity' if objective.part is Part.ACTIVITY else 'priority'}, "
                     "with actions carried into this year")
    return ObjectiveRow(
        reference=objective.reference, title=objective.title,
        lead_body=objective.lead_body.name if objective.lead_body else "",
        joint_with=objective.joint_with.name if objective.joint_with else "",
        year_note=year_note, outcome=paragraphs(objective.outcome),
        phases=[PhaseLine(p.phase.name, p.months, f"{p.state.label}. {p.note}")
                for p in entry.phases],
        actions=[_action_line(a) for a in entry.actions],
        completed_last_year=[CompletedLine(a.title, long_date(a.completed_on)
                                           if a.completed_on else "")
                             for a in entry.completed_last_year])


def document_title(plan: Plan, year: int) -> str:
    """Title the document (the PDF's title metadata)."""
    return (f"{plan.partnership.name}: {plan.title} ({services.period_label(plan)}), "
            f"reporting year {services.plan_year_label(plan, year)}")


def pdf_filename(plan: Plan, year: int) -> str:
    """Name the PDF: ``wscp-business-plan-2025-26.pdf``."""
    who = plan.partnership.short_name or plan.partnership.slug
    stem = re.sub(r"[^a-z0-9]+", "-", who.lower()).strip("-") or "partnership"
    label = services.plan_year_label(plan, year).replace("\u2013", "-")
    return f"{stem}-business-plan-{label}.pdf"


def plan_html(plan: Plan, year: int, today: dt.date, *, for_pdf: bool = True) -> str:
    """Render a reporting year of the plan as one standalone HTML page (the PDF's source)."""
    view = services.plan_year(plan, year, today, with_last_year=True)
    tables = [PartTable(anchor=f"part-{section.part.value}", heading=section.heading,
                        first_column=FIRST_COLUMN[section.part],
                        rows=[_row(entry, plan) for entry in section.entries])
              for section in view.sections
              if section.entries or section.part is not Part.PRIORITY]
    return render_template(
        "plans/document.html",
        title=document_title(plan, year),
        partnership=plan.partnership,
        plan=plan,
        period=view.period,
        year_label=view.label,
        year_span=f"{long_date(view.first_day)} to {long_date(view.last_day)}",
        previous_label=view.previous_label,
        generated=long_date(today),
        introduction=paragraphs(plan.introduction),
        tables=tables,
        for_pdf=for_pdf,
        stylesheet_urls=stylesheet_urls(STYLESHEETS, for_pdf=for_pdf),
    )


def plan_pdf_request(plan: Plan, year: int, today: dt.date) -> dict[str, Any]:
    """Gather what :func:`pdf.render_pdf` takes to print a reporting year of the plan."""
    return {"html": plan_html(plan, year, today, for_pdf=True),
            "title": document_title(plan, year), "author": plan.partnership.name}


def plan_pdf(plan: Plan, year: int, today: dt.date) -> pdf.RenderedPdf:
    """Render a reporting year of the plan as a tagged, landscape A4 PDF."""
    return pdf.render_pdf(**plan_pdf_request(plan, year, today))

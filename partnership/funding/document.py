"""The shared budget statement as a reader gets it: one HTML page for the preview and the PDF.

Everything is printed from the statement's *content* (the year's figures, as plain data in
whole pence): a draft's content is worked out from the figures now, a published version's is
the content the partners signed, so the published PDF says exactly what was signed. The
stylesheet is the arrangements' (``css/document.css``) with the statement's own short
layout on top (``css/budget-statement.css``): no contents page, the summary on the cover.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import render_template

from partnership.clock import today
from partnership.documents.styles import stylesheet_urls
from partnership.funding import services
from partnership.funding.models import BudgetStatement
from partnership.kernel.dates import long_date
from partnership.kernel.numbers import pounds
from partnership.publishing.documents import PrintedSignature, printed_rows
from partnership.register.models import Partnership

STYLESHEETS = ("css/document.css", "css/budget-statement.css")


@dataclass(frozen=True)
class PositionRow:
    """A line of the year-end position: what is added or taken away, and the amount."""

    label: str
    amount: int
    total: bool = False


def is_draft(status: str) -> bool:
    """Say whether a status line marks the statement as a draft."""
    return status.strip().upper().startswith(services.DRAFT_STATUS)


def document_title(partnership: Partnership, content: Mapping[str, Any], status: str) -> str:
    """Title the statement (the page title and the PDF's title metadata)."""
    title = f"{partnership.name}: shared budget statement {content.get('year_label', '')}"
    return f"{title} (draft)" if is_draft(status) else title


def summary(content: Mapping[str, Any]) -> list[str]:
    """Say the year's money in a few sentences, from the figures the statement prints."""
    totals = content.get("totals") or {}
    label = content.get("year_label", "")
    ended = bool(content.get("ended"))
    said = []
    if totals.get("agreed"):
        who = ("the safeguarding partners and other agencies" if any(
            not share.get("statutory") for share in content.get("partners") or [])
            else "the three safeguarding partners")
        sentence = (f"For {label} {who} agreed to contribute {pounds(totals['agreed'])} to "
                    "the partnership's shared budget")
        if totals.get("received") == totals.get("agreed"):
            sentence += ", and every contribution was received."
        else:
            sentence += f"; {pounds(totals.get('received', 0))} of it was received"
            sentence += "." if ended else " so far."
        said.append(sentence)
    if totals.get("other_income"):
        said.append(f"Grants and other income added {pounds(totals['other_income'])}.")
    if content.get("lines"):
        verb = "spent" if ended else "has spent"
        said.append(f"The partnership {verb} {pounds(totals.get('spent', 0))} against a budget "
                    f"of {pounds(totals.get('budget', 0))}.")
    if totals.get("in_kind"):
        said.append(f"Agencies also gave help in kind worth an estimated "
                    f"{pounds(totals['in_kind'])}, which is not counted as income.")
    closing = int(totals.get("closing", 0))
    where = (f"At the end of the year the partnership held {pounds(closing)}, carried forward "
             f"to {content.get('next_label', 'the next year')}." if ended else
             f"So far this year the partnership holds {pounds(closing)}.")
    if closing < 0:
        where = (f"At the end of the year the partnership was {pounds(-closing)} overspent, a "
                 f"deficit carried forward to {content.get('next_label', 'the next year')}."
                 if ended else f"So far this year the partnership is {pounds(-closing)} "
                               "overspent.")
    said.append(where)
    return said


def position_rows(content: Mapping[str, Any]) -> list[PositionRow]:
    """The year-end position, line by line: brought forward, received, spent, carried."""
    totals = content.get("totals") or {}
    ended = bool(content.get("ended"))
    return [
        PositionRow(f"Brought forward from {content.get('previous_label', '')}",
                    int(totals.get("opening", 0))),
        PositionRow("Contributions received", int(totals.get("received", 0))),
        PositionRow("Grants and other income", int(totals.get("other_income", 0))),
        PositionRow("Spending", -int(totals.get("spent", 0))),
        PositionRow(f"Carried forward to {content.get('next_label', '')}" if ended
                    else "Held so far this year", int(totals.get("closing", 0)), total=True),
    ]


def statement_html(partnership: Partnership, content: Mapping[str, Any], *, status: str,
                   day: dt.date, signatures: Sequence[PrintedSignature] = (),
                   for_pdf: bool) -> str:
    """Render the statement as one standalone HTML page."""
    first = dt.date.fromisoformat(str(content.get("first_day")))
    last = dt.date.fromisoformat(str(content.get("last_day")))
    return render_template(
        "funding/document.html",
        title=document_title(partnership, content, status),
        content=content,
        totals=content.get("totals") or {},
        partnership=partnership,
        status=status,
        draft=is_draft(status),
        as_of=long_date(day),
        period=f"{long_date(first)} to {long_date(last)}",
        guidance=partnership.guidance.label,
        contact=[c for c in (partnership.contact_email, partnership.contact_phone,
                             partnership.website) if c],
        stylesheets=stylesheet_urls(STYLESHEETS, for_pdf=for_pdf),
        for_pdf=for_pdf,
        summary=summary(content),
        position=position_rows(content),
        received_on=lambda iso: long_date(dt.date.fromisoformat(iso)),
        sign_offs=printed_rows(signatures),
    )


def pdf_request(partnership: Partnership, content: Mapping[str, Any], *, status: str,
                day: dt.date, signatures: Sequence[PrintedSignature] = ()) -> dict[str, Any]:
    """Gather what :func:`partnership.documents.pdf.render_pdf` takes to print the content."""
    html = statement_html(partnership, content, status=status, day=day,
                          signatures=signatures, for_pdf=True)
    return {"html": html, "title": document_title(partnership, content, status),
            "author": partnership.name, "resources": {}}


def draft_content(partnership: Partnership, year: int, day: dt.date) -> dict[str, Any]:
    """The year's draft as it reads now: the open round's title (or the suggested one)."""
    current = services.open_statement(partnership, year)
    title = current.title if current is not None else services.default_title(partnership, year)
    return services.statement_content(partnership, year, title, day)


def draft_html(partnership: Partnership, year: int, day: dt.date | None = None) -> str:
    """Render the year's draft as the in-app preview, with the open round's signatures."""
    day = day or today()
    current: BudgetStatement | None = services.open_statement(partnership, year)
    return statement_html(partnership, draft_content(partnership, year, day),
                          status=services.DRAFT_STATUS, day=day,
                          signatures=services.current_signatures(current, day), for_pdf=False)


def draft_pdf_request(partnership: Partnership, year: int,
                      day: dt.date | None = None) -> dict[str, Any]:
    """Gather the render request of the year's draft as it reads now."""
    day = day or today()
    current = services.open_statement(partnership, year)
    return pdf_request(partnership, draft_content(partnership, year, day),
                       status=services.DRAFT_STATUS, day=day,
                       signatures=services.current_signatures(current, day))

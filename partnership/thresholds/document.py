"""The threshold document as a reader gets it: one HTML page for the preview and the PDF.

Everything is printed from the document's *content* (its title and sections, as plain
data): a draft's content is read from the sections now, a published version's is the
content the partners signed. So the published PDF says exactly what was signed. The
document's stylesheet is the arrangements' (``css/document.css``): same cover, running
header, contents and sign-off table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import render_template
from markupsafe import Markup

from partnership.clock import today
from partnership.documents.markdown import render_markdown
from partnership.documents.styles import stylesheet_urls
from partnership.kernel.dates import long_date
from partnership.publishing.documents import PrintedSignature, printed_rows
from partnership.register.models import Partnership
from partnership.thresholds.services import (
    DRAFT_STATUS,
    content_of,
    current_signatures,
    default_title,
    open_round,
    sections_in,
)

STYLESHEETS = ("css/document.css",)
SUBJECT = "Threshold document: levels of need and how to get help"


@dataclass(frozen=True)
class PrintedSection:
    """A section ready to print: its anchor, heading and sanitised text."""

    anchor: str
    heading: str
    html: Markup


def is_draft(status: str) -> bool:
    """Say whether a status line marks the document as a draft."""
    return status.strip().upper().startswith(DRAFT_STATUS)


def printed_sections(content: Mapping[str, Any]) -> list[PrintedSection]:
    """Return the content's sections in order, each with an anchor for the contents."""
    return [PrintedSection(f"section-{index}", str(section.get("heading") or ""),
                           render_markdown(str(section.get("markdown") or "")))
            for index, section in enumerate(sections_in(content), start=1)]


def document_title(partnership: Partnership, status: str) -> str:
    """Title the document (the page title and the PDF's title metadata)."""
    title = f"{partnership.name}: threshold document"
    return f"{title} (draft)" if is_draft(status) else title


def threshold_html(partnership: Partnership, content: Mapping[str, Any], *, status: str,
                   day: dt.date, signatures: Sequence[PrintedSignature] = (),
                   for_pdf: bool) -> str:
    """Render the threshold document as one standalone HTML page."""
    return render_template(
        "thresholds/document.html",
        title=document_title(partnership, status),
        version_title=str(content.get("title") or ""),
        subject=SUBJECT,
        partnership=partnership,
        status=status,
        draft=is_draft(status),
        as_of=long_date(day),
        guidance=partnership.guidance.label,
        contact=[c for c in (partnership.contact_email, partnership.contact_phone,
                             partnership.website) if c],
        stylesheets=stylesheet_urls(STYLESHEETS, for_pdf=for_pdf),
        for_pdf=for_pdf,
        sections=printed_sections(content),
        sign_offs=printed_rows(signatures),
    )


def pdf_request(partnership: Partnership, content: Mapping[str, Any], *, status: str,
                day: dt.date, signatures: Sequence[PrintedSignature] = ()) -> dict[str, Any]:
    """Gather what :func:`partnership.documents.pdf.render_pdf` takes to print the content."""
    html = threshold_html(partnership, content, status=status, day=day,
                          signatures=signatures, for_pdf=True)
    return {"html": html, "title": document_title(partnership, status),
            "author": partnership.name, "resources": {}}


def draft_content(partnership: Partnership, day: dt.date) -> dict[str, Any]:
    """The draft's content now: the open round's title (or the suggested one) and sections."""
    current = open_round(partnership)
    title = current.title if current is not None else default_title(partnership, day)
    return content_of(partnership, title)


def draft_pdf_request(partnership: Partnership, day: dt.date | None = None) -> dict[str, Any]:
    """Gather the render request of the draft as it reads now, with the open round's
    signatures of it."""
    day = day or today()
    return pdf_request(partnership, draft_content(partnership, day), status=DRAFT_STATUS,
                       day=day, signatures=current_signatures(partnership, day))


def draft_html(partnership: Partnership, day: dt.date | None = None) -> str:
    """Render the draft as the in-app HTML preview."""
    day = day or today()
    return threshold_html(partnership, draft_content(partnership, day), status=DRAFT_STATUS,
                          day=day, signatures=current_signatures(partnership, day),
                          for_pdf=False)

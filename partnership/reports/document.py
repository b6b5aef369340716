"""The yearly report document: HTML in the app and a tagged PDF (being written)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from partnership.documents.pdf import RenderedPdf
from partnership.reports.content import ReportDocument


def report_html(document: ReportDocument | Mapping[str, Any], *, for_pdf: bool = False) -> str:
    """Render the report as one standalone HTML page (the in-app reading view)."""
    raise NotImplementedError


def report_pdf(document: ReportDocument | Mapping[str, Any]) -> RenderedPdf:
    """Render the report as a tagged A4 PDF."""
    raise NotImplementedError

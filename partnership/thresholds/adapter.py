"""The threshold document as a signed document of the one publishing workflow."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from flask import url_for

from partnership.publishing.documents import (
    Change,
    PrintedSignature,
    SignedDocument,
    text_changes,
)
from partnership.publishing.models import DocumentKind
from partnership.thresholds.document import pdf_request
from partnership.thresholds.models import ThresholdVersion
from partnership.thresholds.services import content_of, sections_in


def _moved(before: Sequence[Any], after: Sequence[Any]) -> set[Any]:
    """The sections that changed place among those in both (the fewest that explain it)."""
    common = set(before) & set(after)
    old = [key for key in before if key in common]
    new = [key for key in after if key in common]
    kept = set()
    for block in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_matching_blocks():
        kept.update(old[block.a:block.a + block.size])
    return common - kept


def section_changes(signed: Mapping[str, Any], now: Mapping[str, Any]) -> list[Change]:
    """Say which sections were added, removed, retitled, rewritten or moved."""
    before = {s["key"]: s for s in sections_in(signed)}
    after_list = sections_in(now)
    after = {s["key"]: s for s in after_list}
    order_after = [s["key"] for s in after_list]
    moved = _moved([s["key"] for s in sections_in(signed)], order_after)
    found = []
    for key in [k for k in before if k not in after]:
        found.append(Change(before[key]["heading"], "Removed from the document."))
    for position, key in enumerate(order_after):
        section = after[key]
        heading = section["heading"]
        if key not in before:
            found.append(Change(heading, "Added to the document."))
            continue
        old = before[key]
        what = []
        if old["heading"] != heading:
            what.append(f"Retitled: it was called “{old['heading']}”.")
        if old["markdown"] != section["markdown"]:
            detail = text_changes(old["markdown"], section["markdown"])
            what.append(f"Rewritten. {detail}" if detail else "Rewritten (spacing only).")
        if key in moved:
            earlier = after[order_after[position - 1]]["heading"] if position else ""
            what.append(f"Moved: it now comes after “{earlier}”." if earlier
                        else "Moved: it now comes first.")
        if what:
            found.append(Change(heading, " ".join(what)))
    return found


class ThresholdDocument(SignedDocument):
    """The threshold document: the levels of need and how to get help, in the partnership's
    own sections."""

    kind = DocumentKind.THRESHOLDS
    model = ThresholdVersion
    noun = "the threshold document"
    file_word = "threshold-document"

    def content(self, version: Any, day: dt.date) -> dict[str, Any]:
        """The version's title and the sections as they read now."""
        return content_of(version.partnership, version.title)

    def changes(self, signed: dict[str, Any], now: dict[str, Any]) -> list[Change]:
        """The title, then the sections added, removed, retitled, rewritten or moved."""
        found = []
        if signed.get("title") != now.get("title"):
            found.append(Change("Title", f"“{signed.get('title')}” is now “{now.get('title')}”."))
        return found + section_changes(signed, now)

    def pdf_request(self, version: Any, content: dict[str, Any],
                    signatures: Sequence[PrintedSignature], status: str,
                    day: dt.date) -> dict[str, Any]:
        """Print exactly this content, with its sign-off table."""
        return pdf_request(version.partnership, content, status=status, day=day,
                           signatures=signatures)

    def pdf_url(self, version: Any) -> str:
        """The published version's PDF."""
        return url_for("thresholds.version_pdf", slug=version.partnership.slug,
                       threshold_version_id=version.id)

    def url(self, version: Any) -> str:
        """The version's page, where partners sign it off."""
        return url_for("thresholds.version_detail", slug=version.partnership.slug,
                       threshold_version_id=version.id)


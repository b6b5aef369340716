"""The arrangements as a signed document of the one publishing workflow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from flask import url_for

from partnership.arrangements.document import pdf_request
from partnership.arrangements.models import ArrangementsVersion
from partnership.arrangements.narrative import sections_in
from partnership.arrangements.services import group_changes, register_of, review_due_after
from partnership.publishing.documents import (
    Change,
    PrintedSignature,
    SignedDocument,
    excerpt,
    text_changes,
)
from partnership.publishing.models import DocumentKind
from partnership.register.exchange import compare_registers, export_register


def _texts(narrative: Any) -> dict[str, str]:
    """The narrative's sections by title, in order: either format a register holds (the
    partnership's own list of sections, or the ten fixed sections of older versions)."""
    found: dict[str, str] = {}
    for section in sections_in(narrative):
        title = str(section.get("title") or "Untitled section")
        found[title] = str(section.get("markdown") or "").strip()
    return found


def narrative_changes(signed: Any, now: Any, *, since: str = "since you signed"
                      ) -> list[Change]:
    """Say which narrative sections were written, emptied or rewritten, quoting the
    sentences added, removed and reworded."""
    before, after = _texts(signed), _texts(now)
    found = []
    for title in [*after, *(t for t in before if t not in after)]:
        old, new = before.get(title, ""), after.get(title, "")
        if old == new:
            continue
        if not old:
            found.append(Change(title, f"Written {since}: “{excerpt(new)}”"))
        elif not new:
            found.append(Change(title, f"Emptied {since}: it no longer appears."))
        else:
            detail = text_changes(old, new)
            found.append(Change(title, f"Rewritten. {detail}" if detail
                                else "Rewritten (spacing only)."))
    return found


class ArrangementsDocument(SignedDocument):
    """The published arrangements: the register and the team's narrative sections."""

    kind = DocumentKind.ARRANGEMENTS
    model = ArrangementsVersion
    noun = "the arrangements"
    file_word = "arrangements"

    def content(self, version: Any, day: dt.date) -> dict[str, Any]:
        """The version's title and the register (its narrative sections included)."""
        return {"title": version.title, "register": export_register(version.partnership)}

    def changes(self, signed: dict[str, Any], now: dict[str, Any]) -> list[Change]:
        """The title, the register record by record, and the narrative section by section."""
        found = []
        if signed.get("title") != now.get("title"):
            found.append(Change("Title", f"“{signed.get('title')}” is now “{now.get('title')}”."))
        before, after = register_of(signed), register_of(now)
        for group in group_changes(compare_registers(before, after)):
            for change in group.changes:
                if change.section == "narrative":
                    continue  # said below, quoting the words that changed
                detail = f": {'; '.join(change.details)}" if change.details else ""
                found.append(Change(group.heading, f"{change.name}{detail}."))
        found.extend(narrative_changes(before.get("narrative"), after.get("narrative")))
        return found

    def pdf_request(self, version: Any, content: dict[str, Any],
                    signatures: Sequence[PrintedSignature], status: str,
                    day: dt.date) -> dict[str, Any]:
        """Print the arrangements from the register as it is now (equal to ``content``)."""
        return pdf_request(version.partnership, as_of=day, status=status, sign_offs=signatures)

    def pdf_url(self, version: Any) -> str:
        """The published version's PDF."""
        return url_for("arrangements.version_pdf", slug=version.partnership.slug,
                       version_id=version.id)

    def url(self, version: Any) -> str:
        """The version's page, where partners sign it off."""
        return url_for("arrangements.version_detail", slug=version.partnership.slug,
                       version_id=version.id)

    def on_publish(self, version: Any, day: dt.date) -> None:
        """Fix when the published arrangements are next due for review."""
        version.review_due = review_due_after(day)

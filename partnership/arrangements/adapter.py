"""The arrangements as a signed document of the one publishing workflow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from flask import url_for

from partnership.arrangements.document import pdf_request
from partnership.arrangements.models import ArrangementsVersion, Section
from partnership.arrangements.services import group_changes, register_of, review_due_after
from partnership.publishing.documents import (
    Change,
    PrintedSignature,
    SignedDocument,
    text_changes,
)
from partnership.publishing.models import DocumentKind
from partnership.register.exchange import compare_registers, export_register


def _section_title(key: str) -> str:
    try:
        return Section(key).title
    except ValueError:
        return key.replace("_", " ").capitalize()


def narrative_changes(signed: dict[str, str], now: dict[str, str]) -> list[Change]:
    """Say which narrative sections were written, emptied or rewritten, quoting the words."""
    found = []
    for key in Section:
        before, after = (signed.get(key.value) or "").strip(), (now.get(key.value) or "").strip()
        if before == after:
            continue
        if not before:
            found.append(Change(_section_title(key), "Written since you signed."))
        elif not after:
            found.append(Change(_section_title(key), "Emptied since you signed: it no longer "
                                                      "appears."))
        else:
            detail = text_changes(before, after)
            found.append(Change(_section_title(key), f"Rewritten: {detail}." if detail
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
        found.extend(narrative_changes(before.get("narrative") or {},
                                       after.get("narrative") or {}))
        return found

    def pdf_request(self, version: Any, content: dict[str, Any],
                    signatures: Sequence[PrintedSignature], status: str,
                    day: dt.date) -> dict[str, Any]:
        """Print the arrangements from the register as it is now (equal to ``content``)."""
        return pdf_request(version.partnership, as_of=day, status=status, sign_offs=signatures)

    def url(self, version: Any) -> str:
        """The version's page, where partners sign it off."""
        return url_for("arrangements.version_detail", slug=version.partnership.slug,
                       version_id=version.id)

    def on_publish(self, version: Any, day: dt.date) -> None:
        """Fix when the published arrangements are next due for review."""
        version.review_due = review_due_after(day)

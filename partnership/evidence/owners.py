"""The page of each kind of record that carries evidence, so that removing a file can go
back to it: each owner kind says how to link to one of its records, next to ``attachable``
(``owner_page("meeting", lambda meeting: url_for("meetings.detail", ...))``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from partnership.evidence.models import EvidenceFile

PAGES: dict[str, Callable[[Any], str]] = {}  # owner kind -> the link to one record's page


def owner_page(kind: str, link: Callable[[Any], str]) -> None:
    """Say how to link to the page of a record of this kind (one that shows its files)."""
    PAGES[kind] = link


def page_of(evidence: EvidenceFile) -> str | None:
    """The page of the record the file is attached to (None if its kind has not said)."""
    link = PAGES.get(evidence.owner_kind)
    owner = evidence.owner if link is not None else None
    return None if owner is None or link is None else link(owner)

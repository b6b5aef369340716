"""The adapter a signed document plugs into the publishing workflow with.

The workflow (``partnership.publishing.workflow``) knows nothing about any one document: a
feature describes its document by subclassing :class:`SignedDocument` and registering an
instance at app creation. To add a kind of document (the shared budget statement, say):

1. a version table that mixes in :class:`~partnership.publishing.models.Publishable`, with
   ``sign_offs = signatures_of(DocumentKind.BUDGET, "BudgetVersion")``;
2. a ``SignedDocument`` subclass that says what its content is (everything the published
   file is made from, as plain JSON data), how two contents differ in words, how to print
   it, and where its pages are;
3. ``register(BudgetDocument())`` in the feature's ``init_app``.

Nothing in the workflow changes.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import sqlalchemy as sa

from partnership import clock
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.publishing.models import DocumentKind, PublicationStatus, Publishable
from partnership.register.models import Partnership


@dataclass(frozen=True)
class Change:
    """One difference between the content a partner signed and the content now, in words."""

    where: str
    what: str


# --- saying what changed, in words (adapters use these in ``changes``) ----------------------

EXCERPT = 240  # characters of a paragraph quoted in a change


def excerpt(text: str) -> str:
    """Quote a paragraph, shortened to about ``EXCERPT`` characters at a word."""
    words = " ".join(text.split())
    return words if len(words) <= EXCERPT else words[:EXCERPT].rsplit(" ", 1)[0] + "…"


def _paragraphs(markdown: str) -> list[str]:
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", markdown or "")
            if part.strip()]


def reworded(before: str, after: str) -> str:
    """Say how one paragraph was reworded, quoting only the words that changed."""
    old, new = before.split(), after.split()
    said = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False
                                                        ).get_opcodes():
        if tag == "replace":
            said.append(f"“{excerpt(' '.join(old[i1:i2]))}” became "
                        f"“{excerpt(' '.join(new[j1:j2]))}”")
        elif tag == "insert":
            after_words = " ".join(old[max(0, i1 - 4):i1])
            place = f" after “…{after_words}”" if after_words else " at the start"
            said.append(f"“{excerpt(' '.join(new[j1:j2]))}” added{place}")
        elif tag == "delete":
            said.append(f"“{excerpt(' '.join(old[i1:i2]))}” taken out")
    return ", ".join(said) or "reworded"


def text_changes(before: str, after: str) -> str:
    """Say, paragraph by paragraph, how a section's text changed, quoting what changed."""
    old, new = _paragraphs(before), _paragraphs(after)
    said = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False
                                                        ).get_opcodes():
        if tag == "equal":
            continue
        removed, added = old[i1:i2], new[j1:j2]
        for index in range(max(len(removed), len(added))):
            if index < len(removed) and index < len(added):
                said.append(reworded(removed[index], added[index]))
            elif index < len(added):
                said.append(f"added: “{excerpt(added[index])}”")
            else:
                said.append(f"removed: “{excerpt(removed[index])}”")
    return "; ".join(said)


@dataclass(frozen=True)
class PrintedSignature:
    """A sign-off as the document prints it (empty names while the partner is awaited)."""

    partner: str
    signed_by: str = ""
    role: str = ""
    signed: str = ""  # ISO date
    deputy_for: str = ""
    delegated_on: str = ""  # ISO date

    @property
    def awaited(self) -> bool:
        """Say whether the partner has not signed this content yet."""
        return not self.signed_by


@dataclass(frozen=True)
class PrintedRow:
    """One partner's line in a document's sign-off table, or that it is awaited."""

    partner: str
    signed_by: str = ""
    role: str = ""
    date: str = ""  # "3 March 2026"
    deputy: str = ""  # "for Sam Smith, Director…, under a delegation dated 1 March 2026"

    @property
    def awaited(self) -> bool:
        """Say whether this partner has not signed this content."""
        return not self.signed_by


def printed_rows(signatures: Sequence[PrintedSignature]) -> list[PrintedRow]:
    """Write each signature as the documents print it (templates/publishing/
    _printed_sign_offs.html): who signed, in what role, when, and whom a deputy signed for
    under a delegation of which date."""
    rows = []
    for signed in signatures:
        if signed.awaited:
            rows.append(PrintedRow(signed.partner))
            continue
        deputy = ""
        if signed.deputy_for:
            deputy = f"for {signed.deputy_for}"
            if signed.delegated_on:
                deputy += (", under a delegation dated "
                           f"{long_date(dt.date.fromisoformat(signed.delegated_on))}")
        rows.append(PrintedRow(signed.partner, signed.signed_by, signed.role,
                               long_date(dt.date.fromisoformat(signed.signed)), deputy))
    return rows


class SignedDocument(ABC):
    """How one kind of document takes part in the sign-off → publish → supersede workflow."""

    kind: ClassVar[DocumentKind]
    #: The version table (mixes in Publishable, has ``partnership`` and ``sign_offs``).
    model: ClassVar[type[Any]]
    #: What the document is called in a sentence: "the arrangements", "the yearly report".
    noun: ClassVar[str]
    #: The file name's word for it: "arrangements", "yearly-report".
    file_word: ClassVar[str]
    #: Published versions replace the one before (arrangements, thresholds); a yearly report
    #: for one period never replaces another period's.
    supersedes: ClassVar[bool] = True

    def partnership(self, version: Any) -> Partnership:
        """Return the partnership whose document this is."""
        return version.partnership

    def title(self, version: Any) -> str:
        """Return the version's title as people know it."""
        return str(version.title)

    @abstractmethod
    def content(self, version: Any, day: dt.date) -> dict[str, Any]:
        """Return everything the published file would be made from now, as plain JSON data."""

    @abstractmethod
    def changes(self, signed: dict[str, Any], now: dict[str, Any]) -> list[Change]:
        """Say in words what differs between the content signed and the content now."""

    @abstractmethod
    def pdf_request(self, version: Any, content: dict[str, Any],
                    signatures: Sequence[PrintedSignature], status: str,
                    day: dt.date) -> dict[str, Any]:
        """Return what ``documents.pdf.render_pdf`` takes to print this content."""

    @abstractmethod
    def url(self, version: Any) -> str:
        """Return the path of the version's page (where a partner signs it)."""

    def series(self, version: Any) -> sa.ColumnElement[bool]:
        """Select the versions a publication of this one replaces (same partnership)."""
        return self.model.partnership_id == version.partnership_id

    def snapshot(self, version: Any, content: dict[str, Any],
                 signatures: Sequence[PrintedSignature], status: str,
                 day: dt.date) -> dict[str, Any]:
        """Return what is stored with the published version (by default, its content)."""
        return content

    def on_publish(self, version: Any, day: dt.date) -> None:
        """Set anything the document fixes when it is published (a review date, say)."""
        return None

    def file_words(self, version: Any) -> str:
        """Return the file name's words for the document (``file_word`` unless overridden)."""
        return self.file_word

    def file_name(self, version: Any, day: dt.date | None = None) -> str:
        """Name the downloaded file: ``<partnership>-<document>-v3-2026-03-03.pdf``.

        A draft's name says so and carries the day it was made:
        ``<partnership>-<document>-draft-2026-12-07.pdf``.
        """
        slug = re.sub(r"[^a-z0-9]+", "-", self.partnership(version).slug.lower()).strip("-")
        stem = f"{slug or 'partnership'}-{self.file_words(version)}"
        if version.published and version.published_on is not None:
            number = f"-v{version.number}" if version.number else ""
            return f"{stem}{number}-{version.published_on.isoformat()}.pdf"
        return f"{stem}-draft-{(day or clock.today()).isoformat()}.pdf"

    def published_versions(self, partnership: Partnership) -> list[Any]:
        """Return the partnership's published (or superseded) versions, newest first."""
        return list(db.session.scalars(
            sa.select(self.model)
            .where(self.model.partnership_id == partnership.id,
                   self.model.status != PublicationStatus.DRAFT)
            .order_by(self.model.published_at.desc(), self.model.id.desc())))


_REGISTRY: dict[DocumentKind, SignedDocument] = {}


def register(document: SignedDocument) -> None:
    """Make a kind of document known to the workflow (once, at app creation)."""
    if not issubclass(document.model, Publishable):
        raise TypeError(f"{document.model.__name__} must mix in Publishable")
    _REGISTRY[document.kind] = document


def document_for(kind: DocumentKind | str) -> SignedDocument:
    """Return the adapter of a kind of document."""
    return _REGISTRY[DocumentKind(kind)]


def document_of(version: Any) -> SignedDocument:
    """Return the adapter of a version, by its table."""
    for document in _REGISTRY.values():
        if isinstance(version, document.model):
            return document
    raise LookupError(f"{type(version).__name__} is not a registered signed document")


def registered() -> list[SignedDocument]:
    """Return every registered kind of document."""
    return list(_REGISTRY.values())

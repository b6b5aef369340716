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
import re
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import sqlalchemy as sa
from flask import url_for

from partnership import clock
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.kernel.textdiff import (  # noqa: F401 - the adapters' words for changes
    EXCERPT,
    excerpt,
    reworded,
    sentence_changes,
    text_changes,
)
from partnership.publishing.models import DocumentKind, PublicationStatus, Publishable
from partnership.register.models import Partnership


@dataclass(frozen=True)
class Change:
    """One difference between the content a partner signed and the content now, in words."""

    where: str
    what: str


# --- saying what changed, in words (adapters use these in ``changes``) ----------------------
# The one mechanism lives in the kernel (the register's comparison uses it too): sentences
# added, removed and reworded, quoted.


@dataclass(frozen=True)
class PrintedSignature:
    """A sign-off as the document prints it (empty names while the partner is awaited)."""

    partner: str
    signed_by: str = ""
    role: str = ""
    signed: str = ""  # ISO date
    deputy_for: str = ""
    delegated_on: str = ""  # ISO date
    on_paper: bool = False  # signed on paper; ``signed`` is the date on the paper
    entered_by: str = ""  # who entered a paper signature in the app
    entered_on: str = ""  # ISO date it was entered

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
    paper: str = ""  # "Signed on paper on 3 May 2019; entered by Tess Team on 7 December 2026"

    @property
    def awaited(self) -> bool:
        """Say whether this partner has not signed this content."""
        return not self.signed_by


def printed_rows(signatures: Sequence[PrintedSignature]) -> list[PrintedRow]:
    """Write each signature as the documents print it (templates/publishing/
    _printed_sign_offs.html): who signed, in what role, when, and whom a deputy signed for
    under a delegation of which date, and which signatures were entered from paper."""
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
                               long_date(dt.date.fromisoformat(signed.signed)), deputy,
                               paper_words(signed)))
    return rows


def paper_words(signed: PrintedSignature | Mapping[str, Any]) -> str:
    """Say that a signature was made on paper, and who entered it when ("" if signed here).

    Takes a signature as printed, or as a published snapshot keeps it (a mapping).
    """
    if isinstance(signed, Mapping):
        names = PrintedSignature.__dataclass_fields__
        signed = PrintedSignature(**{k: v for k, v in signed.items() if k in names})
    if not signed.on_paper or not signed.signed:
        return ""
    said = f"Signed on paper on {long_date(dt.date.fromisoformat(signed.signed))}"
    if signed.entered_by:
        said += f"; entered by {signed.entered_by}"
    if signed.entered_on:
        said += f" on {long_date(dt.date.fromisoformat(signed.entered_on))}"
    return said


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

    def pdf_url(self, version: Any) -> str | None:
        """Return the path of a published version's PDF (None if the document has none)."""
        return None

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


def page_url(version: Any) -> str:
    """Return the path of a published version's page: the document as published, in the
    browser (the same for every kind of document)."""
    document = document_of(version)
    return url_for("signed.page", slug=document.partnership(version).slug,
                   document=document.kind.value, version_id=version.id)


def paper_url(version: Any) -> str:
    """Return the path where the team enters a draft as published with paper signatures."""
    document = document_of(version)
    return url_for("signed.paper", slug=document.partnership(version).slug,
                   document=document.kind.value, version_id=version.id)


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

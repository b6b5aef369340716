"""The one workflow of every signed document: draft → sign-off round → published → superseded.

Each statutory partner signs the draft *as it reads at that moment*: the signature keeps the
SHA-256 of the document's content (:func:`digest_of`), and the content itself is kept by
that digest. Any change to the draft afterwards makes the signature *lapse*: the partner is
asked to sign again and is shown, in words, what changed since they signed. Publishing is
refused until every partner has signed the current content; it fixes that content as the
version's snapshot, seals the signatures it relied on, supersedes the version before, and
has the file made once, in the background, from exactly what was signed. Published
versions and sealed signatures never change: the ORM refuses it (:mod:`.guards`) and so does
the database (triggers created by the migration).

A partner's representative signs; so may a deputy they named (:class:`Delegation`), and the
document says who signed for whom under which delegation.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from partnership import clock
from partnership.accounts.models import User
from partnership.database import utcnow
from partnership.documents import renders
from partnership.documents.models import DocumentRender, RenderStatus
from partnership.extensions import db
from partnership.jobs import services as jobs
from partnership.jobs.models import JobStatus
from partnership.kernel.dates import long_date
from partnership.kernel.errors import Refused
from partnership.kernel.words import in_words
from partnership.publishing.documents import (
    Change,
    PrintedSignature,
    SignedDocument,
    document_for,
    document_of,
    registered,
)
from partnership.publishing.models import (
    Delegation,
    PublicationStatus,
    PublishedPage,
    Signature,
    SignedContent,
)
from partnership.register.models import Partnership, Person, Representative, StatutoryPartner
from partnership.register.services.partnerships import partners_in_order, representative_term
from partnership.register.services.people import person_for_user, scope_of

PARTNERS_WHO_SIGN = 3
DRAFT_STATUS = "DRAFT"


class PublishingRefused(Refused):
    """A step the publishing workflow does not allow now; the message tells the user why."""


class RoundAlreadyOpen(PublishingRefused):
    """A sign-off round is open already: publish or withdraw it first."""


class AlreadyPublished(PublishingRefused):
    """A published version never changes."""


class NotASigner(PublishingRefused):
    """The user neither represents a partner nor deputises for one."""


class AlreadySigned(PublishingRefused):
    """The user's partner has signed the draft as it reads now."""


class SignaturesIncomplete(PublishingRefused):
    """Not every partner has signed the draft as it reads now."""


class WrongDate(PublishingRefused):
    """A publication date in the future, a signature dated after its publication, or a
    paper signature with a detail missing."""

    problems: list[PublishingRefused]


# --- content and its digest -----------------------------------------------------------------


def canonical_json(content: Any) -> str:
    """Write content the one way its digest is taken from (sorted keys, no spaces)."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False, default=str)


def digest_of(content: Any) -> str:
    """Return the SHA-256 of a document's content: what a signature binds to."""
    return hashlib.sha256(canonical_json(content).encode()).hexdigest()


def keep_content(document: SignedDocument, content: dict[str, Any], digest: str) -> None:
    """Store content someone signed, once per digest (so what changed can be shown later).

    Two partners signing the same draft at once store it once: the second insert is skipped.
    """
    if db.session.get(SignedContent, digest) is None:
        jobs.insert_unless_present(SignedContent, {
            "digest": digest, "document": document.kind,
            "content": json.loads(canonical_json(content))}, "digest")


def signed_content(digest: str) -> dict[str, Any] | None:
    """Return the content stored under a digest, if it was kept."""
    return db.session.scalars(
        sa.select(SignedContent.content).where(SignedContent.digest == digest)).first()


@dataclass(frozen=True)
class Draft:
    """A version's content as it reads now and its digest."""

    content: dict[str, Any]
    digest: str


def draft_of(version: Any, day: dt.date | None = None) -> Draft:
    """Return what the version would publish now: its content and digest.

    A published version's are fixed: the snapshot and the digest stored with it.
    """
    if version.published:
        return Draft(version.snapshot or {}, version.digest or "")
    content = document_of(version).content(version, day or clock.today())
    return Draft(content, digest_of(content))


# --- who signs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SigningAs:
    """The capacity a user signs in: a partner's representative, or their named deputy."""

    partner: StatutoryPartner
    person: Person
    title: str
    delegation: Delegation | None = None
    lead_post: Representative | None = None

    @property
    def deputy_for(self) -> str:
        """Say whom a deputy signs for: "Sam Smith, Director of Children's Services"."""
        if self.lead_post is None:
            return ""
        lead = self.lead_post.person
        title = self.lead_post.title or lead.job_title or ""
        return f"{lead.name}, {title}" if title else lead.name


def representations(user: User, partnership: Partnership, day: dt.date) -> list[Representative]:
    """Return the user's posts as a representative of the partnership's partners on a date."""
    scope = scope_of(user, day)
    if scope.person_id is None:
        return []
    return [post for partner in partners_in_order(partnership) if partner.id in scope.partner_ids
            for post in partner.representatives_on(day) if post.person_id == scope.person_id]


def delegations_to(person_id: int | None, partnership: Partnership,
                   day: dt.date) -> list[tuple[Delegation, Representative]]:
    """Return the delegations under which a person may sign for a partner on a day.

    A delegation counts while its dates include the day and its lead is still one of the
    partner's representatives.
    """
    if person_id is None:
        return []
    rows = db.session.scalars(
        sa.select(Delegation).where(Delegation.deputy_id == person_id,
                                    Delegation.partnership_id == partnership.id)
        .order_by(Delegation.starts_on, Delegation.id))
    found = []
    for delegation in rows:
        if not delegation.active_on(day):
            continue
        lead_post = next((post for post in delegation.partner.representatives_on(day)
                          if post.person_id == delegation.lead_id), None)
        if lead_post is not None:
            found.append((delegation, lead_post))
    return found


def capacities(user: User, partnership: Partnership, day: dt.date) -> list[SigningAs]:
    """Return every capacity in which the user may sign for the partnership's partners."""
    partnership_terms = partnership.guidance
    found = [SigningAs(post.partner, post.person,
                       post.title or post.person.job_title
                       or representative_term(partnership_terms, post.capacity))
             for post in representations(user, partnership, day)]
    person = person_for_user(user)
    for delegation, lead_post in delegations_to(person.id if person else None, partnership,
                                                day):
        deputy = delegation.deputy
        found.append(SigningAs(delegation.partner, deputy,
                               deputy.job_title or "Deputy", delegation, lead_post))
    return found


# --- the sign-off lines ---------------------------------------------------------------------


@dataclass(frozen=True)
class SignOffLine:
    """One partner's line in a version's sign-off: signed now, signed an earlier draft, or
    awaited."""

    partner: StatutoryPartner
    partner_name: str
    signature: Signature | None
    lapsed: bool

    @property
    def current(self) -> bool:
        """Say whether the partner has signed the content as it reads now."""
        return self.signature is not None and not self.lapsed

    # Names kept from the two documents' own workflows, which templates use.
    @property
    def sign_off(self) -> Signature | None:
        """The partner's signature, if any (current or lapsed)."""
        return self.signature

    @property
    def stale(self) -> bool:
        """Say whether the partner signed an earlier draft."""
        return self.lapsed


def _signed_on(signature: Signature) -> dt.date:
    return signature.signed_day


def sign_off_lines(version: Any, digest: str | None = None,
                   day: dt.date | None = None) -> list[SignOffLine]:
    """Return the partners in the guidance's order, each with its signature if given.

    A draft lists all three partners; a published version only those who signed it.
    """
    if digest is None:
        digest = draft_of(version, day).digest
    by_partner = {s.partner_id: s for s in version.sign_offs}
    lines = []
    for partner in partners_in_order(document_of(version).partnership(version)):
        signed = by_partner.get(partner.id)
        if signed is None and version.published:
            continue
        on = _signed_on(signed) if signed else (day or clock.today())
        lapsed = signed is not None and not version.published and signed.digest != digest
        lines.append(SignOffLine(partner, partner.name_on(on), signed, lapsed))
    return lines


def printed(lines: Sequence[SignOffLine]) -> list[PrintedSignature]:
    """Print the current signatures; a partner who has not signed this content is awaited."""
    rows = []
    for line in lines:
        signature = line.signature
        if signature is None or not line.current:
            rows.append(PrintedSignature(partner=line.partner_name))
            continue
        entered_by = signature.entered_by
        rows.append(PrintedSignature(
            partner=line.partner_name, signed_by=signature.signed_by, role=signature.role,
            signed=_signed_on(signature).isoformat(), deputy_for=signature.deputy_for,
            delegated_on=signature.delegated_on.isoformat() if signature.delegated_on else "",
            on_paper=signature.on_paper,
            entered_by=entered_by.name if signature.on_paper and entered_by else "",
            entered_on=(signature.signed_at.astimezone(clock.UK_TIME).date().isoformat()
                        if signature.on_paper else "")))
    return rows


def waiting_words(lines: Sequence[SignOffLine], noun: str = "it") -> str:
    """Say who must still sign, and who must sign again because the draft changed."""
    never = [line.partner_name for line in lines if line.signature is None]
    again = [line.partner_name for line in lines if line.lapsed]
    parts = []
    if never:
        parts.append(f"still waiting for {in_words(never)}")
    if again:
        verb = "has" if len(again) == 1 else "have"
        parts.append(f"{in_words(again)} {verb} to sign off again because {noun} changed after "
                     "they signed")
    return "; ".join(parts)


def ready_to_publish(version: Any, lines: Sequence[SignOffLine]) -> bool:
    """Say whether every partner has signed the draft as it reads now."""
    partners = document_of(version).partnership(version).partners
    return (version.is_draft and len(partners) == PARTNERS_WHO_SIGN
            and len(lines) == PARTNERS_WHO_SIGN and all(line.current for line in lines))


def signing_as(user: User, version: Any, lines: Sequence[SignOffLine],
               day: dt.date | None = None) -> SigningAs | None:
    """Return the capacity in which the user would sign now, for a partner whose current
    signature is missing; a representative comes before a deputy."""
    if not version.is_draft:
        return None
    waiting = {line.partner.id for line in lines if not line.current}
    day = day or clock.today()
    return next((way for way in capacities(user, document_of(version).partnership(version), day)
                 if way.partner.id in waiting), None)


def sign(version: Any, user: User, comment: str = "", day: dt.date | None = None) -> Signature:
    """Record the user's signature of the draft as it reads now, for the partner they sign
    for; a partner whose earlier signature lapsed signs again, replacing it."""
    document = document_of(version)
    day = day or clock.today()
    title = document.title(version)
    refuse_if_published(version, "signed off again")
    ways = capacities(user, document.partnership(version), day)
    if not ways:
        raise NotASigner(
            f"You are not a current representative of any of "
            f"{document.partnership(version).name}'s statutory partners, nor their named "
            f"deputy, so you cannot sign off {document.noun}. Ask the partnership team to link "
            "your account to your entry in the register.")
    draft = draft_of(version, day)
    lines = sign_off_lines(version, draft.digest, day)
    way = signing_as(user, version, lines, day)
    if way is None:
        names = in_words(sorted({w.partner.name_on(day) for w in ways}))
        raise AlreadySigned(f"{names} has already signed off “{title}” as it reads now.")
    keep_content(document, draft.content, draft.digest)
    values = {
        "user_id": user.id,
        "signed_by": way.person.name[:120],
        "role": way.title[:200],
        "signed_at": utcnow(),
        "digest": draft.digest,
        "comment": comment.strip(),
        "deputy_for": way.deputy_for[:330],
        "delegated_on": way.delegation.starts_on if way.delegation else None,
    }
    earlier = next((s for s in version.sign_offs if s.partner_id == way.partner.id), None)
    if earlier is not None:  # signed an earlier draft: this signature replaces it
        for name, value in values.items():
            setattr(earlier, name, value)
        signature = earlier
    else:
        signature = Signature(document=document.kind, version_id=version.id,
                              partnership_id=version.partnership_id, partner=way.partner,
                              **values)
        db.session.add(signature)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the partner's other representative signed a moment ago
        raise AlreadySigned(f"{way.partner.name_on(day)} signed off “{title}” a moment ago."
                            ) from None
    db.session.expire(version, ["sign_offs"])
    return signature


def what_changed(version: Any, signature: Signature, day: dt.date | None = None,
                 draft: Draft | None = None) -> list[Change]:
    """Say what changed in the draft since the partner signed it (empty if nothing did)."""
    draft = draft or draft_of(version, day)
    if signature.digest == draft.digest:
        return []
    before = signed_content(signature.digest)
    if before is None:
        return [Change("The whole document",
                       "The draft they signed was not kept, so it cannot be compared.")]
    return document_of(version).changes(before, draft.content)


@dataclass(frozen=True)
class SignOffPanel:
    """What a version's page shows about its sign-off, for the user looking at it."""

    version: Any
    noun: str
    lines: list[SignOffLine]
    signing_as: SigningAs | None
    changes: list[Change]  # what changed since the user's partner signed (if it lapsed)
    waiting: str
    ready: bool

    @property
    def signing_again(self) -> bool:
        """Say whether the user's partner signed an earlier draft and signs again now."""
        return self.signing_as is not None and any(
            line.lapsed and line.partner.id == self.signing_as.partner.id for line in self.lines)


def panel(version: Any, user: User, day: dt.date | None = None,
          draft: Draft | None = None) -> SignOffPanel:
    """Gather the sign-off lines, the user's part in them and what changed since they signed."""
    day = day or clock.today()
    draft = draft or draft_of(version, day)
    lines = sign_off_lines(version, draft.digest, day)
    way = signing_as(user, version, lines, day) if user.is_authenticated else None
    changes: list[Change] = []
    if way is not None:
        mine = next((line for line in lines if line.partner.id == way.partner.id), None)
        if mine is not None and mine.lapsed and mine.signature is not None:
            changes = what_changed(version, mine.signature, day, draft)
    return SignOffPanel(version, document_of(version).noun, lines, way, changes,
                        waiting_words(lines, document_of(version).noun),
                        ready_to_publish(version, lines))


# --- the round, publishing and superseding --------------------------------------------------


def refuse_if_published(version: Any, what: str) -> None:
    """Refuse to change a version that is published (or superseded)."""
    if not version.is_draft:
        title = document_of(version).title(version)
        raise AlreadyPublished(
            f"“{title}” is published and cannot be {what}: a published version never "
            "changes. Start a new draft instead.")


def open_draft(document: SignedDocument, partnership: Partnership) -> Any | None:
    """Return the draft in its sign-off round, if one is open."""
    model = document.model
    return db.session.scalars(
        sa.select(model).where(model.partnership_id == partnership.id,
                               model.status == PublicationStatus.DRAFT)
        .order_by(model.id.desc()).limit(1)).first()


def withdraw(version: Any) -> None:
    """Close a sign-off round without publishing (its signatures go with it)."""
    refuse_if_published(version, "withdrawn")
    for signature in list(version.sign_offs):
        db.session.delete(signature)
    db.session.refresh(version, ["pdf", "snapshot"])  # the audit trail records every column
    db.session.delete(version)
    db.session.flush()


def _in_date_order(document: SignedDocument, version: Any, day: dt.date) -> list[Any]:
    """The published versions of the series dated after ``day`` (a version of the same day
    published earlier comes before the one published now)."""
    model = document.model
    return list(db.session.scalars(
        sa.select(model).where(document.series(version), model.id != version.id,
                               model.status != PublicationStatus.DRAFT,
                               model.published_on > day)
        .order_by(model.published_on, model.published_at, model.id)))


def _number_by_date(document: SignedDocument, version: Any, day: dt.date,
                    later: Sequence[Any]) -> int:
    """Number the version in the order of dates; those dated after it move up by one."""
    model = document.model
    highest = db.session.scalar(
        sa.select(sa.func.max(model.number))
        .where(document.series(version), model.id != version.id,
               model.status != PublicationStatus.DRAFT, model.published_on <= day))
    for newer in sorted(later, key=lambda v: v.number or 0, reverse=True):
        if newer.number is not None:
            newer.number += 1
    return (highest or 0) + 1


def published_moment(day: dt.date) -> dt.datetime:
    """When a version dated ``day`` counts as published: now if today; for an earlier date
    (entered from paper), midday of that day in the UK, so every list orders it by its date."""
    if day >= clock.today():
        return utcnow()
    return dt.datetime.combine(day, dt.time(12), tzinfo=clock.UK_TIME).astimezone(dt.UTC)


def refuse_wrong_dates(version: Any, day: dt.date, lines: Sequence[SignOffLine]) -> None:
    """Refuse a publication date in the future, and a paper signature dated after it.

    A signature given in the app is the app's own record of the round (its time is the
    server's); only a date written on paper can contradict the date published."""
    if day > clock.today():
        raise WrongDate(f"The date published must be today or in the past: {long_date(day)} "
                        "is in the future.", field="published_on")
    for line in lines:
        if (line.signature is not None and line.current and line.signature.on_paper
                and _signed_on(line.signature) > day):
            raise WrongDate(
                f"{line.partner_name} signed on {long_date(_signed_on(line.signature))}, after "
                f"the date published ({long_date(day)}): a version is signed before it is "
                "published.", field="published_on")


def publish(version: Any, day: dt.date | None = None, *, file_now: bool = False) -> Any:
    """Publish a draft every partner signed as it reads now; fix it and have its file made.

    ``day`` is the document's date (today unless an earlier version is being put in: never in
    the future, never before a signature). Numbers follow the order of dates; a version dated
    before the current one is published superseded, and the current one stays current. The
    file is made by the background worker; ``file_now`` makes it here instead (the demo
    load and the command line, where nobody waits on a page).
    """
    document = document_of(version)
    day = day or clock.today()
    title = document.title(version)
    refuse_if_published(version, "published again")
    draft = draft_of(version, day)
    lines = sign_off_lines(version, draft.digest, day)
    if not ready_to_publish(version, lines):
        detail = waiting_words(lines, document.noun)
        if len(document.partnership(version).partners) != PARTNERS_WHO_SIGN:
            detail = "the register must list the partnership's three statutory partners"
        raise SignaturesIncomplete(
            f"All three statutory partners must sign off “{title}” as it reads now before it "
            f"is published: {detail}.")
    refuse_wrong_dates(version, day, lines)
    status = f"Published {long_date(day)}"
    signatures = printed(lines)
    request = document.pdf_request(version, draft.content, signatures, status, day)
    later = _in_date_order(document, version, day)
    replaced_by = next((v for v in later if v.status is not PublicationStatus.DRAFT), None)
    if document.supersedes and replaced_by is None:
        model = document.model
        for earlier in db.session.scalars(
                sa.select(model).where(document.series(version),
                                       model.status == PublicationStatus.PUBLISHED,
                                       model.id != version.id)):
            earlier.status = PublicationStatus.SUPERSEDED
            earlier.superseded_at = utcnow()
    version.number = _number_by_date(document, version, day, later)
    version.snapshot = document.snapshot(version, draft.content, signatures, status, day)
    version.digest = draft.digest
    version.published_on = day
    version.published_at = published_moment(day)
    version.status = PublicationStatus.PUBLISHED
    if document.supersedes and replaced_by is not None:
        # Put in after a version of a later date: it was replaced when that one was published.
        version.status = PublicationStatus.SUPERSEDED
        version.superseded_at = replaced_by.published_at
    document.on_publish(version, day)
    for line in lines:
        if line.signature is not None:
            line.signature.sealed = True
    db.session.flush()
    keep_page(version, request)
    file_publication(version, request, now=file_now)
    return version


# --- versions signed on paper ---------------------------------------------------------------


@dataclass(frozen=True)
class PaperSignature:
    """A partner's signature as the paper shows it: who signed, in what post, on what date."""

    partner: StatutoryPartner
    signed_by: str
    role: str
    signed_on: dt.date | None


def paper_problems(day: dt.date | None, papers: Sequence[PaperSignature],
                   today: dt.date | None = None) -> list[tuple[str, str]]:
    """Say what is wrong with a paper version's dates and signatures, each with its field:
    ``published_on``, and ``signed_by_<n>``, ``role_<n>``, ``signed_on_<n>`` for the n-th
    partner in the guidance's order (1, 2, 3)."""
    today = today or clock.today()
    problems: list[tuple[str, str]] = []
    if day is None:
        problems.append(("published_on", "Enter the date the version was published"))
    elif day > today:
        problems.append(("published_on", "The date published must be today or in the past"))
    for n, paper in enumerate(papers, start=1):
        partner = paper.partner.name_on(paper.signed_on or day or today)
        if not paper.signed_by.strip():
            problems.append((f"signed_by_{n}", f"Enter the name of who signed for {partner}"))
        if not paper.role.strip():
            problems.append((f"role_{n}", f"Enter the post of who signed for {partner}"))
        if paper.signed_on is None:
            problems.append((f"signed_on_{n}", f"Enter the date {partner} signed"))
        elif day is not None and paper.signed_on > day:
            problems.append((f"signed_on_{n}",
                             f"The date {partner} signed must be on or before the date "
                             f"published ({long_date(day)})"))
        elif paper.signed_on > today:
            problems.append((f"signed_on_{n}",
                             f"The date {partner} signed must be today or in the past"))
    return problems


def publish_on_paper(version: Any, day: dt.date | None, papers: Sequence[PaperSignature],
                     user: User, *, file_now: bool = False) -> Any:
    """Publish a draft with the signatures it carried on paper, dated ``day``: the team
    enters, for each statutory partner, who signed, in what post and on what date.

    Each becomes a signature of the draft as it reads now, marked as signed on paper and
    entered by ``user``; then the version is published as of ``day``. Refused, with nothing
    saved, if a date is wrong, a partner is missing, or a partner signed the draft here.
    """
    document = document_of(version)
    refuse_if_published(version, "published again")
    partnership = document.partnership(version)
    partners = partners_in_order(partnership)
    if len(partners) != PARTNERS_WHO_SIGN:
        raise SignaturesIncomplete("The register must list the partnership's three statutory "
                                   "partners before a version signed on paper is entered.")
    by_partner = {paper.partner.id: paper for paper in papers}
    ordered = [by_partner.get(partner.id) or PaperSignature(partner, "", "", None)
               for partner in partners]
    problems = [WrongDate(message, field=field)
                for field, message in paper_problems(day, ordered)]
    if problems:
        refusal = problems[0]
        refusal.problems = problems  # every one shown next to its field
        raise refusal
    assert day is not None  # a missing date is a problem above
    in_app = [s for s in version.sign_offs if not s.on_paper]
    if in_app:
        names = in_words([s.partner.name_on(day) for s in in_app])
        raise PublishingRefused(
            f"{names} signed this draft in the app, so it cannot be entered as signed on "
            "paper. Publish it from its page, or withdraw it and start a new draft for the "
            "version signed on paper.", field="published_on")
    draft = draft_of(version, day)
    keep_content(document, draft.content, draft.digest)
    earlier = {s.partner_id: s for s in version.sign_offs}
    for paper in ordered:
        values = {"user_id": None, "signed_by": paper.signed_by.strip()[:120],
                  "role": paper.role.strip()[:200], "signed_at": utcnow(),
                  "digest": draft.digest, "comment": "", "deputy_for": "",
                  "delegated_on": None, "on_paper": True, "signed_on": paper.signed_on,
                  "entered_by_id": user.id}
        signature = earlier.get(paper.partner.id)
        if signature is None:
            db.session.add(Signature(document=document.kind, version_id=version.id,
                                     partnership_id=version.partnership_id,
                                     partner=paper.partner, **values))
        else:
            for name, value in values.items():
                setattr(signature, name, value)
    db.session.flush()
    db.session.expire(version, ["sign_offs"])
    return publish(version, day, file_now=file_now)


# --- the published page -----------------------------------------------------------------------


def keep_page(version: Any, request: dict[str, Any]) -> PublishedPage:
    """Keep the HTML (and its files) the published file is made from, to read in the browser."""
    resources = {name: base64.b64encode(body).decode("ascii")
                 for name, body in (request.get("resources") or {}).items()}
    page = PublishedPage(document=document_of(version).kind, version_id=version.id,
                         title=str(request.get("title") or "")[:300], html=request["html"],
                         resources=resources)
    db.session.add(page)
    db.session.flush()
    return page


def published_page(version: Any) -> PublishedPage | None:
    """Return a published version's page, if it was kept (versions published before pages
    were kept have only their file)."""
    if not version.published:
        raise PublishingRefused(f"“{document_of(version).title(version)}” has not been "
                                "published.")
    return db.session.get(PublishedPage, (document_of(version).kind, version.id))


FILE_JOB = "file-publication"


def file_publication(version: Any, request: dict[str, Any], *, now: bool = False) -> None:
    """Have the published file made, in the background, from the request fixed now.

    The render is pinned (never dropped) and shared with a draft of the same content; the
    ``file-publication`` job stores it in the version once it is ready.
    """
    document = document_of(version)
    if now:
        rendered = renders.render_now(**request, pin=True)
        store_file(version, rendered.data, rendered.pages)
        return
    state = renders.request_render(**request, pin=True)
    if state.ready and state.pdf is not None:
        store_file(version, state.pdf, state.pages or 0)
        return
    jobs.enqueue(FILE_JOB, {"document": str(document.kind), "version_id": version.id,
                            "digest": state.digest},
                 key=_file_key(version), max_attempts=20)


class FileNotReady(Exception):
    """The published file's render is not ready yet: the job runs again later."""


def file_job(payload: dict[str, Any]) -> None:
    """The ``file-publication`` job: store a published version's file once it is rendered."""
    document = document_for(payload["document"])
    version = db.session.get(document.model, int(payload["version_id"]))
    if version is None or version.sha256 is not None:
        return
    digest = str(payload["digest"])
    render = db.session.get(DocumentRender, digest)
    if render is not None and render.status is RenderStatus.PREPARING:
        renders.render_document({"digest": digest})
        render = db.session.get(DocumentRender, digest)
        version = db.session.get(document.model, int(payload["version_id"]))
    if render is None or render.status is not RenderStatus.READY or render.pdf is None:
        reason = render.error if render is not None else "its render is missing"
        raise FileNotReady(f"the published file is not made yet: {reason}")
    store_file(version, render.pdf, render.pages or 0)


def _file_key(version: Any) -> str:
    return f"{FILE_JOB}:{document_of(version).kind}:{version.id}"


@dataclass(frozen=True)
class FileState:
    """Whether a published version's file is stored, being made, or could not be made."""

    ready: bool
    failed: bool = False
    error: str = ""


def file_state(version: Any) -> FileState:
    """Say where the published version's file is (stored, being made, or failed and why)."""
    if version.sha256 is not None:
        return FileState(ready=True)
    job = jobs.job_with_key(_file_key(version))
    if job is None:
        return FileState(ready=False)
    render = db.session.get(DocumentRender, str(job.payload.get("digest", "")))
    if render is not None and render.status is RenderStatus.FAILED:
        return FileState(ready=False, failed=True, error=render.error or "")
    if job.status is JobStatus.FAILED:
        return FileState(ready=False, failed=True, error=job.error or "")
    return FileState(ready=False)


def retry_file(version: Any) -> None:
    """Ask for a published version's file again after it failed (flushed, not committed)."""
    job = jobs.job_with_key(_file_key(version))
    if job is None or version.sha256 is not None:
        return
    renders.retry_render(str(job.payload.get("digest", "")))
    if job.status is JobStatus.QUEUED:
        job.run_after = clock.now()  # waiting to try again: now, rather than later
        db.session.flush()
    else:
        jobs.requeue(job)


def store_file(version: Any, data: bytes, pages: int) -> None:
    """Keep a published version's file (once: it never changes afterwards)."""
    version.pdf = data
    version.sha256 = hashlib.sha256(data).hexdigest()
    version.pages = pages
    db.session.flush()


def published_file(version: Any) -> bytes | None:
    """Return a published version's stored file, or None while it is being made."""
    if not version.published:
        raise PublishingRefused(f"“{document_of(version).title(version)}” has not been "
                                "published.")
    model = type(version)
    return db.session.scalars(sa.select(model.pdf).where(model.id == version.id)).one()


# --- what waits for a partner ---------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    """Something waiting for the user's sign-off: what, for which partner, since when."""

    kind: str
    title: str
    partnership: str
    url: str
    partner: str
    since: dt.date
    lapsed: bool = False
    deputy_for: str = ""

    def waited(self, day: dt.date | None = None) -> str:
        """Say how long it has waited: "since today", "1 day", "12 days"."""
        days = ((day or clock.today()) - self.since).days
        if days <= 0:
            return "since today"
        return f"{days} day" + ("" if days == 1 else "s")


_PROVIDERS: list[Any] = []


def add_waiting_provider(provider: Any) -> None:
    """Let another kind of sign-off (a Rapid Review decision, say) list what waits for a user.

    ``provider(user, day) -> list[Waiting]``.
    """
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def _candidate_partnerships(user: User, day: dt.date) -> list[int]:
    scope = scope_of(user, day)
    ids = set(scope.represented_partnership_ids)
    if scope.person_id is not None:
        ids |= set(db.session.scalars(
            sa.select(Delegation.partnership_id).where(Delegation.deputy_id == scope.person_id)))
    return sorted(ids)


def waiting_for(user: User, day: dt.date | None = None) -> list[Waiting]:
    """Return every sign-off waiting for the user, of every kind, longest-waiting first.

    A signature that lapsed because the draft changed puts the draft back on the list.
    """
    day = day or clock.today()
    partnership_ids = _candidate_partnerships(user, day)
    found: list[Waiting] = []
    if partnership_ids:
        for document in registered():
            model = document.model
            drafts = db.session.scalars(
                sa.select(model).where(model.partnership_id.in_(partnership_ids),
                                       model.status == PublicationStatus.DRAFT)
                .order_by(model.created_at, model.id))
            for version in drafts:
                lines = sign_off_lines(version, day=day)
                way = signing_as(user, version, lines, day)
                if way is None:
                    continue
                line = next(line for line in lines if line.partner.id == way.partner.id)
                since = (_signed_on(line.signature) if line.lapsed and line.signature
                         else version.created_at.astimezone(clock.UK_TIME).date())
                found.append(Waiting(
                    kind=document.kind.label, title=document.title(version),
                    partnership=document.partnership(version).name, url=document.url(version),
                    partner=way.partner.name_on(day), since=since, lapsed=line.lapsed,
                    deputy_for=way.deputy_for))
    for provider in _PROVIDERS:
        found.extend(provider(user, day))
    return sorted(found, key=lambda item: (item.since, item.title))

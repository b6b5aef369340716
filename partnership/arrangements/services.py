"""The arrangements workflow: narrative sections, sign-off rounds, publishing and comparing.

A sign-off round is a draft :class:`ArrangementsVersion`. Each of the three statutory
partners signs it off through one of its current representatives; the team then publishes
it, which renders the PDF from the register *as it stands at that moment*, stores the PDF,
its SHA-256 and the register snapshot, and freezes the version for good.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapper, Session, undefer

from partnership.accounts.models import User
from partnership.arrangements.models import (
    ArrangementsVersion,
    NarrativeSection,
    Section,
    SignOff,
    VersionStatus,
)
from partnership.clock import UK_TIME, today
from partnership.database import utcnow
from partnership.documents.markdown import render_markdown
from partnership.editing import EditConflict, commit_edit
from partnership.extensions import db
from partnership.register.exchange import RegisterChange, compare_registers, export_register
from partnership.register.models import Partnership, Representative, StatutoryPartner
from partnership.register.services import long_date
from partnership.register.services.partnerships import partners_in_order, representative_term
from partnership.register.services.people import scope_of

PARTNERS_WHO_SIGN = 3
DRAFT_STATUS = "DRAFT"


class WorkflowRefused(Exception):
    """A step the workflow does not allow now; the message tells the user why."""


class RoundAlreadyOpen(WorkflowRefused):
    """A sign-off round is open already: finish or withdraw it first."""


class VersionPublished(WorkflowRefused):
    """A published version never changes."""


class NotARepresentative(WorkflowRefused):
    """Only a current representative of one of the partnership's partners may sign off."""


class AlreadySignedOff(WorkflowRefused):
    """A partner signs off a version once."""


class SignOffsIncomplete(WorkflowRefused):
    """Publishing needs all three partners' sign-off."""


class PublishingFailed(WorkflowRefused):
    """The PDF could not be rendered, so nothing was published."""


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the same day ``months`` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month,
                       day=min(day.day, calendar.monthrange(year, month)[1]))


def review_due_after(published_on: dt.date) -> dt.date:
    """Return when arrangements published on a date are due for review."""
    return add_months(published_on, current_app.config["ARRANGEMENTS_REVIEW_MONTHS"])


def in_words(names: Sequence[str]) -> str:
    """Join names as a sentence does: A, B and C."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


# --- narrative sections -------------------------------------------------------------------


@dataclass(frozen=True)
class NarrativeEntry:
    """One narrative section as the arrangements page shows it."""

    section: Section
    saved: NarrativeSection | None

    @property
    def written(self) -> bool:
        """Say whether the team has written anything in this section yet."""
        return bool(self.saved and self.saved.markdown.strip())

    @property
    def html(self) -> Markup:
        """Return the section's Markdown rendered and sanitised."""
        return render_markdown(self.saved.markdown if self.saved else "")


def narrative(partnership: Partnership) -> list[NarrativeEntry]:
    """Return every narrative section in document order, written or not."""
    saved = {
        row.section: row
        for row in db.session.scalars(
            sa.select(NarrativeSection).where(NarrativeSection.partnership_id == partnership.id))
    }
    return [NarrativeEntry(section, saved.get(section)) for section in Section]


def narrative_section(partnership: Partnership, section: Section) -> NarrativeSection:
    """Return the saved section, or a new unsaved one at version 0 (created on first save)."""
    row = db.session.scalars(
        sa.select(NarrativeSection).where(NarrativeSection.partnership_id == partnership.id,
                                          NarrativeSection.section == section)
    ).one_or_none()
    if row is None:
        # Kept out of the session until the first save; version 0 means "never saved".
        row = NarrativeSection(partnership_id=partnership.id, section=section, markdown="",
                               version=0)
    return row


def commit_section(row: NarrativeSection, values: dict[str, Any]) -> None:
    """Save a section; a first save that lost the race to another becomes an EditConflict."""
    if sa.inspect(row).transient:
        db.session.add(row)
    try:
        commit_edit(row, values)
    except IntegrityError:
        db.session.rollback()
        fresh = db.session.scalars(
            sa.select(NarrativeSection).where(
                NarrativeSection.partnership_id == row.partnership_id,
                NarrativeSection.section == row.section)
        ).one()
        raise EditConflict(fresh, values) from None


# --- versions and the sign-off round -----------------------------------------------------


def versions(partnership: Partnership) -> list[ArrangementsVersion]:
    """Return every version of the partnership's arrangements, newest first."""
    return list(db.session.scalars(
        sa.select(ArrangementsVersion)
        .where(ArrangementsVersion.partnership_id == partnership.id)
        .order_by(ArrangementsVersion.created_at.desc(), ArrangementsVersion.id.desc())
    ))


def published_versions(partnership: Partnership) -> list[ArrangementsVersion]:
    """Return the published versions, newest first."""
    return [v for v in versions(partnership) if v.status == VersionStatus.PUBLISHED]


def latest_published(partnership: Partnership) -> ArrangementsVersion | None:
    """Return the partnership's current published arrangements, if any."""
    return db.session.scalars(
        sa.select(ArrangementsVersion)
        .where(ArrangementsVersion.partnership_id == partnership.id,
               ArrangementsVersion.status == VersionStatus.PUBLISHED)
        .order_by(ArrangementsVersion.published_at.desc(), ArrangementsVersion.id.desc())
        .limit(1)
    ).first()


def open_round(partnership: Partnership) -> ArrangementsVersion | None:
    """Return the draft version being signed off, if a round is open."""
    return db.session.scalars(
        sa.select(ArrangementsVersion)
        .where(ArrangementsVersion.partnership_id == partnership.id,
               ArrangementsVersion.status == VersionStatus.DRAFT)
        .order_by(ArrangementsVersion.id.desc())
        .limit(1)
    ).first()


def default_title(partnership: Partnership, day: dt.date) -> str:
    """Suggest a title for a new version."""
    return f"{partnership.short_name or partnership.name} safeguarding arrangements {day.year}"


def start_round(partnership: Partnership, title: str) -> ArrangementsVersion:
    """Open a sign-off round: a new draft version with the given title."""
    current = open_round(partnership)
    if current is not None:
        raise RoundAlreadyOpen(
            f"A sign-off round is already open for “{current.title}”. "
            "Publish or withdraw it before starting another.")
    version = ArrangementsVersion(partnership=partnership, title=title.strip(),
                                  status=VersionStatus.DRAFT)
    db.session.add(version)
    db.session.flush()
    return version


def withdraw_round(version: ArrangementsVersion) -> None:
    """Close a sign-off round without publishing it (its sign-offs go with it)."""
    _refuse_if_published(version, "withdrawn")
    # The audit trail records every column of a deleted row: load the deferred ones first.
    db.session.refresh(version, ["pdf", "snapshot"])
    db.session.delete(version)
    db.session.flush()


def representations(user: User, partnership: Partnership, day: dt.date) -> list[Representative]:
    """Return the user's posts as a representative of the partnership's partners on a date."""
    scope = scope_of(user, day)
    if scope.person_id is None:
        return []
    return [post for partner in partners_in_order(partnership) if partner.id in scope.partner_ids
            for post in partner.representatives_on(day) if post.person_id == scope.person_id]


def partners_waiting(version: ArrangementsVersion) -> list[StatutoryPartner]:
    """Return the partnership's partners who have not signed this version off yet."""
    signed = {sign_off.partner_id for sign_off in version.sign_offs}
    return [p for p in partners_in_order(version.partnership) if p.id not in signed]


@dataclass(frozen=True)
class PartnerSignOff:
    """One partner's line in a version's sign-off: signed, or still waiting."""

    partner_name: str
    sign_off: SignOff | None


def sign_off_lines(version: ArrangementsVersion,
                   day: dt.date | None = None) -> list[PartnerSignOff]:
    """Return the three partners in the guidance's order, each with its sign-off if given."""
    by_partner = {sign_off.partner_id: sign_off for sign_off in version.sign_offs}
    lines = []
    for partner in partners_in_order(version.partnership):
        signed = by_partner.get(partner.id)
        on = signed.signed_at.astimezone(UK_TIME).date() if signed else (day or today())
        if signed is not None or version.status == VersionStatus.DRAFT:
            lines.append(PartnerSignOff(partner.name_on(on), signed))
    return lines


def post_to_sign(user: User, version: ArrangementsVersion,
                 day: dt.date | None = None) -> Representative | None:
    """Return the post in which the user would sign this draft off now, if there is one."""
    if version.status != VersionStatus.DRAFT:
        return None
    waiting = {p.id for p in partners_waiting(version)}
    posts = representations(user, version.partnership, day or today())
    return next((post for post in posts if post.partner_id in waiting), None)


def sign_off(version: ArrangementsVersion, user: User, day: dt.date | None = None) -> SignOff:
    """Record the user's sign-off for the partner they represent; refuse anyone else."""
    day = day or today()
    _refuse_if_published(version, "signed off again")
    posts = representations(user, version.partnership, day)
    if not posts:
        raise NotARepresentative(
            f"You are not a current representative of any of {version.partnership.name}'s "
            "statutory partners, so you cannot sign off its arrangements. "
            "Ask the partnership team to link your account to your entry in the register.")
    post = post_to_sign(user, version, day)
    if post is None:
        names = in_words(sorted({p.partner.name_on(day) for p in posts}))
        raise AlreadySignedOff(f"{names} has already signed off “{version.title}”.")
    person = post.person
    signed = SignOff(
        version=version, partner=post.partner, user_id=user.id,
        signed_by=person.name[:120],
        role=(post.title or person.job_title
              or representative_term(version.partnership.guidance, post.capacity))[:200],
        signed_at=utcnow(),
    )
    db.session.add(signed)
    db.session.flush()
    return signed


def ready_to_publish(version: ArrangementsVersion) -> bool:
    """Say whether a draft has the sign-off of all three partners."""
    partners = version.partnership.partners
    return (version.status == VersionStatus.DRAFT and len(partners) == PARTNERS_WHO_SIGN
            and not partners_waiting(version))


def publish(version: ArrangementsVersion, day: dt.date | None = None) -> ArrangementsVersion:
    """Publish a fully signed-off draft from the register as it is now, and freeze it."""
    # Imported here: the document module imports this one, and WeasyPrint loads only if used.
    from partnership.arrangements.document import arrangements_pdf
    from partnership.documents.pdf import RenderError

    day = day or today()
    _refuse_if_published(version, "published again")
    if not ready_to_publish(version):
        waiting = partners_waiting(version)
        who = in_words([p.name_on(day) for p in waiting])
        detail = f": still waiting for {who}" if waiting else ""
        if len(version.partnership.partners) != PARTNERS_WHO_SIGN:
            detail = ": the register must list the partnership's three statutory partners"
        raise SignOffsIncomplete(
            f"All three statutory partners must sign off “{version.title}” before it is "
            f"published{detail}.")
    partnership = version.partnership
    try:
        rendered = arrangements_pdf(partnership, as_of=day, status=f"Published {long_date(day)}",
                                    sign_offs=tuple(version.sign_offs))
    except RenderError as error:
        raise PublishingFailed(
            f"“{version.title}” could not be published because the document could not be "
            f"made ({error}). Nothing has changed; try again, or ask for help if it happens "
            "again.") from error
    version.snapshot = export_register(partnership)
    version.pdf = rendered.data
    version.sha256 = hashlib.sha256(rendered.data).hexdigest()
    version.pages = rendered.pages
    version.published_at = utcnow()
    version.review_due = review_due_after(day)
    version.status = VersionStatus.PUBLISHED
    db.session.flush()
    return version


def draft_pdf(partnership: Partnership, day: dt.date | None = None) -> bytes:
    """Render the current draft as a PDF, with any sign-offs of the open round."""
    from partnership.arrangements.document import arrangements_pdf

    current = open_round(partnership)
    return arrangements_pdf(partnership, as_of=day or today(), status=DRAFT_STATUS,
                            sign_offs=tuple(current.sign_offs) if current else ()).data


def draft_html(partnership: Partnership, day: dt.date | None = None) -> str:
    """Render the current draft as the in-app HTML preview."""
    from partnership.arrangements.document import arrangements_html

    current = open_round(partnership)
    return arrangements_html(partnership, as_of=day or today(), status=DRAFT_STATUS,
                             sign_offs=tuple(current.sign_offs) if current else (),
                             for_pdf=False)


def published_pdf(version: ArrangementsVersion) -> bytes:
    """Return the stored PDF of a published version."""
    if version.status != VersionStatus.PUBLISHED or version.pdf is None:
        raise WorkflowRefused(f"“{version.title}” has not been published.")
    return version.pdf


def pdf_filename(version: ArrangementsVersion) -> str:
    """Name the downloaded file safely: ``<slug>-arrangements-<year>.pdf``."""
    stem = re.sub(r"[^a-z0-9]+", "-", version.partnership.slug.lower()).strip("-") or "partnership"
    if version.published_at is None:
        return f"{stem}-arrangements-draft.pdf"
    return f"{stem}-arrangements-{version.published_at.astimezone(UK_TIME).year}.pdf"


def draft_filename(partnership: Partnership, day: dt.date | None = None) -> str:
    """Name the downloaded draft PDF safely, with the date it was made."""
    stem = re.sub(r"[^a-z0-9]+", "-", partnership.slug.lower()).strip("-") or "partnership"
    return f"{stem}-arrangements-draft-{(day or today()).isoformat()}.pdf"


def _refuse_if_published(version: ArrangementsVersion, what: str) -> None:
    if version.status == VersionStatus.PUBLISHED:
        raise VersionPublished(
            f"“{version.title}” is published and cannot be {what}: published versions never "
            "change. Start a new sign-off round instead.")


# --- immutability, enforced below the views ----------------------------------------------


def _refuse_changes_to_published(_mapper: Mapper[Any], _connection: Any,
                                 target: ArrangementsVersion) -> None:
    """Stop any flush that would change a version that was already published."""
    status = sa.inspect(target).attrs.status.history
    was = (status.deleted or status.unchanged or [None])[0]
    if was == VersionStatus.PUBLISHED:
        raise VersionPublished(f"“{target.title}” is published and cannot be changed.")


def _refuse_sign_off_of_published(_mapper: Mapper[Any], _connection: Any,
                                  target: SignOff) -> None:
    if target.version is not None and target.version.status == VersionStatus.PUBLISHED:
        raise VersionPublished(f"“{target.version.title}” is published and cannot be signed off.")


def _refuse_deleting_published(session: Session, _context: Any, _instances: Any) -> None:
    for obj in session.deleted:
        if isinstance(obj, ArrangementsVersion):
            status = sa.inspect(obj).attrs.status.history
            if (status.deleted or status.unchanged or [None])[0] == VersionStatus.PUBLISHED:
                raise VersionPublished(f"“{obj.title}” is published and cannot be deleted.")


def guard_published_versions() -> None:
    """Install, once, the checks that keep published versions immutable whatever the caller."""
    hooks = [
        (ArrangementsVersion, "before_update", _refuse_changes_to_published),
        (SignOff, "before_insert", _refuse_sign_off_of_published),
        (Session, "before_flush", _refuse_deleting_published),
    ]
    for target, name, hook in hooks:
        if not sa.event.contains(target, name, hook):
            sa.event.listen(target, name, hook)


# --- the dashboard -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewDate:
    """When a partnership's published arrangements are next due for review."""

    partnership: Partnership
    version: ArrangementsVersion | None
    days_left: int | None

    @property
    def overdue(self) -> bool:
        """Say whether the review date has passed."""
        return self.days_left is not None and self.days_left < 0

    @property
    def summary(self) -> str:
        """Say in words how far away the review is."""
        if self.days_left is None:
            return "not published yet"
        if self.days_left < 0:
            late = -self.days_left
            return f"overdue by {late} day{'' if late == 1 else 's'}"
        if self.days_left == 0:
            return "due today"
        return f"due in {self.days_left} day{'' if self.days_left == 1 else 's'}"


def days_until(due: dt.date, day: dt.date) -> int:
    """Return the days from ``day`` to ``due`` (negative once it has passed)."""
    return (due - day).days


def review_dates(day: dt.date | None = None) -> list[ReviewDate]:
    """Return, for every partnership, the next review of its latest published arrangements."""
    day = day or today()
    rows = []
    for partnership in db.session.scalars(sa.select(Partnership).order_by(Partnership.name)):
        version = latest_published(partnership)
        due = version.review_due if version else None
        rows.append(ReviewDate(partnership, version, days_until(due, day) if due else None))
    return rows


@dataclass(frozen=True)
class AwaitingSignOff:
    """A draft version waiting for the user's sign-off, and for which partner."""

    version: ArrangementsVersion
    post: Representative


def awaiting_sign_off(user: User, day: dt.date | None = None) -> list[AwaitingSignOff]:
    """Return the open sign-off rounds the user can sign off now."""
    day = day or today()
    partner_ids = scope_of(user, day).partner_ids
    if not partner_ids:
        return []
    drafts = db.session.scalars(
        sa.select(ArrangementsVersion)
        .join(StatutoryPartner,
              StatutoryPartner.partnership_id == ArrangementsVersion.partnership_id)
        .where(StatutoryPartner.id.in_(partner_ids),
               ArrangementsVersion.status == VersionStatus.DRAFT)
        .order_by(ArrangementsVersion.created_at, ArrangementsVersion.id)
        .distinct()
    )
    waiting = []
    for version in drafts:
        post = post_to_sign(user, version, day)
        if post is not None:
            waiting.append(AwaitingSignOff(version, post))
    return waiting


# --- comparing two published versions ----------------------------------------------------


@dataclass(frozen=True)
class ChangeGroup:
    """Changes of one kind in one part of the register, e.g. "Agencies added"."""

    heading: str
    changes: tuple[RegisterChange, ...]


CHANGE_ORDER = ("added", "removed", "changed")


def with_snapshot(version_id: int) -> ArrangementsVersion | None:
    """Load a version with its snapshot (deferred otherwise)."""
    return db.session.scalars(
        sa.select(ArrangementsVersion).options(undefer(ArrangementsVersion.snapshot))
        .where(ArrangementsVersion.id == version_id)
    ).one_or_none()


def compare_versions(older: ArrangementsVersion,
                     newer: ArrangementsVersion) -> list[ChangeGroup]:
    """Return what changed in the register between two published versions, grouped."""
    for version in (older, newer):
        if version.status != VersionStatus.PUBLISHED or version.snapshot is None:
            raise WorkflowRefused(f"“{version.title}” has not been published, so it has no "
                                  "register snapshot to compare.")
    return group_changes(compare_registers(older.snapshot or {}, newer.snapshot or {}))


def group_changes(changes: Sequence[RegisterChange]) -> list[ChangeGroup]:
    """Group changes by section (in the order they come) and kind (added, removed, changed)."""
    sections: list[str] = []
    for change in changes:
        if change.section not in sections:
            sections.append(change.section)
    groups = []
    for section in sections:
        for kind in CHANGE_ORDER:
            found = tuple(c for c in changes if c.section == section and c.change == kind)
            if found:
                groups.append(ChangeGroup(f"{_section_heading(section)} {kind}", found))
    return groups


def _section_heading(section: str) -> str:
    words = section.replace("_", " ").strip()
    return words[:1].upper() + words[1:]

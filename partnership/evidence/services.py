"""Evidence files: attach one to a record, list a record's files, remove one, open one, and
how much of its partnership's quota they use.

The one mechanism every record with evidence uses (progress updates, audit returns,
self-assessment returns, scrutiny activities, meeting papers). Permissions are the views'
part (``can(user, "attach", ...)``); these functions keep the rules about the files
themselves: allowed kinds only, read from the content, never the name or the browser's word
(``sniffing``); the name must agree with the content; a size limit and a per-partnership
quota from the settings; random stored names, written whole, kept in step with the
transaction (``store``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, joinedload
from werkzeug.datastructures import FileStorage

from partnership.audit.services import current_actor, record_event
from partnership.database import utcnow
from partnership.evidence import sniffing, store
from partnership.evidence.models import EvidenceFile
from partnership.extensions import db
from partnership.kernel.errors import DomainError, NotFound
from partnership.policy import EVIDENCE_OWNERS, partnership_routes

FIELD = "evidence"
FILENAME_MAX = 200
# Characters no file name needs, which some systems refuse or read as paths or quoting.
UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f"*/:<>?\\|]+')


def human_size(size: int) -> str:
    """A size as people say it: 512 bytes, 14 KB, 2.5 MB, 2 GB."""
    if size < 1024:
        return "1 byte" if size == 1 else f"{size} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            break
    text = f"{value:.1f}".removesuffix(".0") if value < 10 else f"{value:.0f}"
    return f"{text} {unit}"


def max_bytes() -> int:
    """The largest file that may be attached (EVIDENCE_MAX_BYTES)."""
    return int(current_app.config["EVIDENCE_MAX_BYTES"])


def quota_bytes() -> int:
    """How much each partnership may keep in all (EVIDENCE_QUOTA_BYTES)."""
    return int(current_app.config["EVIDENCE_QUOTA_BYTES"])


def allowed_types_hint() -> str:
    """The hint under every file field: what may be attached and how big."""
    return (f"{sniffing.ALLOWED_TYPES_TEXT} files, each smaller than "
            f"{human_size(max_bytes())}")


def clean_filename(raw: str | None) -> str:
    """The name the uploader gave, as a safe plain name: no folders, no control or quoting
    characters, at most 200 characters with its extension kept ("" if nothing is left)."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[/\\]", name)[-1]  # browsers on Windows may send C:\fakepath\...
    name = UNSAFE_IN_NAMES.sub(" ", name)
    name = " ".join(name.split()).strip(" .")
    if len(name) > FILENAME_MAX:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= 10:
            name = f"{stem[:FILENAME_MAX - len(extension) - 1].rstrip()}.{extension}"
        else:
            name = name[:FILENAME_MAX]
    return name


def _partnership_id_of(owner: Any) -> int:
    """The partnership whose quota the owner's files count against: its own, or the one its
    first route to a partnership reaches (a joint round's own partnership, say)."""
    for route in partnership_routes(type(owner)):
        value = owner
        for name in route.links:
            value = getattr(value, name, None)
            if value is None:
                break
        if value is None:
            continue
        if route.end == "self":
            return int(value.id)
        if route.end == "partnership_id" and value.partnership_id is not None:
            return int(value.partnership_id)
    raise ValueError(f"{owner!r} belongs to no partnership, so it cannot carry evidence")


def _check_owner(owner_kind: str, owner: Any) -> None:
    model, _verb = EVIDENCE_OWNERS.get(owner_kind, (None, ""))
    if model is None or not isinstance(owner, model):
        raise ValueError(f"{owner!r} is not a record of the evidence owner kind {owner_kind!r}")


def attach(owner_kind: str, owner: Any, upload: FileStorage | None, user: Any
           ) -> EvidenceFile:
    """Keep an uploaded file as evidence on ``owner``, within the partnership's quota.

    Refuses (DomainError on the ``evidence`` field) a missing or empty file, one over the
    size limit, any kind not allowed, a name that disagrees with the content, and a file
    that would take the partnership past its quota. Flushes; the caller commits (and a
    rollback deletes the stored bytes again).
    """
    _check_owner(owner_kind, owner)
    if upload is None or not upload.filename:
        raise DomainError("Select a file", field=FIELD)
    filename = clean_filename(upload.filename)
    if not filename:
        raise DomainError("The selected file must have a name", field=FIELD)
    if owner.id is None:
        db.session.flush()
    partnership_id = _partnership_id_of(owner)
    limit = max_bytes()
    try:
        with store.receive(upload.stream, limit) as incoming:
            if incoming.size == 0:
                raise DomainError("The selected file is empty", field=FIELD)
            try:
                kind = sniffing.kind_for(sniffing.sniff(incoming.path), filename)
            except sniffing.Unreadable as problem:
                raise DomainError(str(problem), field=FIELD) from None
            used = usage(partnership_id)
            if used.used + incoming.size > used.quota:
                raise DomainError(
                    f"There is no room for this file: the partnership's evidence files use "
                    f"{human_size(used.used)} of {human_size(used.quota)}. Remove files that "
                    f"are no longer needed, or ask the partnership team", field=FIELD)
            stored_name = store.keep(incoming)
    except store.TooLarge:
        raise DomainError(f"The selected file must be smaller than {human_size(limit)}",
                          field=FIELD) from None
    evidence = EvidenceFile(
        partnership_id=partnership_id, owner_kind=owner_kind, owner_id=owner.id,
        filename=filename, media_type=kind.media_type, size=incoming.size,
        sha256=incoming.sha256, stored_name=stored_name,
        uploaded_by_id=getattr(user, "id", None))
    db.session.add(evidence)
    db.session.flush()
    return evidence


def files_for(owner_kind: str, owner_ids: Iterable[int]) -> dict[int, list[EvidenceFile]]:
    """The files on each of these records, oldest first (one query; removed files left out)."""
    ids = sorted(set(owner_ids))
    found: dict[int, list[EvidenceFile]] = {owner_id: [] for owner_id in ids}
    if not ids:
        return found
    for evidence in db.session.scalars(
            sa.select(EvidenceFile)
            .options(joinedload(EvidenceFile.uploaded_by))
            .where(EvidenceFile.owner_kind == owner_kind, EvidenceFile.owner_id.in_(ids),
                   EvidenceFile.removed_at.is_(None))
            .order_by(EvidenceFile.uploaded_at, EvidenceFile.id)):
        found[evidence.owner_id].append(evidence)
    return found


def file_or_404(file_id: int) -> EvidenceFile:
    """The file with this id (404 if there is none)."""
    return db.get_or_404(EvidenceFile, file_id)


def remove(evidence: EvidenceFile, user: Any) -> None:
    """Remove a file: its row stays, saying who removed it and when; its bytes are deleted
    once the removal is committed."""
    if evidence.removed_at is not None:
        raise DomainError(f"{evidence.filename} has already been removed", field=FIELD)
    evidence.removed_at = utcnow()
    evidence.removed_by_id = getattr(user, "id", None)
    store.delete_after_commit(evidence.stored_name)
    db.session.flush()


def _remove_with_owner(session: Session, _context: Any, _instances: Any) -> None:
    """A record deleted with files on it (a self-assessment return taken out of a round,
    say) takes them with it: their rows say they were removed, and their bytes go once the
    deletion is committed, so no file is left that nobody can see, remove or stop counting."""
    kinds = {model: kind for kind, (model, _verb) in EVIDENCE_OWNERS.items()}
    doomed: dict[str, list[int]] = {}
    for record in session.deleted:
        kind = kinds.get(type(record))
        if kind is not None and getattr(record, "id", None) is not None:
            doomed.setdefault(kind, []).append(record.id)
    if not doomed:
        return
    with session.no_autoflush:
        files = session.scalars(sa.select(EvidenceFile).where(
            EvidenceFile.removed_at.is_(None),
            sa.or_(*(sa.and_(EvidenceFile.owner_kind == kind, EvidenceFile.owner_id.in_(ids))
                     for kind, ids in doomed.items()))))
        for evidence in files:
            evidence.removed_at = utcnow()
            evidence.removed_by_id = current_actor().user_id
            store.delete_after_commit(evidence.stored_name, session)


def install_listeners() -> None:
    """Keep the files in step with the database: the store with each transaction, and the
    files with the records they are on, once."""
    store.install_listeners()
    if not sa.event.contains(Session, "before_flush", _remove_with_owner):
        sa.event.listen(Session, "before_flush", _remove_with_owner)


def open_file(evidence: EvidenceFile) -> IO[bytes]:
    """Open a file's bytes to read (NotFound if it was removed or its bytes are missing)."""
    if evidence.removed_at is not None:
        raise NotFound(f"{evidence.filename} was removed")
    try:
        return store.open_bytes(evidence.stored_name)
    except FileNotFoundError:
        raise NotFound(f"The bytes of {evidence.filename} are missing") from None


def record_download(evidence: EvidenceFile) -> None:
    """Write the download to the audit trail (and commit it)."""
    record_event("download", record_type=EvidenceFile.__tablename__, record_id=evidence.id,
                 about=evidence, changes={"filename": evidence.filename,
                                          "owner": f"{evidence.owner_kind} {evidence.owner_id}",
                                          "sha256": evidence.sha256})


# --- the quota ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """How much of its quota a partnership's evidence files use."""

    used: int
    quota: int
    files: int

    @property
    def percent(self) -> int:
        """The share of the quota used, in whole percent (at most 100)."""
        return min(100, round(100 * self.used / self.quota)) if self.quota else 100

    @property
    def left(self) -> int:
        """Bytes still free."""
        return max(0, self.quota - self.used)


def _kept(partnership_id: int) -> sa.ColumnElement[bool]:
    return sa.and_(EvidenceFile.partnership_id == partnership_id,
                   EvidenceFile.removed_at.is_(None))


def usage(partnership_id: int) -> Usage:
    """Bytes used by the partnership's files (removed ones free their room), its quota and
    how many files it keeps."""
    used, count = db.session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(EvidenceFile.size), 0), sa.func.count())
        .where(_kept(partnership_id))).one()
    return Usage(used=int(used), quota=quota_bytes(), files=int(count))


@dataclass(frozen=True)
class KindUsage:
    """The files kept on one kind of record."""

    owner_kind: str
    label: str
    files: int
    size: int


def owner_kind_label(owner_kind: str) -> str:
    """A kind of owner as people say it: "progress_update" -> "Progress updates"."""
    words = owner_kind.replace("_", " ").strip().capitalize()
    return words if words.endswith("s") else f"{words}s"


def usage_by_kind(partnership_id: int) -> list[KindUsage]:
    """The partnership's files by the kind of record they are on, biggest share first."""
    rows = db.session.execute(
        sa.select(EvidenceFile.owner_kind, sa.func.count(), sa.func.sum(EvidenceFile.size))
        .where(_kept(partnership_id)).group_by(EvidenceFile.owner_kind)).all()
    found = [KindUsage(kind, owner_kind_label(kind), int(count), int(size or 0))
             for kind, count, size in rows]
    return sorted(found, key=lambda row: (-row.size, row.owner_kind))


def largest_files(partnership_id: int, limit: int = 10) -> list[EvidenceFile]:
    """The partnership's biggest files, to remove first when room runs short."""
    return list(db.session.scalars(
        sa.select(EvidenceFile).options(joinedload(EvidenceFile.uploaded_by))
        .where(_kept(partnership_id))
        .order_by(EvidenceFile.size.desc(), EvidenceFile.id).limit(limit)))

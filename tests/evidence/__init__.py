"""Evidence files: the service, the download and remove pages, and files on progress updates
and meeting papers; builders for the records they need."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from werkzeug.datastructures import FileStorage

from partnership.audit.services import acting_as
from partnership.evidence import services
from partnership.evidence.models import EvidenceFile
from partnership.extensions import db


def upload(data: bytes, filename: str, content_type: str = "application/octet-stream"
           ) -> FileStorage:
    """A file as the browser sends it (the content type is the browser's word, ignored)."""
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type=content_type)


def attach_file(app: Flask, owner_kind: str, model: type, owner_id: int, data: bytes,
                filename: str, user: Any = None) -> int:
    """Attach a file to a record and commit; return the file's id."""
    with app.app_context(), acting_as("tests"):
        owner = db.session.get_one(model, owner_id)
        evidence = services.attach(owner_kind, owner, upload(data, filename), user)
        db.session.commit()
        return evidence.id


def stored_files(app: Flask) -> set[str]:
    """The names in the evidence folder (temporary ones included)."""
    folder = Path(app.config["EVIDENCE_DIR"])
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def stored_path(app: Flask, file_id: int) -> Path:
    """Where a file's bytes are kept."""
    with app.app_context():
        evidence = db.session.get_one(EvidenceFile, file_id)
        return Path(app.config["EVIDENCE_DIR"]) / evidence.stored_name


def evidence_rows(app: Flask) -> int:
    """How many evidence rows there are (removed ones included)."""
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(EvidenceFile)) or 0)

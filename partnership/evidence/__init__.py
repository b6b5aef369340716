"""Evidence files: one attachment mechanism for every record that carries evidence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Flask

from partnership.clock import UK_TIME
from partnership.kernel.dates import long_date


def uploaded_on(at: dt.datetime | None) -> str:
    """Write a stored (UTC) time as its date in England (1 July 2026)."""
    if at is None:
        return ""
    aware = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    return long_date(aware.astimezone(UK_TIME).date())


def check_folder(app: Flask) -> None:
    """Refuse to start with the evidence folder inside the web root (the static folder), where
    files would be served without a permission check."""
    folder = Path(app.config["EVIDENCE_DIR"]).resolve()
    static = Path(app.static_folder or app.root_path).resolve()
    if folder == static or static in folder.parents:
        raise RuntimeError(f"EVIDENCE_DIR ({folder}) must be outside the web root ({static})")


def init_app(app: Flask) -> None:
    """Map the models, keep the file store in step with transactions, register the pages and
    ``flask evidence``."""
    from partnership.evidence import (
        models,  # noqa: F401 - the models must be mapped
        services,
    )
    from partnership.evidence.cli import evidence_cli
    from partnership.evidence.views import bp

    check_folder(app)
    services.install_listeners()
    app.register_blueprint(bp)
    app.cli.add_command(evidence_cli)
    # The file list macro (templates/evidence/_files.html) is imported without context.
    app.add_template_filter(services.human_size, "evidence_size")
    app.add_template_filter(uploaded_on, "evidence_date")

"""One publishing workflow for every document the safeguarding partners sign off.

``models`` (the lifecycle mixin, signatures, signed content, deputies), ``documents`` (the
adapter a document plugs in with, and the registry), ``workflow`` (sign, lapse, publish,
supersede, versions signed on paper, what waits for whom), ``guards`` and ``triggers``
(nothing published changes: ORM and database), ``published`` (a published version read in
the browser), ``views`` (deputies, the published file and page, paper signatures).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models, register the deputies' pages, the filing job and the home panel."""
    from partnership.jobs.services import handler
    from partnership.publishing import (
        documents,
        models,  # noqa: F401 - the models must be mapped
        workflow,
    )
    from partnership.publishing.views import bp, signed

    app.register_blueprint(bp)
    app.register_blueprint(signed)
    handler(workflow.FILE_JOB)(workflow.file_job)
    app.jinja_env.globals.update(sign_offs_waiting=workflow.waiting_for,
                                 published_page_url=documents.page_url,
                                 paper_version_url=documents.paper_url)

"""One publishing workflow for every document the safeguarding partners sign off.

``models`` (the lifecycle mixin, signatures, signed content, deputies), ``documents`` (the
adapter a document plugs in with, and the registry), ``workflow`` (sign, lapse, publish,
supersede, what waits for whom), ``guards`` and ``triggers`` (nothing published changes:
ORM and database), ``views`` (deputies, the published file).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Map the models, register the deputies' pages, the filing job and the home panel."""
    from partnership.jobs.services import handler
    from partnership.publishing import (
        models,  # noqa: F401 - the models must be mapped
        workflow,
    )
    from partnership.publishing.views import bp

    app.register_blueprint(bp)
    handler(workflow.FILE_JOB)(workflow.file_job)
    app.jinja_env.globals.update(sign_offs_waiting=workflow.waiting_for)

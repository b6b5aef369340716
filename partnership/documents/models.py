"""Rendered documents kept by the digest of what the renderer reads."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from partnership.database import UTCDateTime, utcnow
from partnership.extensions import db
from partnership.kernel.enums import LabelledEnum, enum_column


class RenderStatus(LabelledEnum):
    """A render waiting for the worker, finished, or failed with a reason."""

    PREPARING = "preparing"
    READY = "ready"
    FAILED = "failed"


class DocumentRender(db.Model):
    """One render request and, once the worker has rendered it, its PDF.

    Content-addressed: ``digest`` is :func:`partnership.documents.pdf._digest` of the HTML,
    title, author and resources, so the same document is rendered once while its row is kept.
    ``request`` holds what the renderer needs (compressed JSON), so the worker never has to
    rebuild the document.
    """

    __tablename__ = "document_render"
    __audited__ = False  # a cache of what a document looked like; downloads are audited

    digest: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    request: Mapped[bytes] = mapped_column(sa.LargeBinary)
    status: Mapped[RenderStatus] = mapped_column(enum_column(RenderStatus, 10),
                                                 default=RenderStatus.PREPARING)
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    pages: Mapped[int | None]
    size: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(sa.Text)
    # Kept whatever the budget says (a render something published depends on).
    pinned: Mapped[bool] = mapped_column(default=False)
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_wanted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    rendered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    render_seconds: Mapped[float | None]

    def __repr__(self) -> str:
        return f"<DocumentRender {self.digest[:12]} {self.status}>"

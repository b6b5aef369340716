"""Notices in the authorization matrix: everyone reads their own notices and chooses what they
receive (the scrutineer too: these are their own, not a record's); the team sets a
partnership's digest day; the administrator watches the scheduled jobs."""

from __future__ import annotations

from types import SimpleNamespace

from partnership import clock
from partnership.extensions import db
from partnership.notices.models import Notice, NoticeKind
from partnership.policy import Role

ALL = frozenset(Role)

EXPECTED: dict[str, frozenset[Role]] = {
    "notices.centre": ALL,
    "notices.read": ALL,
    "notices.read_all": ALL,
    "notices.preferences": ALL,
    "notices.digest_time": frozenset({Role.TEAM}),
    "notices.scheduled_jobs": frozenset({Role.ADMIN}),
}

SCRUTINEER_POSTS = frozenset({"/notices/<int:notice_id>/read", "/notices/read",
                              "/notices/preferences"})


def placeholders(base: SimpleNamespace) -> dict[str, str]:
    """A notice of the viewer's own (or of the record's owner, for the anonymous visitor)."""
    notice = Notice(user_id=base.viewer_id or base.user_id, kind=NoticeKind.ACTION_ASSIGNED,
                    title="An action was assigned to you: Matrix action", path="/actions",
                    key=f"matrix:{base.viewer_id}:{base.user_id}", created_at=clock.now())
    db.session.add(notice)
    db.session.commit()
    return {"notice_id": str(notice.id)}

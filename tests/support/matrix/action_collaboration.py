"""Working on actions together in the authorization matrix: comments for everyone working on
actions, requests for a new target date from whoever records progress (decided by the owning
body's chair or the team), changes in bulk by those who edit actions; and every user's own
saved filters."""

from __future__ import annotations

from types import SimpleNamespace

from partnership.accounts.models import SavedFilter
from partnership.extensions import db
from partnership.policy import Role

ALL = frozenset(Role)
WORKERS = frozenset({Role.TEAM, Role.CHAIR, Role.AGENCY, Role.PARTNER})
TEAM_AND_CHAIR = frozenset({Role.TEAM, Role.CHAIR})

EXPECTED: dict[str, frozenset[Role]] = {
    "actions.comment": WORKERS,
    "actions.date_request": WORKERS,
    "actions.date_withdraw": WORKERS,
    "actions.date_decide": TEAM_AND_CHAIR,
    "actions.bulk": TEAM_AND_CHAIR,
    "accounts.filters": ALL,
    "accounts.filter_save": ALL,
    "accounts.filter_delete": ALL,
}

# A saved filter is the user's own, like their password: the scrutineer keeps theirs too.
SCRUTINEER_POSTS = frozenset({"/account/filters/save",
                              "/account/filters/<int:filter_id>/delete"})


def placeholders(base: SimpleNamespace) -> dict[str, str]:
    """A saved filter of the action list, the signed-in user's own."""
    saved = SavedFilter(user_id=base.viewer_id or base.user_id, endpoint="actions.index",
                        name="Matrix filter", query="status=in_progress")
    db.session.add(saved)
    db.session.commit()
    return {"filter_id": str(saved.id)}

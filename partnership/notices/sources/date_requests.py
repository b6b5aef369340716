"""Requests for a new target date waiting for the person's decision (the owning body's chair,
or the team)."""

from __future__ import annotations

from typing import Any

from partnership.actions.services import date_requests_to_decide
from partnership.kernel.dates import long_date
from partnership.notices.items import Item, Window, link
from partnership.notices.sources import register


@register("date_requests", "Target dates waiting for your decision")
def date_requests_waiting(user: Any, _window: Window) -> list[Item]:
    """Each pending request the user may decide, oldest first."""
    found = []
    for request in date_requests_to_decide(user):
        action = request.action
        current = long_date(request.current_due) if request.current_due else "none"
        who = request.requested_by_name or "Someone"
        found.append(Item(
            family="date_requests", title=action.title,
            detail=(f"{who} asks to move its target date from {current} to "
                    f"{long_date(request.requested_due)}"),
            path=link("actions.detail", action_id=action.id, _anchor="comments"),
            partnership_id=action.partnership_id, due=request.requested_due))
    return found

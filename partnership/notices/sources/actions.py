"""Actions a person leads (or their agency leads, or their groups own): due in the next two
weeks, overdue, or waiting for an update."""

from __future__ import annotations

from typing import Any

from partnership.actions.queries import tracked
from partnership.actions.services import mine_filter
from partnership.kernel.dates import long_date
from partnership.notices.items import Item, Window, link
from partnership.notices.sources import register
from partnership.policy import served, serves_all


def _words(action: Any, window: Window) -> str | None:
    """Why the action is listed, or None if it need not be."""
    due = action.target_date
    if due is not None and due < window.today:
        return f"Overdue: its target date was {long_date(due)}"
    if due is not None and due <= window.until:
        return f"Due {long_date(due)}"
    if action.judgement.update_overdue:
        since = action.last_update_on
        return (f"Waiting for an update (the last was on {long_date(since)})" if since
                else "Waiting for its first update")
    return None


@register("actions", "Actions you lead")
def actions_led(user: Any, window: Window) -> list[Item]:
    """Open actions the user leads that are due soon, overdue or waiting for an update."""
    flt = mine_filter(user)
    if flt is None:
        return []
    partnerships = None if serves_all(user) else served(user)
    found = []
    for action in tracked(flt, window.today):
        if not action.is_open or (partnerships is not None
                                  and action.partnership_id not in partnerships):
            continue
        if action.case_id is not None:
            continue  # a case review's action is listed with its case (need-to-know)
        words = _words(action, window)
        if words is None:
            continue
        found.append(Item(family="actions", title=action.title, detail=words,
                          path=link("actions.detail", action_id=action.id),
                          partnership_id=action.partnership_id, due=action.target_date))
    return found

""""An action assigned to you": told when a person in the app makes someone an action's lead.

Notices detects it itself (the action tracker never calls notices): after each flush, an
action that is new with a lead, or whose lead changed, tells the new lead's account, unless
the person who made the change is that lead. Changes made outside a request (the demo's
load, a command) tell nobody.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import has_request_context, url_for
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from partnership import clock
from partnership.actions.models import Action
from partnership.audit.services import current_actor
from partnership.notices.models import Delivery, Notice, NoticeKind, NoticePreference
from partnership.register.models import Person


def _lead_changed(action: Action, new: bool) -> bool:
    if action.lead_person_id is None:
        return False
    if new:
        return True
    state = sa.inspect(action)
    return (state.attrs.lead_person_id.history.has_changes()
            or state.attrs.lead_person.history.has_changes())


def _tell_new_leads(session: Session, _flush_context: Any) -> None:
    """After a flush, tell each action's new lead (one notice per change)."""
    if not has_request_context():
        return
    changed = [(obj, obj in session.new) for obj in (*session.new, *session.dirty)
               if isinstance(obj, Action)]
    changed = [action for action, new in changed if _lead_changed(action, new)]
    if not changed:
        return
    connection = session.connection()
    actor = current_actor().user_id
    insert_of = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[
        connection.dialect.name]
    now = clock.now()
    for action in changed:
        user_id = connection.scalar(sa.select(Person.user_id).where(
            Person.id == action.lead_person_id))
        if user_id is None or user_id == actor:
            continue
        delivery = connection.scalar(sa.select(NoticePreference.delivery).where(
            NoticePreference.user_id == user_id,
            NoticePreference.kind == NoticeKind.ACTION_ASSIGNED)) or Delivery.EMAIL
        if Delivery(delivery) is Delivery.OFF:
            continue
        due = action.target_date
        connection.execute(insert_of(Notice.__table__).values(
            user_id=user_id, kind=NoticeKind.ACTION_ASSIGNED,
            title=f"An action was assigned to you: {action.title}"[:300],
            detail=(f"You are now its lead officer; its target date is {due.day} {due:%B %Y}"
                    if due else "You are now its lead officer; it has no target date yet"),
            path=url_for("actions.detail", action_id=action.id),
            partnership_id=action.partnership_id, created_at=now, read_at=None,
            key=f"action_assigned:{user_id}:{action.id}:{now.isoformat()}"[:200],
            mail_pending=Delivery(delivery) is Delivery.EMAIL,
        ).on_conflict_do_nothing(index_elements=["key"]))


def install_listener() -> None:
    """Listen to every session's flushes (once)."""
    if not sa.event.contains(Session, "after_flush", _tell_new_leads):
        sa.event.listen(Session, "after_flush", _tell_new_leads)

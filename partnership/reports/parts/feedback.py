"""Part 6, feedback from children and families: first the voice register's engagements held
in the period (started on or before its end, ended on or after its start), oldest first,
each with who was heard, how, what they said, what changed, and the actions that came of it
(each as it stood on ``as_of``; an action made after ``as_of`` is left out); then progress
updates dated in the period and flagged as feedback (corrected ones left out, and those of
unnamed cases), oldest first.
"""

from __future__ import annotations

from partnership.reports.content import (
    EngagementActionRow,
    EngagementEntry,
    Feedback,
    FeedbackEntry,
)
from partnership.reports.parts.records import Records, action_link
from partnership.voice.services import engagements_for_report


def engagements(records: Records) -> list[EngagementEntry]:
    """The voice register's engagements held in the period, with their actions."""
    found = []
    for engagement in engagements_for_report(records.partnership.id, records.start,
                                             records.as_of):
        actions = []
        for taken in engagement.actions:
            action = records.actions.get(taken.action_id)
            if action is None or action.created_on > records.as_of:
                continue
            actions.append(EngagementActionRow(title=action.title,
                                               status=records.status(action).label,
                                               link=action_link(action.id)))
        found.append(EngagementEntry(
            title=engagement.title, kind=engagement.kind, held_from=engagement.held_from,
            held_to=engagement.held_to, who=engagement.who, how_many=engagement.how_many,
            led_by=engagement.led_by, commissioned_by=engagement.commissioned_by,
            what_said=engagement.what_said.strip(),
            what_changed=engagement.what_changed.strip(), actions=actions,
            link=engagement.link))
    return found


def feedback(records: Records) -> Feedback:
    """List how feedback from children and families was sought and used in the period."""
    heard = engagements(records)
    entries = []
    for update in records.updates:
        action = records.actions[update.action_id]
        if not update.children_and_families or not records.visible(action):
            continue
        entries.append(FeedbackEntry(
            recorded=update.recorded_on.isoformat(), action=action.title,
            link=action_link(action.id), objective=records.objective_label(action.objective_id),
            how_sought=update.narrative, how_used=update.impact))
    missing = "" if entries or heard else (
        "No progress update in this period was flagged as feedback from children and "
        "families.")
    return Feedback(entries=entries, missing=missing, engagements=heard)

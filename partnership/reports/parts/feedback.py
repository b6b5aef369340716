"""Part 6, feedback from children and families: progress updates dated in the period and
flagged as such (corrected ones left out, and those of unnamed cases), oldest first.
"""

from __future__ import annotations

from partnership.reports.content import Feedback, FeedbackEntry
from partnership.reports.parts.records import Records, action_link


def feedback(records: Records) -> Feedback:
    """List the feedback from children and families recorded in the period."""
    entries = []
    for update in records.updates:
        action = records.actions[update.action_id]
        if not update.children_and_families or not records.visible(action):
            continue
        entries.append(FeedbackEntry(
            recorded=update.recorded_on.isoformat(), action=action.title,
            link=action_link(action.id), objective=records.objective_label(action.objective_id),
            how_sought=update.narrative, how_used=update.impact))
    missing = "" if entries else (
        "No progress update in this period was flagged as feedback from children and "
        "families.")
    return Feedback(entries=entries, missing=missing)

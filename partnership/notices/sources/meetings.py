"""Meetings coming up in the next two weeks of the groups a person chairs or sits on, with
their papers."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from partnership.evidence.services import files_for
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.meetings.models import Meeting, MeetingStatus
from partnership.notices.items import Item, Window, link, plural
from partnership.notices.sources import register
from partnership.policy import scope


@register("meetings", "Meetings coming up")
def meetings_coming_up(user: Any, window: Window) -> list[Item]:
    """Scheduled meetings of the user's groups from today to the window's end."""
    bodies = scope(user).body_ids
    if not bodies:
        return []
    meetings = list(db.session.scalars(
        sa.select(Meeting).options(joinedload(Meeting.body))
        .where(Meeting.body_id.in_(sorted(bodies)), Meeting.status == MeetingStatus.SCHEDULED,
               Meeting.held_on >= window.today, Meeting.held_on <= window.until)
        .order_by(Meeting.held_on, Meeting.id)))
    if not meetings:
        return []
    papers = files_for("meeting", [meeting.id for meeting in meetings])
    found = []
    for meeting in meetings:
        count = len(papers.get(meeting.id, []))
        time = f" at {meeting.starts_at:%H:%M}" if meeting.starts_at else ""
        found.append(Item(
            family="meetings", title=f"{meeting.body.name}, {long_date(meeting.held_on)}{time}",
            detail=(f"{plural(count, 'paper')} to read" if count else "No papers yet"),
            path=link("meetings.detail", meeting_id=meeting.id),
            partnership_id=meeting.body.partnership_id, due=meeting.held_on))
    return found

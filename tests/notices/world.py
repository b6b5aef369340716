"""A small partnership to tell people about: a group chaired by a person with an account,
actions they lead, a case their group reviews, a meeting coming up."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from flask import Flask

from partnership import clock
from partnership.actions.models import Action
from partnership.extensions import db
from partnership.meetings.models import Meeting
from partnership.register.models import (
    Body,
    BodyKind,
    PartnerKind,
    Partnership,
    Person,
    StatutoryPartner,
)
from partnership.reviews.models import Case, IncidentType

# A Monday clear of bank holidays, so working days are plain to count.
MONDAY = dt.date(2027, 2, 1)


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An instant on a day, UK time."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=clock.UK_TIME)


def build(app: Flask, chair_user_id: int, *, slug: str = "north") -> SimpleNamespace:
    """Add the partnership and its records; return their ids."""
    with app.app_context():
        partnership = Partnership(slug=slug, name=f"{slug.title()} Safeguarding Partnership",
                                  short_name=slug.upper())
        partnership.partners = [StatutoryPartner(kind=kind) for kind in PartnerKind]
        chair = Person(name="Cara Chair", user_id=chair_user_id)
        body = Body(partnership=partnership, kind=BodyKind.SUBGROUP, name="Learning Group",
                    chair=chair)
        old = dt.datetime.combine(MONDAY - dt.timedelta(days=100), dt.time(9), tzinfo=dt.UTC)
        recent = dt.datetime.combine(MONDAY - dt.timedelta(days=1), dt.time(9), tzinfo=dt.UTC)

        def action(title: str, due: dt.date | None, created: dt.datetime, **more: Any) -> Action:
            return Action(partnership=partnership, year=2026, title=title, body=body,
                          lead_person=chair, target_date=due, created_at=created, **more)

        due_soon = action("Share the seven-minute briefing", MONDAY + dt.timedelta(days=5),
                          recent)
        overdue = action("Audit the neglect pathway", MONDAY - dt.timedelta(days=3), recent)
        stale = action("Refresh the escalation policy", MONDAY + dt.timedelta(days=60), old)
        quiet = action("Plan next year's conference", MONDAY + dt.timedelta(days=60), recent)
        # Aware on the Tuesday before: the notification is due 5 working days later, Tuesday.
        case = Case(partnership=partnership, reference="Child Z", reviewing_body=body,
                    incident_type=IncidentType.SERIOUS_HARM,
                    aware_on=MONDAY - dt.timedelta(days=6),
                    retention_until=MONDAY + dt.timedelta(days=365 * 15))
        meeting = Meeting(body=body, held_on=MONDAY + dt.timedelta(days=3),
                          starts_at=dt.time(14, 0))
        db.session.add_all([partnership, chair, body, due_soon, overdue, stale, quiet, case,
                            meeting])
        db.session.commit()
        return SimpleNamespace(
            partnership_id=partnership.id, body_id=body.id, chair_person_id=chair.id,
            due_soon=due_soon.id, overdue=overdue.id, stale=stale.id, quiet=quiet.id,
            case_id=case.id, meeting_id=meeting.id)

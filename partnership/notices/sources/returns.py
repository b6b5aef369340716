"""Returns and figures a person's organisation owes: self-assessment returns not yet sent,
and the dataset's figures for the last complete period not yet entered."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from partnership.dataset.models import Indicator, IndicatorValue
from partnership.dataset.periods import period_of
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.notices.items import Item, Window, link
from partnership.notices.sources import register
from partnership.policy import Role, scope
from partnership.register.models import Partnership
from partnership.self_assessment.services import due_from


@register("returns", "Returns and figures due")
def returns_due(user: Any, window: Window) -> list[Item]:
    """Self-assessment returns due within the window or overdue, and figures not entered."""
    if user.role is not Role.AGENCY:
        return []  # the organisation's own staff complete its return and enter its figures
    mine = scope(user)
    found = []
    slugs = {}
    for due in due_from(mine.agency_id, mine.establishment_id):
        if due.due_on is not None and due.due_on > window.until:
            continue
        if due.slug not in slugs:
            slugs[due.slug] = db.session.scalar(
                sa.select(Partnership.id).where(Partnership.slug == due.slug))
        when = (f"overdue since {long_date(due.due_on)}" if due.due_on and due.due_on < window.today
                else f"due {long_date(due.due_on)}" if due.due_on else "open, with no date set")
        found.append(Item(
            family="returns", title=f"{due.round_title}: the return of {due.organisation}",
            detail=f"{due.status}; {when}",
            path=link("self_assessment.return_detail", slug=due.slug, return_id=due.return_id),
            partnership_id=slugs[due.slug], due=due.due_on))
    found.extend(_figures_due(mine, window))
    return found


def _figures_due(mine: Any, window: Window) -> list[Item]:
    """The last complete period's figures not yet entered for the indicators of the agency."""
    reasons = []
    if mine.agency_id is not None:
        reasons.append(Indicator.source_agency_id == mine.agency_id)
    if mine.person_id is not None:
        reasons.append(Indicator.owner_id == mine.person_id)
    if not reasons:
        return []
    rows = db.session.execute(
        sa.select(Indicator, Partnership.slug, Partnership.year_start_month)
        .join(Partnership, Indicator.partnership_id == Partnership.id)
        .where(sa.or_(*reasons), Indicator.retired.is_(False))
        .order_by(Indicator.reference, Indicator.id)).all()
    found = []
    for indicator, slug, year_start_month in rows:
        current = period_of(window.today, indicator.frequency, year_start_month)
        last = current.shifted(-1)
        entered = db.session.scalar(sa.select(sa.func.count()).select_from(IndicatorValue).where(
            IndicatorValue.indicator_id == indicator.id,
            IndicatorValue.period_start == last.start))
        if entered:
            continue
        found.append(Item(
            family="returns", title=f"{indicator.reference} {indicator.name}",
            detail=f"Figures for {last.label} not yet entered (the period ended on "
                   f"{long_date(last.end)})",
            path=link("dataset.values", slug=slug, indicator_id=indicator.id,
                      period=last.start.isoformat()),
            partnership_id=indicator.partnership_id, due=last.end + dt.timedelta(days=1)))
    return found

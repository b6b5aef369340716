"""Case deadlines for the cases a person may see: the serious incident notification, the
Rapid Review (a warning at day 10 of its 15 working days) and the review's milestones.

Only the case's reference is ever written: never a child's name or anything about them.
"""

from __future__ import annotations

from typing import Any

from partnership.kernel.dates import long_date
from partnership.notices.items import Item, Window, link
from partnership.notices.models import NoticeKind
from partnership.notices.sources import register
from partnership.policy import Role
from partnership.reviews.services.board import cases_for
from partnership.reviews.services.deadlines import (
    RAPID_REVIEW_WORKING_DAYS,
    DeadlineKind,
    closures_by_partnership,
    deadlines_of,
    left_in_words,
    settings_by_partnership,
)

# A deadline this close (in working days) is told at once, not left to the weekly digest.
IMMEDIATE_WITHIN = 2
# The Rapid Review's warning: from its 10th working day of 15.
RAPID_REVIEW_WARNING_DAY = 10
CASE_ROLES = frozenset({Role.TEAM, Role.CHAIR, Role.AGENCY, Role.PARTNER})


@register("cases", "Case deadlines")
def case_deadlines(user: Any, window: Window) -> list[Item]:
    """Open deadlines of the cases the user may see, due within the window or overdue."""
    if user.role not in CASE_ROLES:
        return []
    cases = cases_for(user, open_only=True)
    if not cases:
        return []
    ids = {case.partnership_id for case in cases}
    settings = settings_by_partnership(ids)
    closures = closures_by_partnership(ids)
    found = []
    for case in cases:
        for deadline in deadlines_of(case, settings[case.partnership_id],
                                     closures[case.partnership_id], window.today):
            warning = (deadline.kind == DeadlineKind.RAPID_REVIEW
                       and RAPID_REVIEW_WORKING_DAYS - deadline.working_days_left
                       >= RAPID_REVIEW_WARNING_DAY)
            soon = deadline.working_days_left <= IMMEDIATE_WITHIN
            if deadline.due > window.until and not warning:
                continue
            words = f"Due {long_date(deadline.due)} ({left_in_words(deadline)})"
            if warning and not deadline.overdue:
                day = RAPID_REVIEW_WORKING_DAYS - deadline.working_days_left
                words += (f": day {day} of the Rapid Review's {RAPID_REVIEW_WORKING_DAYS} "
                          "working days")
            tell_now = (soon and not deadline.overdue) or warning
            found.append(Item(
                family="cases", title=f"Case {case.reference}: {deadline.name}", detail=words,
                path=link("cases.detail", case_id=case.id),
                partnership_id=case.partnership_id, due=deadline.due,
                immediate=NoticeKind.CASE_DEADLINE if tell_now else None,
                identity=(f"case:{case.id}:{deadline.kind}:{deadline.name[:40]}:"
                          f"{deadline.due.isoformat()}:{'soon' if soon else 'day10'}")))
    return found

"""Memoranda of understanding coming up for review: told to the hub team ahead of the review
date (the REFERRAL_MEMORANDUM_REMINDER_DAYS setting), and once it has passed, until the
memorandum is renewed (a lapsed memorandum stops the organisation referring)."""

from __future__ import annotations

from typing import Any

from partnership.kernel.dates import long_date
from partnership.notices.items import Item, Window, link
from partnership.notices.sources import register
from partnership.referrals.services import memoranda_due_for_review


@register("memoranda", "Memoranda of understanding due for review")
def memoranda_due(user: Any, window: Window) -> list[Item]:
    """Each memorandum of the user's hubs due for review soon, or overdue for it."""
    found = []
    for memorandum in memoranda_due_for_review(user, window.today):
        organisation = memorandum.partner
        review = memorandum.review_on or window.today  # always set: it is due for review
        when = (f"review was due on {long_date(review)}: no longer in force until renewed"
                if review < window.today else f"review due {long_date(review)}")
        found.append(Item(
            family="memoranda", title=f"{organisation.name}: memorandum version "
                                      f"{memorandum.version_label}",
            detail=when[0].upper() + when[1:],
            path=link("referrals.organisation", organisation_id=organisation.id),
            partnership_id=organisation.partnership_id, due=review))
    return found

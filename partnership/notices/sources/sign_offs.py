"""Sign-offs waiting for a partner's representative (or their deputy); a lapsed one at once."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.notices.items import Item, Window
from partnership.notices.models import NoticeKind
from partnership.notices.sources import register
from partnership.publishing.workflow import waiting_for
from partnership.register.models import Partnership


@register("sign_offs", "Sign-offs waiting for you")
def sign_offs_waiting(user: Any, window: Window) -> list[Item]:
    """Drafts waiting for the user's sign-off; those whose signature lapsed are told at once."""
    waiting = waiting_for(user, window.today)
    if not waiting:
        return []
    by_name = dict(db.session.execute(sa.select(Partnership.name, Partnership.id)).all())
    found = []
    for item in waiting:
        if item.lapsed:
            words = (f"{item.partnership}: the draft changed after you signed it on "
                     f"{long_date(item.since)}, so your sign-off has lapsed. Please read what "
                     f"changed and sign again for {item.partner}")
        else:
            words = (f"{item.partnership}: waiting for your sign-off for {item.partner} "
                     f"({item.waited(window.today)})")
        if item.deputy_for:
            words += f", as deputy for {item.deputy_for}"
        found.append(Item(
            family="sign_offs", title=f"{item.kind}: {item.title}", detail=words, path=item.url,
            partnership_id=by_name.get(item.partnership),
            immediate=NoticeKind.SIGN_OFF_LAPSED if item.lapsed else None,
            identity=f"lapsed:{item.url}:{item.partner}:{item.since.isoformat()}"))
    return found

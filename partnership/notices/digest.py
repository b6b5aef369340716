"""The words of a digest and of a notice's email: plain English, links in full, and never a
child's details (a case is named by its reference only, as its items are)."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template

from partnership.kernel.dates import long_date
from partnership.notices.items import Item, Window, absolute, link
from partnership.notices.models import Notice
from partnership.notices.sources import grouped


def compose_digest(user: Any, items: list[Item], window: Window) -> tuple[str, str, str]:
    """Return the digest's subject, plain text and HTML for a user (items not empty)."""
    count = len(items)
    subject = (f"Your weekly digest: {count} thing{'' if count == 1 else 's'} to look at "
               f"({long_date(window.today)})")
    values = {"user": user, "groups": grouped(items), "today": long_date(window.today),
              "absolute": absolute, "service_name": current_app.config["SERVICE_NAME"],
              "centre_url": absolute(link("notices.centre")),
              "preferences_url": absolute(link("notices.preferences"))}
    return (subject, render_template("notices/mail/digest.txt", **values),
            render_template("notices/mail/digest.html", **values))


def compose_notice(user: Any, notice: Notice) -> tuple[str, str, str]:
    """Return a notice's email: subject, plain text and HTML."""
    values = {"user": user, "notice": notice, "kind": notice.kind.label,
              "link": absolute(notice.path) if notice.path else "",
              "service_name": current_app.config["SERVICE_NAME"],
              "centre_url": absolute(link("notices.centre")),
              "preferences_url": absolute(link("notices.preferences"))}
    return (notice.title, render_template("notices/mail/notice.txt", **values),
            render_template("notices/mail/notice.html", **values))

"""A small partnership whose three partners each have a representative with a user account,
and helpers to drive the threshold document's pages."""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import Flask

from partnership.extensions import db
from partnership.register.models import Partnership
from partnership.thresholds import services
from partnership.thresholds.models import ThresholdSection

# The arrangements' signing partnership and sign-in fixture serve these tests as they are.
from tests.arrangements.conftest import client_for, signing
from tests.support.client import BrowserLikeClient, page

SLUG = "hscp"
__all__ = ["client_for", "signing"]


def url(tail: str = "") -> str:
    """Return a threshold document URL of the test partnership."""
    return f"/partnerships/{SLUG}/thresholds{tail}"


def messages(response: object) -> str:
    """Return the text of the notification banners on a page."""
    html = page(response)  # type: ignore[arg-type]
    return " ".join(b.get_text(" ", strip=True)
                    for b in html.select(".govuk-notification-banner__content"))


def add_sections(app: Flask, partnership_id: int,
                 sections: list[tuple[str, str]]) -> list[int]:
    """Write sections straight into the document (for tests about what comes after)."""
    with app.app_context():
        partnership = db.session.get(Partnership, partnership_id)
        assert partnership is not None
        ids = [services.add_section(partnership, heading, text).id
               for heading, text in sections]
        db.session.commit()
        return ids


def section_ids(app: Flask, partnership_id: int) -> list[tuple[int, str]]:
    """Return the sections' ids and headings in document order."""
    with app.app_context():
        return [(row.id, row.heading) for row in db.session.scalars(
            sa.select(ThresholdSection).where(ThresholdSection.partnership_id == partnership_id)
            .order_by(ThresholdSection.position))]


def start_round(team: BrowserLikeClient, title: str) -> int:
    """Start a sign-off round through its page; return the draft version's id."""
    response = team.submit(url("/versions/new"), {"title": title})
    assert response.status_code == 302, response.get_data(as_text=True)
    found = re.search(r"/versions/(\d+)$", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def press(client: BrowserLikeClient, version_id: int, action: str) -> str:
    """Press a workflow button on the version page; return the messages shown after it."""
    detail = url(f"/versions/{version_id}")
    response = client.submit(detail, {}, action=f"{detail}/{action}", follow_redirects=True)
    assert response.status_code == 200
    return messages(response)

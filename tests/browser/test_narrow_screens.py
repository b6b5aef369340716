"""Narrow screens and zoom, and links per role, where the accessibility walk does not go.

Every page of the walk (tests/browser/test_accessibility.py) is also laid out 320 px wide and
has its links followed (``page_problems`` in support.py). The yearly report's reading view is
a document of its own, outside the walk: here it is read at 200% zoom by each role, and no
table may be cut off, no page scroll sideways, no link lead to a page the reader cannot open.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from playwright.sync_api import BrowserContext

from partnership.policy import Role
from tests.browser.support import (
    LiveServer,
    axe_violations,
    link_problems,
    sideways_problems,
)

pytestmark = pytest.mark.browser

# A 1280 px window at 200% zoom lays pages out in 640 CSS pixels.
ZOOMED = {"width": 640, "height": 450}
# Of every table, the part that cannot be seen or scrolled to: its right edge beyond both the
# window and its scrolling region's reach.
CUT_OFF = """() => [...document.querySelectorAll('table')].filter(table => {
  const region = table.closest('.app-table-scroll');
  const right = table.getBoundingClientRect().right;
  if (region) return region.scrollWidth > region.clientWidth + 1
    && getComputedStyle(region).overflowX !== 'auto';
  return right > document.documentElement.clientWidth + 1;
}).map(table => (table.caption ? table.caption.textContent : '').trim().slice(0, 60))"""


def _draft_report_path(server: LiveServer) -> str:
    from partnership.extensions import db
    from partnership.register.models import Partnership
    from partnership.reports.models import YearlyReport

    with server.app.app_context():
        slug, report_id = db.session.execute(
            sa.select(Partnership.slug, YearlyReport.id).join(Partnership)
            .where(YearlyReport.published_at.is_(None))
            .order_by(YearlyReport.id.desc()).limit(1)).one()
    return f"/partnerships/{slug}/reports/{report_id}/read"


@pytest.mark.parametrize("role", [Role.TEAM, Role.AGENCY, Role.ADMIN, Role.SCRUTINEER],
                         ids=lambda role: role.value)
def test_the_draft_report_at_200_percent_cuts_off_nothing_and_links_only_where_it_may(
        role: Role, live_server: LiveServer,
        new_context: Callable[..., BrowserContext]) -> None:
    page = new_context(role, viewport=ZOOMED).new_page()
    response = page.goto(live_server(_draft_report_path(live_server)))
    assert response is not None and response.status == 200
    assert page.evaluate("document.documentElement.scrollWidth") <= ZOOMED["width"]
    assert page.evaluate(CUT_OFF) == []
    problems = sideways_problems(page, "draft report") + link_problems(page, "draft report")
    assert not problems, "\n".join(problems)


def test_search_from_the_header_on_a_phone(live_server: LiveServer,
                                           new_context: Callable[..., BrowserContext]) -> None:
    """The box in the header finds actions by their words, and the results read on a phone."""
    page = new_context(Role.AGENCY, viewport={"width": 320, "height": 640}).new_page()
    page.goto(live_server("/"))
    box = page.get_by_role("search")
    box.get_by_label("Search").fill("neglect")
    box.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    assert page.title().startswith("Search: neglect")
    results = page.get_by_role("heading", level=2)
    assert any(text.startswith("Actions") for text in results.all_inner_texts())
    problems = (axe_violations(page, "search") + sideways_problems(page, "search")
                + link_problems(page, "search"))
    assert not problems, "\n".join(problems)

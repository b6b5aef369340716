"""Every table of every page sits in a region of its own that scrolls sideways."""

from __future__ import annotations

from collections.abc import Callable

from partnership.policy import Role
from partnership.web import scrolling_tables
from tests.support.client import BrowserLikeClient, page


def test_each_table_is_in_a_named_region_the_keyboard_reaches(
        signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    admin = signed_in(Role.ADMIN)
    html = page(admin.get("/users"))
    tables = html.select("main table")
    assert tables
    for table in tables:
        region = table.parent
        assert region.name == "div" and "app-table-scroll" in region["class"]
        assert region["role"] == "region" and region["tabindex"] == "0"
        caption = table.caption.get_text(" ", strip=True) if table.caption else "Table"
        assert region["aria-label"] == " ".join(caption.split())


def test_a_table_already_in_a_region_is_left_alone_and_captions_are_escaped() -> None:
    once = scrolling_tables('<table><caption>Fees &amp; "costs" <b>2026</b></caption></table>')
    assert once.count("app-table-scroll") == 1
    assert 'aria-label="Fees &amp; &quot;costs&quot; 2026"' in once
    assert scrolling_tables(once) == once

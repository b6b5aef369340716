"""Saved filters on the action list and My actions: each user's own, saved, applied and
deleted from the list itself; nobody else sees or deletes them."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from partnership.actions.models import Status
from partnership.policy import Role
from tests.actions import DAY, TODAY, add_action, add_area, link_person
from tests.support.client import BrowserLikeClient, page


def saved_links(client: BrowserLikeClient, url: str) -> dict[str, str]:
    """The saved filters a list page offers: name -> link."""
    html = page(client.get(url))
    return {a.get_text(strip=True): a["href"] for a in html.select(".app-saved-filters li a")}


def test_a_filter_is_saved_applied_and_deleted_by_its_owner_alone(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    area = add_area(app)
    add_action(app, area.partnership_id, "Police action", lead_agency_id=area.police_id,
               status=Status.IN_PROGRESS)
    add_action(app, area.partnership_id, "Council action", lead_agency_id=area.council_id,
               status=Status.IN_PROGRESS)
    mine = signed_in(Role.CHAIR)
    filtered = f"/actions?agency_id={area.police_id}&status=in_progress&page=1"
    form = page(mine.get(filtered)).select_one("form[action='/account/filters/save']")
    assert form is not None and form.select_one("input[name=query]")["value"] == (
        f"agency_id={area.police_id}&status=in_progress")

    refused = mine.submit(filtered, {"endpoint": "actions.index", "name": " ",
                                     "query": f"agency_id={area.police_id}"},
                          action="/account/filters/save")
    assert refused.status_code == 200
    assert page(refused).find(id="name-error").get_text(" ", strip=True) == (
        "Error: Enter a name for the filter")
    saved = mine.submit(filtered, {"endpoint": "actions.index", "name": "Police, in progress",
                                   "query": f"agency_id={area.police_id}&status=in_progress"},
                        action="/account/filters/save")
    assert saved.status_code == 302
    link = saved_links(mine, "/actions")["Police, in progress"]
    shown = page(mine.get(link))
    titles = [a.get_text(strip=True) for a in shown.select("main table td a.govuk-link")]
    assert titles == ["Police action"]
    assert "Police, in progress" in page(mine.get("/account/filters")).get_text(" ")

    theirs = signed_in(Role.TEAM)
    assert saved_links(theirs, "/actions") == {}
    assert "Police, in progress" not in page(theirs.get("/account/filters")).get_text(" ")
    delete = page(mine.get("/actions")).select_one(
        ".app-saved-filters form[action$='/delete']")["action"]
    assert theirs.post_with_token(delete, token_from="/account").status_code == 404
    assert list(saved_links(mine, "/actions")) == ["Police, in progress"]

    assert mine.post_with_token(delete, {"next": "/actions"},
                                token_from="/actions").status_code == 302
    assert saved_links(mine, "/actions") == {}


def test_my_actions_has_its_own_filters_and_saved_filters(
    app: Flask, signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    area = add_area(app)
    lead = signed_in(Role.AGENCY)
    link_person(app, lead.user, agency_id=area.police_id)  # type: ignore[attr-defined]
    add_action(app, area.partnership_id, "Late", lead_agency_id=area.police_id,
               status=Status.IN_PROGRESS, target_date=TODAY - DAY)
    add_action(app, area.partnership_id, "Later", lead_agency_id=area.police_id,
               status=Status.IN_PROGRESS, target_date=TODAY + 200 * DAY)
    response = lead.submit("/actions/mine?rag=red", {"endpoint": "actions.mine",
                                                     "name": "Red ones", "query": "rag=red"},
                           action="/account/filters/save", follow_redirects=True)
    html = page(response)
    assert [a.get_text(strip=True) for a in html.select(".govuk-summary-card__title a")] == [
        "Late"]
    assert list(saved_links(lead, "/actions/mine")) == ["Red ones"]
    assert saved_links(lead, "/actions") == {}  # saved for My actions, not the action list

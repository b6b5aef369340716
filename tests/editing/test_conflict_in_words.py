"""The edit-conflict page says both versions in words: labels, names, dates, "(none)"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Flask

from partnership.actions.models import Action, Status
from partnership.extensions import db
from partnership.policy import Role
from tests.actions import add_action, add_area
from tests.register.builders import date_parts
from tests.support.client import BrowserLikeClient, page


def test_the_conflict_page_shows_labels_names_and_dates_in_words(
        app: Flask, signed_in: Callable[[Role], BrowserLikeClient]) -> None:
    area = add_area(app)
    action_id = add_action(app, area.partnership_id, "Review the threshold document",
                           status=Status.IN_PROGRESS, percent_complete=40)
    team = signed_in(Role.TEAM)
    url = f"/actions/{action_id}/edit"
    version = page(team.get(url)).find("input", attrs={"name": "version"})["value"]
    with app.app_context():  # someone else saves first
        action = db.session.get_one(Action, action_id)
        action.target_date = dt.date(2026, 12, 7)
        db.session.commit()
    response = team.submit(url, {
        "title": "Review the threshold document", "detail": "", "source_note": "",
        "body": "", "lead_agency": str(area.police_id), "lead_person": "",
        "status": Status.NOT_STARTED.value, "percent_complete": "", "year": "",
        "version": version, **date_parts("start_date", None),
        **date_parts("target_date", dt.date(2027, 1, 31))})
    assert response.status_code == 409
    rows = {row.th.get_text(" ", strip=True).removesuffix(" Different"):
            [td.get_text(" ", strip=True) for td in row.find_all("td")]
            for row in page(response).select("main table tbody tr")}
    text = " ".join(" ".join(cells) for cells in rows.values())
    assert rows["Status"] == ["Not started", "In progress"]
    assert rows["Target date"] == ["31 January 2027", "7 December 2026"]
    assert ["Wessex Police", "(none)"] in rows.values()
    for raw in ("in_progress", "not_started", "None", "2026-12-07", "2027-01-31"):
        assert raw not in text, raw

"""A local review's milestones: one form, every milestone, saved in one go or not at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from partnership.accounts.models import User
from partnership.policy import Role
from partnership.reviews.models import LocalReview, Milestone, MilestoneKind
from tests.register.builders import field_error
from tests.reviews.records_reviews import (
    add_case,
    add_local,
    add_world,
    count,
    date_fields,
    flashes,
    goes_to_case,
    load,
)
from tests.reviews.test_rapid import on
from tests.support.client import BrowserLikeClient, page

DECIDED = dt.date(2025, 5, 14)
TARGET = dt.date(2025, 11, 14)


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> dict[str, Any]:
    ids = add_world(app, make_user)
    ids["case"] = add_case(app, ids["partnership"], ids["group"])
    ids["local"] = add_local(app, ids["case"], DECIDED, TARGET)
    return ids


def url_of(world: dict[str, Any]) -> str:
    return f"/cases/{world['case']}/local-review/milestones"


def shown_date(html: Any, name: str) -> str:
    return " ".join(i["value"] for i in html.select(f"input[name={name}]"))


def form_from(html: Any, **changes: Any) -> dict[str, Any]:
    """Every field as the page shows it (dates as three parts), with some changed."""
    data: dict[str, Any] = {}
    for field in html.select("form input"):
        if field.get("name") in (None, "csrf_token") or field.get("type") == "submit":
            continue
        data.setdefault(field["name"], []).append(field.get("value", ""))
    data = {name: values if len(values) == 3 else values[0] for name, values in data.items()}
    data.update(changes)
    return data


def test_due_dates_are_suggested_between_the_decision_and_the_target_and_saved_in_one_go(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    on(monkeypatch, dt.date(2025, 8, 20))
    team = signed_in(Role.TEAM)
    html = page(team.get(url_of(world)))
    headings = [h.get_text(strip=True) for h in html.select("form h2")]
    assert headings == [kind.label for kind in MilestoneKind]
    assert shown_date(html, "due_draft_received") == "14 08 2025"  # half way
    assert shown_date(html, "due_published") == "14 11 2025"  # the target
    suggested = [shown_date(html, f"due_{kind.value}") for kind in MilestoneKind]
    days = [dt.date(*reversed([int(p) for p in s.split()])) for s in suggested]
    assert days == sorted(days) and all(d.weekday() < 5 for d in days)

    response = team.submit(url_of(world), form_from(
        html, **date_fields(done_draft_received=dt.date(2025, 8, 12)),
        note_draft_received="Two days early"))
    assert goes_to_case(response, world["case"], "milestones")
    assert flashes(team) == ["Milestones saved"]
    saved = load(app, LocalReview, world["local"], "milestones").milestones
    assert [(m.kind, m.due_on) for m in saved] == list(zip(MilestoneKind, days, strict=True))
    draft = saved[0]
    assert (draft.done_on, draft.note) == (dt.date(2025, 8, 12), "Two days early")


def test_one_broken_row_saves_nothing_and_keeps_what_was_typed(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    on(monkeypatch, dt.date(2025, 8, 20))
    team = signed_in(Role.TEAM)
    html = page(team.get(url_of(world)))
    response = team.submit(url_of(world), form_from(
        html, note_approved_by_group="Agenda item 4",
        **date_fields(done_draft_received=dt.date(2025, 8, 21),
                      due_copies_sent=dt.date(2025, 10, 27))))
    assert response.status_code == 200
    html = page(response)
    assert field_error(html, "done_draft_received") == (
        "Draft report received: the date done must be today or in the past")
    assert html.select_one("input[name=note_approved_by_group]")["value"] == "Agenda item 4"
    assert count(app, Milestone) == 0

    response = team.submit(url_of(world), form_from(
        html, **{"due_presented_to_board": ["31", "9", "2025"],
                 "done_published": ["", "13", "2025"]}))
    html = page(response)
    assert field_error(html, "done_published") == (
        "Published: date done must include a day")
    assert count(app, Milestone) == 0


def test_overdue_milestones_say_so_in_words(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    on(monkeypatch, dt.date(2025, 8, 20))
    team = signed_in(Role.TEAM)
    html = page(team.get(url_of(world)))
    team.submit(url_of(world), form_from(
        html, **date_fields(due_draft_received=dt.date(2025, 8, 15),
                            due_approved_by_group=dt.date(2025, 8, 19),
                            done_approved_by_group=dt.date(2025, 8, 19))))
    on(monkeypatch, dt.date(2025, 8, 21))
    text = page(team.get(url_of(world))).get_text(" ", strip=True)
    assert "Now: Overdue: due 15 August 2025" in text
    assert "Now: Done 19 August 2025" in text
    assert "Now: Due 29 September 2025" in text


def test_milestones_saved_by_someone_else_meanwhile_are_not_overwritten(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    on(monkeypatch, dt.date(2025, 8, 20))
    first, second = signed_in(Role.TEAM), signed_in(Role.TEAM)
    opened_by_first = page(first.get(url_of(world)))
    opened_by_second = page(second.get(url_of(world)))
    second.submit(url_of(world), form_from(
        opened_by_second, **date_fields(done_draft_received=dt.date(2025, 8, 18))))

    response = first.submit(url_of(world), form_from(
        opened_by_first, note_draft_received="Late"))
    assert response.status_code == 409
    html = page(response)
    assert "Someone else saved these milestones while you were editing them" in html.get_text()
    assert html.select_one("input[name=note_draft_received]")["value"] == "Late"
    saved = load(app, LocalReview, world["local"], "milestones").milestones
    assert (saved[0].done_on, saved[0].note) == (dt.date(2025, 8, 18), "")

    # Saving again from the page shown keeps their choice (the form now knows the versions).
    first.submit(url_of(world), form_from(html))
    saved = load(app, LocalReview, world["local"], "milestones").milestones
    assert (saved[0].done_on, saved[0].note) == (None, "Late")


def test_a_note_that_looks_like_an_identifier_is_refused(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    on(monkeypatch, dt.date(2025, 8, 20))
    team = signed_in(Role.TEAM)
    response = team.submit(url_of(world), form_from(
        page(team.get(url_of(world))), note_copies_sent="Sent to M1 1AE"))
    assert field_error(page(response), "note_copies_sent").startswith("Remove the postcode.")
    assert count(app, Milestone) == 0

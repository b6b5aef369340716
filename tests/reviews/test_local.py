"""The local child safeguarding practice review: the decision and its target date, terms of
reference and involvement, reviewers, the publication decision and monitoring checks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from partnership.accounts.models import User
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role
from partnership.reviews.models import (
    ClockStart,
    LocalReview,
    Milestone,
    MilestoneKind,
    MonitoringEntry,
    PublicationDecision,
    Reviewer,
)
from partnership.reviews.services.local import monitoring_lines
from tests.meetings import sign_in
from tests.register.builders import field_error
from tests.reviews.records_reviews import (
    add_case,
    add_local,
    add_reviewer,
    add_world,
    count,
    date_fields,
    flashes,
    goes_to_case,
    load,
    set_clock,
)
from tests.reviews.test_rapid import on
from tests.support.client import BrowserLikeClient, page

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

DECIDED = dt.date(2025, 5, 14)


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> dict[str, Any]:
    ids = add_world(app, make_user)
    ids["case"] = add_case(app, ids["partnership"], ids["group"])
    return ids


def local_form(**changes: Any) -> dict[str, Any]:
    return {"version": "", **date_fields(decided_on=DECIDED),
            "terms_of_reference": "How agencies shared information about Child Q.",
            "methodology": "Systems approach", "family_involvement": "Mother met the reviewer",
            "practitioner_involvement": "Learning event in July", **changes}


# --- the decision and what the review is about -----------------------------------------------


def test_the_first_save_starts_the_review_with_its_target_from_the_setting(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    on(monkeypatch, dt.date(2025, 6, 2))
    set_clock(app, world["partnership"], ClockStart.AWARENESS, months=9)
    team = signed_in(Role.TEAM)
    url = f"/cases/{world['case']}/local-review"
    assert "within 9 months of the decision" in page(team.get(url)).get_text(" ", strip=True)
    response = team.submit(url, local_form())
    assert goes_to_case(response, world["case"], "local-review")
    assert flashes(team) == ["Local review saved"]
    local = load(app, LocalReview, 1)
    assert (local.decided_on, local.target_on) == (DECIDED, dt.date(2026, 2, 14))
    assert local.family_involvement == "Mother met the reviewer"

    # The target moves with the decision date (31 May + 9 months: the end of February).
    team.submit(url, local_form(version="1", **date_fields(decided_on=dt.date(2025, 5, 31))))
    assert load(app, LocalReview, 1).target_on == dt.date(2026, 2, 28)
    text = page(team.get(url)).get_text(" ", strip=True)
    assert "Target for completion and publication: 28 February 2026 (9 months after" in text


@pytest.mark.parametrize(("changes", "field", "message"), [
    (date_fields(decided_on=None), "decided_on", "Enter date of the decision"),
    (date_fields(decided_on=dt.date(2025, 6, 3)), "decided_on",
     "Date of the decision must be today or in the past"),
    (date_fields(decided_on=dt.date(2025, 4, 1)), "decided_on",
     "Date of the decision must be on or after 17 April 2025, the day the partners became "
     "aware"),
    ({"terms_of_reference": "Child Q, NHS number 9434765919"}, "terms_of_reference",
     "Remove the NHS number."),
    ({"family_involvement": "Met at home in LS6 2AB"}, "family_involvement",
     "Remove the postcode."),
    ({"practitioner_involvement": "Born on 04/05/2019."}, "practitioner_involvement",
     "Remove the date of birth."),
    ({"methodology": "x" * 10_001}, "methodology",
     "Methodology must be 10,000 characters or fewer"),
])
def test_a_local_review_breaking_a_rule_is_not_saved(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch, changes: dict[str, Any], field: str, message: str,
) -> None:
    on(monkeypatch, dt.date(2025, 6, 2))
    team = signed_in(Role.TEAM)
    response = team.submit(f"/cases/{world['case']}/local-review", local_form(**changes))
    assert response.status_code == 200
    error = field_error(page(response), field)
    assert error is not None and error.startswith(message)
    assert count(app, LocalReview) == 0


def test_pages_of_a_review_not_yet_decided_send_you_to_record_the_decision(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
) -> None:
    team = signed_in(Role.TEAM)
    for part in ("reviewers/new", "milestones", "publication", "monitoring/new"):
        response = team.get(f"/cases/{world['case']}/local-review/{part}")
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/cases/{world['case']}/local-review")
        assert flashes(team)[-1] == "Record the decision to hold a local review first"


# --- reviewers -------------------------------------------------------------------------------


def test_reviewers_are_added_and_changed(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    on(monkeypatch, dt.date(2025, 6, 2))
    local = add_local(app, world["case"], DECIDED)
    team = signed_in(Role.TEAM)
    response = team.submit(f"/cases/{world['case']}/local-review/reviewers/new", {
        "name": "Pat Morgan", "organisation": "Morgan Reviews Ltd",
        **date_fields(commissioned_on=dt.date(2025, 5, 30), ends_on=dt.date(2025, 11, 30))})
    assert goes_to_case(response, world["case"], "reviewers")
    assert flashes(team) == ["Pat Morgan added as a reviewer"]
    reviewer = load(app, LocalReview, local, "reviewers").reviewers[0]
    assert (reviewer.organisation, reviewer.commissioned_on, reviewer.ends_on) == (
        "Morgan Reviews Ltd", dt.date(2025, 5, 30), dt.date(2025, 11, 30))

    url = f"/cases/local-review/reviewers/{reviewer.id}/edit"
    assert page(team.get(url)).select_one("input[name=name]")["value"] == "Pat Morgan"
    team.submit(url, {"version": "1", "name": "Pat Morgan", "organisation": "",
                      **date_fields(commissioned_on=dt.date(2025, 5, 30), ends_on=None)})
    changed = load(app, Reviewer, reviewer.id)
    assert (changed.organisation, changed.ends_on) == ("", None)


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"name": ""}, "name", "Enter the reviewer's name"),
    (date_fields(commissioned_on=dt.date(2025, 6, 3)), "commissioned_on",
     "Date commissioned must be today or in the past"),
    (date_fields(commissioned_on=dt.date(2025, 6, 1), ends_on=dt.date(2025, 5, 31)), "ends_on",
     "End date must be on or after 1 June 2025, the date commissioned"),
])
def test_a_reviewer_breaking_a_rule_is_not_saved(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch, form: dict[str, Any], field: str, message: str,
) -> None:
    on(monkeypatch, dt.date(2025, 6, 2))
    add_local(app, world["case"], DECIDED)
    team = signed_in(Role.TEAM)
    response = team.submit(f"/cases/{world['case']}/local-review/reviewers/new",
                           {"name": "Pat Morgan", "organisation": "", **form})
    assert field_error(page(response), field) == message
    assert count(app, Reviewer) == 0


# --- publication -----------------------------------------------------------------------------


def publication_form(**changes: Any) -> dict[str, Any]:
    return {"version": "1", "publication_decision": "publish_redacted",
            "publication_risks": "Siblings at the same school could be identified.",
            "publication_reason": "Learning is significant; redaction protects the siblings.",
            "published_url": "", **date_fields(published_on=None), **changes}


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"publication_decision": ""}, "publication_decision",
     "Select whether the report is to be published"),
    ({"publication_risks": ""}, "publication_risks",
     "Enter the risks to the child's or others' welfare that were weighed"),
    ({"publication_reason": " "}, "publication_reason", "Enter the reason for the decision"),
    ({"publication_decision": "do_not_publish", **date_fields(published_on=dt.date(2025, 6, 1))},
     "published_on", "A report that is not to be published cannot have a date published: "
                      "remove the date, or change the decision"),
    (date_fields(published_on=dt.date(2025, 6, 3)), "published_on",
     "Date published must be today or in the past"),
    (date_fields(published_on=dt.date(2025, 5, 1)), "published_on",
     "Date published must be on or after 14 May 2025, the decision to hold the review"),
    ({"published_url": "http://www.northshire.gov.uk/child-q",
      **date_fields(published_on=dt.date(2025, 6, 1))}, "published_url",
     "Enter the address it was published at, starting https://, like "
     "https://www.example.gov.uk/reviews"),
    ({"published_url": "https://www.northshire.gov.uk/child-q"}, "published_on",
     "Enter the date it was published"),
    ({"publication_risks": "The family live at LS6 2AB"}, "publication_risks",
     "Remove the postcode."),
])
def test_publication_rules(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch, changes: dict[str, Any], field: str, message: str,
) -> None:
    on(monkeypatch, dt.date(2025, 6, 2))
    local = add_local(app, world["case"], DECIDED)
    team = signed_in(Role.TEAM)
    response = team.submit(f"/cases/{world['case']}/local-review/publication",
                           publication_form(**changes))
    assert response.status_code == 200
    error = field_error(page(response), field)
    assert error is not None and error.startswith(message)
    saved = load(app, LocalReview, local)
    assert (saved.publication_decision, saved.publication_risks, saved.version) == (None, "", 1)


def test_recording_the_publication_marks_the_published_milestone_done(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    on(monkeypatch, dt.date(2025, 6, 2))
    local = add_local(app, world["case"], DECIDED)
    team = signed_in(Role.TEAM)
    url = f"/cases/{world['case']}/local-review/publication"
    response = team.submit(url, publication_form())
    assert goes_to_case(response, world["case"], "publication")
    assert flashes(team) == ["Publication decision saved"]
    # Not before the group has approved the report and the board has seen it.
    early = page(team.submit(url, publication_form(
        version="2", published_url="https://www.northshire.gov.uk/child-q",
        **date_fields(published_on=dt.date(2025, 6, 1)))))
    assert field_error(early, "published_on") == (
        "Before the report is published, record in the milestones the reviewing group's "
        "approval of the report and the report's presentation to the board")
    assert load(app, LocalReview, local, "milestones").published_on is None
    with app.app_context(), acting_as("tests"):
        for kind in (MilestoneKind.APPROVED_BY_GROUP, MilestoneKind.PRESENTED_TO_BOARD):
            db.session.add(Milestone(local_review_id=local, kind=kind,
                                     done_on=dt.date(2025, 5, 30)))
        db.session.commit()
    team.submit(url, publication_form(
        version="2", published_url="https://www.northshire.gov.uk/child-q",
        **date_fields(published_on=dt.date(2025, 6, 1))))
    saved = load(app, LocalReview, local, "milestones")
    assert (saved.publication_decision, saved.published_on, saved.published_url) == (
        PublicationDecision.PUBLISH_REDACTED, dt.date(2025, 6, 1),
        "https://www.northshire.gov.uk/child-q")
    assert [(m.kind, m.done_on) for m in saved.milestones
            if m.kind is MilestoneKind.PUBLISHED] == [
        (MilestoneKind.PUBLISHED, dt.date(2025, 6, 1))]
    html = page(team.get(url))
    assert html.select_one("input[name=publication_decision][value=publish_redacted]").has_attr(
        "checked")


# --- monitoring ------------------------------------------------------------------------------


def test_monitoring_checks_are_recorded_with_their_author(
    app: Flask, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
) -> None:
    on(monkeypatch, dt.date(2025, 8, 1))
    local = add_local(app, world["case"], DECIDED)
    chair = sign_in(app, world["chair"])
    url = f"/cases/{world['case']}/local-review/monitoring/new"
    assert [i["value"] for i in page(chair.get(url)).select("input[name=recorded_on]")] == [
        "01", "08", "2025"]
    response = chair.submit(url, {**date_fields(recorded_on=dt.date(2025, 7, 31)),
                                  "on_time": "False", "timeliness": "Draft is two weeks late.",
                                  "quality": "Good family involvement."})
    assert goes_to_case(response, world["case"], "monitoring")
    assert flashes(chair) == ["Monitoring check recorded"]
    with app.app_context():
        from partnership.extensions import db

        rows = monitoring_lines(db.session.get_one(LocalReview, local))
        assert [(r.entry.recorded_on, r.on_time, r.entry.timeliness, r.author) for r in rows] == [
            (dt.date(2025, 7, 31), "Not on time", "Draft is two weeks late.", "Northshire Chair")]


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"on_time": ""}, "on_time", "Select yes if the review is on time"),
    (date_fields(recorded_on=dt.date(2025, 8, 2)), "recorded_on",
     "Date of the check must be today or in the past"),
    (date_fields(recorded_on=dt.date(2025, 5, 1)), "recorded_on",
     "Date of the check must be on or after 14 May 2025, the decision to hold the review"),
    ({"quality": "Report names the child's DOB: 1 March 2019"}, "quality",
     "Remove the date of birth."),
])
def test_a_monitoring_check_breaking_a_rule_is_not_saved(
    app: Flask, world: dict[str, Any], signed_in: Callable[[Role], BrowserLikeClient],
    monkeypatch: pytest.MonkeyPatch, changes: dict[str, Any], field: str, message: str,
) -> None:
    on(monkeypatch, dt.date(2025, 8, 1))
    add_local(app, world["case"], DECIDED)
    team = signed_in(Role.TEAM)
    response = team.submit(f"/cases/{world['case']}/local-review/monitoring/new", {
        **date_fields(recorded_on=dt.date(2025, 7, 31)), "on_time": "True", "timeliness": "",
        "quality": "", **changes})
    error = field_error(page(response), field)
    assert error is not None and error.startswith(message)
    assert count(app, MonitoringEntry) == 0


def test_a_case_member_who_may_only_read_cannot_record(
    app: Flask, world: dict[str, Any], make_user: Callable[..., User],
) -> None:
    add_reviewer(app, add_local(app, world["case"], DECIDED), "Pat Morgan")
    other_chair = make_user(Role.CHAIR)
    from partnership.audit.services import acting_as
    from partnership.extensions import db
    from partnership.reviews.models import CaseMember

    with app.app_context(), acting_as("tests"):
        db.session.add(CaseMember(case_id=world["case"], user_id=other_chair.id))
        db.session.commit()
    client = sign_in(app, other_chair)  # sees the case, does not chair its reviewing body
    assert client.get(f"/cases/{world['case']}/local-review").status_code == 404
    assert client.get("/cases/local-review/reviewers/1/edit").status_code == 404

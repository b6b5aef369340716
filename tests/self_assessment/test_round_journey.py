"""A round from launch to moderation through the pages: the team sets it up, an agency's
own lead completes and submits its return (refused while a gap has no action), the team
moderates it; another organisation's return is not found for that lead."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from partnership.accounts.models import User
from partnership.audit.models import AuditEvent
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Sector
from partnership.self_assessment.models import AssessmentReturn, AssessmentStatus, RoundStatus
from tests.conftest import PASSWORD
from tests.register.builders import date_parts
from tests.register.records import add_agency, add_area, get
from tests.self_assessment import (
    TODAY,
    add_round,
    answer_form,
    base,
    grades_of,
    returns_of,
    staff_of,
    standards_of,
)
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import clock_at

fixed_today = clock_at(TODAY)


def sign_in(app: Flask, user: User) -> BrowserLikeClient:
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    return client


@pytest.fixture
def world(app: Flask) -> dict[str, int]:
    ids = {"partnership": add_area(app, "northshire", "Northshire Partnership")}
    ids["police"] = add_agency(app, "northshire", "Northshire Police", Sector.POLICE_AND_JUSTICE)
    ids["council"] = add_agency(app, "northshire", "Northshire Council",
                                Sector.LOCAL_AUTHORITY)
    return ids


def test_a_round_from_launch_to_moderation(app: Flask, world: dict[str, int],
                                           make_user: Callable[..., User]) -> None:
    team = sign_in(app, make_user(Role.TEAM))
    home = base("northshire")
    # The team starts a Section 11 set from the starter set and sets up a round.
    response = team.post_with_token(f"{home}/sets/starter", {"kind": "section_11"},
                                    token_from=home)
    assert response.status_code == 302
    standard_set = page(team.get(response.headers["Location"]))
    assert "Senior leadership and commitment" in standard_set.get_text()
    new_round = page(team.get(f"{home}/rounds/new"))
    set_id = new_round.select_one("select[name=standard_set] option[value!='']")["value"]
    response = team.submit(f"{home}/rounds/new", {
        "title": "Section 11 self-assessment 2026", "standard_set": set_id,
        **date_parts("due_on", TODAY.replace(day=28))})
    assert response.status_code == 302, page(response).select(".govuk-error-message")
    organisations_url = response.headers["Location"]
    response = team.submit(organisations_url, {"a-every_agency": "y", "a-submit": "Add"})
    assert response.status_code == 302
    round_url = organisations_url.removesuffix("/organisations")
    response = team.post_with_token(f"{round_url}/launch", token_from=round_url,
                                    follow_redirects=True)
    assert page(response).select_one("#round-status").text == RoundStatus.OPEN.label
    round_id = int(round_url.rsplit("/", 1)[1])
    returns = returns_of(app, round_id)
    assert set(returns) == {"Northshire Police", "Northshire Council"}

    # The police's own lead sees the return due on their home page and completes it.
    lead = sign_in(app, staff_of(make_user, app, agency_id=world["police"]))
    due = page(lead.get("/")).select("#self-assessments-due a")
    return_url = f"{home}/returns/{returns['Northshire Police']}"
    assert [a["href"] for a in due] == [return_url]
    standards = standards_of(app, round_id)
    grades = grades_of(app, round_id)
    gap_id, gap_number = standards[2]
    form = answer_form(standards, grades["Fully met"], 1,
                       **{f"grade_{gap_id}": str(grades["Partially met"])})
    response = lead.submit(return_url, form, action=f"{return_url}/save")
    assert response.status_code == 302
    assert get(app, AssessmentReturn, returns["Northshire Police"]).status is (
        AssessmentStatus.IN_PROGRESS)

    # Submitting is refused while the gap has no action, with the reason by the standard.
    refused = lead.post_with_token(f"{return_url}/submit", token_from=return_url)
    assert refused.status_code == 200
    message = page(refused).select_one(f"#standard-{gap_id} .govuk-error-message").text
    assert f"Standard {gap_number} is graded partially met" in message
    assert get(app, AssessmentReturn, returns["Northshire Police"]).status is (
        AssessmentStatus.IN_PROGRESS)

    # An action for the gap, then the return goes in.
    action_url = f"{return_url}/gap/{gap_id}"
    response = lead.submit(action_url, {"title": "Refresh the listening to children policy",
                                        **date_parts("target_date", TODAY.replace(year=2027))})
    assert response.status_code == 302
    shown = page(lead.get(return_url))
    assert "Refresh the listening to children policy" in shown.select_one(
        f"#standard-{gap_id}").get_text()
    response = lead.post_with_token(f"{return_url}/submit", token_from=return_url)
    assert response.status_code == 302
    submitted = get(app, AssessmentReturn, returns["Northshire Police"])
    assert submitted.status is AssessmentStatus.SUBMITTED

    # Another organisation's return is not found for the police's lead.
    council_url = f"{home}/returns/{returns['Northshire Council']}"
    assert lead.get(council_url).status_code == 404
    assert lead.post_with_token(f"{council_url}/submit", token_from=return_url
                                ).status_code == 404
    assert lead.get(f"{round_url}/dashboard").status_code == 403

    # The team moderates: a session, then an agreed grade for every standard.
    response = team.submit(f"{round_url}/sessions/new", {
        "title": "Peer challenge", **date_parts("held_on", TODAY)})
    assert response.status_code == 302
    session_url = response.headers["Location"]
    moderate_url = f"{session_url}/returns/{returns['Northshire Police']}"
    agreed = {f"agreed_{sid}": str(grades["Fully met"]) for sid, _ in standards[:-1]}
    team.submit(moderate_url, agreed)
    assert get(app, AssessmentReturn, returns["Northshire Police"]).status is (
        AssessmentStatus.SUBMITTED)
    agreed[f"agreed_{standards[-1][0]}"] = str(grades["Partially met"])
    team.submit(moderate_url, {**agreed, f"note_{standards[-1][0]}": "Supervision records "
                                                                   "were patchy"})
    assert get(app, AssessmentReturn, returns["Northshire Police"]).status is (
        AssessmentStatus.MODERATED)
    # The organisation reads the agreed grade on its return.
    assert "Supervision records were patchy" in page(lead.get(return_url)).get_text()


def test_viewing_a_return_is_audited(app: Flask, world: dict[str, int],
                                     make_user: Callable[..., User]) -> None:
    import sqlalchemy as sa

    round_id = add_round(app, "northshire", agencies=[world["police"]])
    return_id = returns_of(app, round_id)["Northshire Police"]
    team = sign_in(app, make_user(Role.TEAM))
    assert team.get(f"{base('northshire')}/returns/{return_id}"
                    ).status_code == 200
    with app.app_context():
        views = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "view", AuditEvent.record_type == "assessment_return",
            AuditEvent.record_id == str(return_id))).all()
        assert len(views) == 1


def test_an_organisation_attaches_evidence_files_to_its_return(
        app: Flask, world: dict[str, int], make_user: Callable[..., User]) -> None:
    import io

    from openpyxl import load_workbook

    from tests.evidence.samples import image

    round_id = add_round(app, "northshire", agencies=[world["police"], world["council"]])
    returns = returns_of(app, round_id)
    url = f"{base('northshire')}/returns/{returns['Northshire Police']}"
    lead = sign_in(app, staff_of(make_user, app, agency_id=world["police"]))
    form = answer_form(standards_of(app, round_id), grades_of(app, round_id)["Fully met"], 1)
    response = lead.submit(url, {**form, "evidence": (io.BytesIO(image()), "training.png",
                                                      "image/png")},
                           action=f"{url}/save", content_type="multipart/form-data")
    assert response.status_code == 302
    files = page(lead.get(url)).select(".app-evidence-files a")
    assert [a.text for a in files] == ["training.png"]
    # A file that is not what its name says is refused next to the field; nothing is saved.
    version = get(app, AssessmentReturn, returns["Northshire Police"]).version
    response = lead.submit(url, {**form, "version": str(version), "evidence": (
        io.BytesIO(b"MZ not really a picture"), "minutes.png", "image/png")},
        action=f"{url}/save", content_type="multipart/form-data")
    assert response.status_code == 200
    assert [a["href"] for a in page(response).select(".govuk-error-summary a")] == ["#evidence"]
    # Another organisation's lead cannot read the file.
    other = sign_in(app, staff_of(make_user, app, agency_id=world["council"]))
    assert other.get(files[0]["href"]).status_code in (403, 404)
    team = sign_in(app, make_user(Role.TEAM))
    book = load_workbook(io.BytesIO(team.get(
        f"{base('northshire')}/rounds/{round_id}/export.xlsx").data))
    answers = list(book["Answers"].iter_rows(values_only=True))
    assert all(row[7] == "training.png" for row in answers[1:])

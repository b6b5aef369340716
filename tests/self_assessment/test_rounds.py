"""Rounds at scale: answers carried forward, joint rounds, the dashboard's fixed cost, the
chase list and the workbook."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook

from partnership.accounts.models import User
from partnership.audit.models import AuditEvent
from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.policy import Role
from partnership.register.models import Sector
from partnership.self_assessment import services
from partnership.self_assessment.models import (
    AssessmentAnswer,
    AssessmentReturn,
    AssessmentRound,
    AssessmentStatus,
    RoundStatus,
)
from tests.conftest import PASSWORD
from tests.meetings import counting_queries
from tests.register.records import add_agency, add_area, get
from tests.self_assessment import (
    TODAY,
    add_round,
    add_schools,
    answer_form,
    base,
    grades_of,
    returns_of,
    staff_of,
    standards_of,
)
from tests.support.client import BrowserLikeClient, page
from tests.support.clock import clock_at

# Pages, forms and commands: the services and queries under them run on PostgreSQL in
# their own tests (and the visibility, access and demo suites), so these run on SQLite.
pytestmark = pytest.mark.databases("sqlite")

fixed_today = clock_at(TODAY)


def sign_in(app: Flask, user: User) -> BrowserLikeClient:
    client: BrowserLikeClient = app.test_client()  # type: ignore[assignment]
    assert client.sign_in(user.email, PASSWORD).status_code == 302
    return client


def answer_all(app: Flask, return_id: int, grade: str, *, submit: bool = True,
               evidence: str = "Policy reviewed in March") -> None:
    """Grade every standard of a return (and submit it) through the services."""
    with app.app_context(), acting_as("tests"):
        assessment_return = db.session.get_one(AssessmentReturn, return_id)
        assessment_round = assessment_return.round
        grade_id = next(g.id for g in assessment_round.standard_set.scale.grades
                        if g.label == grade)
        services.save_answers(assessment_return, assessment_return.version, {
            s.id: services.AnswerValues(grade_id, f"{evidence} ({s.number})")
            for s in assessment_round.standard_set.standards})
        if submit:
            services.submit(assessment_return, None)
        db.session.commit()


@pytest.fixture
def area(app: Flask) -> dict[str, int]:
    ids = {"partnership": add_area(app, "northshire", "Northshire Partnership")}
    ids["police"] = add_agency(app, "northshire", "Northshire Police", Sector.POLICE_AND_JUSTICE)
    ids["council"] = add_agency(app, "northshire", "Northshire Council",
                                Sector.LOCAL_AUTHORITY)
    return ids


def test_a_new_round_starts_from_the_last_rounds_answers(
        app: Flask, area: dict[str, int], make_user: Callable[..., User]) -> None:
    last = add_round(app, "northshire", agencies=[area["police"], area["council"]],
                     title="Last year")
    answer_all(app, returns_of(app, last)["Northshire Police"], "Fully met",
               evidence="Safeguarding lead named in the annual report")
    current = add_round(app, "northshire", agencies=[area["police"], area["council"]],
                        previous=last, title="This year")
    returns = returns_of(app, current)
    with app.app_context():
        police = db.session.scalars(sa.select(AssessmentAnswer).where(
            AssessmentAnswer.return_id == returns["Northshire Police"])).all()
        council = db.session.scalars(sa.select(AssessmentAnswer).where(
            AssessmentAnswer.return_id == returns["Northshire Council"])).all()
        assert len(police) == len(standards_of(app, current))
        assert {a.grade.label for a in police} == {"Fully met"}
        assert all(a.evidence.startswith("Safeguarding lead named") for a in police)
        assert council == []  # nothing to carry: the council gave no answers last year
        assert db.session.get_one(AssessmentReturn, returns["Northshire Police"]).status is (
            AssessmentStatus.NOT_STARTED)
    lead = sign_in(app, staff_of(make_user, app, agency_id=area["police"]))
    url = f"{base('northshire')}/returns/{returns['Northshire Police']}"
    shown = page(lead.get(url))
    standards = standards_of(app, current)
    first = shown.select_one(f"#standard-{standards[0][0]}")
    assert "Carried forward" in first.get_text()
    assert "checked" in first.select_one(f"input[name=grade_{standards[0][0]}]"
                                         f"[value='{grades_of(app, current)['Fully met']}']"
                                         ).attrs
    # Edited evidence is no longer marked as carried forward.
    version = get(app, AssessmentReturn, returns["Northshire Police"]).version
    form = answer_form(standards, grades_of(app, current)["Fully met"], version)
    assert lead.submit(url, form, action=f"{url}/save").status_code == 302
    shown = page(lead.get(url))
    assert "Carried forward" not in shown.select_one(f"#standard-{standards[0][0]}").get_text()


def test_a_joint_rounds_return_serves_both_partnerships(
        app: Flask, area: dict[str, int], make_user: Callable[..., User]) -> None:
    southshire = add_area(app, "southshire", "Southshire Partnership")
    southern_police = add_agency(app, "southshire", "Southshire Police")
    round_id = add_round(app, "northshire", joint=["southshire"],
                         agencies=[area["police"], southern_police])
    returns = returns_of(app, round_id)
    north_officer = sign_in(app, make_user(Role.TEAM, partnerships=[area["partnership"]]))
    south_officer = sign_in(app, make_user(Role.TEAM, partnerships=[southshire]))
    for officer, slug in ((north_officer, "northshire"), (south_officer, "southshire")):
        listed = page(officer.get(base(slug))).select("#rounds a")
        assert [a.text for a in listed] == ["Section 11 round"]
        for name in ("Northshire Police", "Southshire Police"):
            url = f"{base(slug)}/returns/{returns[name]}"
            assert officer.get(url).status_code == 200, (slug, name)
    # A partnership outside the round does not see it.
    add_area(app, "eastshire")
    east = sign_in(app, make_user(Role.TEAM))
    assert east.get(f"{base('eastshire')}/rounds/{round_id}").status_code == 404
    # Southshire's police lead completes the one return from either partnership's address.
    lead = sign_in(app, staff_of(make_user, app, agency_id=southern_police))
    url = f"{base('northshire')}/returns/{returns['Southshire Police']}"
    assert lead.get(url).status_code == 200
    assert lead.get(url.replace("northshire", "southshire")).status_code == 200
    # Their home page links to the return at their own partnership's address.
    due = page(lead.get("/")).select("#self-assessments-due a")
    assert [a["href"] for a in due] == [url.replace("northshire", "southshire")]


def test_a_schools_own_staff_complete_its_return_and_see_no_other(
        app: Flask, area: dict[str, int], make_user: Callable[..., User]) -> None:
    schools = add_schools(app, "northshire", 2)
    round_id = add_round(app, "northshire", schools=schools)
    returns = returns_of(app, round_id)
    lead = sign_in(app, staff_of(make_user, app, establishment_id=schools[0]))
    mine = f"{base('northshire')}/returns/{returns['School 0000']}"
    theirs = f"{base('northshire')}/returns/{returns['School 0001']}"
    assert lead.get(mine).status_code == 200
    assert lead.get(theirs).status_code == 404
    listed = page(lead.get(f"{base('northshire')}/rounds/{round_id}")).select("#returns a")
    assert [a.text for a in listed] == ["School 0000"]


def _dashboard_statements(app: Flask, client: BrowserLikeClient, round_id: int) -> int:
    url = f"{base('northshire')}/rounds/{round_id}/dashboard"
    client.get(url)  # warm: the scope and the session are read once per client
    with counting_queries(app) as statements:
        response = client.get(url)
    assert response.status_code == 200
    return len(statements)


def test_the_dashboard_costs_the_same_for_10_or_100_organisations(
        app: Flask, area: dict[str, int], make_user: Callable[..., User]) -> None:
    officer = sign_in(app, make_user(Role.TEAM))
    counts = []
    for size, start in ((10, 0), (100, 1000)):
        schools = add_schools(app, "northshire", size, start=start)
        round_id = add_round(app, "northshire", schools=schools, title=f"Round of {size}")
        returns = list(returns_of(app, round_id).values())
        for return_id in returns[: size // 2]:
            answer_all(app, return_id, "Fully met")
        with app.app_context(), acting_as("tests"):
            person_rows = [{"name": f"Lead {i}", "email": f"lead{start + i}@example.org",
                            "establishment_id": school, "organisation": "", "phone": "",
                            "job_title": "", "version": 1} for i, school in enumerate(schools)]
            db.session.execute(sa.insert(services.Person), person_rows)
            db.session.commit()
        counts.append(_dashboard_statements(app, officer, round_id))
    assert counts[0] == counts[1], counts


def test_the_chase_list_and_marking_returns_chased(
        app: Flask, area: dict[str, int], make_user: Callable[..., User]) -> None:
    round_id = add_round(app, "northshire", agencies=[area["police"], area["council"]])
    returns = returns_of(app, round_id)
    answer_all(app, returns["Northshire Council"], "Fully met")
    staff_of(make_user, app, agency_id=area["police"], email="dsl@police.example")
    officer = sign_in(app, make_user(Role.TEAM))
    url = f"{base('northshire')}/rounds/{round_id}/dashboard"
    shown = page(officer.get(url))
    rows = shown.select("#chase tbody tr")
    assert len(rows) == 1
    assert "Northshire Police" in rows[0].get_text()
    assert rows[0].select_one("a[href='mailto:dsl@police.example']") is not None
    assert "50%" in shown.select_one("#by-status").get_text()
    response = officer.post_with_token(f"{base('northshire')}/rounds/{round_id}/chase",
                                       {"returns": [str(returns["Northshire Police"]),
                                                    str(returns["Northshire Council"])]},
                                       token_from=url)
    assert response.status_code == 302
    police = get(app, AssessmentReturn, returns["Northshire Police"])
    assert (police.last_chased_on, police.chase_count) == (TODAY, 1)
    council = get(app, AssessmentReturn, returns["Northshire Council"])
    assert (council.last_chased_on, council.chase_count) == (None, 0)  # it had returned
    officer.post_with_token(f"{base('northshire')}/rounds/{round_id}/chase",
                            {"returns": [str(returns["Northshire Police"])]}, token_from=url)
    assert get(app, AssessmentReturn, returns["Northshire Police"]).chase_count == 2
    with app.app_context():  # the bulk changes are in the audit trail
        events = set(db.session.scalars(sa.select(AuditEvent.record_id).where(
            AuditEvent.record_type == "assessment_return")))
        assert {f"round {round_id}: 2 added", f"round {round_id}: 1 chased"} <= events
    csv_text = officer.get(f"{base('northshire')}/rounds/{round_id}/chase.csv").get_data(
        as_text=True)
    assert "dsl@police.example" in csv_text
    # Only the team marks returns as chased; a chair reads the dashboard.
    chair = sign_in(app, make_user(Role.CHAIR))
    assert chair.get(url).status_code == 200
    assert chair.post_with_token(f"{base('northshire')}/rounds/{round_id}/chase",
                                 {"returns": [str(returns["Northshire Police"])]},
                                 token_from=url).status_code == 403


def test_the_round_as_a_workbook(app: Flask, area: dict[str, int],
                                 make_user: Callable[..., User]) -> None:
    round_id = add_round(app, "northshire", agencies=[area["police"], area["council"]])
    returns = returns_of(app, round_id)
    answer_all(app, returns["Northshire Council"], "Fully met",
               evidence="=HYPERLINK(\"http://example.org\")")
    officer = sign_in(app, make_user(Role.TEAM))
    response = officer.get(f"{base('northshire')}/rounds/{round_id}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Returns", "Answers", "Gap actions"]
    sheet = [list(row) for row in book["Returns"].iter_rows(values_only=True)]
    assert sheet[0][:4] == ["Organisation", "Type", "Sector or phase", "Status"]
    assert [(r[0], r[3]) for r in sheet[1:]] == [("Northshire Council", "Submitted"),
                                                 ("Northshire Police", "Not started")]
    answers = [list(row) for row in book["Answers"].iter_rows(values_only=True)]
    assert len(answers) == 1 + len(standards_of(app, round_id))
    assert answers[1][:2] == ["Northshire Council", "1"]
    assert answers[1][3] == "Fully met"
    assert answers[1][5].startswith("'=HYPERLINK")  # made plain text, not a formula
    agency = sign_in(app, staff_of(make_user, app, agency_id=area["police"]))
    assert agency.get(f"{base('northshire')}/rounds/{round_id}/export.xlsx").status_code == 403


def test_the_report_hook_counts_grades_and_gap_actions(app: Flask, area: dict[str, int]
                                                       ) -> None:
    round_id = add_round(app, "northshire", agencies=[area["police"], area["council"]])
    returns = returns_of(app, round_id)
    answer_all(app, returns["Northshire Council"], "Fully met")
    with app.app_context():
        summaries = services.rounds_for_report(area["partnership"], TODAY,
                                               TODAY.replace(year=TODAY.year + 1))
        assert [(s.title, s.organisations, s.returned, s.moderated) for s in summaries] == [
            ("Section 11 round", 2, 1, 0)]
        assert summaries[0].standards[0].grades[0] == ("Fully met", 1)
        assert summaries[0].path.endswith(f"/rounds/{round_id}")
        assert db.session.get_one(AssessmentRound, round_id).status is RoundStatus.OPEN

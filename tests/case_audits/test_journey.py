"""An audit from sample to actions, through the pages: the team plans it, the agency leads
complete their returns, the chair moderates and adds an action that shows where it came from."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.actions.models import Action
from partnership.audit.models import AuditEvent
from partnership.case_audits.models import AuditReturn, AuditStage, CaseAudit, ReturnStatus
from partnership.extensions import db
from partnership.scales.models import GradeScale
from tests.case_audits.records import AuditWorld, build, return_of
from tests.meetings import sign_in
from tests.register.builders import date_parts, field_error
from tests.support.client import BrowserLikeClient, page

GOOD, IMPROVE = "Good", "Requires improvement"


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> AuditWorld:
    return build(app, make_user)


def _text(response: object) -> str:
    return " ".join(page(response).get_text(" ", strip=True).split())  # type: ignore[arg-type]


def _grades(app: Flask, world: AuditWorld) -> dict[str, int]:
    with app.app_context():
        scale = db.session.get_one(GradeScale, world.scale_id)
        return {grade.label: grade.id for grade in scale.grades}


def _plan(app: Flask, world: AuditWorld, team: BrowserLikeClient) -> str:
    """The team starts an audit, writes two questions, samples two cases, asks two agencies
    and opens returns; return the audit's address."""
    base = f"/partnerships/{world.slug}/case-audits"
    created = team.submit(f"{base}/new", {
        "title": "Neglect: recognising cumulative harm", "theme": "Children under five",
        "body": str(world.group_id), "scale": str(world.scale_id),
        **date_parts("returns_due", dt.date(2027, 2, 1)),
        **date_parts("moderation_on", dt.date(2027, 2, 20)), "moderation_meeting": ""})
    assert created.status_code == 302, _text(created)
    url = created.headers["Location"].split("#")[0]
    # Opening returns with nothing to answer is refused, and says why.
    refused = team.submit(url, {"to": "returns"}, action=f"{url}/stage", follow_redirects=True)
    assert "Returns cannot open yet: the audit needs a question and a case in the sample" \
        in _text(refused)
    for text in ("Was the risk of cumulative harm recognised?", "Did agencies share information?"):
        assert team.submit(f"{url}/questions/new", {"text": text}).status_code == 302
    for reference in ("Audit 12/1", "Audit 12/2"):
        response = team.submit(f"{url}/cases/new", {"reference": reference,
                                                     "note": "Aged 3, missed appointments"})
        assert response.status_code == 302
    asked = [world.agency_ids["Police"], world.agency_ids["Children's Social Care"]]
    assert team.submit(f"{url}/agencies", {"agencies": [str(i) for i in asked]}
                       ).status_code == 302
    opened = team.submit(url, {"to": "returns"}, action=f"{url}/stage", follow_redirects=True)
    assert "is now at “Agencies completing returns”" in _text(opened)
    return url


def test_an_audit_from_sample_to_actions(app: Flask, world: AuditWorld) -> None:
    team = sign_in(app, world.team)
    url = _plan(app, world, team)
    audit_id = int(url.rsplit("/", 1)[1])
    grades = _grades(app, world)
    with app.app_context():
        audit = db.session.get_one(CaseAudit, audit_id)
        cells = [f"{case.id}-{question.id}" for case in audit.cases
                 for question in audit.questions]
        assert [r.status for r in audit.returns] == [ReturnStatus.REQUESTED] * 2

    # The police lead finds the audit waiting on their home page and in the list.
    police = sign_in(app, world.police_lead)
    assert "Audits waiting for my agency" in _text(police.get("/"))
    listing = _text(police.get(f"/partnerships/{world.slug}/case-audits"))
    assert "Neglect: recognising cumulative harm" in listing and "0 of 2" in listing
    police_return = return_of(app, audit_id, world.agency_ids["Police"])
    form_url = f"{url}/returns/{police_return}/complete"
    # A draft with one grade, then a send that is refused until every answer is graded.
    draft = police.submit(form_url, {f"grade-{cells[0]}": str(grades[GOOD]),
                                     f"comment-{cells[0]}": "Timely referral",
                                     "summary": "Mixed", "save": "Save as a draft"})
    assert draft.status_code == 302
    early = police.submit(form_url, {f"grade-{cells[0]}": str(grades[GOOD]), "summary": "",
                                     "send": "Send the return"})
    assert early.status_code == 200
    assert "Grade every question for every case" in field_error(page(early),
                                                                f"grade-{cells[1]}")
    sent = police.submit(form_url, {
        **{f"grade-{cell}": str(grades[GOOD if n % 2 else IMPROVE])
           for n, cell in enumerate(cells)},
        **{f"comment-{cell}": "Seen in the records" for cell in cells},
        "summary": "Good referrals, weaker follow-up", "send": "Send the return"},
        follow_redirects=True)
    assert "Police's return is sent" in _text(sent)
    # Sent: the agency cannot change it, and only the team may reopen it.
    assert police.get(form_url).status_code == 302
    assert police.post_with_token(f"{url}/returns/{police_return}/reopen",
                                  token_from=url).status_code == 403

    # The other agency asked sends too (the team completes it on their behalf).
    care_return = return_of(app, audit_id, world.agency_ids["Children's Social Care"])
    assert team.submit(f"{url}/returns/{care_return}/complete", {
        **{f"grade-{cell}": str(grades[IMPROVE]) for cell in cells},
        "summary": "Drift in plans", "send": "Send the return"}).status_code == 302

    # Findings: per question, how each agency graded the cases, with a chart and a table.
    findings = team.get(f"{url}/findings")
    html = page(findings)
    assert html.find("svg") is not None and html.find("svg").get("role") == "img"
    first = html.find("table")
    rows = {row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.find_all("td")]
            for row in first.tbody.find_all("tr")}
    assert rows == {"Children's Social Care": ["0", "2", "0"], "Police": ["0", "2", "0"],
                    "All agencies": ["0", "4", "0"]}

    # The chair of the running group moderates: agreed grades, findings, and an action.
    chair = sign_in(app, world.chair)
    moved = chair.submit(url, {"to": "moderation"}, action=f"{url}/stage",
                         follow_redirects=True)
    assert "is now at “Moderation”" in _text(moved)
    with app.app_context():
        question_ids = [q.id for q in db.session.get_one(CaseAudit, audit_id).questions]
    moderation = chair.submit(f"{url}/moderation", {
        **{f"agreed-{qid}": str(grades[IMPROVE]) for qid in question_ids},
        **{f"finding-{qid}": "Cumulative harm was seen late" for qid in question_ids},
        "findings": "Practitioners saw incidents, not the pattern.",
        "good_practice": "Health visitors escalated well.", "learning": "Use chronologies.",
        "action-1-title": "Train practitioners in neglect chronologies",
        "action-1-agency": str(world.agency_ids["Children's Social Care"]),
        "action-1-due": "2027-06-30"}, follow_redirects=True)
    text = _text(moderation)
    assert "Moderation saved and 1 action added" in text
    assert "Train practitioners in neglect chronologies" in text and "Not started" in text
    with app.app_context():
        action = db.session.scalars(sa.select(Action).where(
            Action.case_audit_id == audit_id)).one()
        action_id = action.id
        assert action.body_id == world.group_id
        assert action.target_date == dt.date(2027, 6, 30)
    # The action shows its origin.
    assert "Multi-agency case audit: Neglect: recognising cumulative harm" in _text(
        team.get(f"/actions/{action_id}"))
    done = chair.submit(url, {"to": "complete"}, action=f"{url}/stage", follow_redirects=True)
    assert "is now at “Complete”" in _text(done)
    with app.app_context():
        audit = db.session.get_one(CaseAudit, audit_id)
        assert audit.stage is AuditStage.COMPLETE and audit.completed_on is not None


def test_an_agency_lead_sees_only_their_own_return_and_audits(
        app: Flask, world: AuditWorld) -> None:
    from tests.case_audits.records import add_audit

    asked = add_audit(app, world, agencies=("Police", "Schools"),
                      grades={"Schools": [1, 2]})
    not_asked = add_audit(app, world, agencies=("Schools",), title="Exploitation audit")
    base = f"/partnerships/{world.slug}/case-audits"
    police = sign_in(app, world.police_lead)
    own = return_of(app, asked, world.agency_ids["Police"])
    other = return_of(app, asked, world.agency_ids["Schools"])
    assert police.get(f"{base}/{asked}/returns/{own}").status_code == 200
    assert police.get(f"{base}/{asked}/returns/{other}").status_code == 404
    assert police.get(f"{base}/{asked}/returns/{other}/complete").status_code == 404
    assert police.get(f"{base}/{not_asked}").status_code == 404
    assert police.get(f"{base}/{not_asked}/findings").status_code == 404
    listing = _text(police.get(base))
    assert "Neglect audit" in listing and "Exploitation audit" not in listing
    detail = _text(police.get(f"{base}/{asked}"))
    assert "Police" in detail and "Schools" not in detail
    # Findings count only what they may see: their own agency's (none sent yet).
    assert "Schools" not in _text(police.get(f"{base}/{asked}/findings"))
    # Each view of a return is audited.
    with app.app_context():
        views = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "view", AuditEvent.record_type == "audit_return")).all()
        assert [(v.record_id, v.user_id) for v in views] == [(str(own), world.police_lead.id)]
    # The team sees both, and may reopen the sent one.
    team = sign_in(app, world.team)
    assert "Schools" in _text(team.get(f"{base}/{asked}"))
    reopened = team.post_with_token(f"{base}/{asked}/returns/{other}/reopen",
                                    token_from=f"{base}/{asked}/returns/{other}",
                                    follow_redirects=True)
    assert "Schools's return is open again" in _text(reopened)
    with app.app_context():
        assert db.session.get_one(AuditReturn, other).status is ReturnStatus.IN_PROGRESS


def test_stage_steps_that_make_no_sense_are_refused(app: Flask, world: AuditWorld) -> None:
    from tests.case_audits.records import add_audit

    audit_id = add_audit(app, world, stage=AuditStage.RETURNS)
    url = f"/partnerships/{world.slug}/case-audits/{audit_id}"
    team = sign_in(app, world.team)
    skipped = team.submit(url, {"to": "complete"}, action=f"{url}/stage", follow_redirects=True)
    assert re.search(r"cannot move to “Complete” from there", _text(skipped))
    early = team.submit(url, {"to": "moderation"}, action=f"{url}/stage", follow_redirects=True)
    assert "Moderation cannot start before any agency has sent its return" in _text(early)
    # A scale's grade that answers give cannot be removed.
    add_audit(app, world, agencies=("Police",), grades={"Police": [1, 1]}, title="Second")
    good = _grades(app, world)[GOOD]
    scale_url = f"/partnerships/{world.slug}/scales/{world.scale_id}"
    shown = _text(team.get(f"{scale_url}/grades/{good}/remove"))
    assert "Good cannot be removed: 6 answers give it" in shown


def test_an_agency_lead_attaches_evidence_to_their_return(app: Flask, world: AuditWorld) -> None:
    import io

    from tests.case_audits.records import add_audit
    from tests.evidence.samples import image

    audit_id = add_audit(app, world, agencies=("Police", "Schools"), cases=1, questions=1)
    base = f"/partnerships/{world.slug}/case-audits/{audit_id}"
    own = return_of(app, audit_id, world.agency_ids["Police"])
    police = sign_in(app, world.police_lead)
    saved = police.submit(f"{base}/returns/{own}/complete", {
        "summary": "See the attached chronology", "save": "Save as a draft",
        "evidence": (io.BytesIO(image()), "chronology.png", "image/png")},
        content_type="multipart/form-data")
    assert saved.status_code == 302, _text(saved)
    shown = page(police.get(f"{base}/returns/{own}"))
    link = shown.find("a", string="chronology.png")
    assert link is not None
    assert police.get(link["href"]).status_code == 200
    # Another agency's lead cannot reach it.
    housing = sign_in(app, world.housing_lead)
    assert housing.get(link["href"]).status_code == 404


def test_only_the_team_and_the_running_group_s_chair_keep_an_audit(
        app: Flask, world: AuditWorld, make_user: Callable[..., User]) -> None:
    from tests.case_audits.records import add_audit
    from tests.meetings import chair_of
    from tests.register.records import add_body

    audit_id = add_audit(app, world, stage=AuditStage.PLANNING)
    other_group = add_body(app, "Education Group", slug=world.slug)
    outsider = sign_in(app, chair_of(app, make_user, other_group, "Olu Other"))
    base = f"/partnerships/{world.slug}/case-audits"
    assert outsider.get(f"{base}/{audit_id}").status_code == 200  # chairs read audits
    assert outsider.get(f"{base}/{audit_id}/edit").status_code == 403
    assert outsider.get(f"{base}/{audit_id}/moderation").status_code == 403
    # A chair starts audits only in a group they chair.
    refused = outsider.submit(f"{base}/new", {
        "title": "Exploitation audit", "body": str(world.group_id),
        "scale": str(world.scale_id), "returns_due": ["", "", ""],
        "moderation_on": ["", "", ""], "moderation_meeting": ""})
    assert field_error(page(refused), "body") == "Select a group you chair"
    started = outsider.submit(f"{base}/new", {
        "title": "Exploitation audit", "body": str(other_group),
        "scale": str(world.scale_id), "returns_due": ["", "", ""],
        "moderation_on": ["", "", ""], "moderation_meeting": ""})
    assert started.status_code == 302

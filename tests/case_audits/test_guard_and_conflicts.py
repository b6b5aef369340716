"""No case reference, note or comment may carry a child's identifier; two people editing an
audit never silently overwrite each other."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.accounts.models import User
from partnership.actions.models import Action
from partnership.case_audits.models import AuditAnswer, AuditCase, CaseAudit
from partnership.extensions import db
from tests.case_audits.records import AuditWorld, add_audit, build, return_of
from tests.meetings import sign_in
from tests.register.builders import field_error
from tests.support.client import page

IDENTIFIERS = {
    "an NHS number": ("943 476 5919", "Remove the NHS number"),
    "a postcode": ("Lives at SW1A 1AA", "Remove the postcode"),
    "a date of birth": ("DOB 12/03/2021", "Remove the date of birth"),
}


@pytest.fixture
def world(app: Flask, make_user: Callable[..., User]) -> AuditWorld:
    return build(app, make_user)


@pytest.mark.parametrize("kind", sorted(IDENTIFIERS))
def test_a_case_reference_or_note_with_an_identifier_is_refused(
        app: Flask, world: AuditWorld, kind: str) -> None:
    from partnership.case_audits.models import AuditStage

    audit_id = add_audit(app, world, stage=AuditStage.PLANNING, cases=0)
    url = f"/partnerships/{world.slug}/case-audits/{audit_id}/cases/new"
    text, message = IDENTIFIERS[kind]
    team = sign_in(app, world.team)
    for field, values in (("reference", {"reference": text, "note": ""}),
                          ("note", {"reference": "Audit 9/1", "note": text})):
        response = team.submit(url, values)
        assert response.status_code == 200
        html = page(response)
        assert html.title.get_text().startswith("Error:")
        assert message in (field_error(html, field) or "")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditCase)) == 0


@pytest.mark.parametrize("kind", sorted(IDENTIFIERS))
def test_a_comment_with_an_identifier_is_refused_next_to_its_cell(
        app: Flask, world: AuditWorld, kind: str) -> None:
    audit_id = add_audit(app, world, agencies=("Police",), cases=1, questions=1)
    with app.app_context():
        audit = db.session.get_one(CaseAudit, audit_id)
        cell = f"{audit.cases[0].id}-{audit.questions[0].id}"
        grade_id = audit.scale.grades[0].id
    own = return_of(app, audit_id, world.agency_ids["Police"])
    url = f"/partnerships/{world.slug}/case-audits/{audit_id}/returns/{own}/complete"
    text, message = IDENTIFIERS[kind]
    police = sign_in(app, world.police_lead)
    response = police.submit(url, {f"grade-{cell}": str(grade_id),
                                   f"comment-{cell}": f"Seen at home. {text}",
                                   "save": "Save as a draft"})
    assert response.status_code == 200
    html = page(response)
    assert message in (field_error(html, f"comment-{cell}") or "")
    # What was typed is shown again to correct; nothing was saved.
    assert text in html.find("textarea", attrs={"name": f"comment-{cell}"}).get_text()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditAnswer)) == 0


def test_concurrent_edits_of_an_audit_conflict(app: Flask, world: AuditWorld) -> None:
    audit_id = add_audit(app, world)
    url = f"/partnerships/{world.slug}/case-audits/{audit_id}/edit"
    first, second = sign_in(app, world.team), sign_in(app, world.chair)
    opened = {client: page(client.get(url)) for client in (first, second)}

    def values(html: object, title: str) -> dict[str, object]:
        token = html.find("input", attrs={"name": "csrf_token"})["value"]  # type: ignore[attr-defined]
        version = html.find("input", attrs={"name": "version"})["value"]  # type: ignore[attr-defined]
        return {"csrf_token": token, "version": version, "title": title, "theme": "Neglect",
                "body": str(world.group_id), "scale": str(world.scale_id),
                "returns_due": ["", "", ""], "moderation_on": ["", "", ""],
                "moderation_meeting": ""}

    assert first.post(url, data=values(opened[first], "Renamed by the team")
                      ).status_code == 302
    clash = second.post(url, data=values(opened[second], "Renamed by the chair"))
    assert clash.status_code == 409
    assert "Renamed by the chair" in clash.get_data(as_text=True)
    with app.app_context():
        assert db.session.get_one(CaseAudit, audit_id).title == "Renamed by the team"


def test_two_moderators_never_overwrite_each_other(app: Flask, world: AuditWorld) -> None:
    from partnership.case_audits.models import AuditStage

    audit_id = add_audit(app, world, agencies=("Police",), grades={"Police": [1, 2]},
                         stage=AuditStage.MODERATION)
    url = f"/partnerships/{world.slug}/case-audits/{audit_id}/moderation"
    first, second = sign_in(app, world.team), sign_in(app, world.chair)
    forms = {client: page(client.get(url)) for client in (first, second)}

    def post(client: object, findings: str) -> int:
        html = forms[client]  # type: ignore[index]
        return client.post(url, data={  # type: ignore[attr-defined]
            "csrf_token": html.find("input", attrs={"name": "csrf_token"})["value"],
            "version": html.find("input", attrs={"name": "version"})["value"],
            "findings": findings, "good_practice": "", "learning": "",
            "action-1-title": f"Action from {findings}"}).status_code

    assert post(first, "The team's findings") == 302
    assert post(second, "The chair's findings") == 409
    with app.app_context():
        audit = db.session.get_one(CaseAudit, audit_id)
        assert audit.findings == "The team's findings"
        titles = db.session.scalars(sa.select(Action.title).where(
            Action.case_audit_id == audit_id)).all()
        assert titles == ["Action from The team's findings"]

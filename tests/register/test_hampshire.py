"""Hampshire's published arrangements (2022) as a register file: it imports into an empty
database as the source says it, with nothing filled in that the source does not say."""

from __future__ import annotations

import copy
from pathlib import Path

from partnership.audit.services import acting_as
from partnership.extensions import db
from partnership.register.exchange import export_register, read_register, read_register_file
from partnership.register.models import AppointmentRole, Capacity, DecisionRule, LineKind

FIXTURE = Path(__file__).parent / "fixtures" / "hampshire-2022.yaml"


def test_hampshire_imports_into_an_empty_database_as_the_source_says(app):
    data = read_register_file(FIXTURE.read_bytes())
    with app.app_context(), acting_as("tests"):
        imported = read_register(copy.deepcopy(data))
        db.session.commit()
        hampshire = imported.partnership

        assert imported.left_out == []
        assert hampshire.contact_email == "HSCP@hants.gov.uk"
        assert hampshire.support_team_name == "Safeguarding Children Partnership Team"
        health = next(p for p in hampshire.partners if p.kind.value == "health")
        assert "acting on behalf of NHS Frimley ICB" in health.names[0].name
        delegated = next(r for r in health.representatives if r.capacity is Capacity.DELEGATED)
        assert delegated.person.name == "Katherine Elsmore"

        bodies = {b.name: b for b in hampshire.bodies}
        assert bodies["Main Board"].chair_independent and bodies["Main Board"].frequency.value == (
            "quarterly")
        executive = bodies["Executive Group"]
        assert executive.decision_rule is DecisionRule.CONSENSUS_THEN_PARTNER_MAJORITY
        assert bodies["Executive Group"].frequency is None  # the source does not say
        lig = bodies["Learning and Inquiry Group"]
        assert [(line.kind, line.target_name) for line in lig.lines] == [
            (LineKind.REPORTS_TO, "Executive Group"), (LineKind.REPORTS_TO, "Main Board"),
            (LineKind.SHARED_WITH, "HIPS Executive Group")]
        assert lig.chair is None and lig.decision_rule is None
        assert lig.chair_appointment == ("a member of the partnership nominated by the "
                                         "Executive Group")
        hips = hampshire.collaborations[0]
        assert hips.external_members == ["Isle of Wight", "Portsmouth", "Southampton"]
        assert {b.name for b in hips.bodies} >= {"HIPS Executive Group", "Procedures Subgroup"}
        roles = {a.role for a in hampshire.appointments}
        assert roles == {AppointmentRole.PARTNERSHIP_CHAIR, AppointmentRole.PARTICIPATING_OBSERVER}
        assert all(a.sector is None for a in hampshire.agencies)  # no sector is stated
        providers = next(a for a in hampshire.agencies if a.name == "Health providers")
        assert len([a for a in hampshire.agencies if a.group is providers]) == 9
        assert hampshire.scrutineers[0].person is None  # the chair, not named

        # Exported again, it says what the file says and nothing more.
        again = export_register(hampshire)
        assert again["bodies"][4]["lines"] == data["bodies"][4]["lines"]
        assert [b["name"] for b in again["bodies"]][:7] == [b["name"] for b in data["bodies"]][:7]
        assert not any(b["decision_rule"] for b in again["bodies"]
                       if b["name"] != "Executive Group")

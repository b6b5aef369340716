"""Build partnerships through the ORM for document tests (fictional, modelled on Hampshire's)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import dataclass

import pytest

from partnership.arrangements.models import NarrativeSection, Topic
from partnership.extensions import db
from partnership.register.models import (
    Agency,
    Appointment,
    AppointmentRole,
    Body,
    BodyKind,
    BodyMember,
    Capacity,
    Collaboration,
    DecisionRule,
    Frequency,
    GuidanceEdition,
    MemberKind,
    PartnerKind,
    PartnerName,
    Partnership,
    Person,
    Representative,
    Scrutineer,
    Sector,
    StatutoryPartner,
)

AS_OF = dt.date(2025, 4, 1)
NO_GRAPHVIZ_NOTE = ("The diagram could not be drawn on this server (Graphviz is not "
                    "installed); the structure is shown as a list.")
HOSTILE = '<script>alert(1)</script> "quoted" \\back\\slash & {{7*7}}\nnew line'


@dataclass
class Built:
    """The ids of what a test looks for."""

    partnership_id: int
    neighbour_id: int
    names: dict[str, str]


def person(name: str, title: str = "", agency: Agency | None = None) -> Person:
    found = Person(name=name, job_title=title, agency=agency)
    db.session.add(found)
    return found


def partners(partnership: Partnership, names: dict[PartnerKind, list[tuple[str, dt.date,
                                                                            dt.date | None]]]
             ) -> dict[PartnerKind, StatutoryPartner]:
    made = {}
    for kind, periods in names.items():
        partner = StatutoryPartner(kind=kind, partnership=partnership)
        for name, valid_from, valid_to in periods:
            partner.names.append(PartnerName(name=name, valid_from=valid_from, valid_to=valid_to))
        db.session.add(partner)
        made[kind] = partner
    return made


def represent(partner: StatutoryPartner, who: Person, capacity: Capacity, title: str,
              valid_from: dt.date = dt.date(2019, 9, 1), valid_to: dt.date | None = None) -> None:
    partner.representatives.append(Representative(person=who, capacity=capacity, title=title,
                                                  valid_from=valid_from, valid_to=valid_to))


def body(owner: Partnership | None, name: str, kind: BodyKind, frequency: Frequency, *,
         position: int, reports_to: Body | None = None, **fields: object) -> Body:
    made = Body(partnership=owner, name=name, kind=kind, frequency=frequency, position=position,
                reports_to=reports_to, **fields)
    db.session.add(made)
    return made


def build_hampton(*, hostile: bool = False, guidance: GuidanceEdition = GuidanceEdition.WT2023
                  ) -> Built:
    """A county partnership: 3 partners, agencies with a group, board, executive, subgroups,
    a four-area collaboration with shared bodies, a joint group and narrative sections.

    With ``hostile``, names and narrative carry markup, template syntax, quotes and
    backslashes, to check that they come out as text everywhere.
    """
    odd = f" {HOSTILE}" if hostile else ""
    hampton = Partnership(
        slug="hampton", name="Hampton Safeguarding Children Partnership", short_name="HSCP",
        area=("The area covered is the Hampton County Council local authority area.\n\n"
              "Partners who also serve neighbouring areas follow the child's home area." + odd),
        guidance=guidance)
    portsea = Partnership(slug="portsea", name="Portsea Safeguarding Children Partnership",
                          short_name="PSCP", guidance=guidance)
    db.session.add_all([hampton, portsea])
    made = partners(hampton, {
        PartnerKind.LOCAL_AUTHORITY: [("Hampton County Council", dt.date(2019, 1, 1), None)],
        PartnerKind.HEALTH: [
            ("NHS Hampton Clinical Commissioning Group", dt.date(2019, 1, 1), dt.date(2022, 6, 30)),
            ("NHS Hampton and Wight Integrated Care Board", dt.date(2022, 7, 1), None)],
        PartnerKind.POLICE: [("Hampton Constabulary", dt.date(2019, 1, 1), None)],
    })
    partners(portsea, {
        PartnerKind.LOCAL_AUTHORITY: [("Portsea City Council", dt.date(2019, 1, 1), None)],
        PartnerKind.HEALTH: [("NHS Hampton and Wight Integrated Care Board",
                              dt.date(2019, 1, 1), None)],
        PartnerKind.POLICE: [("Hampton Constabulary", dt.date(2019, 1, 1), None)],
    })
    represent(made[PartnerKind.LOCAL_AUTHORITY], person("Carys Wendell" + odd),
              Capacity.LEAD, "Chief Executive")
    represent(made[PartnerKind.LOCAL_AUTHORITY], person("Stefan Crowe"), Capacity.DELEGATED,
              "Director of Children's Services")
    represent(made[PartnerKind.HEALTH], person("Margit Isaksen"), Capacity.LEAD,
              "Chief Executive")
    represent(made[PartnerKind.HEALTH], person("Kathryn Ellery"), Capacity.DELEGATED,
              "Associate Director for Safeguarding")
    represent(made[PartnerKind.POLICE], person("Ravi Kohler"), Capacity.LEAD, "Chief Constable")
    represent(made[PartnerKind.POLICE], person("Dana Old"), Capacity.DELEGATED,
              "Chief Superintendent", valid_to=dt.date(2023, 3, 31))
    represent(made[PartnerKind.POLICE], person("Priya Shah"), Capacity.DELEGATED,
              "Chief Superintendent", valid_from=dt.date(2023, 4, 1))

    providers = Agency(partnership=hampton, name="Health providers", sector=Sector.HEALTH,
                       is_group=True)
    agencies = {
        "providers": providers,
        "trust": Agency(partnership=hampton, name="Hampton Hospitals NHS Foundation Trust",
                        sector=Sector.HEALTH, group=providers),
        "ambulance": Agency(partnership=hampton, name="South Central Ambulance Service",
                            sector=Sector.HEALTH, group=providers),
        "schools": Agency(partnership=hampton, name="Schools and colleges" + odd,
                          sector=Sector.EDUCATION),
        "cafcass": Agency(partnership=hampton, name="Cafcass", sector=Sector.POLICE_AND_JUSTICE,
                          notes="National position of not attending"),
        "diocese": Agency(partnership=hampton, name="Diocese of Winton",
                          sector=Sector.VOLUNTARY_AND_FAITH),
        "fire": Agency(partnership=hampton, name="Hampton Fire and Rescue Service",
                       sector=Sector.OTHER),
        "gone": Agency(partnership=hampton, name="Closed Agency Ltd", sector=Sector.OTHER,
                       active_to=dt.date(2020, 1, 1)),
    }
    db.session.add_all(agencies.values())

    chair = person("Derek Ainsworth", "Independent Chair and Scrutineer")
    board = body(hampton, "Main Board", BodyKind.BOARD, Frequency.QUARTERLY, position=1,
                 purpose="All relevant agencies and the safeguarding partners come together.",
                 objectives=["Support and challenge partner agencies", "Oversee practice"],
                 chair=chair, chair_independent=True,
                 chair_appointment="Appointed by the three lead safeguarding partners")
    executive = body(hampton, "Executive Group" + odd, BodyKind.EXECUTIVE, Frequency.BIMONTHLY,
                     position=2, reports_to=board,
                     decision_rule=DecisionRule.CONSENSUS_THEN_PARTNER_MAJORITY,
                     objectives=["Lead the partnership", "Agree the budget" + odd])
    scrutiny = body(hampton, "Scrutiny Group", BodyKind.SUBGROUP, Frequency.QUARTERLY,
                    position=3, reports_to=executive)
    learning = body(hampton, "Learning and Inquiry Group", BodyKind.SUBGROUP,
                    Frequency.MONTHLY, position=4, reports_to=executive,
                    chair_agency=agencies["trust"])
    body(hampton, "Workforce Development Group", BodyKind.SUBGROUP, Frequency.QUARTERLY,
         position=5, reports_to=executive)
    body(hampton, "Neglect Strategy Group", BodyKind.TASK_AND_FINISH, Frequency.MONTHLY,
         position=6, reports_to=scrutiny, joint_with=portsea,
         starts_on=dt.date(2024, 9, 1), ends_on=dt.date(2025, 8, 31))
    body(hampton, "Old Review Group", BodyKind.TASK_AND_FINISH, Frequency.MONTHLY,
         position=7, reports_to=executive, ends_on=dt.date(2021, 3, 31))
    executive.members = [
        BodyMember(agency=agencies["schools"], role="Head teacher representative"),
        BodyMember(agency=agencies["trust"], role="Chief Nurse",
                   person=person("Olu Adebayo")),
        BodyMember(agency=agencies["fire"], role="Safeguarding lead", kind=MemberKind.CO_OPTED),
    ]
    learning.members = [BodyMember(agency=agencies["cafcass"], role="Service manager")]

    hisp = Collaboration(name="Hampton, Isle, Southport and Portsea", short_name="HISP",
                         description="Four partnerships share procedures and some groups.",
                         independently_chaired=True, partnerships=[hampton, portsea])
    db.session.add(hisp)
    hisp_executive = body(None, "HISP Executive Group", BodyKind.EXECUTIVE, Frequency.QUARTERLY,
                          position=10, collaboration=hisp)
    body(None, "Child Exploitation Subgroup" + odd, BodyKind.SUBGROUP, Frequency.QUARTERLY,
         position=11, reports_to=hisp_executive, collaboration=hisp)

    db.session.add(Scrutineer(partnership=hampton, person=chair, whole_partnership=True,
                              appointed_by="The three lead safeguarding partners"))
    db.session.add(Appointment(partnership=hampton, role=AppointmentRole.PARTNERSHIP_CHAIR,
                               person=chair, independent=True))
    narrative = [
        ("Foreword", None,
         "Welcome to our arrangements. *Safeguarding is everyone's business.*"),
        ("Introduction and context", None,
         "## Aims\n\n- Work together\n- Learn from reviews" + odd),
        ("Thresholds", Topic.THRESHOLDS,
         "The **continuum of need** is on [our website](https://example.org)."),
        ("Multi-agency training", Topic.TRAINING,
         "# Training\n\n<script>alert(1)</script> [bad](javascript:alert(1)) "
         "![img](file:///etc/passwd) {{7*7}}"),
        ("Voice of children and families", Topic.VOICE, "   \n"),  # blank: still a section
        ("Review of these arrangements", Topic.REVIEW_OF_ARRANGEMENTS,
         "The partners review these arrangements each spring."),
    ]
    db.session.add_all(NarrativeSection(partnership=hampton, position=position, title=title,
                                        topic=topic, markdown=text)
                       for position, (title, topic, text) in enumerate(narrative, start=1))
    db.session.commit()
    return Built(hampton.id, portsea.id,
                 {"executive": executive.name, "schools": agencies["schools"].name,
                  "lead": "Carys Wendell" + odd})


def hide_graphviz(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make Graphviz's ``dot`` look uninstalled, as on a server without the package."""
    real_which = shutil.which

    def which(cmd: str, mode: int = os.F_OK | os.X_OK, path: str | None = None) -> str | None:
        return None if os.path.basename(cmd) == "dot" else real_which(cmd, mode, path)

    monkeypatch.setattr(shutil, "which", which)

"""Demo schools and settings on the Isle of Merrow, and the roles around its table.

Every name and URN here is invented (URNs in the 97xxxx range, six digits like the national
list's). The island's partnership is chaired by the local authority's delegated safeguarding
partner; a headteacher sits at the executive as education's lead; the lead member for
children attends as a participating observer.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from partnership.extensions import db
from partnership.register.models import (
    Agency,
    AgencyBasis,
    Appointment,
    AppointmentRole,
    Establishment,
    PartnerKind,
    Partnership,
    Person,
    Sector,
)

D = dt.date
LA = "Isle of Merrow"
GROUP_NAME = "Education establishments"

# (name, phase, type), in the order of their URNs (970101 onwards).
MERROW_ESTABLISHMENTS: list[tuple[str, str, str]] = [
    ("Merrow Bay Academy", "Secondary", "Academy converter"),
    ("Westcliff Academy", "Secondary", "Academy sponsor led"),
    ("St Aldhelm's Church of England School", "Secondary", "Voluntary aided school"),
    ("Harbourside Community College", "Secondary", "Community school"),
    ("Merrow Studio School", "Secondary", "Free schools"),
    ("Ashcombe Primary School", "Primary", "Community school"),
    ("Brackenhill Primary School", "Primary", "Academy converter"),
    ("Chalkpit Lane Primary School", "Primary", "Community school"),
    ("Downsview Church of England Primary School", "Primary", "Voluntary controlled school"),
    ("Eastmoor Primary Academy", "Primary", "Academy sponsor led"),
    ("Fernleigh Infant School", "Primary", "Community school"),
    ("Fernleigh Junior School", "Primary", "Community school"),
    ("Gullrock Primary School", "Primary", "Academy converter"),
    ("Holloway Cross Primary School", "Primary", "Foundation school"),
    ("Kestrel Down Primary School", "Primary", "Academy converter"),
    ("Lantern Hill Primary School", "Primary", "Community school"),
    ("Marram Dunes Primary School", "Primary", "Academy converter"),
    ("Newbridge St Mary's Catholic Primary School", "Primary", "Voluntary aided school"),
    ("Old Quay Primary School", "Primary", "Community school"),
    ("Pebblestone Primary School", "Primary", "Academy sponsor led"),
    ("Rosehaven Primary School", "Primary", "Community school"),
    ("Saltings Primary School", "Primary", "Academy converter"),
    ("Tidewater Primary School", "Primary", "Community school"),
    ("Wrenfield Primary School", "Primary", "Academy converter"),
    ("Merrow Hall School", "All-through", "Other independent school"),
    ("Seacroft Independent School", "All-through", "Other independent school"),
    ("The Beacon Special School", "Not applicable", "Community special school"),
    ("Harbour Lights School", "Not applicable", "Academy special converter"),
    ("Merrow Learning Centre", "Not applicable", "Pupil referral unit"),
    ("Merrow College", "16 plus", "Further education"),
    ("Island Sixth Form College", "16 plus", "Sixth form centres"),
    ("Little Gulls Nursery School", "Nursery", "Local authority nursery school"),
    ("Rockpool Maintained Nursery School", "Nursery", "Local authority nursery school"),
    ("Fernleigh Children's Centre Nursery", "Nursery", "Local authority nursery school"),
]


def load_demo_establishments() -> dict[str, int]:
    """Add the island's schools and settings and its chair, education lead and observer."""
    merrow = db.session.scalars(sa.select(Partnership).where(Partnership.slug == "imscp")).one()
    group = Agency(
        partnership=merrow, name=GROUP_NAME, sector=Sector.EDUCATION, is_group=True,
        basis=AgencyBasis.DESIGNATED_EDUCATION_CHILDCARE, active_from=D(2026, 9, 1),
        reason_included="Schools, colleges and childcare settings on the island, from the "
                        "national list of establishments. Designated education and childcare "
                        "agencies take part from the date set by regulations.")
    db.session.add(group)
    for position, (name, phase, kind) in enumerate(MERROW_ESTABLISHMENTS, start=1):
        db.session.add(Establishment(
            partnership=merrow, urn=str(970100 + position), name=name, phase=phase, kind=kind,
            local_authority=LA, agency=group))
    for agency in merrow.agencies:
        if agency.name in ("Schools and colleges on the Isle of Merrow",
                           "Early years and childcare providers"):
            agency.basis = AgencyBasis.DESIGNATED_EDUCATION_CHILDCARE

    council = next(p for p in merrow.partners if p.kind is PartnerKind.LOCAL_AUTHORITY)
    schools = next(a for a in merrow.agencies
                   if a.name == "Schools and colleges on the Isle of Merrow")
    people = {p.name: p for p in db.session.scalars(sa.select(Person).where(Person.name.in_(
        ["Kwame Asante", "Adam Kerswell"])))}
    db.session.add_all([
        Appointment(partnership=merrow, role=AppointmentRole.PARTNERSHIP_CHAIR,
                    post="Director of Children's Services (delegated safeguarding partner)",
                    partner=council, person=people.get("Kwame Asante"), independent=False,
                    valid_from=D(2024, 12, 1),
                    notes="Chairs the Executive Board, chosen by the three lead safeguarding "
                          "partners when the arrangements were republished."),
        Appointment(partnership=merrow, role=AppointmentRole.EDUCATION_LEAD,
                    post="Headteacher representative for schools and colleges",
                    agency=schools, person=people.get("Adam Kerswell"), independent=False,
                    valid_from=D(2025, 9, 1),
                    notes="Sits on the Executive Board for education; sign-off stays with the "
                          "three statutory partners."),
        Appointment(partnership=merrow, role=AppointmentRole.PARTICIPATING_OBSERVER,
                    post="Lead member for children's services", partner=council,
                    valid_from=D(2024, 5, 1)),
    ])
    db.session.flush()
    return {"establishments": len(MERROW_ESTABLISHMENTS), "appointments": 3}

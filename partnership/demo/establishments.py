"""Demo schools and settings in Wessexshire, and the roles around the county's table.

Every name and URN here is invented (URNs in the 97xxxx range, six digits like the national
list's). The county already has its independent chair (demo/register.py); here the
headteacher who chairs the Education Group, and sits on the Executive Group, is education's
lead, and the lead member for children's services attends as a participating observer. The Isle of
Merrow is left without such roles: its executive is chaired in rotation by the three delegates.
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
LA = "Wessexshire"
GROUP_NAME = "Education establishments"

# (name, phase, type), in the order of their URNs (970101 onwards).
COUNTY_ESTABLISHMENTS: list[tuple[str, str, str]] = [
    ("Downmere Academy", "Secondary", "Academy converter"),
    ("Westcliff Academy", "Secondary", "Academy sponsor led"),
    ("St Aldhelm's Church of England School", "Secondary", "Voluntary aided school"),
    ("Harbourside Community College", "Secondary", "Community school"),
    ("Saltway Studio School", "Secondary", "Free schools"),
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
    ("Hollins Hall School", "All-through", "Other independent school"),
    ("Seacroft Independent School", "All-through", "Other independent school"),
    ("The Beacon Special School", "Not applicable", "Community special school"),
    ("Harbour Lights School", "Not applicable", "Academy special converter"),
    ("Wessexshire Learning Centre", "Not applicable", "Pupil referral unit"),
    ("Downmere College", "16 plus", "Further education"),
    ("Kingsmead Sixth Form College", "16 plus", "Sixth form centres"),
    ("Little Gulls Nursery School", "Nursery", "Local authority nursery school"),
    ("Rockpool Maintained Nursery School", "Nursery", "Local authority nursery school"),
    ("Fernleigh Children's Centre Nursery", "Nursery", "Local authority nursery school"),
]


def load_demo_establishments() -> dict[str, int]:
    """Add the county's schools and settings, its education lead and an observer."""
    county = db.session.scalars(sa.select(Partnership).where(Partnership.slug == "wscp")).one()
    group = Agency(
        partnership=county, name=GROUP_NAME, sector=Sector.EDUCATION, is_group=True,
        basis=AgencyBasis.DESIGNATED_EDUCATION_CHILDCARE, active_from=D(2026, 9, 1),
        reason_included="Schools, colleges and childcare settings in the county, from the "
                        "national list of establishments. Designated education and childcare "
                        "agencies take part from the date set by regulations.")
    db.session.add(group)
    for position, (name, phase, kind) in enumerate(COUNTY_ESTABLISHMENTS, start=1):
        db.session.add(Establishment(
            partnership=county, urn=str(970100 + position), name=name, phase=phase, kind=kind,
            local_authority=LA, agency=group))
    council = next(p for p in county.partners if p.kind is PartnerKind.LOCAL_AUTHORITY)
    schools = next(a for a in county.agencies if a.name == "Secondary schools and academies")
    lead = db.session.scalars(sa.select(Person).where(Person.name == "Tomasz Nowak")).first()
    db.session.add_all([
        Appointment(partnership=county, role=AppointmentRole.EDUCATION_LEAD,
                    post="Headteacher, chair of the Education Group", agency=schools,
                    person=lead, independent=False, valid_from=D(2024, 12, 1),
                    notes="Speaks for schools and settings on the Executive Group; sign-off "
                          "stays with the three statutory partners."),
        Appointment(partnership=county, role=AppointmentRole.PARTICIPATING_OBSERVER,
                    post="Lead member for children's services", partner=council,
                    valid_from=D(2024, 5, 1)),
    ])
    db.session.flush()
    return {"agencies": 1, "establishments": len(COUNTY_ESTABLISHMENTS), "appointments": 2}

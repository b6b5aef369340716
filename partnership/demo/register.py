"""The fictional demo register: four neighbouring partnerships and their collaboration.

Wessexshire (a county modelled on the facts of a real county's published arrangements) has an
independent chair who is also its scrutineer, a quarterly main board, an executive group, six
standing subgroups and joint task-and-finish groups with the Isle of Merrow. The Isle of Merrow
is built the other way: no independent chair, a monthly executive board chaired in rotation,
a quarterly stakeholder group, a learning hub and a scrutineer per priority. Saltmouth (a city)
and Thornbridge (a unitary borough) are minimal, so that the four-area WIST collaboration has
real members. Every person, and every place but the national bodies, is invented.

Everything is fixed (no randomness, no "today"), so the demo is the same on every load.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from partnership.accounts.models import User
from partnership.arrangements.models import NarrativeSection
from partnership.demo.narrative import WESSEXSHIRE_NARRATIVE
from partnership.extensions import db
from partnership.register.models import (
    AccountabilityLine,
    Agency,
    Appointment,
    AppointmentRole,
    Body,
    BodyKind,
    BodyMember,
    Capacity,
    Collaboration,
    ContactPoint,
    Contribution,
    DecisionRule,
    Frequency,
    GuidanceEdition,
    LineKind,
    MemberKind,
    PartnerKind,
    PartnerName,
    Partnership,
    Person,
    Representative,
    Scrutineer,
    ScrutinyKind,
    Sector,
    StatutoryPartner,
)

D = dt.date
BEGAN = D(2019, 9, 29)  # when the partnership arrangements replaced the old boards
CCG_LAST_DAY = D(2022, 6, 30)
ICB_FIRST_DAY = D(2022, 7, 1)
ICB = "NHS Wessexshire and Merrow Integrated Care Board"
POLICE = "Wessexshire Constabulary"
CONTRIBUTION_YEARS = (2024, 2025, 2026)

LEAD, DELEGATED = Capacity.LEAD, Capacity.DELEGATED
CORE, CO_OPTED = MemberKind.CORE, MemberKind.CO_OPTED
NOMINATED_BY_EXECUTIVE = "Nominated by the Executive Group from its members, for two years"

# (key, name, sector, group key, why included, notes, main board role)
AgencySpec = tuple[str, str, Sector, str | None, str, str, str]
# (key, name, job title, agency key, organisation when outside any listed agency)
PersonSpec = tuple[str, str, str, str | None, str]
# (organisation name, from, to)
NameSpec = tuple[str, dt.date, dt.date | None]
# (person key, capacity, title while in the role, from, to)
RepresentativeSpec = tuple[str, Capacity, str, dt.date, dt.date | None]
# (agency key or None, role, person key or None)
Seat = tuple[str | None, str, str | None]

# Login e-mail of a demo account -> key of the person it is linked to.
ACCOUNT_PEOPLE = {
    "officer@demo.example": "wscp-officer",
    "partner@demo.example": "wscp-la-delegated",
    "health.partner@demo.example": "wscp-health-delegated",
    "police.partner@demo.example": "wscp-police-delegated",
    "chair@demo.example": "wscp-lig-chair",
    "agency@demo.example": "wscp-fire-lead",
    "scrutineer@demo.example": "wscp-chair",
    "merrow.officer@demo.example": "iom-officer",
}

WSCP_AGENCIES: list[AgencySpec] = [
    ("cf", "Wessexshire County Council, Children and Families", Sector.LOCAL_AUTHORITY, None,
     "Safeguarding partner: children's social care, early help and services for children in care.",
     "", "Director of Children's Services"),
    ("ei", "Wessexshire County Council, Education and Inclusion", Sector.LOCAL_AUTHORITY, None,
     "Support and challenge to schools, inclusion, attendance and children missing education.",
     "", "Assistant Director, Education and Inclusion"),
    ("ahc", "Wessexshire County Council, Adults' Health and Care", Sector.LOCAL_AUTHORITY, None,
     "Adult social care, and the move to adult services for young people at risk.",
     "", "Assistant Director, Safeguarding Adults"),
    ("ph", "Wessexshire County Council, Public Health", Sector.LOCAL_AUTHORITY, None,
     "Commissions health visiting, school nursing and substance misuse services.",
     "", "Consultant in Public Health"),
    ("icb", ICB, Sector.HEALTH, None,
     "Safeguarding partner: commissions NHS services for the county's children.",
     "Replaced NHS West Wessexshire Clinical Commissioning Group on 1 July 2022.",
     "Chief Nursing Officer"),
    ("nhse", "NHS England, South East region", Sector.HEALTH, None,
     "Commissions primary care and specialised services used by children in the county.",
     "", "Head of Safeguarding"),
    ("health", "Health providers", Sector.HEALTH, None,
     "NHS trusts and other providers of health care to children and families in Wessexshire.",
     "", ""),
    ("wchmt", "Wessexshire Community and Mental Health NHS Foundation Trust", Sector.HEALTH,
     "health", "Community health, children's mental health and learning disability services.",
     "Runs Larkspur House, a secure mental health inpatient unit for young people, within "
     "the county.", "Director of Nursing"),
    ("nwh", "North Wessexshire Hospitals NHS Foundation Trust", Sector.HEALTH, "health",
     "Acute hospitals, emergency departments and maternity services in the north of the county.",
     "", "Chief Nurse"),
    ("suh", "Saltmouth University Hospitals NHS Foundation Trust", Sector.HEALTH, "health",
     "Acute and specialist children's services used by families in the south of the county.",
     "", "Named Nurse for Safeguarding Children"),
    ("ashcombe", "Ashcombe Park Hospital NHS Foundation Trust", Sector.HEALTH, "health",
     "Acute hospital just outside the county used by families in the north-east.",
     "Based outside Wessexshire; attends through the integrated care board's designated "
     "professionals.", "Head of Safeguarding"),
    ("mwct", "Merrow and Wessex Community NHS Trust", Sector.HEALTH, "health",
     "Community and specialist services for children along the coast.", "",
     "Head of Safeguarding"),
    ("downland", "Downland Partnership NHS Foundation Trust", Sector.HEALTH, "health",
     "Mental health beds for young people placed outside their home area.", "",
     "Associate Director of Safeguarding"),
    ("ambulance", "Southern Counties Ambulance Service NHS Foundation Trust", Sector.HEALTH,
     "health", "Emergency and NHS 111 services across the county.", "",
     "Safeguarding Lead"),
    ("urgent", "North Wessexshire Urgent Care", Sector.HEALTH, "health",
     "Out-of-hours GP service run as a not-for-profit company.",
     "The out-of-hours contract moved to the ambulance trust on 1 April 2024.",
     "Clinical Safeguarding Lead"),
    ("gp", "Primary care providers (GP practices)", Sector.HEALTH, "health",
     "General practices across the county.", "", "Named GP for Safeguarding Children"),
    ("independent-health", "Independent health providers", Sector.HEALTH, "health",
     "Private clinics and hospitals treating children.", "", "Provider representative"),
    ("substance", "Commissioned substance misuse services", Sector.HEALTH, None,
     "Treatment for young people and for parents whose substance use affects their children.",
     "", "Service Manager"),
    ("education", "Education settings", Sector.EDUCATION, None,
     "All schools and colleges are named; head teachers chosen by their phase associations "
     "represent them.", "", ""),
    ("primary", "Primary schools", Sector.EDUCATION, "education",
     "Maintained primary schools and primary academies.", "",
     "Primary head teacher representative"),
    ("secondary", "Secondary schools and academies", Sector.EDUCATION, "education",
     "Maintained secondary schools and academies.", "",
     "Secondary head teacher representative"),
    ("special", "Special schools and pupil referral units", Sector.EDUCATION, "education",
     "Schools for children with special educational needs and alternative provision.", "",
     "Special school head teacher representative"),
    ("independent-schools", "Independent schools", Sector.EDUCATION, "education",
     "Fee-paying day and boarding schools.", "",
     "Independent schools representative"),
    ("fe", "Further education and sixth form colleges", Sector.EDUCATION, "education",
     "Post-16 education, including apprentices under 18.", "",
     "Further education representative"),
    ("early-years", "Early years settings", Sector.EDUCATION, "education",
     "Nurseries, pre-schools and childminders.",
     "Represented through the County Council's Services for Young Children team.",
     "Early years representative"),
    ("police", POLICE, Sector.POLICE_AND_JUSTICE, None,
     "Safeguarding partner: policing across Wessexshire and its neighbours.", "",
     "Chief Superintendent, Head of Public Protection"),
    ("opcc", "Office of the Police and Crime Commissioner for Wessexshire and Merrow",
     Sector.POLICE_AND_JUSTICE, None,
     "Commissions victim services, including for children and young people.", "",
     "Head of Commissioning"),
    ("probation", "Probation Service, Wessexshire and Merrow delivery unit",
     Sector.POLICE_AND_JUSTICE, None,
     "Manages people on probation who pose a risk to children.", "",
     "Head of Public Protection"),
    ("yjs", "Wessexshire Youth Justice Service", Sector.POLICE_AND_JUSTICE, None,
     "Works with children in, or at risk of entering, the youth justice system.", "",
     "Head of Youth Justice"),
    ("cafcass", "Children and Family Court Advisory and Support Service (Cafcass)",
     Sector.POLICE_AND_JUSTICE, None,
     "Listed as a relevant agency in Working Together.",
     "Cafcass has taken a national position of not attending local partnership meetings; "
     "papers go to its regional service manager.", "Service Manager (papers only)"),
    ("secure-home", "Fernhill Lodge Secure Children's Home", Sector.LOCAL_AUTHORITY, None,
     "The county's secure children's home, run by the County Council.",
     "There are no youth custody establishments in the county.", "Registered Manager"),
    ("districts", "District and borough councils", Sector.LOCAL_AUTHORITY, None,
     "Housing, licensing, leisure and community safety in the ten districts.", "",
     "District councils representative"),
    ("fire", "Wessexshire and Merrow Fire and Rescue Service", Sector.OTHER, None,
     "Home fire safety visits reach families other services do not see.", "",
     "Head of Safeguarding"),
    ("mod", "Ministry of Defence", Sector.OTHER, None,
     "Garrisons and a naval air station in the county; service families are a large share "
     "of the child population.", "", "Senior Welfare Officer"),
    ("housing", "Registered housing providers", Sector.HOUSING, None,
     "Housing associations whose staff visit family homes.", "",
     "Housing providers representative"),
    ("domestic-abuse", "Commissioned domestic abuse services", Sector.VOLUNTARY_AND_FAITH, None,
     "Refuges, outreach and programmes for children who live with domestic abuse.", "",
     "Service Manager"),
    ("vcs", "Voluntary and community sector (through Wessexshire Voluntary Action)",
     Sector.VOLUNTARY_AND_FAITH, None,
     "Charities, community groups, sports clubs and youth organisations.", "",
     "Voluntary sector representative"),
    ("diocese", "Diocese of Allchester", Sector.VOLUNTARY_AND_FAITH, None,
     "Parishes, church schools and youth work across the county.", "",
     "Diocesan Safeguarding Adviser"),
    ("residential", "Independent children's homes and residential special schools",
     Sector.OTHER, None,
     "Named after the national panel's review of disabled children in residential settings: "
     "most children living in the county's independent homes are placed there by other areas.",
     "Providers meet the partnership team each term; the voluntary sector representative "
     "speaks for them at the Main Board.", ""),
]
WSCP_AGENCY_DATES = {"housing": (D(2021, 4, 1), None), "urgent": (None, D(2024, 3, 31)),
                     "domestic-abuse": (D(2020, 4, 1), None),
                     "residential": (D(2025, 11, 3), None)}

WSCP_PEOPLE: list[PersonSpec] = [
    ("wscp-la-lead-1", "Elaine Cartwright", "Former Chief Executive", None,
     "Wessexshire County Council"),
    ("wscp-la-lead-2", "Rupert Ashdown", "Former Chief Executive", None,
     "Wessexshire County Council"),
    ("wscp-la-lead", "Andrew Kilbride", "Chief Executive", None, "Wessexshire County Council"),
    ("wscp-la-delegated-1", "Neil Barraclough", "Former Director of Children's Services", None,
     "Wessexshire County Council"),
    ("wscp-la-delegated", "Helen Marsh", "Director of Children's Services", "cf", ""),
    ("wscp-health-lead-1", "Dr Fiona Lattimer", "Former Accountable Officer", None,
     "NHS West Wessexshire Clinical Commissioning Group"),
    ("icb-lead", "Samuel Adeyemi", "Chief Executive", "icb", ""),
    ("wscp-health-delegated-1", "Bernadette Quinn", "Former Chief Nursing Officer", None,
     ICB),
    ("wscp-health-delegated", "Olusola Bankole", "Chief Nursing Officer", "icb", ""),
    ("police-lead-1", "Gareth Penhaligon", "Former Chief Constable", None, POLICE),
    ("police-lead", "Rachel Iveson", "Chief Constable", "police", ""),
    ("wscp-police-delegated-1", "Imran Chaudhry", "Former Head of Public Protection", None,
     POLICE),
    ("wscp-police-delegated", "Karen Oduya", "Chief Superintendent, Head of Public Protection",
     "police", ""),
    ("wscp-chair", "Martin Ellwood", "Independent Chair and Independent Scrutineer", None,
     "Independent"),
    ("wscp-edu-chair", "Tomasz Nowak", "Headteacher, Brackley Vale Academy", "secondary", ""),
    ("wscp-scrutiny-chair", "Deborah Achterberg", "Head of Quality Assurance", "cf", ""),
    ("wscp-lig-chair", "Dr Aled Rees", "Designated Doctor for Safeguarding Children", "icb", ""),
    ("wscp-wdg-chair", "Lorna McPhail", "Named Nurse for Safeguarding Children", "wchmt", ""),
    ("wscp-ce-chair", "Daniel Whitcombe", "Detective Superintendent, Public Protection",
     "police", ""),
    ("wscp-cdop-chair", "Dr Nadia Farouk", "Consultant in Public Health", "ph", ""),
    ("wscp-manager", "Joanna Pettifer", "Partnership Business Manager", "cf", ""),
    ("wscp-officer", "Sam Okafor", "Partnership Officer", "cf", ""),
    ("wscp-lead-member", "Cllr Patricia Dunmore", "Lead Member for Children's Services", None,
     "Wessexshire County Council"),
    ("wscp-designated-nurse", "Siobhan Kerrigan", "Designated Nurse for Safeguarding Children",
     "icb", ""),
    ("wscp-fire-lead", "Grace Whitfield", "Head of Safeguarding", "fire", ""),
    ("wscp-ei-head", "Marcus Fairley", "Assistant Director, Education and Inclusion", "ei", ""),
    ("wscp-yjs-head", "Lindiwe Moyo", "Head of Youth Justice", "yjs", ""),
    ("wscp-probation-head", "Gavin Heathcote", "Head of Public Protection", "probation", ""),
    ("wscp-ahc-head", "Ruth Pengelly", "Assistant Director, Safeguarding Adults", "ahc", ""),
    ("wscp-ce-manager", "Abigail Threlfall", "Head of Service, Exploitation and Missing", "cf",
     ""),
    ("wscp-workforce", "Victor Salmons", "Workforce Development Manager", "cf", ""),
    ("wscp-analyst", "Priyanka Desai", "Senior Partnership Analyst", "cf", ""),
    ("wscp-fire-champion", "Owen Tremayne", "Station Manager, Prevention", "fire", ""),
    ("wscp-diocese-champion", "Revd Canon Alison Whitlock", "Diocesan Safeguarding Adviser",
     "diocese", ""),
    ("wscp-vcs-champion", "Femi Adebayo", "Safeguarding Lead, Wessexshire Voluntary Action",
     "vcs", ""),
    ("wscp-districts-champion", "Claire Hutchings", "Safeguarding Lead, Downmere District Council",
     "districts", ""),
    ("wscp-mod-champion", "Simon Aldridge", "Senior Welfare Officer, Army Welfare Service", "mod",
     ""),
    ("wscp-housing-champion", "Priti Mistry", "Tenancy Safeguarding Lead, Heathland Homes",
     "housing", ""),
    ("wscp-gp-champion", "Dr Ewan Caldwell", "Named GP for Safeguarding Children", "gp", ""),
    ("wscp-early-years-champion", "Hannah Soames", "Early Years Safeguarding Officer",
     "early-years", ""),
    ("wscp-primary-head", "Ruth Carrow", "Headteacher, St Aldhelm's CE Primary School",
     "primary", ""),
]
WSCP_CHAMPIONS = {"fire": "wscp-fire-champion", "diocese": "wscp-diocese-champion",
                  "vcs": "wscp-vcs-champion", "districts": "wscp-districts-champion",
                  "mod": "wscp-mod-champion", "housing": "wscp-housing-champion",
                  "gp": "wscp-gp-champion", "early-years": "wscp-early-years-champion"}
# Agency key -> contribution for each of CONTRIBUTION_YEARS.
WSCP_CONTRIBUTIONS = {
    "cf": ("236400", "243500", "250800"),
    "icb": ("98000", "101000", "104000"),
    "police": ("61500", "63300", "65200"),
    "districts": ("8250", "8250", "8500"),
    "opcc": ("5000", "5000", "5000"),
    "probation": ("2000", "2000", "2000"),
    "fire": ("1500", "1500", "1750"),
}
# Who sits on the Main Board for an agency, where a person is named.
WSCP_BOARD_PEOPLE = {"cf": "wscp-la-delegated", "icb": "wscp-health-delegated",
                     "police": "wscp-police-delegated", "fire": "wscp-fire-lead",
                     "ei": "wscp-ei-head", "ahc": "wscp-ahc-head", "yjs": "wscp-yjs-head",
                     "probation": "wscp-probation-head", "primary": "wscp-primary-head",
                     "secondary": "wscp-edu-chair", "diocese": "wscp-diocese-champion",
                     "ph": "wscp-cdop-chair"}

IOM_AGENCIES: list[AgencySpec] = [
    ("iom-cs", "Isle of Merrow Council, Children's Services", Sector.LOCAL_AUTHORITY, None,
     "Safeguarding partner: children's social care and early help.", "",
     "Principal Social Worker"),
    ("iom-asc", "Isle of Merrow Council, Adult Social Care and Housing", Sector.LOCAL_AUTHORITY,
     None, "Adult services and the council's housing duties.", "", "Safeguarding Adults Manager"),
    ("iom-ph", "Isle of Merrow Council, Public Health", Sector.LOCAL_AUTHORITY, None,
     "Health visiting, school nursing and substance misuse commissioning.", "",
     "Public Health Practitioner"),
    ("iom-edu", "Isle of Merrow Council, Education and Inclusion", Sector.LOCAL_AUTHORITY, None,
     "Support to schools, attendance and children missing education.", "",
     "Education Safeguarding Lead"),
    ("iom-icb", ICB, Sector.HEALTH, None,
     "Safeguarding partner: commissions NHS services on the island.",
     "Replaced NHS Isle of Merrow Clinical Commissioning Group on 1 July 2022.",
     "Designated Nurse"),
    ("iom-police", f"{POLICE} (Isle of Merrow district)", Sector.POLICE_AND_JUSTICE, None,
     "Safeguarding partner: policing on the island.", "", "Detective Inspector"),
    ("iom-trust", "Isle of Merrow NHS Trust", Sector.HEALTH, None,
     "The island's hospital, community, mental health and ambulance services.", "",
     "Named Nurse"),
    ("iom-gp", "GP practices on the Isle of Merrow", Sector.HEALTH, None,
     "The island's general practices.", "", "Named GP"),
    ("iom-schools", "Schools and colleges on the Isle of Merrow", Sector.EDUCATION, None,
     "Every school and the island's college.", "", "Head teacher representative"),
    ("iom-ey", "Early years and childcare providers", Sector.EDUCATION, None,
     "Nurseries, pre-schools and childminders.", "", "Early Years Adviser"),
    ("iom-probation", "Probation Service (Isle of Merrow office)", Sector.POLICE_AND_JUSTICE,
     None, "Manages people on probation who pose a risk to children.", "",
     "Senior Probation Officer"),
    ("iom-yjs", "Isle of Merrow Youth Justice Service", Sector.POLICE_AND_JUSTICE, None,
     "Children in, or at risk of entering, the youth justice system.", "", "Team Manager"),
    ("iom-fire", "Wessexshire and Merrow Fire and Rescue Service", Sector.OTHER, None,
     "Home fire safety visits on the island.", "", "Watch Manager"),
    ("iom-housing", "Merrow Housing Partnership", Sector.HOUSING, None,
     "The island's largest social landlord.", "", "Tenancy Services Manager"),
    ("iom-vcs", "Merrow Community Action", Sector.VOLUNTARY_AND_FAITH, None,
     "Umbrella body for the island's charities and community groups.", "", "Safeguarding Lead"),
    ("iom-diocese", "Diocese of Allchester (Merrow deanery)", Sector.VOLUNTARY_AND_FAITH, None,
     "Parishes and church youth work on the island.", "", "Parish Safeguarding Officer"),
    ("iom-ferry", "Merrow Link Ferries", Sector.OTHER, None,
     "Concerns about children leaving the island alone are often first noticed on board.", "",
     "Customer Safety Manager"),
]
IOM_PEOPLE: list[PersonSpec] = [
    ("iom-la-lead-1", "Wendy Trelawney", "Former Chief Executive", None,
     "Isle of Merrow Council"),
    ("iom-la-lead", "Graham Pascoe", "Chief Executive", None, "Isle of Merrow Council"),
    ("iom-la-delegated-1", "Sarah Jelbart", "Former Director of Children's Services", None,
     "Isle of Merrow Council"),
    ("iom-la-delegated", "Kwame Asante", "Director of Children's Services", "iom-cs", ""),
    ("iom-health-lead-1", "Maureen Tolley", "Former Accountable Officer", None,
     "NHS Isle of Merrow Clinical Commissioning Group"),
    ("iom-health-delegated", "Jenna Price", "Director of Quality and Nursing, Isle of Merrow",
     "iom-icb", ""),
    ("iom-police-delegated", "Thomas Beresford", "Superintendent, District Commander",
     "iom-police", ""),
    ("iom-manager", "Louise Hamley", "Partnership Manager", "iom-cs", ""),
    ("iom-officer", "Rhiannon Pryce", "Partnership Officer", "iom-cs", ""),
    ("iom-scrutineer-1", "Dr Frances Oyelaran", "Independent consultant social worker", None,
     "Independent"),
    ("iom-scrutineer-2", "Colin Maddox", "Independent reviewer (former detective)", None,
     "Independent"),
    ("iom-scrutineer-3", "Ruth Abernethy", "Independent education safeguarding consultant",
     None, "Independent"),
    ("iom-cs-champion", "Rhiannon Beck", "Principal Social Worker", "iom-cs", ""),
    ("iom-asc-champion", "Derek Allsop", "Safeguarding Adults Manager", "iom-asc", ""),
    ("iom-ph-champion", "Shona Brannigan", "Public Health Practitioner", "iom-ph", ""),
    ("iom-edu-champion", "Laura Pennock", "Education Safeguarding Lead", "iom-edu", ""),
    ("iom-icb-champion", "Anika Sorensen", "Designated Nurse, Isle of Merrow", "iom-icb", ""),
    ("iom-police-champion", "Craig Mabey", "Detective Inspector, Merrow Safeguarding Hub",
     "iom-police", ""),
    ("iom-trust-champion", "Nicola Hext", "Named Nurse for Safeguarding Children", "iom-trust",
     ""),
    ("iom-gp-champion", "Dr Harriet Quayle", "Named GP for Safeguarding Children", "iom-gp", ""),
    ("iom-schools-champion", "Adam Kerswell", "Headteacher, Merrow Bay Academy", "iom-schools",
     ""),
    ("iom-ey-champion", "Jo Lanyon", "Early Years Adviser", "iom-ey", ""),
    ("iom-probation-champion", "Sandeep Gill", "Senior Probation Officer", "iom-probation", ""),
    ("iom-yjs-champion", "Marie Colenso", "Team Manager", "iom-yjs", ""),
    ("iom-fire-champion", "Liam Dunstan", "Watch Manager", "iom-fire", ""),
    ("iom-housing-champion", "Bev Northcott", "Tenancy Services Manager", "iom-housing", ""),
    ("iom-vcs-champion", "Esther Adeleke", "Safeguarding Lead", "iom-vcs", ""),
    ("iom-diocese-champion", "Revd Peter Gould", "Parish Safeguarding Officer", "iom-diocese",
     ""),
    ("iom-ferry-champion", "Gemma Rowe", "Customer Safety Manager", "iom-ferry", ""),
]
IOM_CONTRIBUTIONS = {
    "iom-cs": ("74000", "76200", "78500"),
    "iom-icb": ("31000", "32000", "33000"),
    "iom-police": ("18500", "19000", "19600"),
}

SAL_AGENCIES: list[AgencySpec] = [
    ("sal-cs", "Saltmouth City Council, Children's Services", Sector.LOCAL_AUTHORITY, None,
     "Safeguarding partner: children's social care and early help.", "",
     "Director of Children's Services"),
    ("sal-icb", ICB, Sector.HEALTH, None, "Safeguarding partner.", "", "Director of Nursing"),
    ("sal-police", f"{POLICE} (Saltmouth district)", Sector.POLICE_AND_JUSTICE, None,
     "Safeguarding partner.", "", "District Commander"),
]
THB_AGENCIES: list[AgencySpec] = [
    ("thb-cs", "Thornbridge Borough Council, Children's Services", Sector.LOCAL_AUTHORITY, None,
     "Safeguarding partner: children's social care and early help.", "",
     "Director of Children's Services"),
    ("thb-icb", ICB, Sector.HEALTH, None, "Safeguarding partner.", "",
     "Associate Director of Safeguarding"),
    ("thb-police", f"{POLICE} (Thornbridge district)", Sector.POLICE_AND_JUSTICE, None,
     "Safeguarding partner.", "", "District Commander"),
]
NEIGHBOUR_PEOPLE: list[PersonSpec] = [
    ("sal-la-lead", "Anthony Greaves", "Chief Executive", None, "Saltmouth City Council"),
    ("sal-la-delegated", "Sunita Varma", "Director of Children's Services", "sal-cs", ""),
    ("ccg-south-lead", "Dr Michael Onslow", "Former Accountable Officer", None,
     "NHS Saltmouth and Thornbridge Clinical Commissioning Groups"),
    ("sal-health-delegated", "Grainne Doherty", "Director of Nursing, Saltmouth", "sal-icb", ""),
    ("sal-police-delegated", "Leon Brathwaite", "Chief Superintendent, District Commander",
     "sal-police", ""),
    ("sal-data-lead", "Tom Ridley", "Head of Performance and Insight", "sal-cs", ""),
    ("sal-manager", "Mei Ling Foster", "Partnership Business Manager", "sal-cs", ""),
    ("thb-la-lead", "Nicholas Ferrand", "Chief Executive", None, "Thornbridge Borough Council"),
    ("thb-la-delegated-1", "Amanda Kowalczyk", "Former Director of Children's Services", None,
     "Thornbridge Borough Council"),
    ("thb-la-delegated", "Rhys Pritchard", "Director of Children's Services", "thb-cs", ""),
    ("thb-health-delegated", "Yusuf Karim", "Associate Director of Safeguarding, Thornbridge",
     "thb-icb", ""),
    ("thb-police-delegated", "Jo Carrick", "Superintendent, District Commander", "thb-police",
     ""),
    ("thb-manager", "Daniel Osei", "Partnership Business Manager", "thb-cs", ""),
    ("wist-chair", "Yvonne Ashworth", "Independent Chair, WIST Executive Group", None,
     "Independent"),
    ("wist-procedures-chair", "Philippa Crane", "Independent procedures editor", None,
     "Independent"),
    ("wist-ce-chair", "Amira Haddad", "Detective Chief Inspector, Exploitation and Missing",
     "police", ""),
]

# The health and police partners' lead safeguarding partners are the same people in every
# area: one integrated care board and one constabulary cover all four.
ICB_LEADS: list[RepresentativeSpec] = [("icb-lead", LEAD, "Chief Executive", ICB_FIRST_DAY, None)]
POLICE_LEADS: list[RepresentativeSpec] = [
    ("police-lead-1", LEAD, "Chief Constable", BEGAN, D(2023, 2, 28)),
    ("police-lead", LEAD, "Chief Constable", D(2023, 3, 1), None),
]
POLICE_NAMES: list[NameSpec] = [(POLICE, BEGAN, None)]


def _health_names(ccg: str) -> list[NameSpec]:
    return [(ccg, BEGAN, CCG_LAST_DAY), (ICB, ICB_FIRST_DAY, None)]


# Partnership slug -> each statutory partner's names and representatives over time.
PARTNERS: dict[str, dict[PartnerKind, tuple[list[NameSpec], list[RepresentativeSpec]]]] = {
    "wscp": {
        PartnerKind.LOCAL_AUTHORITY: ([("Wessexshire County Council", BEGAN, None)], [
            ("wscp-la-lead-1", LEAD, "Chief Executive", BEGAN, D(2021, 8, 31)),
            ("wscp-la-lead-2", LEAD, "Chief Executive", D(2021, 9, 1), D(2025, 9, 30)),
            ("wscp-la-lead", LEAD, "Chief Executive", D(2025, 10, 1), None),
            ("wscp-la-delegated-1", DELEGATED, "Director of Children's Services", BEGAN,
             D(2023, 5, 31)),
            ("wscp-la-delegated", DELEGATED, "Director of Children's Services", D(2023, 6, 1),
             None),
        ]),
        PartnerKind.HEALTH: (_health_names("NHS West Wessexshire Clinical Commissioning Group"), [
            ("wscp-health-lead-1", LEAD, "Accountable Officer", BEGAN, CCG_LAST_DAY),
            *ICB_LEADS,
            ("wscp-health-delegated-1", DELEGATED, "Director of Nursing and Quality", BEGAN,
             CCG_LAST_DAY),
            ("wscp-health-delegated-1", DELEGATED, "Chief Nursing Officer", ICB_FIRST_DAY,
             D(2023, 10, 31)),
            ("wscp-health-delegated", DELEGATED, "Chief Nursing Officer", D(2023, 11, 1), None),
        ]),
        PartnerKind.POLICE: (POLICE_NAMES, [
            *POLICE_LEADS,
            ("wscp-police-delegated-1", DELEGATED,
             "Chief Superintendent, Head of Public Protection", BEGAN, D(2021, 12, 31)),
            ("wscp-police-delegated", DELEGATED,
             "Chief Superintendent, Head of Public Protection", D(2022, 1, 1), None),
        ]),
    },
    "imscp": {
        PartnerKind.LOCAL_AUTHORITY: ([("Isle of Merrow Council", BEGAN, None)], [
            ("iom-la-lead-1", LEAD, "Chief Executive", BEGAN, D(2022, 10, 31)),
            ("iom-la-lead", LEAD, "Chief Executive", D(2022, 11, 1), None),
            ("iom-la-delegated-1", DELEGATED, "Director of Children's Services", BEGAN,
             D(2023, 8, 31)),
            ("iom-la-delegated", DELEGATED, "Director of Children's Services", D(2023, 9, 1),
             None),
        ]),
        PartnerKind.HEALTH: (_health_names("NHS Isle of Merrow Clinical Commissioning Group"), [
            ("iom-health-lead-1", LEAD, "Accountable Officer", BEGAN, CCG_LAST_DAY),
            *ICB_LEADS,
            ("iom-health-delegated", DELEGATED, "Director of Quality and Nursing", BEGAN, None),
        ]),
        PartnerKind.POLICE: (POLICE_NAMES, [
            *POLICE_LEADS,
            ("iom-police-delegated", DELEGATED, "Superintendent, District Commander", BEGAN,
             None),
        ]),
    },
    "sscp": {
        PartnerKind.LOCAL_AUTHORITY: ([("Saltmouth City Council", BEGAN, None)], [
            ("sal-la-lead", LEAD, "Chief Executive", BEGAN, None),
            ("sal-la-delegated", DELEGATED, "Director of Children's Services", BEGAN, None),
        ]),
        PartnerKind.HEALTH: (_health_names("NHS Saltmouth Clinical Commissioning Group"), [
            ("ccg-south-lead", LEAD, "Accountable Officer", BEGAN, CCG_LAST_DAY),
            *ICB_LEADS,
            ("sal-health-delegated", DELEGATED, "Director of Nursing", BEGAN, None),
        ]),
        PartnerKind.POLICE: (POLICE_NAMES, [
            *POLICE_LEADS,
            ("sal-police-delegated", DELEGATED, "Chief Superintendent", BEGAN, None),
        ]),
    },
    "tscp": {
        PartnerKind.LOCAL_AUTHORITY: ([("Thornbridge Borough Council", BEGAN, None)], [
            ("thb-la-lead", LEAD, "Chief Executive", BEGAN, None),
            ("thb-la-delegated-1", DELEGATED, "Director of Children's Services", BEGAN,
             D(2023, 3, 31)),
            ("thb-la-delegated", DELEGATED, "Director of Children's Services", D(2023, 4, 1),
             None),
        ]),
        PartnerKind.HEALTH: (_health_names("NHS Thornbridge Clinical Commissioning Group"), [
            ("ccg-south-lead", LEAD, "Accountable Officer", BEGAN, CCG_LAST_DAY),
            *ICB_LEADS,
            ("thb-health-delegated", DELEGATED, "Associate Director of Safeguarding", BEGAN,
             None),
        ]),
        PartnerKind.POLICE: (POLICE_NAMES, [
            *POLICE_LEADS,
            ("thb-police-delegated", DELEGATED, "Superintendent", BEGAN, None),
        ]),
    },
}


class DemoRegister:
    """Builds the demo register, keeping agencies and people by short key as it goes."""

    def __init__(self, users: Iterable[User]) -> None:
        self.agencies: dict[str, Agency] = {}
        self.people: dict[str, Person] = {}
        self.positions: dict[int, int] = {}
        self.user_ids = {user.email: user.id for user in users}

    def add_agencies(self, partnership: Partnership, specs: Iterable[AgencySpec]) -> None:
        """Add a partnership's relevant agencies; a group must come before its members."""
        specs = list(specs)
        groups = {spec[3] for spec in specs if spec[3]}
        for key, name, sector, group, reason, notes, _board_role in specs:
            agency = Agency(partnership=partnership, name=name, sector=sector,
                            group=self.agencies[group] if group else None,
                            is_group=key in groups, reason_included=reason, notes=notes,
                            active_from=BEGAN)
            self.agencies[key] = agency
            db.session.add(agency)

    def add_people(self, specs: Iterable[PersonSpec]) -> None:
        """Add people (linking demo sign-ins); their agencies must already be added."""
        account_of = {key: email for email, key in ACCOUNT_PEOPLE.items()}
        for key, name, title, agency_key, organisation in specs:
            plain_name = name
            for honorific in ("Dr ", "Revd Canon ", "Revd ", "Cllr "):
                plain_name = plain_name.removeprefix(honorific)
            email = account_of.get(key, plain_name.lower().replace(" ", ".") + "@demo.example")
            person = Person(
                name=name, job_title=title,
                agency=self.agencies[agency_key] if agency_key else None,
                organisation=organisation, email=email, user_id=self.user_ids.get(email),
            )
            self.people[key] = person
            db.session.add(person)

    def add_partner(self, partnership: Partnership, kind: PartnerKind,
                    names: list[NameSpec],
                    representatives: list[RepresentativeSpec]) -> StatutoryPartner:
        """Add a statutory partner with its names and representatives over time."""
        partner = StatutoryPartner(partnership=partnership, kind=kind)
        partner.names = [PartnerName(name=n, valid_from=f, valid_to=t) for n, f, t in names]
        partner.representatives = [
            Representative(person=self.people[key], capacity=capacity, title=title,
                           valid_from=start, valid_to=end)
            for key, capacity, title, start, end in representatives
        ]
        db.session.add(partner)
        return partner

    def add_body(self, owner: Partnership | Collaboration, kind: BodyKind, name: str, *,
                 purpose: str, objectives: list[str], frequency: Frequency,
                 chair: str | None = None, chair_agency: str | None = None,
                 chair_post: str = "", frequency_note: str = "",
                 independent: bool = False, appointment: str = NOMINATED_BY_EXECUTIVE,
                 reports_to: Body | None = None,
                 rule: DecisionRule = DecisionRule.CONSENSUS, short_name: str = "",
                 starts: dt.date | None = None, ends: dt.date | None = None,
                 joint_with: Partnership | None = None, core: Iterable[Seat] = (),
                 co_opted: Iterable[Seat] = ()) -> Body:
        """Add a body with its chair and members; members are (agency, role, person) keys."""
        owner_key = id(owner)
        position = self.positions.get(owner_key, 0)
        self.positions[owner_key] = position + 1
        body = Body(
            kind=kind, name=name, short_name=short_name, purpose=purpose, objectives=objectives,
            chair=self.people[chair] if chair else None,
            chair_agency=self.agencies[chair_agency] if chair_agency else None,
            chair_post=chair_post, chair_independent=independent,
            chair_appointment=appointment if chair or chair_post else "",
            reports_to=reports_to, frequency=frequency, frequency_note=frequency_note,
            decision_rule=rule, starts_on=starts,
            ends_on=ends, joint_with=joint_with, position=position,
        )
        if isinstance(owner, Partnership):
            body.partnership = owner
        else:
            body.collaboration = owner
        body.members = [self._seat(seat, CORE) for seat in core] + [
            self._seat(seat, CO_OPTED) for seat in co_opted]
        db.session.add(body)
        return body

    def _seat(self, seat: Seat, kind: MemberKind) -> BodyMember:
        agency, role, person = seat
        return BodyMember(agency=self.agencies[agency] if agency else None, role=role,
                          person=self.people[person] if person else None, kind=kind)

    def name_champions(self, champions: dict[str, str]) -> None:
        """Record each agency's nominated safeguarding champion."""
        for agency, person in champions.items():
            self.agencies[agency].champion = self.people[person]

    def add_contributions(self, amounts: dict[str, tuple[str, str, str]]) -> None:
        """Record agencies' contributions for the last three reporting years."""
        for agency, by_year in amounts.items():
            self.agencies[agency].contributions = [
                Contribution(year=year, amount=Decimal(amount))
                for year, amount in zip(CONTRIBUTION_YEARS, by_year, strict=True)
            ]



def load_demo_register(users: Iterable[User]) -> dict[str, int]:
    """Build the four demo partnerships, their collaboration and the county's narrative."""
    build = DemoRegister(users)
    wscp = Partnership(
        slug="wscp", name="Wessexshire Safeguarding Children Partnership", short_name="WSCP",
        area="The area of Wessexshire County Council: ten district and borough council areas, "
             "home to about 1.2 million people, of whom some 260,000 are children. The city of "
             "Saltmouth, the borough of Thornbridge and the Isle of Merrow have their own "
             "arrangements.",
        guidance=GuidanceEdition.WT2023, year_start_month=4,
        contact_email="wscp@wessexshire.example", contact_phone="01632 960100",
        website="https://wscp.wessexshire.example",
        address="Wessexshire Safeguarding Children Partnership, County Hall, Castle Street, "
                "Wessexbury WX1 1AA",
        support_team_name="Wessexshire Safeguarding Children Partnership Team",
        support_team="A small team hosted by Wessexshire County Council and funded by the "
                     "partners: the business manager, a partnership officer, an analyst and "
                     "the workforce development manager. It supports the Main Board, the "
                     "Executive Group and the subgroups, runs the training programme and "
                     "publishes the partnership's procedures and reports.",
        contact_points=[
            ContactPoint(label="General enquiries", email="wscp@wessexshire.example",
                         phone="01632 960100", position=0),
            ContactPoint(label="Training and events", email="wscp.training@wessexshire.example",
                         url="https://wscp.wessexshire.example/training", position=1),
            ContactPoint(label="Escalating a disagreement between agencies",
                         email="wscp.escalation@wessexshire.example",
                         url="https://wscp.wessexshire.example/escalation", position=2),
        ])
    iom = Partnership(
        slug="imscp", name="Isle of Merrow Safeguarding Children Partnership", short_name="IMSCP",
        area="The Isle of Merrow Council area: the whole island, home to about 140,000 people, "
             "of whom some 25,000 are children.",
        guidance=GuidanceEdition.WT2023, year_start_month=4,
        contact_email="imscp@merrow.example", contact_phone="01632 960200",
        website="https://imscp.merrow.example")
    sal = Partnership(
        slug="sscp", name="Saltmouth Safeguarding Children Partnership", short_name="SSCP",
        area="The city of Saltmouth (Saltmouth City Council area).",
        guidance=GuidanceEdition.WT2023, year_start_month=4,
        contact_email="sscp@saltmouth.example", contact_phone="01632 960300")
    thb = Partnership(
        slug="tscp", name="Thornbridge Safeguarding Children Partnership", short_name="TSCP",
        area="The borough of Thornbridge (Thornbridge Borough Council area).",
        guidance=GuidanceEdition.WT2023, year_start_month=4,
        contact_email="tscp@thornbridge.example", contact_phone="01632 960400")
    wist = Collaboration(
        name="Wessexshire, Isle of Merrow, Saltmouth and Thornbridge Safeguarding Collaboration",
        short_name="WIST", independently_chaired=True, partnerships=[wscp, iom, sal, thb],
        description="The safeguarding partners of the four neighbouring areas work together "
                    "where one approach across a wider area helps agencies that cross their "
                    "borders: shared procedures, a shared response to exploitation and a "
                    "common dataset. Each area keeps its own arrangements and its own reviews.")
    review = Collaboration(
        name="Wessexshire and Merrow Child Death Review Partnership",
        short_name="CDR", independently_chaired=False, partnerships=[wscp, iom],
        external_members=["Avonmere Safeguarding Children Partnership"],
        description="The child death review partners of Wessexshire, the Isle of Merrow and "
                    "Avonmere (whose arrangements are not in this register) share one child "
                    "death review footprint: deaths are reviewed by the Wessexshire Child Death "
                    "Overview Panel, with a member from each area.")
    db.session.add_all([wscp, iom, sal, thb, wist, review])

    build.add_agencies(wscp, WSCP_AGENCIES)
    for key, (start, end) in WSCP_AGENCY_DATES.items():
        build.agencies[key].active_from, build.agencies[key].active_to = start, end
    build.add_agencies(iom, IOM_AGENCIES)
    build.add_agencies(sal, SAL_AGENCIES)
    build.add_agencies(thb, THB_AGENCIES)
    db.session.flush()  # people refer to agencies and agencies to champions: two steps
    build.add_people([*WSCP_PEOPLE, *IOM_PEOPLE, *NEIGHBOUR_PEOPLE])
    db.session.flush()
    build.name_champions(WSCP_CHAMPIONS)
    build.name_champions({key: f"{key}-champion" for key, *_ in IOM_AGENCIES})
    build.add_contributions(WSCP_CONTRIBUTIONS)
    build.add_contributions(IOM_CONTRIBUTIONS)

    for area in (wscp, iom, sal, thb):
        for kind, (names, representatives) in PARTNERS[area.slug].items():
            build.add_partner(area, kind, names, representatives)
    wscp_bodies = _add_wessexshire_bodies(build, wscp, iom)
    iom_bodies = _add_merrow_bodies(build, iom)
    wist_bodies = _add_collaboration_bodies(build, wist)
    _add_scrutineers(build, wscp, iom, iom_bodies)
    for position, (title, topic, markdown) in enumerate(WESSEXSHIRE_NARRATIVE, start=1):
        db.session.add(NarrativeSection(partnership=wscp, position=position, title=title,
                                        topic=topic, markdown=markdown))
    db.session.flush()
    return {
        "partnerships": 4,
        "collaborations": 2,
        "agencies": len(build.agencies),
        "people": len(build.people),
        "bodies": len(wscp_bodies) + len(iom_bodies) + len(wist_bodies),
        "narrative sections": len(WESSEXSHIRE_NARRATIVE),
        "linked accounts": sum(p.user_id is not None for p in build.people.values()),
    }


def _add_wessexshire_bodies(build: DemoRegister, wscp: Partnership,
                            iom: Partnership) -> list[Body]:
    board_seats: list[Seat] = [
        (key, role, WSCP_BOARD_PEOPLE.get(key))
        for key, _name, _sector, _group, _reason, _notes, role in WSCP_AGENCIES
        if role and WSCP_AGENCY_DATES.get(key, (None, None))[1] is None  # still taking part
    ]
    board = build.add_body(
        wscp, BodyKind.BOARD, "Main Board",
        purpose="Brings every safeguarding partner and relevant agency in Wessexshire together "
                "to hear what the executive and subgroups have found, to challenge it, and to "
                "carry learning back into each organisation.",
        objectives=[
            "Work together across agencies to keep children in Wessexshire safe.",
            "Offer support and constructive challenge to member agencies about how well they "
            "safeguard children.",
            "Keep members informed of how the safeguarding partners help, protect and care "
            "for children, and of how that work is checked.",
            "Review evidence about frontline multi-agency practice and agree where it must "
            "improve.",
            "Comment on the draft yearly report before it is published.",
        ],
        frequency=Frequency.QUARTERLY, chair="wscp-chair", independent=True,
        appointment="Appointed by, and accountable to, the three lead safeguarding partners; "
                    "for the County Council, with its chief executive's approval",
        core=board_seats,
        co_opted=[(None, "Lead Member for Children's Services (participating observer)",
                   "wscp-lead-member")],
    )
    executive = build.add_body(
        wscp, BodyKind.EXECUTIVE, "Executive Group",
        purpose="Holds overall responsibility for the arrangements on behalf of the three "
                "safeguarding partners: sets direction, owns the business plan and budget, and "
                "tasks the subgroups.",
        objectives=[
            "Make sure the partnership and its groups carry out the functions Working Together "
            "2023 requires.",
            "Agree the business plan and hold action owners to account for delivering it on "
            "time.",
            "Propose the yearly budget and the contribution asked of each agency.",
            "Decide which matters need the Main Board and which a subgroup can handle better.",
            "Scan for new risks to children and new legal duties, and make sure the partnership "
            "responds.",
            "Approve Main Board agendas and papers, and decide on the board's behalf between "
            "meetings.",
        ],
        frequency=Frequency.BIMONTHLY, chair="wscp-chair", independent=True,
        appointment="The partnership's independent chair chairs the Executive Group",
        reports_to=board, rule=DecisionRule.CONSENSUS_THEN_PARTNER_MAJORITY,
        core=[
            ("cf", "Delegated safeguarding partner, local authority", "wscp-la-delegated"),
            ("icb", "Delegated safeguarding partner, health", "wscp-health-delegated"),
            ("police", "Delegated safeguarding partner, police", "wscp-police-delegated"),
            ("secondary", "Chair, Education Group", "wscp-edu-chair"),
            ("cf", "Chair, Scrutiny Group", "wscp-scrutiny-chair"),
            ("icb", "Chair, Learning and Inquiry Group", "wscp-lig-chair"),
            ("wchmt", "Chair, Workforce Development Group", "wscp-wdg-chair"),
            ("police", "Chair, Child Exploitation Group", "wscp-ce-chair"),
            ("ph", "Chair, Child Death Overview Panel", "wscp-cdop-chair"),
        ],
        co_opted=[("cf", "Partnership Business Manager (secretary)", "wscp-manager")],
    )
    subgroups = _add_wessexshire_subgroups(build, wscp, executive)
    by_short_name = {group.short_name: group for group in subgroups}
    # Lines besides the structure: the Scrutiny Group reports to the executive and gives its
    # findings to the board; the panel answers to the child death review partners too.
    by_short_name["SG"].lines.append(
        AccountabilityLine(kind=LineKind.UPDATES_TO, to_body=board, position=1))
    by_short_name["CDOP"].lines.append(
        AccountabilityLine(kind=LineKind.ACCOUNTABLE_TO, to_name="the child death review "
                           "partners", position=1))
    by_short_name["WDG"].frequency_note = "quarterly, with learning events three times a year"
    joint = _add_joint_groups(build, wscp, iom, executive)
    return [board, executive, *subgroups, *joint]


def _add_wessexshire_subgroups(build: DemoRegister, wscp: Partnership,
                               executive: Body) -> list[Body]:
    def subgroup(name: str, short: str, **fields: object) -> Body:
        return build.add_body(wscp, BodyKind.SUBGROUP, name, short_name=short,
                              reports_to=executive, **fields)  # type: ignore[arg-type]

    return [
        subgroup(
            "Education Group", "EG",
            purpose="The forum where schools, colleges, early years settings and the County "
                    "Council's education services plan and check safeguarding in education.",
            objectives=[
                "Discuss child protection in education settings across the county and agree "
                "shared responses.",
                "Write and review local safeguarding guidance for schools and colleges, and "
                "make sure it reaches them.",
                "Check that settings meet their duties under sections 157 and 175 of the "
                "Education Act 2002 and Keeping Children Safe in Education.",
                "Carry learning from local reviews and audits into schools and follow up the "
                "actions that result.",
                "Raise concerns about services or joint working in education with the "
                "Executive Group.",
            ],
            frequency=Frequency.TERMLY, chair="wscp-edu-chair", chair_agency="secondary",
            core=[("ei", "Assistant Director, Education and Inclusion", "wscp-ei-head"),
                  ("primary", "Primary head teacher representative", "wscp-primary-head"),
                  ("special", "Special school head teacher representative", None),
                  ("independent-schools", "Independent schools representative", None),
                  ("fe", "Designated safeguarding lead, further education", None),
                  ("early-years", "Services for Young Children team",
                   "wscp-early-years-champion")],
            co_opted=[("police", "Schools liaison officer", None),
                      ("cf", "Children's social care practice lead", None)],
        ),
        subgroup(
            "Scrutiny Group", "SG",
            purpose="Runs the partnership's programme of scrutiny and assurance, and tells the "
                    "Executive Group what it shows about the help children receive.",
            objectives=[
                "Draw up a yearly scrutiny programme from the business plan and emerging "
                "concerns.",
                "Commission multi-agency audits and consider their findings and "
                "recommendations.",
                "Keep the multi-agency dataset and report a quarterly analysis of it to the "
                "Executive Group.",
                "Run the section 11 self-assessment cycle, with peer challenge, and follow up "
                "weak areas.",
                "Make sure the views of children and families are part of every audit.",
                "Track actions from assurance work until there is evidence of impact, and "
                "escalate risks.",
            ],
            frequency=Frequency.BIMONTHLY, chair="wscp-scrutiny-chair", chair_agency="cf",
            core=[("icb", "Designated Nurse for Safeguarding Children", "wscp-designated-nurse"),
                  ("police", "Detective Chief Inspector, Public Protection", None),
                  ("ei", "Education safeguarding manager", None),
                  ("probation", "Head of Public Protection", "wscp-probation-head")],
            co_opted=[(None, "Independent Scrutineer", "wscp-chair"),
                      ("cf", "Senior Partnership Analyst", "wscp-analyst")],
        ),
        subgroup(
            "Learning and Inquiry Group", "LIG",
            purpose="Considers serious incidents and other cases with learning, runs rapid "
                    "reviews and local child safeguarding practice reviews, and makes sure "
                    "what is learned changes practice.",
            objectives=[
                "Carry out rapid reviews within 15 working days and advise the partners whether "
                "a local or national review is needed.",
                "Set terms of reference, choose a proportionate method and commission reviewers "
                "for local reviews.",
                "Review cases in a way that practitioners and families experience as fair and "
                "open.",
                "Bring in learning from other partnerships' reviews, safeguarding adults "
                "reviews, domestic homicide reviews and similar.",
                "Approve final review reports and advise the partners on publication, weighing "
                "any risk to the child or others.",
                "Own the action plan for every review and report progress and impact to the "
                "Executive Group each quarter.",
            ],
            frequency=Frequency.MONTHLY, chair="wscp-lig-chair", chair_agency="icb",
            core=[("cf", "Assistant Director, Safeguarding", None),
                  ("police", "Detective Superintendent, Public Protection", "wscp-ce-chair"),
                  ("icb", "Designated Nurse for Safeguarding Children", "wscp-designated-nurse"),
                  ("cf", "Partnership Business Manager", "wscp-manager")],
            co_opted=[(None, "Senior managers of the agencies involved in the case under "
                             "review", None)],
        ),
        subgroup(
            "Workforce Development Group", "WDG",
            purpose="Plans, commissions and evaluates multi-agency training, so that "
                    "practitioners have the knowledge that the partnership's learning shows "
                    "they need.",
            objectives=[
                "Carry out a yearly training needs analysis across member agencies.",
                "Agree a costed programme of multi-agency courses, briefings and the annual "
                "conference.",
                "Build learning from reviews, audits and inspections into courses within six "
                "months.",
                "Evaluate courses for their effect on practice, not only attendance.",
                "Commission shared training with the adults board and community safety "
                "partnerships.",
            ],
            frequency=Frequency.QUARTERLY, chair="wscp-wdg-chair", chair_agency="wchmt",
            core=[("cf", "Workforce Development Manager", "wscp-workforce"),
                  ("police", "Public protection training lead", None),
                  ("icb", "Named professional for safeguarding", None),
                  ("ei", "Education safeguarding trainer", None),
                  ("vcs", "Voluntary sector representative", "wscp-vcs-champion")],
            co_opted=[("ahc", "Safeguarding Adults Board training lead", None)],
        ),
        subgroup(
            "Child Exploitation Group", "CEG",
            purpose="Leads the county's response to the criminal and sexual exploitation of "
                    "children, carrying out the WIST exploitation strategy locally.",
            objectives=[
                "Keep the Wessexshire delivery plan for the WIST exploitation strategy up to "
                "date and report on progress.",
                "Build a shared picture of exploitation in the county from police, health, "
                "council and voluntary sector information.",
                "Check that children at risk are identified early and that plans address the "
                "places and people around them.",
                "Find gaps in services for exploited children and raise them with the "
                "Executive Group.",
                "Pass risks that cross borders to the WIST Strategic Child Exploitation "
                "Subgroup.",
            ],
            frequency=Frequency.BIMONTHLY, chair="wscp-ce-chair", chair_agency="police",
            core=[("cf", "Head of Service, Exploitation and Missing", "wscp-ce-manager"),
                  ("yjs", "Head of Youth Justice", "wscp-yjs-head"),
                  ("icb", "Named nurse for exploitation", None),
                  ("ei", "Inclusion and attendance lead", None),
                  ("districts", "Community safety representative", "wscp-districts-champion")],
            co_opted=[("opcc", "Commissioning manager", None),
                      ("vcs", "Youth work representative", None)],
        ),
        subgroup(
            "Child Death Overview Panel", "CDOP",
            purpose="Reviews the death of every child normally resident in Wessexshire, to find "
                    "factors that could be changed and to share what is learned.",
            objectives=[
                "Review every child death notified, using the information the child death "
                "review team gathers.",
                "Identify modifiable factors and recommend action to the partners and to "
                "national bodies.",
                "Report themes such as safer sleep, suicide and road safety to the Executive "
                "Group each year.",
                "Make sure bereaved families have a named key worker and hear what the review "
                "found.",
            ],
            frequency=Frequency.QUARTERLY, chair="wscp-cdop-chair", chair_agency="ph",
            appointment="Appointed by the child death review partners (the County Council and "
                        "the integrated care board)",
            core=[("icb", "Designated Doctor for Child Deaths", None),
                  ("police", "Detective Inspector, child death investigation", None),
                  ("cf", "Head of Service, Children in Need", None),
                  ("ambulance", "Safeguarding Lead", None),
                  ("nwh", "Consultant Paediatrician", None)],
            co_opted=[(None, "Coroner's officer", None),
                      ("vcs", "Bereavement support service", None)],
        ),
    ]


def _add_joint_groups(build: DemoRegister, wscp: Partnership, iom: Partnership,
                      executive: Body) -> list[Body]:
    joint = "Agreed by the executives of both partnerships"
    return [
        build.add_body(
            wscp, BodyKind.TASK_AND_FINISH, "Joint Neglect Task and Finish Group",
            purpose="Refreshed the neglect strategy and online toolkit that Wessexshire and the "
                    "Isle of Merrow share, and checked that training reflected them.",
            objectives=[
                "Update the joint neglect strategy in response to the partnerships' evaluation.",
                "Review the neglect toolkit so that its links and tools are current.",
                "Check the neglect training offer and provide material for single-agency "
                "training.",
                "Measure whether the strategy changed how practitioners respond to neglect.",
            ],
            frequency=Frequency.BIMONTHLY, chair="wscp-designated-nurse", chair_agency="icb",
            appointment=joint, reports_to=executive, starts=D(2021, 4, 1), ends=D(2024, 3, 31),
            joint_with=iom,
            core=[("cf", "Early help practice lead", None),
                  ("iom-cs", "Principal Social Worker", "iom-cs-champion"),
                  ("wchmt", "Health visiting lead", None),
                  ("iom-trust", "Named Nurse for Safeguarding Children", "iom-trust-champion")],
        ),
        build.add_body(
            wscp, BodyKind.TASK_AND_FINISH,
            "Joint Child Sexual Abuse Strategy Task and Finish Group",
            purpose="Wrote a joint strategy on preventing, spotting and responding to child "
                    "sexual abuse, with tools that help children tell a trusted adult.",
            objectives=[
                "Draft the joint child sexual abuse strategy.",
                "Gather examples of good practice and share them across both areas.",
                "Develop practice tools and training with both workforce development groups.",
                "Build in learning from local and national reviews.",
            ],
            frequency=Frequency.BIMONTHLY, chair="wscp-ce-chair", chair_agency="police",
            appointment=joint, reports_to=executive, starts=D(2023, 1, 9), ends=D(2025, 3, 31),
            joint_with=iom,
            core=[("cf", "Head of Service, Children in Need", None),
                  ("iom-police", "Detective Inspector", "iom-police-champion"),
                  ("icb", "Designated Nurse for Safeguarding Children", "wscp-designated-nurse"),
                  ("iom-schools", "Head teacher representative", "iom-schools-champion")],
        ),
        build.add_body(
            wscp, BodyKind.TASK_AND_FINISH, "Joint Safeguarding Adolescents Task and Finish Group",
            purpose="Developing a joint approach to the risks adolescents face, including the "
                    "move from children's to adult services (transitional safeguarding).",
            objectives=[
                "Map the risks adolescents face and how agencies respond to them now.",
                "Hear directly from young people who have used services.",
                "Draft a joint safeguarding adolescents strategy, with a launch and a "
                "communications plan.",
                "Set measures so that both partnerships can tell whether it is working.",
            ],
            frequency=Frequency.BIMONTHLY, chair="wscp-ce-manager", chair_agency="cf",
            appointment=joint, reports_to=executive, starts=D(2025, 6, 1), ends=D(2027, 3, 31),
            joint_with=iom,
            core=[("yjs", "Head of Youth Justice", "wscp-yjs-head"),
                  ("iom-yjs", "Team Manager", "iom-yjs-champion"),
                  ("ahc", "Assistant Director, Safeguarding Adults", "wscp-ahc-head"),
                  ("iom-asc", "Safeguarding Adults Manager", "iom-asc-champion")],
            co_opted=[("vcs", "Youth participation worker", None)],
        ),
    ]


def _add_merrow_bodies(build: DemoRegister, iom: Partnership) -> list[Body]:
    executive = build.add_body(
        iom, BodyKind.EXECUTIVE, "Executive Board",
        purpose="The three safeguarding partners meeting as the partnership's decision-making "
                "body. It sets three priorities each year, decides on every rapid review and "
                "holds the partnership to account.",
        objectives=[
            "Agree three priorities each April from data, reviews and what children and "
            "families tell us.",
            "Decide the outcome of every rapid review and sign off local reviews for "
            "publication.",
            "Receive the Learning Hub's recommendations at the end of each four-month cycle and "
            "decide what action to take.",
            "Agree the budget and each agency's contribution.",
            "Commission a scrutineer for each priority and respond to their findings.",
        ],
        frequency=Frequency.MONTHLY, chair="iom-police-delegated", chair_agency="iom-police",
        appointment="Chaired in rotation by the three delegated safeguarding partners, each for "
                    "a year from April (the police in 2026 to 2027)",
        rule=DecisionRule.CONSENSUS_THEN_PARTNER_MAJORITY,
        core=[("iom-cs", "Delegated safeguarding partner, local authority", "iom-la-delegated"),
              ("iom-icb", "Delegated safeguarding partner, health", "iom-health-delegated"),
              ("iom-police", "Delegated safeguarding partner, police", "iom-police-delegated")],
        co_opted=[("iom-cs", "Partnership Manager", "iom-manager")],
    )
    stakeholders = build.add_body(
        iom, BodyKind.STAKEHOLDER_FORUM, "Stakeholder Group",
        purpose="Brings every relevant agency together through its safeguarding champion, to "
                "shape the priorities and the Learning Hub's work and to take learning back "
                "into each organisation.",
        objectives=[
            "Share what each agency is seeing about risks to children on the island.",
            "Comment on the priorities before the Executive Board agrees them.",
            "Put forward practitioners and cases for each Learning Hub cycle.",
            "Spread learning through the network of safeguarding champions.",
        ],
        frequency=Frequency.QUARTERLY, chair="iom-police-delegated", chair_agency="iom-police",
        appointment="Chaired by whichever partner chairs the Executive Board that year",
        reports_to=executive, rule=DecisionRule.NOT_DECISION_MAKING,
        core=[(key, "Safeguarding champion", f"{key}-champion") for key, *_ in IOM_AGENCIES],
    )
    hub = build.add_body(
        iom, BodyKind.HUB, "Learning Hub",
        purpose="Works through the partnership's three priorities for the year, one after "
                "another. Each priority gets a four-month cycle: a month of scoping, a month of "
                "multi-agency audit, a month hearing from children, families and practitioners, "
                "and a month writing recommendations for the Executive Board.",
        objectives=[
            "Month one, scoping: agree the questions, the data to look at and the audit sample.",
            "Month two, auditing: audit cases together across agencies against those "
            "questions.",
            "Month three, feedback: hear from the children, families and practitioners "
            "involved.",
            "Month four, recommendations: report findings and recommendations to the Executive "
            "Board.",
            "Work with the scrutineer commissioned for each priority and give them all the "
            "evidence.",
            "Check, when a theme comes round again, whether earlier recommendations made a "
            "difference.",
        ],
        frequency=Frequency.MONTHLY, chair_post="Partnership Business Manager",
        chair_agency="iom-cs",
        frequency_note="monthly, inside a four-month cycle for each priority",
        appointment="Appointed by the Executive Board; the lead for the current priority is "
                    "vice-chair",
        reports_to=executive, rule=DecisionRule.NOT_DECISION_MAKING,
        core=[("iom-cs", "Principal Social Worker", "iom-cs-champion"),
              ("iom-icb", "Designated Nurse", "iom-icb-champion"),
              ("iom-police", "Detective Inspector, Merrow Safeguarding Hub",
               "iom-police-champion"),
              ("iom-edu", "Education Safeguarding Lead", "iom-edu-champion")],
        co_opted=[(None, "Practitioners and agencies relevant to the current priority", None)],
    )
    panel = build.add_body(
        iom, BodyKind.PANEL, "Rapid Review Panel",
        purpose="Meets within days of a serious incident notification to gather what agencies "
                "know and prepare the rapid review for the Executive Board's decision.",
        objectives=[
            "Collect chronologies and summaries from every agency involved.",
            "Analyse the key episodes of practice, including how race, inequality and "
            "disability shaped the child's experience.",
            "Recommend to the Executive Board whether a local or national review is needed.",
        ],
        frequency=Frequency.AD_HOC, chair="iom-manager", chair_agency="iom-cs",
        appointment="The Partnership Manager convenes and chairs each panel",
        reports_to=executive, rule=DecisionRule.NOT_DECISION_MAKING,
        core=[("iom-cs", "Head of Safeguarding and Quality", None),
              ("iom-icb", "Designated Nurse", "iom-icb-champion"),
              ("iom-police", "Detective Inspector", "iom-police-champion")],
        co_opted=[(None, "Agencies involved with the child", None)],
    )
    return [executive, stakeholders, hub, panel]


def _add_collaboration_bodies(build: DemoRegister, wist: Collaboration) -> list[Body]:
    executive = build.add_body(
        wist, BodyKind.EXECUTIVE, "WIST Executive Group",
        purpose="Gives strategic direction across the four areas, promotes shared practice and "
                "learning, and identifies issues that need action by more than one area's "
                "safeguarding partners.",
        objectives=[
            "Coordinate safeguarding work that gains from being done once across Wessexshire, "
            "the Isle of Merrow, Saltmouth and Thornbridge.",
            "Set up and oversee shared subgroups where working together adds value.",
            "Receive learning from each area's reviews and decide whether it needs a WIST-wide "
            "response.",
            "Keep health commissioners outside the four areas informed through the integrated "
            "care board.",
        ],
        frequency=Frequency.QUARTERLY, chair="wist-chair", independent=True,
        appointment="Recruited and appointed jointly by the safeguarding partners of the four "
                    "areas",
        core=[("cf", "Director of Children's Services, Wessexshire", "wscp-la-delegated"),
              ("iom-cs", "Director of Children's Services, Isle of Merrow", "iom-la-delegated"),
              ("sal-cs", "Director of Children's Services, Saltmouth", "sal-la-delegated"),
              ("thb-cs", "Director of Children's Services, Thornbridge", "thb-la-delegated"),
              ("police", "Chief Superintendent with lead for safeguarding",
               "wscp-police-delegated"),
              ("icb", "Chief Nursing Officer, for the health sector", "wscp-health-delegated")],
    )
    managers = [("cf", "Partnership Business Manager, Wessexshire", "wscp-manager"),
                ("iom-cs", "Partnership Manager, Isle of Merrow", "iom-manager"),
                ("sal-cs", "Partnership Business Manager, Saltmouth", "sal-manager"),
                ("thb-cs", "Partnership Business Manager, Thornbridge", "thb-manager")]
    return [
        executive,
        build.add_body(
            wist, BodyKind.SUBGROUP, "WIST Procedures Subgroup",
            purpose="Writes and maintains the multi-agency safeguarding procedures that apply in "
                    "all four areas.",
            objectives=[
                "Keep the WIST procedures up to date with law, guidance and learning from "
                "reviews.",
                "Publish changes on a regular cycle and tell practitioners what has changed.",
                "Agree common protocols, for example on unborn babies, escalation and "
                "information sharing.",
                "Consult agencies that work in more than one area before making changes.",
            ],
            frequency=Frequency.BIMONTHLY, chair="wist-procedures-chair", independent=True,
            appointment="Commissioned by the WIST Executive Group", reports_to=executive,
            core=managers, co_opted=[("icb", "Designated Nurse", "wscp-designated-nurse")],
        ),
        build.add_body(
            wist, BodyKind.SUBGROUP, "WIST Strategic Child Exploitation Subgroup",
            purpose="Builds a shared understanding of child exploitation across the four areas "
                    "and identifies risks that need a strategic response.",
            objectives=[
                "Maintain the WIST exploitation strategy.",
                "Share intelligence about people and places that put children at risk across "
                "borders.",
                "Agree a common exploitation risk assessment tool and check it is used "
                "consistently.",
                "Report risks that cross borders to the WIST Executive Group.",
            ],
            frequency=Frequency.QUARTERLY, chair="wist-ce-chair", chair_agency="police",
            appointment="Nominated by the WIST Executive Group", reports_to=executive,
            core=[("police", "Detective Superintendent, Public Protection", "wscp-ce-chair"),
                  ("cf", "Head of Service, Exploitation and Missing", "wscp-ce-manager"),
                  ("iom-cs", "Principal Social Worker", "iom-cs-champion"),
                  ("sal-cs", "Exploitation lead, Saltmouth", None),
                  ("thb-cs", "Exploitation lead, Thornbridge", None)],
        ),
        build.add_body(
            wist, BodyKind.SUBGROUP, "WIST Data and Intelligence Subgroup",
            purpose="Agrees and maintains a common dataset so that the four partnerships can "
                    "compare and combine what they know about children's safety.",
            objectives=[
                "Agree definitions and reporting periods for the shared indicators.",
                "Keep data on child sexual exploitation separate from other abuse data, broken "
                "down by the sex, ethnicity and disability of victims and perpetrators.",
                "Produce a quarterly WIST performance summary for the executive.",
                "Improve data quality and report gaps to the organisations that own the data.",
            ],
            frequency=Frequency.QUARTERLY, chair="sal-data-lead", chair_agency="sal-cs",
            appointment="Nominated by the WIST Executive Group", reports_to=executive,
            core=[("cf", "Senior Partnership Analyst", "wscp-analyst"),
                  ("police", "Principal analyst, public protection", None),
                  ("icb", "Safeguarding data lead", None),
                  ("iom-cs", "Performance officer", None),
                  ("thb-cs", "Performance officer", None)],
        ),
    ]


def _add_scrutineers(build: DemoRegister, wscp: Partnership, iom: Partnership,
                     iom_bodies: list[Body]) -> None:
    hub = next(body for body in iom_bodies if body.kind is BodyKind.HUB)
    db.session.add(Scrutineer(
        partnership=wscp, person=build.people["wscp-chair"], whole_partnership=True,
        appointed_by="The three lead safeguarding partners", valid_from=D(2020, 4, 1)))
    db.session.add(Appointment(
        partnership=wscp, role=AppointmentRole.PARTNERSHIP_CHAIR, post="Independent chair",
        person=build.people["wscp-chair"], independent=True, valid_from=D(2020, 4, 1)))
    commissioned = "The Executive Board, March 2026"
    for key, scope in (
        ("iom-scrutineer-1", "Priority 1, April to July 2026: neglect of babies and children "
                             "under five"),
        ("iom-scrutineer-2", "Priority 2, August to November 2026: children who go missing, "
                             "and exploitation that takes them off the island"),
        ("iom-scrutineer-3", "Priority 3, December 2026 to March 2027: children not in "
                             "full-time education"),
    ):
        db.session.add(Scrutineer(
            partnership=iom, kind=ScrutinyKind.COMMISSIONED, person=build.people[key],
            whole_partnership=False, scope=scope,
            appointed_by=commissioned, valid_from=D(2026, 4, 1), valid_to=D(2027, 3, 31),
            bodies=[hub]))


def load_synthetic_register(scale: int) -> dict[str, int]:
    """Add ``scale`` synthetic partnerships: 3 partners, 20 agencies, 8 bodies with members,
    and an independent scrutineer."""
    bodies = members = 0
    sectors = list(Sector)
    for n in range(1, scale + 1):
        area = f"Synthetic Area {n}"
        partnership = Partnership(slug=f"synthetic-{n}",
                                  name=f"{area} Safeguarding Children Partnership",
                                  short_name=f"SA{n}", area=f"The whole of {area}.")
        agencies = [Agency(partnership=partnership, name=f"{area} agency {i:02d}",
                           sector=sectors[i % len(sectors)], active_from=BEGAN)
                    for i in range(1, 21)]
        db.session.add_all([partnership, *agencies])
        db.session.flush()
        people = [Person(name=f"Synthetic Person {n}-{i:02d}", job_title="Officer",
                         agency=agencies[i % 20]) for i in range(1, 17)]
        db.session.add_all(people)
        for i, kind in enumerate(PartnerKind):
            partner = StatutoryPartner(partnership=partnership, kind=kind, names=[
                PartnerName(name=agencies[i].name, valid_from=BEGAN)])
            partner.representatives = [
                Representative(person=people[2 * i], capacity=LEAD, title="Lead",
                               valid_from=BEGAN),
                Representative(person=people[2 * i + 1], capacity=DELEGATED, title="Delegated",
                               valid_from=BEGAN)]
            db.session.add(partner)
        board = Body(partnership=partnership, kind=BodyKind.BOARD, name="Board",
                     frequency=Frequency.QUARTERLY, position=0, chair=people[6],
                     members=[BodyMember(agency=a, role="Representative") for a in agencies])
        executive = Body(partnership=partnership, kind=BodyKind.EXECUTIVE, name="Executive",
                         frequency=Frequency.BIMONTHLY, position=1, chair=people[7],
                         reports_to=board, members=[
                             BodyMember(agency=agencies[i], role="Delegated partner",
                                        person=people[2 * i + 1]) for i in range(3)])
        groups = [Body(partnership=partnership, kind=BodyKind.SUBGROUP, name=f"Subgroup {g}",
                       frequency=Frequency.QUARTERLY, position=1 + g, chair=people[7 + g],
                       reports_to=executive, objectives=[f"Objective {g}.{k}" for k in (1, 2, 3)],
                       members=[BodyMember(agency=agencies[(g * 3 + k) % 20], role="Member")
                                for k in range(5)])
                  for g in range(1, 7)]
        db.session.add_all([board, executive, *groups])
        db.session.add(Scrutineer(
            partnership=partnership, person=Person(name=f"Synthetic Scrutineer {n}",
                                                   job_title="Independent scrutineer"),
            whole_partnership=True, appointed_by="The three lead safeguarding partners",
            valid_from=BEGAN))
        bodies += 2 + len(groups)
        members += len(board.members) + len(executive.members) + sum(
            len(g.members) for g in groups)
    db.session.flush()
    return {"synthetic partnerships": scale, "synthetic bodies": bodies,
            "synthetic body members": members}

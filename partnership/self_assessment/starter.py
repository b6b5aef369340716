"""The starter standards sets a partnership may begin from, in our own words.

The Section 11 set follows the arrangements that Working Together to Safeguard Children
asks of each organisation under section 11 of the Children Act 2004; the schools set follows
the themes of Keeping Children Safe in Education, which schools and colleges answer under
sections 175 and 157 of the Education Act 2002 (and the Independent School Standards).
A partnership edits, adds or removes standards as it likes.
"""

from __future__ import annotations

from partnership.self_assessment.models import StandardsKind

# kind -> (set name, source, [(title, what meeting it looks like)])
STARTER_SETS: dict[StandardsKind, tuple[str, str, list[tuple[str, str]]]] = {
    StandardsKind.SECTION_11: (
        "Section 11 standards",
        "Working Together to Safeguard Children (2023), chapter 2: organisational "
        "responsibilities under section 11 of the Children Act 2004",
        [
            ("Senior leadership and commitment",
             "A named lead at board or director level takes responsibility for the "
             "organisation's safeguarding arrangements, has the knowledge and time to do so, "
             "and safeguarding is part of the organisation's plans and reports."),
            ("A clear line of accountability",
             "Everyone can say who is accountable for safeguarding in the services the "
             "organisation provides or commissions; contracts require the same of providers."),
            ("Listening to children",
             "Children's wishes and feelings are sought and recorded in individual work, and "
             "children and families help shape how services are designed and improved."),
            ("Whistleblowing and a culture of speaking up",
             "Staff know how to raise a concern about practice, including outside the line "
             "of management; procedures are in training and the code of conduct, and concerns "
             "raised are acted on."),
            ("Safer recruitment and safe working",
             "Recruitment checks (including criminal record checks where eligible) are made "
             "and recorded for people working with children; allegations against staff are "
             "referred to the designated officer."),
            ("Safeguarding training and a designated lead",
             "Staff have induction and refresher training suited to their role; a designated "
             "practitioner supports colleagues, with the role written into their job "
             "description and the time to do it."),
            ("Information sharing",
             "Staff know when and how to share information with other practitioners and the "
             "safeguarding partners, and records show the reasons for sharing or not."),
            ("Supervision, support and escalation",
             "Staff have supervision and support for their safeguarding work, and follow a "
             "clear escalation route when a concern about a child is not being addressed, "
             "within the organisation or by another agency."),
        ]),
    StandardsKind.SCHOOLS: (
        "Schools and settings safeguarding standards",
        "Keeping Children Safe in Education (statutory guidance for schools and colleges); "
        "Education Act 2002 sections 175 and 157",
        [
            ("Designated safeguarding lead",
             "A senior member of staff is the designated safeguarding lead, with a trained "
             "deputy, the time and authority for the role, and cover in term time and at "
             "out-of-hours activities."),
            ("Safeguarding and child protection policy",
             "The policy is reviewed each year, follows the local partnership's procedures, "
             "is on the website and is known to every member of staff."),
            ("Staff training and induction",
             "All staff read the guidance for their role at induction and have regular "
             "updated training; governors and proprietors are trained for their oversight."),
            ("Safer recruitment and the single central record",
             "Pre-appointment checks are made and recorded in the single central record, and "
             "at least one person on each interview panel is trained in safer recruitment."),
            ("Online safety and filtering",
             "Filtering and monitoring are in place and reviewed; online safety is taught and "
             "concerns about online harm are acted on like any other."),
            ("Children missing education and absence",
             "Unexplained and repeated absence is followed up as a possible sign of harm, and "
             "children leaving the roll are reported to the local authority as required."),
            ("Allegations against staff",
             "Allegations and low-level concerns about staff, supply staff, volunteers and "
             "contractors are handled as the guidance sets out and referred to the designated "
             "officer where the threshold is met."),
            ("Safeguarding in the curriculum",
             "Pupils are taught how to keep themselves safe, including relationships and "
             "sex education and health education suited to their age."),
            ("Working with partners and early help",
             "Concerns are referred to children's social care or early help promptly, and the "
             "school takes part in plans, meetings and reviews about its pupils."),
        ]),
}

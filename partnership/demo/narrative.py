"""The demo county's narrative sections of its arrangements, in Markdown (fictional)."""

from __future__ import annotations

from partnership.arrangements.models import Topic

# (title, statutory topic or None for a section of the partnership's own, Markdown), in order.
WESSEXSHIRE_NARRATIVE: list[tuple[str, Topic | None, str]] = [
    ("Foreword", None, """\
These are the safeguarding arrangements for Wessexshire. They explain how the County Council,
the integrated care board and the Constabulary work together, and with schools, health
providers, the voluntary sector, faith groups and many others, to keep the county's children
safe and to help them thrive.

Much of what works well here rests on relationships that are older than any statutory
framework: practitioners who know one another, who ask awkward questions and who pick up the
phone. We want to protect that. We also want to be clearer about who decides what, who is
accountable, and how we will know whether children are better off because of what we do.

This edition uses the language of *Working Together to Safeguard Children 2023*. It names our
delegated safeguarding partners, describes the joint work we do with the Isle of Merrow, and
sets out more fully how we share procedures, data and exploitation work across the four WIST
areas.
"""),
    ("Introduction and context", None, """\
Protecting children is everyone's job, but no single agency can do it alone. The partnership
exists so that everyone who works with children and families in Wessexshire can recognise
harm, respond to it and do their part in a coordinated way.

The partnership will:

- work towards a small number of shared priorities and measure whether children's outcomes
  improve;
- build relationships in which partners can challenge one another openly and hold one another
  to account;
- learn from local and national reviews, audits and inspections, and change practice as a
  result;
- spot new and emerging risks early and share information so that agencies can act;
- listen to children, young people and adult survivors of childhood abuse, and let what they
  say shape services;
- support parents and carers so that, wherever it is safe, children can grow up in their own
  families.
"""),
    ("Thresholds", Topic.THRESHOLDS, """\
The partners publish the **Wessexshire Continuum of Need**, which describes the four levels at
which children and families may need help and how to ask for it:

1. **Universal**: needs met by services every child uses, such as schools and GPs.
2. **Early help**: additional needs that one agency, or a few working together, can meet
   with the family's agreement.
3. **Targeted**: complex needs that call for a coordinated multi-agency plan and a lead
   practitioner.
4. **Specialist**: children in need of protection or of statutory social care.

The document is reviewed every two years, or sooner if the Scrutiny Group finds that it is
being applied inconsistently. Practitioners who disagree with a decision about the level of
need should use the escalation process below.
"""),
    ("Multi-agency training", Topic.TRAINING, """\
The Workforce Development Group plans a yearly programme of multi-agency training from a
needs analysis carried out with every member agency. Findings from local reviews, audits and
inspections are built into courses within six months of being agreed.

- Courses, briefings and the annual conference are free to staff of agencies that contribute
  to the partnership's budget; others may be charged.
- Every course is evaluated three times: on the day, after three months (what has changed in
  the participant's practice), and through the audit programme.
- Agencies remain responsible for their own single-agency training and report completion
  rates to the group each year.
"""),
    ("Voice of children and families", Topic.VOICE, """\
What children and families tell us is central to how we judge whether the arrangements
work.

- Every multi-agency audit asks the child (where appropriate) and their family about the help
  they received, and their answers are reported alongside practitioners' views.
- When a local child safeguarding practice review is carried out, the reviewer offers to meet
  the child's family and explains the findings to them before anything is published.
- The Wessexshire Youth Parliament and the Children in Care Council are consulted on the
  priorities each year and review the partnership's material for young people.
- Each yearly report includes a "you said, we did" section showing what changed as a result.
"""),
    ("Data and intelligence", Topic.DATA, """\
The Scrutiny Group keeps a multi-agency dataset of agreed indicators covering the main
safeguarding processes and groups of children who are particularly vulnerable. Agencies
supply figures each quarter; the partnership team analyses them and explains trends, and a
fuller report every six months recommends where to look more closely.

Counts are shown alongside rates per 10,000 children so that areas and years can be compared.
Data on child sexual exploitation is kept separate from other abuse data and broken down by
the sex, ethnicity and disability of both victims and perpetrators, in line with the shared
WIST dataset. The Executive Group reviews the indicators each year.
"""),
    ("Multi-agency procedures", None, """\
The WIST multi-agency safeguarding procedures apply in Wessexshire, the Isle of Merrow,
Saltmouth and Thornbridge. The shared Procedures Subgroup keeps them up to date with changes
in law and guidance and with learning from reviews. They include guidance on, among other
things:

- protecting disabled children;
- resolving professional disagreements and escalating concerns;
- sharing information between practitioners;
- safer recruitment of staff and volunteers;
- whistleblowing;
- children living away from home.

Every member agency must have its own safeguarding policy that fits these procedures and
says how concerns are escalated inside the organisation.
"""),
    ("Escalation and professional disagreement", Topic.ESCALATION, """\
Disagreements between professionals are normal and often healthy, but they must never leave
a child unsafe. Practitioners should follow these steps, moving on if the matter is not
resolved:

1. Talk directly to the practitioner concerned within two working days.
2. Raise it with both practitioners' managers, who should speak within five working days.
3. Refer it to the designated safeguarding leads or heads of service of the agencies
   involved.
4. Ask the partnership business manager to bring it to the attention of the independent
   chair.

If a child is at immediate risk, act at once and escalate at the same time. The partnership
team keeps a log of escalations that reach step 3 or 4; the Scrutiny Group reviews the log
each quarter for patterns.
"""),
    ("Funding", Topic.FUNDING, """\
The partnership is funded by contributions agreed each year by the three safeguarding
partners, who also decide which other agencies are asked to contribute and how much. The
County Council hosts the partnership team and provides accommodation, legal and
communications support on top of its cash contribution.

The budget pays for the partnership team, the independent chair and scrutineer, local child
safeguarding practice reviews, the training programme and the partnership's share of WIST
work. The yearly report sets out income and spending.
"""),
    ("Review of these arrangements", Topic.REVIEW_OF_ARRANGEMENTS, """\
The safeguarding partners review these arrangements every year and publish a new version
after all three have signed it off. Changes are explained in the next yearly report. If new
statutory guidance is issued, the arrangements are updated when it takes effect rather than
waiting for the yearly review.

Comments on the arrangements are welcome at any time: write to the partnership team at
wscp@wessexshire.example.
"""),
]

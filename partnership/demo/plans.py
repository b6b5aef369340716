"""The demo business plans: Wessexshire's three-year plan and the Isle of Merrow's priorities.

Wessexshire's plan follows the familiar shape: Part A strategic objectives, each with a lead
subgroup, an intended outcome and actions set for each reporting year (the previous, current
and next one), and Part B one-year activities for the current year. The Isle of Merrow runs
three priorities a year through its Learning Hub, each in a four-month cycle of named phases.

Everything here is words and keys; :mod:`partnership.demo.tracker` dates it relative to the
day the demo is loaded. Every organisation, person and case is invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from partnership.demo.actions import Beat, Scenario, voice
from partnership.plans.models import Part

S = Scenario
PREVIOUS, CURRENT, NEXT = -1, 0, 1


@dataclass(frozen=True)
class Carry:
    """What happens to a carried-forward action in the year it is carried into."""

    scenario: Scenario
    beats: tuple[Beat | str, ...] = ()


@dataclass(frozen=True)
class ActionSpec:
    """One business-plan action: its story, lead agency and lead officer (register keys)."""

    scenario: Scenario
    title: str
    agency: str
    person: str | None
    beats: tuple[Beat | str, ...] = ()
    detail: str = ""
    impact: str = ""
    outcome: str = ""
    body: str | None = None  # the owning body's name; by default the objective's lead body
    carried: Carry | None = None


@dataclass(frozen=True)
class ObjectiveSpec:
    """A Part A objective or a Part B activity, with its actions by year (-1, 0, +1)."""

    part: Part
    title: str
    outcome: str
    body: str
    description: str = ""
    joint_with: str | None = None
    actions: dict[int, list[ActionSpec]] = field(default_factory=dict)


def act(scenario: Scenario, title: str, agency: str, person: str | None,
        *beats: Beat | str, **more: object) -> ActionSpec:
    """Shorthand for an :class:`ActionSpec`."""
    return ActionSpec(scenario, title, agency, person, beats, **more)  # type: ignore[arg-type]


WSCP_PLAN_INTRODUCTION = """\
This plan sets out what the Wessexshire Safeguarding Children Partnership will do over three \
reporting years to make children in the county safer. Part A holds five strategic objectives \
that stay the same for the life of the plan; the actions under each are refreshed every year \
in the light of what audits, reviews and children and families have told us. Part B holds \
shorter activities for one year that support the partnership's statutory functions.

Each objective is led by a subgroup, which reviews progress at every meeting. The Executive \
Group receives an exception report each quarter showing what is late, what has stalled and \
where there is no evidence yet that children's experiences have improved.\
"""

WSCP_OBJECTIVES: list[ObjectiveSpec] = [
    ObjectiveSpec(
        Part.STRATEGIC, "Responding to neglect",
        outcome="Practitioners in every agency recognise neglect early, use the shared "
                "neglect toolkit and graded care profile, and children living with neglect "
                "get help before it becomes entrenched.",
        body="Scrutiny Group", joint_with="imscp",
        description="Undertaken with the Isle of Merrow partnership, which shares the neglect "
                    "strategy and toolkit.",
        actions={
            PREVIOUS: [
                act(S.DONE, "Refresh the joint neglect strategy with the Isle of Merrow",
                    "cf", "wscp-scrutiny-chair",
                    "Task group reconvened with island colleagues. Last year's neglect "
                    "evaluation is the starting point.",
                    "Draft strategy out to consultation with both partnerships' subgroups and "
                    "with the Youth Parliament.",
                    voice("Draft taken to the Youth Parliament's health and wellbeing group, "
                          "with a shorter version read with young people at two youth clubs. "
                          "They asked for the strategy to say plainly what neglect looks like "
                          "from a child's side.",
                          impact="An 'in your words' section, written from their comments, now "
                                 "opens the strategy, and the practitioner briefing starts "
                                 "with it."),
                    "Strategy signed off by both executives and published on both websites.",
                    detail="Respond to the evaluation of neglect and bring the joint strategy "
                           "up to date.",
                    impact="Downloaded 1,140 times in its first three months; in the spring "
                           "audit, practitioners in 8 of 10 agencies could name it."),
                act(S.DONE, "Review the online neglect toolkit so every link and tool is current",
                    "cf", "wscp-officer",
                    "Link check found 23 broken or out-of-date links; their owners have been "
                    "contacted.",
                    "New sections written on dental neglect and on neglect of teenagers.",
                    "Toolkit relaunched with a seven-minute briefing for practitioners.",
                    impact="Page views rose from about 300 to 900 a month after the relaunch."),
                act(S.DONE, "Train every health visiting team in the graded care profile",
                    "wchmt", "wscp-wdg-chair",
                    "Training dates set for all 14 health visiting teams.",
                    "Eleven of the 14 teams trained; the other three are booked for February.",
                    Beat("All teams trained. Use of the profile to be checked in the next "
                         "multi-agency audit.",
                         impact="Spring audit: the profile was used in 9 of 12 cases where "
                                "neglect was the main concern, against 2 of 12 a year "
                                "earlier."),
                    impact="Graded care profile used in 9 of 12 audited neglect cases, up from "
                           "2 of 12."),
                act(S.CARRIED, "Multi-agency audit of neglect in children under five",
                    "cf", "wscp-analyst",
                    "Audit tool agreed and a sample of 15 children drawn.",
                    "Twelve of the 15 case files returned; two agencies have yet to submit.",
                    "Practitioner workshops postponed when the audit team lost two auditors. "
                    "Proposed to carry the audit into next year.",
                    detail="Audit 15 cases of children under five where neglect was a concern, "
                           "with the practitioners involved.",
                    carried=Carry(S.RED, (
                        "Carried forward from last year. Workshops with practitioners rebooked "
                        "for the summer.",
                        "Workshops held, but the analysis has slipped: the analyst has been "
                        "covering the quarterly dataset. Report to the Scrutiny Group will be "
                        "late.",
                    ))),
            ],
            CURRENT: [
                act(S.GREEN, "Measure the impact of the neglect strategy one year on",
                    "cf", "wscp-scrutiny-chair",
                    "Measures agreed: re-referrals for neglect, use of the graded care profile "
                    "and a practitioner survey.",
                    "Practitioner survey closed with 412 responses; analysis under way.",
                    detail="Report to both executives on whether the strategy has changed how "
                           "practitioners respond to neglect."),
                act(S.STALE, "Add neglect prompts to fire service Safe and Well visits",
                    "fire", "wscp-fire-champion",
                    "Prompts drafted with the neglect lead. Crews at two stations will try "
                    "them for three months.",
                    detail="Crews who visit family homes to notice and pass on signs of neglect."),
                act(S.AMBER, "Deliver the joint neglect training to 200 practitioners",
                    "cf", "wscp-workforce",
                    "Eight sessions scheduled across the county and two on the island.",
                    "Only 96 places taken. Bookings are slow outside children's social care; "
                    "reminder sent to every agency's training lead.",
                    body="Workforce Development Group"),
                act(S.ONGOING, "Publish neglect figures in the quarterly multi-agency dataset",
                    "cf", "wscp-officer",
                    "Neglect indicators added to the quarterly dataset; first quarter "
                    "published.",
                    "Second quarter published with a short commentary for the Scrutiny Group."),
            ],
            NEXT: [
                act(S.PLANNED, "Re-audit neglect of children under five to see whether "
                               "practice has changed", "cf", "wscp-analyst"),
                act(S.PLANNED, "Extend the graded care profile to early years settings",
                    "early-years", "wscp-early-years-champion"),
                act(S.PLANNED, "Refresh the neglect strategy's measures with the Isle of Merrow",
                    "cf", "wscp-officer"),
            ],
        },
    ),
    ObjectiveSpec(
        Part.STRATEGIC, "Safeguarding adolescents and tackling child exploitation",
        outcome="Agencies understand the connected risks adolescents face, including "
                "exploitation, going missing and the move into adulthood, and respond with "
                "one plan around the young person and the places where harm happens.",
        body="Child Exploitation Group",
        actions={
            PREVIOUS: [
                act(S.DONE, "Agree one exploitation risk assessment tool for the county",
                    "cf", "wscp-ce-manager",
                    "Three tools in use compared, and practitioners asked which helped them.",
                    "WIST tool adopted with local guidance on when to use it.",
                    "Tool in use in all agencies. Its use will be checked in the autumn audit.",
                    impact="Every one of the 41 children discussed at the exploitation panel in "
                           "the following quarter had a completed assessment."),
                act(S.DONE, "Map where children go missing from and where they are found",
                    "police", "wscp-ce-chair",
                    voice("Return home interviews read alongside a year of police missing "
                          "reports, so the map starts from what children said about where "
                          "they went, who they met and what would have kept them at home.",
                          impact="Children's own accounts named two places that no agency "
                                 "record showed; both were added to the map and to the "
                                 "police patrol plan."),
                    "Six places identified where children are repeatedly found; shared with "
                    "district community safety teams.",
                    "Map complete and now refreshed every month by the police analyst.",
                    impact="Missing episodes from one children's home fell from 31 to 9 in the "
                           "next quarter after a licensing review closed a flat nearby."),
                act(S.DONE, "Train licensed taxi drivers and hotel staff to spot exploitation",
                    "districts", "wscp-districts-champion",
                    "Training pack agreed with the licensing teams of the ten districts.",
                    "Eight districts have made the training a licensing condition.",
                    "All ten districts now require it; 1,900 drivers trained so far.",
                    impact="Reports from drivers and hotels to the police rose from 4 to 22 "
                           "in six months."),
                act(S.CARRIED, "Hear from young people who have been exploited about what "
                               "helped them", "yjs", "wscp-yjs-head",
                    "Youth participation worker commissioned to run the conversations "
                    "safely, with support on hand afterwards.",
                    voice("First six young people interviewed by the youth participation "
                          "worker, in places they chose. They said their workers changed too "
                          "often and that they were treated as offenders before anyone asked "
                          "what was happening to them.",
                          impact="Their words went straight to the Child Exploitation Group, "
                                 "which agreed that a young person keeps the same key worker "
                                 "when their case moves between teams."),
                    "Remaining interviews delayed; the worker has been off sick. Proposed to "
                    "carry into next year.",
                    carried=Carry(S.STALE, (
                        "Carried forward. Four more interviews arranged through the youth "
                        "justice service and a voluntary youth project.",
                    ))),
            ],
            CURRENT: [
                act(S.RED, "Draft a joint safeguarding adolescents strategy with the Isle of "
                           "Merrow", "cf", "wscp-ce-manager",
                    "Task and finish group has met three times; the themes are agreed.",
                    "Writing is waiting for the young people's findings, which are late. A new "
                    "target date will be proposed to the Executive Group.",
                    body="Joint Safeguarding Adolescents Task and Finish Group"),
                act(S.GREEN, "Pilot a transitional safeguarding panel for 17 to 25-year-olds",
                    "ahc", "wscp-ahc-head",
                    "Terms of reference agreed between children's and adult social care.",
                    "Panel piloted in the north of the county; eleven young people discussed "
                    "so far.",
                    body="Joint Safeguarding Adolescents Task and Finish Group"),
                act(S.COMPLETE, "Update the county's delivery plan for the WIST exploitation "
                                "strategy", "police", "wscp-ce-chair",
                    "Delivery plan redrafted against the refreshed WIST strategy.",
                    "Agreed by the Child Exploitation Group and sent to the WIST subgroup.",
                    impact="The WIST subgroup has adopted the county's plan as the template "
                           "for the other three areas."),
                act(S.ONGOING_STALE, "Report exploitation figures to the Executive Group each "
                                     "quarter", "cf", "wscp-officer",
                    "First quarter's figures presented, with a note on the rise in referrals "
                    "from schools."),
            ],
            NEXT: [
                act(S.PLANNED, "Launch the safeguarding adolescents strategy in both areas",
                    "cf", "wscp-ce-manager"),
                act(S.PLANNED, "Evaluate the transitional safeguarding panel pilot",
                    "ahc", "wscp-ahc-head"),
                act(S.PLANNED, "Thematic multi-agency audit of adolescent neglect",
                    "cf", "wscp-analyst"),
            ],
        },
    ),
    ObjectiveSpec(
        Part.STRATEGIC, "A learning culture: learning from reviews changes practice",
        outcome="Learning from local and national reviews reaches frontline practitioners "
                "quickly, and audits show that practice has changed as a result.",
        body="Learning and Inquiry Group",
        actions={
            PREVIOUS: [
                act(S.DONE_LATE, "Publish a seven-minute briefing within a month of every "
                                 "review", "cf", "wscp-officer",
                    "Briefing template agreed with the Learning and Inquiry Group.",
                    "Briefings published for the Child H and Child M reviews.",
                    "The year's last briefing is waiting for the review it covers, which the "
                    "partners have held back until the criminal trial ends.",
                    "Last briefing published after the trial, some weeks after the year end. "
                    "Every review completed has a briefing.",
                    impact="Team managers in 7 agencies report using the briefings in team "
                           "meetings."),
                act(S.DONE_LATE, "Run two practitioner learning events on the Child H review",
                    "cf", "wscp-manager",
                    "Venues booked in the north and south of the county.",
                    Beat("First event held with 84 practitioners.",
                         impact="Nine in ten of those who filled in the evaluation rated the "
                                "event good or very good; most named one thing they would do "
                                "differently when a parent has a new partner."),
                    "Second event postponed: the venue was needed as a rest centre after "
                    "the flooding, and no other hall was free before the year end.",
                    "Second event held with 91 practitioners. Evaluation summary sent to the "
                    "Workforce Development Group.",
                    impact="Three months on, 62% of those who replied said they had changed "
                           "how they record concerns about a parent's new partner."),
                act(S.DONE_LATE, "Track every review recommendation through to evidence of "
                                 "impact", "cf", "wscp-manager",
                    "All open recommendations moved into the action tracker with a named "
                    "lead.",
                    "Each agency asked to say what evidence would show its actions worked. "
                    "Four agencies have not replied; the business manager is chasing.",
                    "Slower than planned: the team's time went on three rapid reviews in "
                    "quick succession.",
                    "Quarterly report now shows progress and impact for every recommendation."),
                act(S.CANCELLED, "Commission an external peer review of the Learning and "
                                 "Inquiry Group", "icb", "wscp-lig-chair",
                    "Two possible reviewers approached.",
                    "Cancelled: the regional peer challenge arranged by the national panel "
                    "will cover the same ground this year."),
            ],
            CURRENT: [
                act(S.RED, "Audit whether learning from the Child H review has changed "
                           "practice", "cf", "wscp-analyst",
                    "Audit tool drafted with the review's lead reviewer.",
                    "Audit paused: health records for two of the children cannot be shared "
                    "until the information-sharing agreement is updated."),
                act(S.AMBER, "Hold the annual learning from reviews conference",
                    "cf", "wscp-officer",
                    "Venue booked and two speakers confirmed.",
                    "Programme still not agreed. The Learning and Inquiry Group needs to "
                    "choose the workshops urgently so booking can open."),
                act(S.GREEN, "Offer practitioners a reflective session after every rapid review",
                    "icb", "wscp-lig-chair",
                    "Format agreed: an hour, facilitated, within two weeks of the rapid "
                    "review meeting.",
                    voice("Sessions held after the last two rapid reviews. A family's comments "
                          "on how they were spoken to were read out at the start of one, at "
                          "their request.")),
                act(S.STALE, "Bring learning from safeguarding adults reviews and domestic "
                             "homicide reviews to the group", "ahc", "wscp-ahc-head",
                    "Standing agenda item agreed; the first summary covered two domestic "
                    "homicide reviews with children in the household."),
            ],
            NEXT: [
                act(S.PLANNED, "Find out whether seven-minute briefings are used in team "
                               "meetings", "cf", "wscp-officer"),
                act(S.PLANNED, "Refresh the learning and improvement framework",
                    "cf", "wscp-manager"),
                act(S.PLANNED, "Joint learning event with the Safeguarding Adults Board",
                    "ahc", "wscp-ahc-head"),
            ],
        },
    ),
    ObjectiveSpec(
        Part.STRATEGIC, "Children living with domestic abuse",
        outcome="Children are recognised as victims of domestic abuse in their own right: "
                "practitioners ask about it, schools hear about incidents by the next morning, "
                "and children get specialist help.",
        body="Workforce Development Group",
        actions={
            PREVIOUS: [
                act(S.DONE_LATE, "Tell schools by the next morning when police attend a "
                                 "domestic abuse incident involving a pupil", "police",
                    "wscp-police-delegated",
                    "Process agreed with the County Council's education safeguarding team.",
                    "Pilot in two districts: 140 notifications sent, all before 9am.",
                    "County-wide roll-out held up: the Constabulary's new records system "
                    "cannot yet send the notifications automatically, and doing it by hand "
                    "across ten districts is not safe.",
                    "Rolled out county-wide once the records system was changed.",
                    impact="Designated safeguarding leads say they now know before the child "
                           "arrives; 3 in 4 schools report offering support the same day."),
                act(S.DONE_LATE, "Deliver domestic abuse training for GP practices",
                    "gp", "wscp-gp-champion",
                    voice("Training designed with the commissioned domestic abuse services "
                          "and two mothers from the services' survivors' parent panel, who "
                          "told us what they wish their GP had asked.",
                          impact="Their questions became the training's opening case study "
                                 "and a prompt card for consulting rooms."),
                    "Thirty practices trained so far.",
                    "Winter pressures: practices cancelled their protected learning time "
                    "from December to February, so 24 practices are still to be trained.",
                    "All 78 practices have had the training."),
                act(S.CARRIED, "Commission a specialist service for children who have lived "
                               "with domestic abuse", "ph", "wscp-cdop-chair",
                    "Needs assessment completed with the domestic abuse services.",
                    "Procurement put back until next year's budget is agreed.",
                    carried=Carry(S.GREEN, (
                        "Carried forward. Tender published and four bids received.",
                        "Preferred provider chosen; the service should start in the new "
                        "year.",
                    ))),
                act(S.DONE_LATE, "Make sure referrals to the risk assessment conference "
                                 "describe the children's experience", "police", "wscp-ce-chair",
                    voice("The survivors' parent panel went through the referral form with us "
                          "and said it never asked what the children had seen or heard, or "
                          "who they would want to talk to.",
                          impact="The form now asks both questions, in the panel's words."),
                    "Revised form delayed while the conference's software supplier made "
                    "the change.",
                    "Dip sample of 30 referrals: 24 now describe the children's experience."),
            ],
            CURRENT: [
                act(S.COMPLETE, "Refresh the domestic abuse pathway for children's social care",
                    "cf", "wscp-scrutiny-chair",
                    "Pathway redrafted with the specialist services.",
                    "Pathway published and briefed to all front-door teams.",
                    impact="Repeat referrals for domestic abuse within 12 months fell from 24% "
                           "to 19% in the first quarter after the change."),
                act(S.RED_STALE, "Fire and Rescue to pass on concerns about children seen on "
                                 "domestic abuse-related Safe and Well visits",
                    "fire", "wscp-fire-lead",
                    "Referral route agreed with the children's front door.",
                    "Crews' training has slipped because of a national exercise; the route "
                    "is not yet live."),
                act(S.GREEN, "Domestic abuse awareness sessions for early years settings",
                    "early-years", "wscp-early-years-champion",
                    "Sessions planned with the Services for Young Children team.",
                    "Three of five sessions delivered to 120 staff from nurseries and "
                    "childminders."),
                act(S.DEFERRED, "Run a local programme for fathers who have been abusive",
                    "probation", "wscp-probation-head",
                    "Programme scoped with the Office of the Police and Crime Commissioner.",
                    "Deferred: a national programme replaces the local one next spring, so "
                    "starting now would waste the places."),
            ],
            NEXT: [
                act(S.PLANNED, "Evaluate the children's domestic abuse service",
                    "ph", "wscp-cdop-chair"),
                act(S.PLANNED, "Audit domestic abuse notifications to schools",
                    "ei", "wscp-ei-head"),
                act(S.PLANNED, "Add domestic abuse to the fire service's Safe and Well training",
                    "fire", "wscp-fire-lead"),
            ],
        },
    ),
    ObjectiveSpec(
        Part.STRATEGIC, "Hearing children's voices and lived experience",
        outcome="What children and families tell us shapes the partnership's priorities, "
                "audits and services, and we can show what changed as a result.",
        body="Education Group",
        actions={
            PREVIOUS: [
                act(S.DONE, "Ask the Youth Parliament to review the partnership's priorities",
                    "cf", "wscp-officer",
                    "Session booked with the Youth Parliament's health and safety group.",
                    voice("Twenty young people took part in a workshop run with the Youth "
                          "Parliament, voting on the risks that worried them most. Their top "
                          "worry was online contact from strangers, which was not in the plan.",
                          impact="Online harm was added to the exploitation objective, and "
                                 "the Youth Parliament was told in writing what had changed."),
                    "Summary and our response sent back to the Youth Parliament.",
                    impact="Online harm added to the plan at the young people's request."),
                act(S.DONE, "Include the child's view in every multi-agency audit",
                    "cf", "wscp-analyst",
                    "Audit template changed so each audit asks the child, where right to do so.",
                    voice("In the autumn audit, 9 of 12 children or parents were spoken to by "
                          "the auditors, at home or by phone; their views are reported beside "
                          "practitioners' views.",
                          impact="Two of the audit's five recommendations came from what "
                                 "parents said: letters in plain English, and one named "
                                 "contact after a child protection conference."),
                    "Template is now standard for every audit.",
                    impact="Children's or parents' views recorded in 9 of 12 audited cases, up "
                           "from 2 of 12."),
                act(S.DONE, "Publish a 'you said, we did' section in the yearly report",
                    "cf", "wscp-manager",
                    "Feedback gathered from audits, the Youth Parliament and complaints.",
                    voice("Section drafted and read with two young people from the Children "
                          "in Care Council, who said it read like a list of meetings.",
                          impact="Rewritten as 'you said, we did' pairs, each naming what "
                                 "changed because of what was said."),
                    "Published in the yearly report."),
                act(S.DONE, "Train designated safeguarding leads to record the child's voice",
                    "ei", "wscp-ei-head",
                    "Training added to the designated safeguarding leads' update course.",
                    "Delivered to 310 leads across primary and secondary schools."),
            ],
            CURRENT: [
                act(S.GREEN, "Set up a group of young advisers for the partnership",
                    "cf", "wscp-officer",
                    "Recruitment leaflet written with the Children in Care Council.",
                    voice("Eight young people aged 14 to 19 have joined. They asked to meet "
                          "after school and to be paid in vouchers, and both were agreed.")),
                act(S.LATE_START, "Ask parents about their experience of child protection "
                                  "conferences", "cf", "wscp-scrutiny-chair"),
                act(S.ONGOING, "Feed back to schools what pupils say in the annual safeguarding "
                               "survey", "ei", "wscp-ei-head",
                    voice("This year's survey had 6,200 replies. Pupils in years 9 and 10 said "
                          "they would tell a friend, not an adult, if something was wrong "
                          "online."),
                    "Results sent to every secondary school with its own figures."),
                act(S.RED, "Produce child-friendly versions of the business plan and the "
                           "yearly report", "cf", "wscp-officer",
                    "Designer commissioned; draft text written.",
                    "Young advisers asked for a different format (a short video), which "
                    "needs new funding. Target date missed."),
            ],
            NEXT: [
                act(S.PLANNED, "Young advisers to help run the annual conference",
                    "cf", "wscp-officer"),
                act(S.PLANNED, "Offer families involved in rapid reviews a say in the learning",
                    "icb", "wscp-lig-chair"),
                act(S.PLANNED, "Ask children with special educational needs how safe they feel "
                               "at school", "special", None),
            ],
        },
    ),
    ObjectiveSpec(
        Part.ACTIVITY, "Evaluate the Safer Sleep campaign",
        outcome="We know whether the campaign reached the families of babies most at risk "
                "and changed how they put their babies to sleep.",
        body="Child Death Overview Panel",
        actions={CURRENT: [
            act(S.GREEN, "Survey parents of babies under six months about safer sleep advice",
                "ph", "wscp-cdop-chair",
                "Survey designed with health visitors and the maternity voices group.",
                voice("First 180 replies in. Parents said the advice about sofas was clear, "
                      "but several had not heard it until after the birth.")),
            act(S.COMPLETE, "Add a safer sleep check to health visitors' new-birth visits",
                "wchmt", "wscp-wdg-chair",
                "Check added to the new-birth visit record.",
                "All teams briefed and using it.",
                impact="The check was recorded at 94% of new-birth visits in the first "
                       "month."),
            act(S.GREEN, "Fire crews to talk about safer sleep on home visits to families "
                         "with a new baby", "fire", "wscp-fire-champion",
                "Crews briefed at four stations; leaflets and a short script agreed with the "
                "health visiting service.",
                "Safer sleep conversations recorded on 64 visits so far."),
            act(S.STALE, "Report the campaign's evaluation to the Executive Group",
                "cf", "wscp-officer",
                "Report outline agreed with the panel chair."),
        ]},
    ),
    ObjectiveSpec(
        Part.ACTIVITY, "Get learning to the front line",
        outcome="Staff in every agency know where to find the partnership's learning and "
                "can show how they have used it.",
        body="Learning and Inquiry Group",
        actions={CURRENT: [
            act(S.GREEN, "Launch a practitioner newsletter", "cf", "wscp-officer",
                "First issue written, with a piece on the Child H review.",
                "Issue one sent to 2,300 subscribers; 48% opened it."),
            act(S.AMBER, "Every agency to show how it has shared the last three seven-minute "
                         "briefings", "icb", "wscp-designated-nurse",
                "Agencies asked for their evidence by the end of the quarter.",
                "Five of 14 agencies have replied so far."),
            act(S.COMPLETE, "Move the partnership website to the County Council's new platform",
                "cf", "wscp-officer",
                "Content audit done: 140 pages kept, 60 retired.",
                "New site live with redirects from the old addresses."),
        ]},
    ),
    ObjectiveSpec(
        Part.ACTIVITY, "Children missing education and on reduced timetables",
        outcome="The partnership sees, every month, which children are out of full-time "
                "education, and agencies act on the risks this brings.",
        body="Education Group",
        actions={CURRENT: [
            act(S.RED, "Monthly report on children on reduced timetables to the Education Group",
                "ei", "wscp-ei-head",
                "Data fields agreed with the attendance service.",
                "Reports not produced for two months: the school census system changed and "
                "the fields have to be remapped."),
            act(S.GREEN, "Agree a protocol on reduced timetables with secondary head teachers",
                "secondary", "wscp-edu-chair",
                "Draft protocol discussed at the secondary heads' conference.",
                "Comments received from 19 schools; revised draft in preparation."),
            act(S.DEFERRED, "Share children missing education data with police and health",
                "ei", "wscp-ei-head",
                "Legal advice sought on the basis for sharing.",
                "Deferred until the information-sharing agreement is renewed in the spring."),
        ]},
    ),
]


@dataclass(frozen=True)
class PrioritySpec:
    """A learning-hub priority: its theme, what each phase examines, and its lead."""

    title: str
    outcome: str
    theme: str  # how the phase actions name it: "neglect of babies and children under five"
    agency: str
    person: str
    sample: int


IOM_PLAN_INTRODUCTION = """\
Each April the Executive Board agrees three priorities for the year from the partnership's \
data, its reviews and what children and families have told it. The Learning Hub works \
through them one after another, four months each: a month of scoping, a month of \
multi-agency audit, a month hearing from children, families and practitioners, and a month \
writing recommendations for the Executive Board. A scrutineer is commissioned for each \
priority.\
"""

PHASES = (
    ("Scoping", "Agree the questions, the data to look at and the audit sample for {theme}"),
    ("Auditing", "Audit {sample} cases of {theme} together across agencies"),
    ("Feedback", "Hear from children, families and practitioners about {theme}"),
    ("Recommendations", "Report findings and recommendations on {theme} to the Executive "
                        "Board"),
)

PHASE_NOTES = {
    "Scoping": "Questions and sample agreed; data pack prepared by the council's performance "
               "team.",
    "Auditing": "Cases audited by pairs of practitioners from different agencies, with a "
                "moderation session at the end.",
    "Feedback": "Conversations with families arranged through their lead practitioners; a "
                "practitioner focus group held.",
    "Recommendations": "Findings and recommendations written up for the Executive Board.",
}

# The previous year's priorities (all finished) and the current year's, in cycle order.
IOM_PRIORITIES: dict[int, list[PrioritySpec]] = {
    PREVIOUS: [
        PrioritySpec("Harmful sexual behaviour between children",
                     "Schools and services respond to harmful sexual behaviour between "
                     "children consistently and support both the harmed and the harming child.",
                     "harmful sexual behaviour between children", "iom-edu",
                     "iom-edu-champion", 10),
        PrioritySpec("Children and young people in mental health crisis",
                     "Children in crisis get a joint assessment quickly and are not left "
                     "waiting in emergency departments.",
                     "children in mental health crisis", "iom-icb", "iom-icb-champion", 12),
        PrioritySpec("Parents whose drug or alcohol use harms their children",
                     "Adult treatment services and children's services share what they know "
                     "and plan together for the children.",
                     "parental substance misuse", "iom-cs", "iom-cs-champion", 12),
    ],
    CURRENT: [
        PrioritySpec("Neglect of babies and children under five",
                     "Neglect of the youngest children is recognised and acted on before it "
                     "causes lasting harm.",
                     "neglect of babies and children under five", "iom-icb",
                     "iom-icb-champion", 12),
        PrioritySpec("Children who go missing, and exploitation that takes them off the island",
                     "Children who go missing are found quickly, and the ferry, police and "
                     "children's services act together on exploitation that crosses the water.",
                     "children who go missing or are exploited off the island", "iom-police",
                     "iom-police-champion", 10),
        PrioritySpec("Children not in full-time education",
                     "Children out of full-time school are known to agencies and kept safe.",
                     "children not in full-time education", "iom-edu", "iom-edu-champion", 15),
    ],
}

# What the Executive Board asked agencies to do after last year's priorities (key, scenario).
IOM_RECOMMENDATION_ACTIONS: list[tuple[int, ActionSpec]] = [
    (0, act(S.GREEN, "Put a shared harmful sexual behaviour pathway in place for every school",
            "iom-edu", "iom-edu-champion",
            "Pathway drafted with head teachers and the police schools officer.",
            "Training for designated safeguarding leads booked for next term.",
            body="Executive Board")),
    (1, act(S.RED, "Agree a joint assessment protocol for children in mental health crisis",
            "iom-icb", "iom-icb-champion",
            "Draft protocol shared with the hospital's emergency department.",
            "Not yet agreed: the trust wants the protocol to cover adults as well, which "
            "needs the Safeguarding Adults Board.", body="Executive Board")),
    (2, act(S.COMPLETE, "Add a question about children to adult substance misuse assessments",
            "iom-ph", "iom-ph-champion",
            "Question added to the assessment form and staff briefed.",
            "Audit of 40 assessments: the question was answered in 37.",
            impact="Referrals from the adult treatment service to children's services "
                   "doubled in the following quarter.", body="Executive Board")),
]

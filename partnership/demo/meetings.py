"""The demo meetings: two years of Wessexshire's and the Isle of Merrow's meetings and the rest
of the current year, each body at its own frequency.

Held meetings have attendance by member agency (Cafcass, whose national position is not to
attend, sends papers only), agenda items, decisions and minutes approved at the following
meeting; the latest held meeting of each body still has draft minutes. Wessexshire's Executive
Group took three decisions by majority vote of the three partners, one of them not unanimous;
the latest two wait for the partners to confirm their votes. Some meetings gave rise to
actions, tracked with everything else. Dates count back from the day the demo is loaded.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass

from partnership.actions.models import Status
from partnership.demo.actions import DAY, Directory, Timeline, add_action, arising
from partnership.extensions import db
from partnership.kernel.dates import reporting_year, year_span
from partnership.meetings.models import (
    AgendaItem,
    Attendance,
    Decision,
    DecisionMethod,
    Meeting,
    MeetingStatus,
    MinutesStatus,
    Presence,
    Vote,
    VoteChoice,
)
from partnership.register.models import (
    Body,
    Capacity,
    DecisionRule,
    Frequency,
    PartnerKind,
    Partnership,
)

HISTORY_DAYS = 730


@dataclass(frozen=True)
class Item:
    """An agenda item a body returns to, with what the minutes say and any decisions."""

    title: str
    presenter: str  # a person key, or words
    note: str
    decisions: tuple[str, ...] = ()


def item(title: str, presenter: str, note: str, *decisions: str) -> Item:
    """Shorthand for an :class:`Item`."""
    return Item(title, presenter, note, decisions)


# Body name -> the substantive items it rotates through.
AGENDAS: dict[str, list[Item]] = {
    "Main Board": [
        item("Independent chair's report", "wscp-chair",
             "The chair summarised the Executive Group's work since the last meeting and the "
             "main risks on the partnership's risk register."),
        item("Business plan: exception report", "wscp-manager",
             "Members went through the actions rated red and those waiting for an update. "
             "Subgroup chairs explained the delays in their areas."),
        item("Themes from local child safeguarding practice reviews", "wscp-lig-chair",
             "Reviews completed this year share two themes: men in the household who are "
             "unknown to services, and drift in child in need plans."),
        item("Multi-agency dataset: quarterly analysis", "wscp-analyst",
             "Contacts to children's social care rose again, mostly from schools. Members asked "
             "whether threshold decisions are consistent across the county.",
             "Asked the Scrutiny Group to audit threshold decisions on contacts from schools."),
        item("Yearly report: draft for comment", "wscp-manager",
             "Members commented on the draft yearly report.",
             "Endorsed the draft yearly report, subject to members' comments, for sign-off by "
             "the three partners."),
        item("Agency spotlight: the fire and rescue service", "wscp-fire-lead",
             "The service described how Safe and Well visits now look for signs of neglect and "
             "domestic abuse, and how crews pass on concerns."),
        item("Hearing from the young advisers", "wscp-officer",
             "Two young advisers said what they want the partnership to change: fewer changes "
             "of social worker, and being told what happened after they spoke up."),
    ],
    "Executive Group": [
        item("Business plan: progress and exceptions", "wscp-manager",
             "The group reviewed red actions and those with no recent update, with each lead "
             "subgroup's explanation.",
             "Asked the Education Group chair to bring a recovery plan for the reduced "
             "timetables report to the next meeting.",
             "Agreed a new target date for the safeguarding adolescents strategy, to be "
             "reported to the Main Board.",
             "Agreed to carry unfinished actions into next year's refresh of the plan."),
        item("Rapid reviews and local reviews", "wscp-lig-chair",
             "The Learning and Inquiry Group chair reported on rapid reviews completed and the "
             "progress of local reviews against their timetables.",
             "Accepted the recommendation that no local review is needed for Child K; the "
             "learning will go out as a seven-minute briefing.",
             "Agreed the publication plan for the Child P review."),
        item("Budget monitoring", "wscp-manager",
             "Spending is on profile except the reviews budget, which is under pressure with "
             "two local reviews running at once.",
             "Agreed to move £12,000 from the training budget to the reviews budget for the "
             "rest of the year."),
        item("Risk register", "wscp-chair",
             "The group reviewed the partnership's risks. Health visitor vacancies remain the "
             "highest-scoring risk.",
             "Added the shortage of health visitors to the risk register, owned by the "
             "integrated care board."),
        item("Scrutiny Group: quarterly assurance report", "wscp-scrutiny-chair",
             "The multi-agency audit of neglect found good early help work but weak recording "
             "of fathers and male carers.",
             "Asked every agency to report back on how it records information about fathers "
             "and male carers."),
        item("Main Board agenda and papers", "wscp-chair",
             "The group agreed the agenda for the next Main Board.",
             "Approved the agenda and papers for the next Main Board."),
    ],
    "Education Group": [
        item("Changes to statutory guidance for schools this year", "wscp-ei-head",
             "Members went through this year's changes to the statutory guidance and the "
             "model policy the County Council will issue."),
        item("Schools' safeguarding audit returns", "wscp-ei-head",
             "412 of 436 schools returned their safeguarding audit; the main gap is training "
             "for governors.",
             "Agreed to write to the 24 schools that have not returned their audit."),
        item("Reduced timetables and children missing education", "wscp-ei-head",
             "The monthly figures show 340 pupils on reduced timetables, a third of them with "
             "an education, health and care plan."),
        item("Learning from reviews for schools", "wscp-edu-chair",
             "The group discussed the Child P review's learning for schools and agreed how it "
             "will reach designated safeguarding leads."),
        item("Pupil safeguarding survey", "wscp-primary-head",
             "Results were shared; younger pupils feel safer online than older ones."),
    ],
    "Scrutiny Group": [
        item("Multi-agency dataset", "wscp-analyst",
             "The analyst presented the quarter's figures and the three indicators outside "
             "their expected range."),
        item("Multi-agency audit: findings", "wscp-scrutiny-chair",
             "The audit team presented its findings, with the views of the children and "
             "parents who took part.",
             "Agreed the audit's recommendations and sent them to the Executive Group."),
        item("Section 11 self-assessments", "wscp-designated-nurse",
             "Eighteen agencies have returned their self-assessment; peer challenge sessions "
             "are booked."),
        item("Escalations and professional disagreements", "wscp-manager",
             "Six escalations reached stage 3 this quarter, four about step-down decisions."),
        item("Independent scrutineer's observations", "wscp-chair",
             "The scrutineer reported on the front-door visit and what practitioners told him."),
    ],
    "Learning and Inquiry Group": [
        item("Serious incident notifications and rapid reviews", "wscp-lig-chair",
             "The group considered the notifications received since the last meeting and the "
             "rapid reviews due.",
             "Agreed to recommend to the partners that the Child R case meets the criteria for "
             "a local child safeguarding practice review.",
             "Agreed that the rapid review for Child K goes to the national panel with no "
             "further review recommended."),
        item("Local reviews: progress against timetable", "wscp-manager",
             "Both local reviews are on track; family members have agreed to meet the "
             "reviewer."),
        item("Review action plans: progress and impact", "wscp-officer",
             "The group went through the open recommendations and the evidence of impact "
             "received."),
        item("Learning from other reviews", "wscp-ahc-head",
             "Summaries of two domestic homicide reviews and one safeguarding adults review "
             "with learning for children's services."),
        item("Involving families and practitioners", "wscp-designated-nurse",
             "The group agreed how families will be told about the findings before "
             "publication."),
    ],
    "Workforce Development Group": [
        item("Training programme: attendance and evaluation", "wscp-workforce",
             "Attendance is at 86% of places booked; three-month follow-up shows most "
             "participants have changed something in their practice."),
        item("Training needs analysis", "wscp-workforce",
             "Returns from agencies show the biggest need is training on exploitation for "
             "health staff.",
             "Agreed next year's training programme."),
        item("Learning from reviews in courses", "wscp-wdg-chair",
             "Learning from the Child P review has been added to the core course."),
        item("Domestic abuse training", "wscp-vcs-champion",
             "The voluntary sector representative reported on the new awareness sessions."),
    ],
    "Child Exploitation Group": [
        item("Exploitation profile", "wscp-ce-chair",
             "The police analyst presented the latest profile: county lines activity has moved "
             "towards the coast."),
        item("Missing children and return home interviews", "wscp-ce-manager",
             "Return home interviews were offered within 72 hours in 88% of episodes."),
        item("Children at risk of criminal exploitation", "wscp-yjs-head",
             "The youth justice service described its work with children arrested for "
             "carrying drugs on behalf of others."),
        item("Disruption in the districts", "wscp-districts-champion",
             "District community safety teams reported on closures and licensing reviews."),
    ],
    "Child Death Overview Panel": [
        item("Child deaths reviewed this quarter", "wscp-cdop-chair",
             "The panel reviewed the deaths notified this quarter. Details are kept in the "
             "confidential record, not these minutes."),
        item("Modifiable factors: safer sleep", "wscp-cdop-chair",
             "Unsafe sleep was a factor in two deaths of babies reviewed this year."),
        item("Support for bereaved families", "wscp-designated-nurse",
             "Every family had a named key worker; feedback from two families was shared."),
    ],
    "Joint Neglect Task and Finish Group": [
        item("Neglect strategy: drafting", "wscp-designated-nurse",
             "The group worked through the evaluation's recommendations section by section."),
        item("Neglect toolkit review", "wscp-designated-nurse",
             "Island and county colleagues divided the toolkit sections between them."),
    ],
    "Joint Child Sexual Abuse Strategy Task and Finish Group": [
        item("Child sexual abuse strategy: drafting", "wscp-ce-chair",
             "The group agreed the strategy's structure and the practice tools it needs."),
        item("Good practice from both areas", "wscp-designated-nurse",
             "Examples were shared of schools helping children tell a trusted adult."),
    ],
    "Joint Safeguarding Adolescents Task and Finish Group": [
        item("Risks adolescents face: mapping", "wscp-ce-manager",
             "Members mapped how each agency responds to exploitation, self-harm and going "
             "missing."),
        item("What young people told us", "wscp-yjs-head",
             "The youth participation worker shared what young people said in the first "
             "interviews."),
        item("Transitional safeguarding panel pilot", "wscp-ahc-head",
             "Adult social care reported on the first young people discussed at the pilot "
             "panel."),
    ],
    "Executive Board": [
        item("Learning Hub: progress on the current priority", "iom-manager",
             "The Partnership Manager reported on the current phase of the Learning Hub's "
             "cycle.",
             "Agreed the scoping questions and audit sample for the current priority.",
             "Accepted the Learning Hub's recommendations and asked agencies for action plans "
             "within a month."),
        item("Rapid reviews", "iom-manager",
             "The board considered the rapid review prepared by the panel.",
             "Agreed that no local review is needed for Child J; the learning goes to the "
             "Learning Hub."),
        item("Budget and contributions", "iom-la-delegated",
             "Spending is on profile."),
        item("Scrutineer's report", "iom-health-delegated",
             "The scrutineer for the current priority reported on the evidence she has seen."),
    ],
    "Stakeholder Group": [
        item("What agencies are seeing", "iom-police-delegated",
             "Champions reported on the risks their agencies are seeing, including more "
             "children travelling alone on the ferry."),
        item("The priorities: comments", "iom-manager",
             "Members commented on the Learning Hub's current priority and put forward "
             "practitioners for the feedback month."),
        item("Champions' network", "iom-manager",
             "Champions shared how they passed on the last seven-minute briefing."),
    ],
    "Learning Hub": [
        item("Current phase: progress", "iom-manager",
             "The hub reviewed progress in the current phase of the cycle."),
        item("Audit moderation", "iom-cs-champion",
             "Auditors compared their grades and agreed where they differed."),
        item("Feedback from families and practitioners", "iom-icb-champion",
             "What families and practitioners said was summarised for the recommendations "
             "month."),
    ],
    "Rapid Review Panel": [
        item("Chronologies and agency summaries", "iom-manager",
             "Every agency involved had sent its chronology and summary."),
        item("Key episodes of practice", "iom-icb-champion",
             "The panel analysed the key episodes, including how the family's circumstances "
             "and disability shaped the child's experience."),
    ],
}

# Body name -> actions arising that its meetings often give rise to: (title, person, agency).
ARISING: dict[str, list[tuple[str, str, str]]] = {
    "Main Board": [
        ("Circulate the chair's report to all relevant agencies", "wscp-officer", "cf"),
        ("Add the question about contacts from schools to the Scrutiny Group's programme",
         "wscp-scrutiny-chair", "cf"),
        ("Send members the link to the agency spotlight slides", "wscp-manager", "cf"),
    ],
    "Executive Group": [
        ("Bring the neglect audit findings to the next meeting", "wscp-scrutiny-chair", "cf"),
        ("Write to the Cafcass regional service manager about papers for the Main Board",
         "wscp-manager", "cf"),
        ("Ask the integrated care board for a plan to fill health visitor vacancies",
         "wscp-health-delegated", "icb"),
        ("Update the risk register and send it to members", "wscp-manager", "cf"),
        ("Draft the budget proposal for next year for the partners", "wscp-manager", "cf"),
        ("Agree with the Learning and Inquiry Group chair how rapid review decisions are "
         "recorded", "wscp-chair", "cf"),
    ],
    "Scrutiny Group": [
        ("Chase the section 11 returns still outstanding", "wscp-officer", "cf"),
        ("Share the dataset commentary with the Education Group", "wscp-analyst", "cf"),
        ("Book the peer challenge sessions for section 11", "wscp-designated-nurse", "icb"),
        ("Add two new exploitation indicators to the dataset", "wscp-analyst", "cf"),
    ],
    "Learning and Inquiry Group": [
        ("Send the rapid review to the national panel", "wscp-lig-chair", "icb"),
        ("Update the review action plan with agency responses", "wscp-manager", "cf"),
        ("Ask the coroner's officer when the inquest will be held", "wscp-designated-nurse",
         "icb"),
        ("Commission the reviewer for the local review", "wscp-manager", "cf"),
        ("Write the seven-minute briefing for the last rapid review", "wscp-officer", "cf"),
    ],
    "Executive Board": [
        ("Confirm the scrutineer for the next priority", "iom-manager", "iom-cs"),
        ("Write to schools about the Learning Hub's attendance findings", "iom-edu-champion",
         "iom-edu"),
        ("Ask each agency for its action plan on the hub's recommendations", "iom-manager",
         "iom-cs"),
        ("Send the rapid review to the national panel", "iom-manager", "iom-cs"),
        ("Agree the ferry company's place on the Stakeholder Group", "iom-police-delegated",
         "iom-police"),
    ],
}

# The latest held meeting's actions arising (officer-heavy: they land in My actions).
LATEST_ARISING: dict[str, list[tuple[str, str, str]]] = {
    "Executive Group": [
        ("Write to every contributing agency with next year's contribution request",
         "wscp-officer", "cf"),
        ("Update the Main Board's terms of reference and send out next year's dates",
         "wscp-manager", "cf"),
    ],
    "Learning and Inquiry Group": [
        ("Set up the Child R review panel and circulate the terms of reference",
         "wscp-officer", "cf"),
        ("Send the Child R rapid review to the national panel", "wscp-lig-chair", "icb"),
    ],
}

LOCATIONS = {
    "wscp": ("Council Chamber, County Hall, Allchester", "Committee Room 2, County Hall, "
             "Allchester", "Online (video call)", "Constabulary Headquarters, Kingsmead"),
    "imscp": ("Merrow Civic Centre, Port Merrow", "Online (video call)"),
}
DEPUTIES = ("Joanne Fry", "Ravi Mehta", "Claire Bostock", "Ian Petrie", "Nadia Rahman",
            "Steve Kettle", "Amy Whitford", "Paul Nwosu", "Lucy Tregear", "Mark Oyelowo")
# Agency key -> (chance of apologies, chance of absence): the ones that make the table
# interesting. Cafcass sends papers only, as its national position is not to attend.
POOR_ATTENDERS = {"cafcass": (0.25, 0.75), "independent-health": (0.2, 0.45),
                  "mod": (0.45, 0.05), "iom-ferry": (0.3, 0.45), "iom-gp": (0.45, 0.1)}
MONTH_STEP = {Frequency.MONTHLY: 1, Frequency.BIMONTHLY: 2, Frequency.QUARTERLY: 3,
              Frequency.FOUR_MONTHLY: 4, Frequency.TWICE_YEARLY: 6}
AD_HOC_DAYS_AGO = (640, 455, 300, 170, 52)


def _nth_weekday(year: int, month: int, weekday: int, week: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + ((weekday - first.weekday()) % 7 + 7 * (week - 1)) * DAY


def _months(first: dt.date, last: dt.date) -> Iterator[tuple[int, int]]:
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def meeting_dates(frequency: Frequency, index: int, first: dt.date, last: dt.date,
                  today: dt.date, *, starts_on: dt.date | None = None,
                  ends_on: dt.date | None = None) -> list[dt.date]:
    """The dates a body meets between ``first`` and ``last`` (and within its own dates),
    from its frequency; ``index`` spreads bodies over different weekdays and months."""
    weekday, week = 1 + index % 3, 2 + index % 2  # Tuesday to Thursday, second or third week
    if frequency is Frequency.AD_HOC:
        days = [today - n * DAY for n in AD_HOC_DAYS_AGO]
    elif frequency is Frequency.SIX_WEEKLY:
        days, day = [], _nth_weekday(first.year, first.month, weekday, week)
        while day <= last:
            days.append(day)
            day += 42 * DAY
    else:
        if frequency is Frequency.TERMLY:
            wanted = {2, 6, 10}
        elif frequency is Frequency.MONTHLY:
            wanted = set(range(1, 13)) - {8}  # no meeting in August
        else:
            step = MONTH_STEP.get(frequency, 3)
            wanted = {m for m in range(1, 13) if (m - 1 - index) % step == 0}
        days = [_nth_weekday(y, m, weekday, week) for y, m in _months(first, last)
                if m in wanted]
    return [d for d in days if first <= d <= last
            and (starts_on is None or d >= starts_on) and (ends_on is None or d <= ends_on)]


class MeetingBuilder:
    """Adds one partnership's meetings, agendas, attendance, decisions and actions arising."""

    def __init__(self, d: Directory, today: dt.date, rng: random.Random) -> None:
        self.d, self.today, self.rng = d, today, rng
        self.names = {key: person.name for key, person in d.people.items()}
        self.agency_keys = {agency.id: key for key, agency in d.agencies.items()}
        self.meetings: list[Meeting] = []
        self.actions = 0
        self.cycle: dict[str, int] = {}

    def presenter(self, key: str) -> str:
        return self.names.get(key, key)

    def add_body(self, slug: str, body: Body, index: int) -> list[Meeting]:
        """Add a body's meetings from two years ago (or the start of the year before last,
        which the yearly reports cover, if earlier) to the end of the reporting year."""
        current = reporting_year(self.today)
        first = min(self.today - HISTORY_DAYS * DAY, year_span(current - 2)[0])
        last = year_span(current)[1]
        dates = meeting_dates(body.frequency, index, first, last, self.today,
                              starts_on=body.starts_on, ends_on=body.ends_on)
        locations = LOCATIONS[slug]
        meetings = []
        for n, day in enumerate(dates):
            status = MeetingStatus.HELD if day < self.today else MeetingStatus.SCHEDULED
            if status is MeetingStatus.HELD and day.month == 12 and index % 4 == 1:
                status = MeetingStatus.CANCELLED  # the December meeting some groups lose
            meeting = Meeting(
                body=body, held_on=day, status=status,
                starts_at=dt.time(10, 0) if index % 2 == 0 else dt.time(14, 0),
                location=locations[(n + index) % len(locations)])
            meetings.append(meeting)
        held = [m for m in meetings if m.status is MeetingStatus.HELD]
        upcoming = [m for m in meetings if m.status is MeetingStatus.SCHEDULED]
        for meeting in held + upcoming[:1]:
            self._agenda(body, meeting)
        for meeting in held:
            self._attendance(body, meeting)
        for earlier, later in itertools.pairwise(held):
            earlier.minutes_status = MinutesStatus.APPROVED
            earlier.minutes_approved_at = later
        db.session.add_all(meetings)
        self.meetings.extend(meetings)
        return meetings

    def _agenda(self, body: Body, meeting: Meeting) -> None:
        chair = body.chair.name if body.chair else ""
        pool = AGENDAS.get(body.name, [])
        start = self.cycle.get(body.name, 0)
        self.cycle[body.name] = start + 2
        chosen = [pool[(start + k) % len(pool)] for k in range(min(3, len(pool)))]
        meeting.agenda = [
            AgendaItem(position=1, title="Welcome, introductions and apologies",
                       presenter=chair),
            AgendaItem(position=2, title="Minutes of the last meeting, matters arising and "
                                         "action log", presenter=chair),
            *[AgendaItem(position=3 + k, title=it.title, presenter=self.presenter(it.presenter),
                         notes=it.note) for k, it in enumerate(chosen)],
            AgendaItem(position=3 + len(chosen), title="Any other business", presenter=chair),
        ]
        if meeting.status is not MeetingStatus.HELD:
            return
        if body.decision_rule is DecisionRule.NOT_DECISION_MAKING:
            return
        position = 0
        for agenda_item, it in zip(meeting.agenda[2:], chosen, strict=False):
            if it.decisions:
                position += 1
                text = it.decisions[(start // 2) % len(it.decisions)]
                meeting.decisions.append(Decision(agenda_item=agenda_item, position=position,
                                                  text=text, method=DecisionMethod.CONSENSUS))

    def _attendance(self, body: Body, meeting: Meeting) -> None:
        seats: dict[int, list[str]] = {}
        for member in body.members:
            if member.agency is not None:
                seats.setdefault(member.agency.id, []).append(
                    member.person.name if member.person else "")
        rows = []
        for agency_id, people in seats.items():
            key = self.agency_keys.get(agency_id, "")
            apologies, absent = POOR_ATTENDERS.get(key, (0.08, 0.02))
            roll = self.rng.random()
            if roll < absent:
                presence, who = Presence.ABSENT, ""
            elif roll < absent + apologies:
                presence, who = Presence.APOLOGIES, ""
            elif roll < absent + apologies + 0.1:
                presence, who = Presence.DEPUTY, self.rng.choice(DEPUTIES)
            else:
                presence, who = Presence.PRESENT, ", ".join(p for p in people if p)
            rows.append(Attendance(agency_id=agency_id, presence=presence, attendee=who[:200]))
        meeting.attendance = rows

    def write_minutes(self, body: Body, meeting: Meeting, agencies: dict[int, str]) -> None:
        """Minutes in Markdown, from the agenda, attendance and decisions."""
        came = [a for a in meeting.attendance if a.presence.attended]
        deputies = sum(a.presence is Presence.DEPUTY for a in meeting.attendance)
        apologies = sorted(agencies[a.agency_id] for a in meeting.attendance
                           if a.presence is Presence.APOLOGIES)
        absent = sorted(agencies[a.agency_id] for a in meeting.attendance
                        if a.presence is Presence.ABSENT)
        paragraphs = [f"{len(came)} of {len(meeting.attendance)} member agencies attended"
                      + (f" ({deputies} by deputy)." if deputies else ".")]
        if apologies:
            paragraphs.append("Apologies: " + "; ".join(apologies) + ".")
        if absent:
            paragraphs.append("Not represented: " + "; ".join(absent) + ".")
        decided = {id(d.agenda_item): d for d in meeting.decisions if d.agenda_item}
        for number, agenda_item in enumerate(meeting.agenda, start=1):
            if number == 1:
                said = "The chair welcomed members and noted the apologies above."
            elif number == 2:
                said = ("The minutes of the last meeting were agreed as a true record. Open "
                        "actions were reviewed and the action log updated.")
            else:
                said = agenda_item.notes or "Nothing further was raised."
            marker = f"{number}. "
            indent = " " * len(marker)
            item = [f"{marker}**{agenda_item.title}**", "", indent + said]
            decision = decided.get(id(agenda_item))
            if decision is not None:
                item += ["", f"{indent}**Decision:** {decision.text}"]
            paragraphs.append("\n".join(item))
        meeting.minutes = "\n\n".join(paragraphs)

    def add_arising(self, slug: str, body: Body, held: list[Meeting]) -> None:
        """Actions arising from every other meeting held in the last two years, and from the
        latest one."""
        pool = ARISING.get(body.name, [])
        partnership = self.d.partnerships[slug]
        held = [m for m in held if m.held_on >= self.today - HISTORY_DAYS * DAY]
        for n, meeting in enumerate(held[:-1]):
            if not pool or n % 2:
                continue
            title, person, agency = pool[(n // 2) % len(pool)]
            line = arising(meeting.held_on, self.today, self.rng, stuck=(n // 2) % 7 == 3)
            self._arising(partnership, body, meeting, line, title, person, agency)
        if held:
            latest = held[-1]
            for title, person, agency in LATEST_ARISING.get(body.name, pool[-1:]):
                # Due by the next meeting or so: not yet close to its target date.
                line = arising(latest.held_on, self.today, self.rng, weeks=(9, 12))
                self._arising(partnership, body, latest, line, title, person, agency)

    def _arising(self, partnership: Partnership, body: Body, meeting: Meeting, line: Timeline,
                 title: str, person: str, agency: str) -> None:
        if line.status is Status.COMPLETE:
            beats: tuple[str, ...] = ("Started: contacted the people involved.",
                                      "Done, and reported back to the chair.")
        elif line.target is not None and line.target < self.today:
            beats = ("Waiting on information from another agency. Will report at the next "
                     "meeting.",)
        else:
            beats = ("Started: contacted the people involved.",)
        add_action(self.d, line, partnership=partnership, year=reporting_year(meeting.held_on),
                   title=title, beats=beats, rng=self.rng, body=body, agency=agency,
                   person=person, meeting=meeting)
        self.actions += 1


def add_majority_decisions(d: Directory, executive: Body, held: list[Meeting],
                           today: dt.date) -> int:
    """Three decisions by majority vote of Wessexshire's partners, one of them not unanimous.

    The oldest is confirmed by each partner; the two taken at the latest meeting (draft
    minutes) wait for the partners to confirm their votes.
    """
    partners = {kind: d.partner("wscp", kind) for kind in PartnerKind}
    users = {kind: next((r.person.user_id for r in partners[kind].representatives_on(today)
                         if r.capacity is Capacity.DELEGATED and r.person.user_id), None)
             for kind in PartnerKind}
    older = next((m for m in reversed(held[:-1]) if (today - m.held_on).days > 150), held[0])
    latest = held[-1]
    FOR, AGAINST = VoteChoice.FOR, VoteChoice.AGAINST
    cases = [
        (older, "Rapid review for Child R: whether to hold a local review",
         "The partners could not reach consensus on the scope, so voted on the Learning and "
         "Inquiry Group's recommendation.",
         "Agreed to commission a local child safeguarding practice review for Child R, "
         "limited to the two years before the incident.",
         dict.fromkeys(PartnerKind, FOR), True),
        (latest, "Partnership budget and contributions for next year",
         "Health and the local authority supported a 3% rise in contributions to meet the cost "
         "of reviews; the police representative preferred to hold contributions and draw on "
         "reserves.",
         "Agreed to ask every contributing agency for a 3% rise in its contribution next year.",
         {PartnerKind.LOCAL_AUTHORITY: FOR, PartnerKind.HEALTH: FOR,
          PartnerKind.POLICE: AGAINST}, False),
        (latest, "Main Board meeting pattern",
         "Members discussed attendance at the Main Board and the length of its agenda.",
         "Agreed that the Main Board will meet three times a year from next April, with a "
         "development session in place of the fourth meeting.",
         dict.fromkeys(PartnerKind, FOR), False),
    ]
    for meeting, title, note, text, votes, confirmed in cases:
        agenda_item = AgendaItem(title=title, notes=note,
                                 presenter=executive.chair.name if executive.chair else "")
        meeting.agenda.insert(len(meeting.agenda) - 1, agenda_item)  # before any other business
        for position, each in enumerate(meeting.agenda, start=1):
            each.position = position
        when = dt.datetime.combine(meeting.held_on + 3 * DAY, dt.time(11, 0), tzinfo=dt.UTC)
        meeting.decisions.append(Decision(
            agenda_item=agenda_item, position=len(meeting.decisions) + 1, text=text,
            method=DecisionMethod.PARTNER_MAJORITY,
            votes=[Vote(partner=partners[kind], choice=choice,
                        confirmed_by_id=users[kind] if confirmed else None,
                        confirmed_at=when if confirmed and users[kind] else None)
                   for kind, choice in votes.items()]))
    return len(cases)

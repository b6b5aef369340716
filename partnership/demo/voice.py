"""The demo's voice of children and families: what the county heard over the last eighteen
months (a young people's survey on online safety, a parents' group on early help, care
leavers on the business plan, a family's feedback gathered by a local review, heard as a
group), and a little for the Isle of Merrow. Two of the county's led to actions.

Who was heard is always a group: no child or family member is named, and every word goes
through the same identifier guard as the forms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from partnership import clock
from partnership.actions.models import Action, Status
from partnership.demo.actions import Directory
from partnership.extensions import db
from partnership.kernel.dates import reporting_year
from partnership.kernel.identifiers import identifier_problems
from partnership.voice.models import Engagement, EngagementKind

K = EngagementKind


@dataclass(frozen=True)
class EngagementSpec:
    """One engagement, dated in days before the demo's today."""

    slug: str
    title: str
    kind: EngagementKind
    days_ago: int
    lasted: int | None  # days; None for a single day
    who: str
    how_many: int | None
    led_by: str | None  # agency key
    body: str | None  # body name
    what_said: str
    what_changed: str
    action: tuple[str, str, str, int] | None = None  # (title, lead agency, status, target days)


ENGAGEMENTS: tuple[EngagementSpec, ...] = (
    EngagementSpec(
        "wscp", "Young people's survey on online safety", K.SURVEY, 520, 42,
        "Secondary school pupils aged 11 to 18 across the county", 1412, "ei", "Education Group",
        "Most had been contacted online by someone they did not know, and one in five had been "
        "asked for a picture. Many said they would not tell a teacher because they expected to "
        "lose their phone. They wanted lessons from people who understand the apps they use, "
        "and to know that telling would not get them into trouble.",
        "Schools' online safety lessons were rewritten with a youth panel and now say plainly "
        "that a young person who reports something will not be punished for it. The "
        "partnership's advice for parents leads with talking rather than confiscating.",
        ("Rewrite the online safety teaching resource with young people", "ei", "complete", 180)),
    EngagementSpec(
        "wscp", "Parents' group on early help", K.GROUP, 430, 90,
        "Parents and carers who had early help in the last two years", 23, "cf",
        "Executive Group",
        "Parents said they were asked the same questions by every worker, did not know what "
        "early help was until they were in it, and felt judged at the first meeting. The "
        "family worker who stayed for the whole of their plan made the difference.",
        "The early help assessment now travels with the family between services, and the "
        "first meeting letter was rewritten with the group."),
    EngagementSpec(
        "wscp", "Care leavers' consultation on the business plan", K.CONSULTATION, 300, 28,
        "Care leavers aged 18 to 25 and members of the Children in Care Council", 31, "cf",
        "Main Board",
        "They asked the partnership to add the move to adult services as a priority, to "
        "stop writing about them in language they do not recognise, and to tell them what "
        "happened to what they said last time.",
        "Transition to adulthood became a named priority in the business plan, and the "
        "partnership now reports back to the Children in Care Council each spring.",
        ("Report back to the Children in Care Council on what changed", "cf", "in_progress",
         320)),
    EngagementSpec(
        "wscp", "What a family told the local review", K.REVIEW_FEEDBACK, 250, None,
        "Members of one family whose child's circumstances were the subject of a local review",
        None, None, "Learning and Inquiry Group",
        "The family said professionals talked to each other about them but not to them, and "
        "that nobody explained what a strategy meeting was or why one had been held.",
        "The review's recommendations include a short guide for families on strategy "
        "meetings and child protection conferences, written with parents."),
    EngagementSpec(
        "wscp", "Young carers' conversations about school", K.CONVERSATIONS, 190, 35,
        "Young carers aged 9 to 16 supported by the young carers service", 17, "vcs",
        "Education Group",
        "They said teachers did not know they were carers, that being late was treated as "
        "bad behaviour, and that they wanted one adult in school who knew.",
        "Every secondary school named a young carers lead, and the attendance guidance now "
        "asks schools to check for caring before giving a sanction."),
    EngagementSpec(
        "wscp", "Young people's views on neighbourhood safety", K.SURVEY, 120, 30,
        "Young people aged 12 to 17 in the three towns with the most reported exploitation",
        286, "police", "Child Exploitation Group",
        "They named the places they avoid after dark, said they did not trust adults to act "
        "on what they report, and asked for youth workers rather than more police patrols.",
        ""),
    EngagementSpec(
        "wscp", "Children's voice in child protection conferences", K.OTHER, 60, 45,
        "Children and young people aged 8 to 17 with a child protection plan", 14, "cf",
        "Scrutiny Group",
        "Children said conferences were long and full of words they did not know. Most "
        "wanted to say what they thought before the meeting rather than in it.",
        "A 'my views' form children can fill in with their social worker before conference "
        "is being tried in the north of the county."),
    EngagementSpec(
        "imscp", "Island youth forum on mental health", K.GROUP, 200, 60,
        "Members of the island's youth forum aged 13 to 19", 18, None, "Stakeholder Group",
        "They said the wait for mental health support was the biggest worry, and that they "
        "turn to friends and online groups while they wait.",
        "School nurses on the island now run a weekly drop-in while young people wait."),
)


def _checked(text: str) -> str:
    """Refuse demo text the forms would refuse: a demo must never hold an identifier."""
    problems = identifier_problems(text)
    if problems:
        raise ValueError(f"demo voice text would be refused: {problems}")
    return text


def load_demo_voice(today: dt.date | None) -> dict[str, int]:
    """Add the demo's engagements (and the actions two of them led to); return the counts."""
    day = today or clock.today()
    d = Directory()
    added = actions = 0
    for spec in ENGAGEMENTS:
        partnership = d.partnerships[spec.slug]
        held_from = day - dt.timedelta(days=spec.days_ago)
        engagement = Engagement(
            partnership=partnership, title=spec.title, kind=spec.kind, held_from=held_from,
            held_to=held_from + dt.timedelta(days=spec.lasted) if spec.lasted else None,
            who=_checked(spec.who), how_many=spec.how_many,
            led_by=d.agencies[spec.led_by] if spec.led_by else None,
            body=d.body(spec.slug, spec.body) if spec.body else None,
            what_said=_checked(spec.what_said), what_changed=_checked(spec.what_changed))
        db.session.add(engagement)
        added += 1
        if spec.action is not None:
            title, agency, status, target_days = spec.action
            ended = engagement.held_to or held_from
            target = ended + dt.timedelta(days=target_days)
            done = Status(status) is Status.COMPLETE
            db.session.add(Action(
                partnership=partnership, engagement=engagement, title=title,
                detail=f"What {spec.who.lower()} told us in “{spec.title}”.",
                year=reporting_year(target, partnership.year_start_month),
                body=engagement.body, lead_agency=d.agencies[agency], start_date=ended,
                target_date=target, status=Status(status),
                percent_complete=100 if done else 40,
                completed_on=target - dt.timedelta(days=10) if done else None,
                outcome=(f"Done with the young people who took part in “{spec.title}”, and "
                         f"shared with the partnership's subgroups." if done else ""),
                created_at=dt.datetime.combine(ended, dt.time(10), tzinfo=dt.UTC)))
            actions += 1
    db.session.flush()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(Engagement)) or 0
    return {"engagements": total, "actions from engagements": actions} if added else {}

"""The demo's voice of children and families: what the county heard over the last eighteen
months (a young people's survey on online safety, a parents' group on early help, care
leavers on the business plan, a family's feedback gathered by a local review, heard as a
group), and a little for the Isle of Merrow. Two of the county's led to actions. Each of the
benchmark's synthetic partnerships heard from three groups in its last complete year (two led
to actions) and one this year.

Who was heard is always a group: no child or family member is named, and every word goes
through the same identifier guard as the forms.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import sqlalchemy as sa

from partnership import clock
from partnership.actions.models import Action, Status
from partnership.demo.actions import (
    DAY,
    Directory,
    add_followup,
    arising,
    last_complete_year,
    synthetic_partnerships,
    voice,
)
from partnership.extensions import db
from partnership.kernel.dates import reporting_year
from partnership.kernel.identifiers import identifier_problems
from partnership.register.models import Agency, Body, BodyKind
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


@dataclass(frozen=True)
class SyntheticEngagement:
    """One engagement of a synthetic partnership, dated in days from the start of its last
    complete reporting year (so each falls in that year whatever day the data is loaded)."""

    title: str
    kind: EngagementKind
    day: int
    lasted: int | None
    who: str
    how_many: int | None
    what_said: str
    what_changed: str
    action: tuple[str, bool, str] | None = None  # (title, stalls, evidence of impact)


SYNTHETIC_ENGAGEMENTS: tuple[SyntheticEngagement, ...] = (
    SyntheticEngagement(
        "Young people's survey on feeling safe online", K.SURVEY, 40, 35,
        "Pupils aged 11 to 16 in the area's secondary schools", 640,
        "Most had been contacted online by someone they did not know. Many would not tell an "
        "adult because they expected to lose their phone, and they wanted lessons from people "
        "who understand the apps they use.",
        "Online safety sessions in schools were rewritten with a young people's reference "
        "group, and now say plainly that a young person who reports something will not be "
        "punished for it.",
        ("Rewrite the online safety sessions with a young people's reference group", False,
         "Schools using the new sessions report more pupils coming forward about contact "
         "from strangers online, and pupils rated the sessions more useful than the old "
         "ones.")),
    SyntheticEngagement(
        "Parents' group on early help", K.GROUP, 150, 60,
        "Parents and carers who had early help in the last year", 19,
        "Parents said they told their story again to every new worker, and did not know "
        "what early help was until they were in it. A worker who stayed with them throughout "
        "made the difference.",
        "The early help assessment now goes with the family from one service to the next, "
        "and the first letter to families was rewritten with the group."),
    SyntheticEngagement(
        "Care-experienced young people on moving to adult services", K.CONVERSATIONS, 230, 21,
        "Care-experienced young people aged 16 to 21", 12,
        "They described the move to adult services as a cliff edge, and asked to meet their "
        "adult worker before their eighteenth birthday rather than after it.",
        "",
        ("Agree a joint handover meeting between children's and adult services", True, "")),
)
LATER = SyntheticEngagement(
    "Children's views on child protection conferences", K.OTHER, 0, 30,
    "Children and young people aged 8 to 17 with a child protection plan", 9,
    "Most wanted to say what they thought before the meeting rather than in it, and found "
    "the reports hard to follow.",
    "")


def _engagement(partnership_id: int, spec: SyntheticEngagement, held_from: dt.date,
                led_by: Agency | None, body: Body | None) -> Engagement:
    engagement = Engagement(
        partnership_id=partnership_id, title=spec.title, kind=spec.kind, held_from=held_from,
        held_to=held_from + spec.lasted * DAY if spec.lasted else None,
        who=_checked(spec.who), how_many=spec.how_many, led_by=led_by, body=body,
        what_said=_checked(spec.what_said), what_changed=_checked(spec.what_changed))
    db.session.add(engagement)
    return engagement


def load_synthetic_voice(scale: int, today: dt.date | None) -> dict[str, int]:
    """Give each synthetic partnership what it heard from children and families: three
    pieces of work in its last complete year (two of which led to actions) and one this
    year; return the counts."""
    day = today or clock.today()
    rng = random.Random(scale)  # noqa: S311 - synthetic data, not security
    added = actions = 0
    for partnership in synthetic_partnerships(scale):
        agencies = list(db.session.scalars(sa.select(Agency).where(
            Agency.partnership_id == partnership.id, Agency.is_group.is_(False))
            .order_by(Agency.id)))
        groups = [b for b in partnership.bodies if b.kind is BodyKind.SUBGROUP] \
            or list(partnership.bodies)
        first, _last = last_complete_year(partnership, day)
        for n, spec in enumerate(SYNTHETIC_ENGAGEMENTS):
            led_by = agencies[(3 * n + 1) % len(agencies)] if agencies else None
            body = groups[n % len(groups)] if groups else None
            engagement = _engagement(partnership.id, spec, first + spec.day * DAY, led_by, body)
            added += 1
            if spec.action is None:
                continue
            title, stalls, impact = spec.action
            ended = engagement.held_to or engagement.held_from
            add_followup(partnership, arising(ended, day, rng, stuck=stalls, weeks=(8, 14)),
                         title=title, detail=f"What {spec.who.lower()} told us in "
                                             f"\u201c{spec.title}\u201d.",
                         beats=(voice(f"Agreed with the {body.name if body else 'partnership'} "
                                      f"after \u201c{spec.title}\u201d: {_lower(title)}."),
                                "Draft shared with the young people who took part, who "
                                "changed the wording in several places.",
                                "Finished and shared with every agency."),
                         rng=rng, body=body, agency=led_by, impact=impact,
                         engagement=engagement)
            actions += 1
        later = max(first + 380 * DAY, day - 60 * DAY)  # this year, already held
        _engagement(partnership.id, LATER, min(later, day - DAY), agencies[0] if agencies
                    else None, groups[-1] if groups else None)
        added += 1
    db.session.flush()
    return {"synthetic engagements": added, "synthetic actions from engagements": actions}


def _lower(title: str) -> str:
    return title[:1].lower() + title[1:]

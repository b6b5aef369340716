"""The demo's threshold document: Wessexshire's levels of need and how to get help.

Published once, a few weeks after the arrangements' latest version (signed off by the three
delegated safeguarding partners, then published the way the app publishes, with its PDF);
then the team rewrote the front door section for a new referral form and opened a sign-off
round. Two partners signed that draft, and a paragraph was added to the consent section
afterwards: so their sign-offs have lapsed, and the local authority's delegated partner (a
demo account) sees "you signed an earlier draft" with what changed, while the police's
partner is still to sign for the first time. The words are fictional, written for this
demo; the telephone numbers are from the range kept for drama.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from partnership import clock
from partnership.extensions import db
from partnership.kernel.dates import add_months
from partnership.publishing import workflow
from partnership.publishing.documents import document_for
from partnership.publishing.models import DocumentKind, PublicationStatus, Signature
from partnership.register.models import Capacity, Partnership
from partnership.register.services.partnerships import partners_in_order
from partnership.thresholds import services
from partnership.thresholds.models import ThresholdSection, ThresholdVersion

COUNTY = "wscp"
DAY = dt.timedelta(days=1)

SECTIONS: tuple[tuple[str, str], ...] = (
    ("Introduction", """\
This document helps everyone who works with children in Wessexshire decide what help a child
and their family need, and how to get it. It is agreed by the three safeguarding partners:
Wessexshire County Council, the NHS Wessexshire Integrated Care Board and Wessexshire
Constabulary.

It is a guide to professional judgement, not a checklist. Needs change, and a child can
move between levels in either direction. Start from what the child tells you and what you
see, talk to the family, and talk to your own safeguarding lead when you are unsure.

If you think a child is in immediate danger, call 999."""),
    ("Levels of need", """\
We describe four levels of need. Each describes the child's needs, not the services on
offer, and each level includes the help available at the levels below it.

### Level 1: Universal

Children whose needs are met by their family and the services every child uses: early
years settings, schools, GPs, health visitors and school nurses. Most children in
Wessexshire are at this level most of the time.

### Level 2: Early help

Children whose health or development would suffer without extra help, such as a child whose
attendance is falling, a parent struggling after a bereavement, or a young carer. One
practitioner who knows the family well becomes the lead practitioner and agrees a family
plan with them, using the Wessexshire early help assessment.

### Level 3: Targeted help

Children with several needs, or needs that are getting worse despite early help: for
example, a young person at risk of exploitation who is missing from home, or a family where
domestic abuse, parental mental ill health and debt come together. A team around the family
works to one plan, with the Family Support Service taking the lead where agencies agree.

### Level 4: Specialist and statutory

Children in need under section 17 of the Children Act 1989, and children who are suffering,
or likely to suffer, significant harm under section 47. Children's social care leads, with
a statutory assessment, a child in need plan or a child protection plan, and legal action
where it is needed to keep the child safe."""),
    ("How to get help or make a referral", """\
For advice, or to ask for help at level 3 or 4, contact the Children's Front Door, where
social workers, police officers, health and education staff work side by side.

- Telephone 01632 960 300, Monday to Friday, 9am to 5pm.
- Outside those hours, the Emergency Duty Team on 01632 960 399.
- Follow a phone call with the written referral form within 24 hours.

Tell the family you are making a referral, unless doing so would put the child or someone
else at greater risk. The Front Door will decide within one working day what happens next
and will tell you its decision."""),
    ("Consent and information sharing", """\
Work with families openly. Ask for their agreement before you share information about them,
and record what they said.

You do not need consent to share information when a child is at risk of significant harm,
or when asking would put the child or another person at greater risk, or would get in the way
of a police investigation. Record what you shared, with whom, and why."""),
    ("Professional disagreement and escalation", """\
Disagreement between practitioners is healthy when it is about what is best for the child.
If you disagree with a decision about a child's level of need, first talk to the person who
made it, within two working days.

If that does not settle it, your manager talks to theirs. If the managers cannot agree, the
disagreement goes to the heads of service, and then to the partnership's Executive Group.
Keep the child safe while the disagreement is resolved, and record each step."""),
)

# The team's change after the first version was published (the new front door form).
FRONT_DOOR = ("How to get help or make a referral", """\
For advice, or to ask for help at level 3 or 4, contact the Children's Front Door, where
social workers, police officers, health and education staff work side by side.

- Use the online request for support form on the partnership's website: it reaches the
  Front Door straight away and tells you what to include.
- Telephone 01632 960 300, Monday to Friday, 9am to 5pm, when you need to talk a concern
  through.
- Outside those hours, the Emergency Duty Team on 01632 960 399.

Tell the family you are making a referral, unless doing so would put the child or someone
else at greater risk. The Front Door will decide within one working day what happens next
and will tell you its decision.""")

# Added after two partners had signed the new draft: their sign-offs lapse.
CONSENT_ADDITION = """

A practitioner who is unsure may always ask the Front Door for advice without naming the
family. Asking for advice in this way is never a breach of confidentiality."""


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += DAY
    return day


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=dt.UTC)


def _sign(version: ThresholdVersion, partner_index: int, day: dt.date, hour: int) -> None:
    """Sign the version as it reads now, for one partner, by its delegated partner of the day
    (back-dated: the demo's history happened before it was loaded)."""
    partnership = version.partnership
    partner = partners_in_order(partnership)[partner_index]
    posts = partner.representatives_on(day)
    post = next((p for p in posts if p.capacity is Capacity.DELEGATED), None) or posts[0]
    draft = workflow.draft_of(version, day)
    workflow.keep_content(document_for(DocumentKind.THRESHOLDS), draft.content, draft.digest)
    db.session.add(Signature(
        document=DocumentKind.THRESHOLDS, version_id=version.id,
        partnership_id=partnership.id, partner=partner, user_id=post.person.user_id,
        signed_by=post.person.name[:120],
        role=(post.title or post.person.job_title or "Safeguarding partner")[:200],
        signed_at=_at(day, hour), digest=draft.digest, comment="", deputy_for=""))
    db.session.flush()
    db.session.expire(version, ["sign_offs"])


def _title(partnership: Partnership, day: dt.date) -> str:
    return f"{partnership.short_name or partnership.name} threshold document, {day:%B %Y}"


def _section(partnership: Partnership, heading: str) -> ThresholdSection:
    return next(s for s in services.sections_of(partnership) if s.heading == heading)


def published_on(today: dt.date) -> dt.date:
    """When the first version was published: about eight months before the demo's day."""
    return _weekday(add_months(today, -8))


def load_demo_thresholds(today: dt.date | None = None) -> dict[str, int]:
    """Write the county's threshold document, publish it once, and open a second round in
    which two partners' sign-offs have lapsed."""
    today = today or clock.today()
    county = db.session.scalars(sa.select(Partnership).where(Partnership.slug == COUNTY)).one()
    for heading, markdown in SECTIONS:
        services.add_section(county, heading, markdown)

    day = published_on(today)
    first = ThresholdVersion(partnership=county, status=PublicationStatus.DRAFT,
                             title=_title(county, day),
                             created_at=_at(day - 21 * DAY, 10))
    db.session.add(first)
    db.session.flush()
    for index, days_before in enumerate((14, 10, 6)):
        _sign(first, index, _weekday(day - days_before * DAY), 11 + index)
    workflow.publish(first, day, file_now=True)

    front_door = _section(county, FRONT_DOOR[0])
    front_door.markdown = FRONT_DOOR[1]
    opened = _weekday(today - 16 * DAY)
    second = ThresholdVersion(partnership=county, status=PublicationStatus.DRAFT,
                              title=_title(county, opened),
                              created_at=_at(opened, 10))
    db.session.add(second)
    db.session.flush()
    for index, days_before in enumerate((9, 7)):  # the local authority's, then health's
        _sign(second, index, today - days_before * DAY, 15)
    consent = _section(county, "Consent and information sharing")
    consent.markdown = consent.markdown + CONSENT_ADDITION
    db.session.flush()
    return {"threshold sections": len(SECTIONS), "threshold versions": 2}


"""The demo's complex referrals hub, run by the county's team: four third-sector partner
organisations (one memorandum in force, one coming up for review, one that lapsed at its review
date and one still a draft), and nine referrals over the last ten months routed to Wessexshire
Constabulary, its Isle of Merrow district (so the island's officer sees those), forces outside
this service and the island's partnership, at every step from receipt to closure, with one
received today with an immediate risk.

Nothing names a child or family: each summary says how the referral is complex and what is
alleged, in general words, as the forms require.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from partnership import clock
from partnership.demo.actions import Directory
from partnership.extensions import db
from partnership.kernel.dates import add_working_days, is_working_day
from partnership.kernel.identifiers import identifier_problems
from partnership.referrals.models import (
    Memorandum,
    MemorandumStatus,
    Outcome,
    PartnerContact,
    PartnerOrganisation,
    Referral,
    ReferralRoute,
    RouteKind,
    Urgency,
)

SAFEGUARDING = "Safeguarding referral"
CRIME = "Report of crime"
BOTH = [SAFEGUARDING, CRIME]


@dataclass(frozen=True)
class Organisation:
    """A partner organisation, its contacts and its memorandum (days from today)."""

    key: str
    name: str
    description: str
    website: str
    contacts: tuple[tuple[str, str, str, str], ...]
    version: str
    status: MemorandumStatus
    signed_days_ago: int | None
    review_in_days: int | None
    covers: tuple[str, ...]


ORGANISATIONS = (
    Organisation("lighthouse", "Lighthouse Survivors Network",
                 "A national charity supporting adult survivors of childhood sexual abuse, "
                 "many of whom disclose non-recent abuse for the first time.",
                 "https://lighthouse-survivors.example.org",
                 (("Dawn Ashworth", "Head of Safeguarding", "d.ashworth@lighthouse.example.org",
                   "0300 555 0142"),
                  ("Femi Adeyemi", "Helpline Manager", "f.adeyemi@lighthouse.example.org",
                   "0300 555 0143")),
                 "2.0", MemorandumStatus.SIGNED, 420, 310, tuple(BOTH)),
    Organisation("online", "Safer Online Families",
                 "An online safety charity running a reporting line for young people and "
                 "parents.", "https://saferonline.example.org",
                 (("Marcus Lindqvist", "Designated Safeguarding Lead",
                   "safeguarding@saferonline.example.org", "0300 555 0198"),),
                 "1.0", MemorandumStatus.SIGNED, 330, 40, tuple(BOTH)),
    Organisation("sport", "Wessex Youth Sport Trust",
                 "An umbrella body for grassroots youth sport clubs across the region.",
                 "https://wessexyouthsport.example.org",
                 (("Bethan Morgan", "Lead Safeguarding Officer",
                   "b.morgan@wessexyouthsport.example.org", "01632 960 412"),),
                 "1.1", MemorandumStatus.SIGNED, 760, -95, (SAFEGUARDING,)),
    Organisation("faith", "Diocese of Wessex Safeguarding Team",
                 "The diocesan safeguarding team advising parishes and church schools.", "",
                 (("Revd Canon Paul Ferris", "Diocesan Safeguarding Adviser",
                   "safeguarding@wessexdiocese.example.org", "01632 960 733"),),
                 "0.9", MemorandumStatus.DRAFT, None, None, tuple(BOTH)),
)


@dataclass(frozen=True)
class Demo:
    """A referral: from whom, how complex, and its routes (key, days after receipt routed,
    working days to acknowledge, to decide, outcome); None leaves that step open."""

    organisation: str
    received_days_ago: int
    referral_type: str
    reasons: tuple[str, ...]
    victims: int | None
    suspects: int | None
    force_areas: int | None
    natures: tuple[str, ...]
    summary: str
    routes: tuple[tuple[str, int, int | None, int | None, Outcome | None], ...]
    urgency: Urgency = Urgency.ROUTINE
    immediate_risk: str = ""
    closed_after: int | None = None  # working days after the last decision
    closing_note: str = ""


REFERRALS = (
    Demo("lighthouse", 290, CRIME, ("victims", "force_areas", "nature"), 6, 1, 2,
         ("Institutional", "Non-recent"),
         "Six adult survivors describe sexual abuse by a former house master at a boarding "
         "school in the 1980s and 1990s; two now live in another force area.",
         (("police", 1, 2, 9, Outcome.INVESTIGATION),
          ("Northmoor Police", 1, 3, 12, Outcome.JOINED)),
         closed_after=3, closing_note="Both forces investigating; the school has been told."),
    Demo("online", 240, CRIME, ("suspects", "force_areas", "nature"), None, 4, 3,
         ("Organised", "Online"),
         "A reporting line received screenshots suggesting four adults in a group chat are "
         "grooming teenagers from several areas.",
         (("police", 0, 1, 6, Outcome.INVESTIGATION),
          ("iom-police", 0, 2, 8, Outcome.SAFEGUARDING),
          ("Severnvale Constabulary", 1, 4, 14, Outcome.NO_FURTHER_ACTION)),
         urgency=Urgency.URGENT, closed_after=2),
    Demo("lighthouse", 180, SAFEGUARDING, ("victims", "nature"), 3, 1, 1,
         ("Non-recent", "Familial"),
         "Three siblings, now adults, disclose abuse by a relative who still has contact with "
         "young children through a youth organisation.",
         (("police", 1, 1, 7, Outcome.SAFEGUARDING),),
         closed_after=5, closing_note="Safeguarding strategy meeting held by the force."),
    Demo("sport", 150, SAFEGUARDING, ("victims", "force_areas"), 5, 1, 2, ("Institutional",),
         "Several young players at two clubs describe inappropriate messages and touching by "
         "the same volunteer coach.",
         (("police", 0, 2, 10, Outcome.INVESTIGATION), ("imscp", 1, 3, 9, Outcome.SAFEGUARDING)),
         closed_after=4),
    Demo("online", 60, CRIME, ("suspects", "nature"), None, 3, 2, ("Online", "Organised"),
         "Reports of three adults sharing indecent images of children in an online forum, "
         "with links to two force areas.",
         (("police", 1, 1, 8, Outcome.INVESTIGATION),
          ("Northmoor Police", 1, 2, 11, Outcome.TRANSFERRED))),
    Demo("lighthouse", 35, CRIME, ("victims", "suspects", "force_areas"), 8, 3, 3,
         ("Organised", "Non-recent"),
         "Eight survivors describe organised abuse by a group of men linked to a children's "
         "home in the 1970s; the men lived in three force areas.",
         (("police", 2, 2, None, None), ("iom-police", 2, 3, None, None),
          ("Severnvale Constabulary", 2, 5, None, None))),
    Demo("online", 9, SAFEGUARDING, ("force_areas", "nature"), 2, 1, 2, ("Online",),
         "A young person reported being blackmailed with images by someone who also contacted "
         "a friend in another area.",
         (("police", 0, 1, None, None), ("Northmoor Police", 0, None, None, None)),
         urgency=Urgency.URGENT),
    Demo("lighthouse", 4, CRIME, ("victims", "nature"), 4, 1, 1, ("Institutional",),
         "Four survivors describe abuse by a former choir master who is believed to still "
         "teach music privately.",
         (("police", 1, None, None, None),)),
    Demo("online", 0, SAFEGUARDING, ("suspects", "nature"), None, 2, 1, ("Online", "Organised"),
         "A reporting line caller described two adults arranging to meet a young person this "
         "evening after contact through a gaming platform.",
         (), urgency=Urgency.URGENT,
         immediate_risk="A meeting is said to be arranged for this evening: the force must be "
                        "told today."),
)


def _checked(text: str) -> str:
    """Refuse demo text the forms would refuse: a demo must never hold an identifier."""
    if identifier_problems(text):
        raise ValueError(f"demo referral text would be refused: {text!r}")
    return text


def _working_on_or_before(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def load_demo_referrals(today: dt.date | None) -> dict[str, int]:
    """Add the county's hub, its partner organisations and referrals, dated from ``today``."""
    day = today or clock.today()
    d = Directory()
    county = d.partnerships["wscp"]
    organisations: dict[str, PartnerOrganisation] = {}
    for spec in ORGANISATIONS:
        signed = day - dt.timedelta(days=spec.signed_days_ago) if spec.signed_days_ago else None
        review = day + dt.timedelta(days=spec.review_in_days) if spec.review_in_days else None
        organisation = PartnerOrganisation(
            partnership=county, name=spec.name, description=spec.description,
            website=spec.website,
            contacts=[PartnerContact(name=n, job_title=t, work_email=e, work_phone=p)
                      for n, t, e, p in spec.contacts],
            memoranda=[Memorandum(version_label=spec.version, status=spec.status,
                                  signed_on=signed, review_on=review,
                                  referral_types=list(spec.covers))])
        if spec.key == "lighthouse":  # the first version it signed, now superseded
            organisation.memoranda.insert(0, Memorandum(
                version_label="1.0", status=MemorandumStatus.EXPIRED,
                signed_on=day - dt.timedelta(days=1150), review_on=signed,
                referral_types=[SAFEGUARDING]))
        db.session.add(organisation)
        organisations[spec.key] = organisation
    counts: dict[int, int] = {}
    for spec in sorted(REFERRALS, key=lambda s: -s.received_days_ago):
        received = _working_on_or_before(day - dt.timedelta(days=spec.received_days_ago))
        counts[received.year] = counts.get(received.year, 0) + 1
        referral = Referral(
            partnership=county, partner=organisations[spec.organisation],
            reference=f"{county.short_name.upper()}-CR-{received.year}-"
                      f"{counts[received.year]:03d}",
            received_on=received, referral_type=spec.referral_type, reasons=list(spec.reasons),
            victims=spec.victims, suspects=spec.suspects, force_areas=spec.force_areas,
            natures=list(spec.natures), summary=_checked(spec.summary), urgency=spec.urgency,
            immediate_risk=bool(spec.immediate_risk),
            immediate_risk_note=_checked(spec.immediate_risk))
        last_decision = received
        for key, after, ack, decide, outcome in spec.routes:
            routed = add_working_days(received, after)
            route = ReferralRoute(kind=RouteKind.FORCE, routed_on=min(routed, day))
            if key in d.partnerships:
                partnership = d.partnerships[key]
                route.kind = RouteKind.PARTNERSHIP
                route.routed_partnership = partnership
                route.reached_partnership_id = partnership.id
            elif key in d.agencies:
                route.force = d.agencies[key]
                route.reached_partnership_id = d.agencies[key].partnership_id
            else:
                route.other_name = key
            if ack is not None and add_working_days(route.routed_on, ack) <= day:
                route.acknowledged_on = add_working_days(route.routed_on, ack)
            if decide is not None and outcome is not None:
                route.decided_on = add_working_days(route.routed_on, decide)
                route.outcome = outcome
                route.outcome_note = _checked(
                    "Passed to the force's public protection unit."
                    if outcome is Outcome.TRANSFERRED else "")
                last_decision = max(last_decision, route.decided_on)
            referral.routes.append(route)
        if spec.closed_after is not None:
            referral.closed_on = add_working_days(last_decision, spec.closed_after)
            referral.closing_note = _checked(spec.closing_note)
        db.session.add(referral)
    db.session.flush()
    return {"partner organisations": len(organisations),
            "complex referrals": db.session.scalar(
                sa.select(sa.func.count()).select_from(Referral)) or 0}

"""A starter library of indicators, for a partnership to edit rather than begin from nothing.

Written from what the national collections count and how they define it: the children in
need census and the children looked after return (Department for Education), the schools
census's suspensions and permanent exclusions, elective home education and children missing
education returns, police recording of missing children, and the national inquiry's call for
child sexual exploitation data kept apart from other abuse data and split by the sex,
ethnicity and disability of both victims and perpetrators. Tolerance bands and targets are
left for the partnership to agree: they depend on its own history.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from partnership.dataset.models import (
    Breakdown,
    Dimension,
    Frequency,
    Indicator,
    Polarity,
    Subject,
    Unit,
)
from partnership.extensions import db
from partnership.register.models import Agency, Partnership, Sector

CHILDREN_SPLITS = ((Dimension.SEX, Subject.CHILDREN), (Dimension.AGE_BAND, Subject.CHILDREN),
                   (Dimension.ETHNICITY, Subject.CHILDREN),
                   (Dimension.DISABILITY, Subject.CHILDREN))
EXPLOITATION_SPLITS = tuple((dimension, subject)
                            for subject in (Subject.VICTIMS, Subject.PERPETRATORS)
                            for dimension in (Dimension.SEX, Dimension.ETHNICITY,
                                              Dimension.DISABILITY))
CIN = "Department for Education, Children in need (the children in need census)"
CLA = ("Department for Education, Children looked after in England including adoptions "
       "(the SSDA903 return)")
EXCLUSIONS = "Department for Education, Suspensions and permanent exclusions in England"


@dataclass(frozen=True)
class StarterIndicator:
    """One indicator of the starter library, and where its figures usually come from."""

    reference: str
    name: str
    definition: str
    unit: Unit
    polarity: Polarity
    sector: Sector
    source_words: tuple[str, ...]  # words in the name of the agency that usually holds it
    splits: tuple[tuple[Dimension, Subject], ...] = ()
    frequency: Frequency = Frequency.QUARTERLY
    source_note: str = ""


COUNCIL = (Sector.LOCAL_AUTHORITY, ("children and families", "children's services",
                                     "children's social care", "council"))
POLICE = (Sector.POLICE_AND_JUSTICE, ("constabulary", "police service", "police force", "police"))
HEALTH = (Sector.HEALTH, ("integrated care", "icb", "health"))
SCHOOLS = (Sector.EDUCATION, ("education", "school"))


def _item(reference: str, name: str, definition: str, unit: Unit, polarity: Polarity,
          source: tuple[Sector, tuple[str, ...]], **extra: object) -> StarterIndicator:
    return StarterIndicator(reference, name, definition, unit, polarity, source[0], source[1],
                            **extra)  # type: ignore[arg-type]


STARTER: tuple[StarterIndicator, ...] = (
    _item("EH1", "Early help assessments started",
          "Early help assessments started in the period by any agency, counted once per "
          "family assessment.", Unit.COUNT, Polarity.NEITHER, COUNCIL,
          splits=CHILDREN_SPLITS[:3]),
    _item("EH2", "Children supported through early help",
          "Children open to an early help plan on the last day of the period.",
          Unit.RATE, Polarity.NEITHER, COUNCIL),
    _item("SC1", "Referrals to children's social care",
          "Referrals accepted by children's social care in the period, counted as the "
          "children in need census counts them.", Unit.RATE, Polarity.NEITHER, COUNCIL,
          splits=CHILDREN_SPLITS, source_note=CIN),
    _item("SC2", "Re-referrals within 12 months",
          "Referrals in the period about a child referred before within the previous 12 "
          "months, as a share of all referrals.", Unit.PERCENTAGE, Polarity.LOWER, COUNCIL,
          source_note=CIN),
    _item("SC3", "Assessments completed within 45 working days",
          "Social work assessments completed in the period within 45 working days of the "
          "referral, as a share of all completed.", Unit.PERCENTAGE, Polarity.HIGHER, COUNCIL,
          source_note=CIN),
    _item("SC4", "Children in need",
          "Children in need (including those on a child protection plan and children looked "
          "after) on the last day of the period.", Unit.RATE, Polarity.NEITHER, COUNCIL,
          splits=CHILDREN_SPLITS, source_note=CIN),
    _item("CP1", "Section 47 enquiries started",
          "Enquiries under section 47 of the Children Act 1989 started in the period.",
          Unit.RATE, Polarity.NEITHER, COUNCIL, source_note=CIN),
    _item("CP2", "Initial child protection conferences within 15 working days",
          "Initial conferences held within 15 working days of the strategy discussion that "
          "started the section 47 enquiry, as a share of all initial conferences.",
          Unit.PERCENTAGE, Polarity.HIGHER, COUNCIL, source_note=CIN),
    _item("CP3", "Children subject to a child protection plan",
          "Children subject to a child protection plan on the last day of the period.",
          Unit.RATE, Polarity.NEITHER, COUNCIL, splits=CHILDREN_SPLITS, source_note=CIN),
    _item("CP4", "Second or subsequent child protection plans",
          "Child protection plans started in the period for a child who had a plan before, "
          "as a share of all plans started.", Unit.PERCENTAGE, Polarity.LOWER, COUNCIL,
          source_note=CIN),
    _item("CP5", "Child protection plans lasting two years or more",
          "Plans ended in the period that had lasted two years or more, as a share of all "
          "plans ended.", Unit.PERCENTAGE, Polarity.LOWER, COUNCIL, source_note=CIN),
    _item("LA1", "Children looked after",
          "Children looked after by the local authority on the last day of the period.",
          Unit.RATE, Polarity.NEITHER, COUNCIL, splits=CHILDREN_SPLITS, source_note=CLA),
    _item("LA2", "Children looked after with three or more placements in 12 months",
          "Children looked after on the last day of the period who had three or more "
          "placements in the 12 months before it, as a share of all children looked after.",
          Unit.PERCENTAGE, Polarity.LOWER, COUNCIL, source_note=CLA),
    _item("LA3", "Health assessments of children looked after on time",
          "Children looked after for a year or more whose yearly health assessment was up to "
          "date, as a share of them.", Unit.PERCENTAGE, Polarity.HIGHER, HEALTH,
          source_note=CLA),
    _item("MI1", "Children reported missing",
          "Children reported missing to the police in the period (each child once).",
          Unit.COUNT, Polarity.LOWER, POLICE, splits=CHILDREN_SPLITS[:3]),
    _item("MI2", "Missing episodes",
          "Episodes of children going missing reported to the police in the period.",
          Unit.COUNT, Polarity.LOWER, POLICE),
    _item("MI3", "Return home interviews offered within 72 hours",
          "Children returning from a missing episode offered an independent return home "
          "interview within 72 hours, as a share of all returns.", Unit.PERCENTAGE,
          Polarity.HIGHER, COUNCIL),
    _item("EX1", "Known or suspected child sexual exploitation",
          "Children for whom child sexual exploitation was known or suspected in the period, "
          "counted apart from other child sexual abuse; split by the sex, ethnicity and "
          "disability of the victims and of the perpetrators.", Unit.COUNT, Polarity.NEITHER,
          POLICE, splits=EXPLOITATION_SPLITS,
          source_note="Independent Inquiry into Child Sexual Abuse, recommendation 5"),
    _item("EX2", "Child criminal exploitation referrals",
          "Referrals in the period where criminal exploitation (including county lines) was "
          "the concern.", Unit.COUNT, Polarity.NEITHER, COUNCIL,
          splits=((Dimension.SEX, Subject.VICTIMS), (Dimension.AGE_BAND, Subject.VICTIMS),
                  (Dimension.ETHNICITY, Subject.VICTIMS))),
    _item("EX3", "Children discussed at the multi-agency exploitation meeting",
          "Children discussed at the multi-agency child exploitation meeting in the period.",
          Unit.COUNT, Polarity.NEITHER, COUNCIL),
    _item("DA1", "Domestic abuse incidents with children in the household",
          "Domestic abuse incidents recorded by the police in the period where a child lived "
          "in the household, notified to the child's school the next school day.",
          Unit.COUNT, Polarity.NEITHER, POLICE),
    _item("DA2", "Repeat cases at the risk assessment conference with children",
          "Cases heard at the multi-agency risk assessment conference in the period that "
          "were heard before within 12 months and involved children, as a share of those "
          "involving children.", Unit.PERCENTAGE, Polarity.LOWER, POLICE),
    _item("ED1", "Permanent exclusions",
          "Pupils permanently excluded from the area's schools in the period.",
          Unit.COUNT, Polarity.LOWER, SCHOOLS,
          splits=((Dimension.SEX, Subject.CHILDREN), (Dimension.ETHNICITY, Subject.CHILDREN),
                  (Dimension.DISABILITY, Subject.CHILDREN)), source_note=EXCLUSIONS),
    _item("ED2", "Suspensions",
          "Suspensions (fixed-period exclusions) from the area's schools in the period.",
          Unit.COUNT, Polarity.LOWER, SCHOOLS, source_note=EXCLUSIONS),
    _item("ED3", "Children in elective home education",
          "Children known to the local authority to be educated at home on the last day of "
          "the period.", Unit.COUNT, Polarity.NEITHER, SCHOOLS),
    _item("ED4", "Children missing education",
          "Children of compulsory school age not on a school roll nor receiving a suitable "
          "education otherwise, on the last day of the period.", Unit.COUNT, Polarity.LOWER,
          SCHOOLS),
    _item("HE1", "Hospital admissions for self-harm, aged 10 to 17",
          "Emergency hospital admissions for intentional self-harm of children aged 10 to 17 "
          "living in the area, in the reporting year.", Unit.RATE, Polarity.LOWER, HEALTH,
          frequency=Frequency.YEARLY),
    _item("PA1", "Rapid Reviews completed within 15 working days",
          "Rapid Reviews that reached their decision within 15 working days of the serious "
          "incident notification, as a share of those completed.", Unit.PERCENTAGE,
          Polarity.HIGHER, COUNCIL),
)


def _source(agencies: list[Agency], item: StarterIndicator) -> Agency | None:
    """The partnership's agency that usually holds the figure (the first of the sector whose
    name has one of the words, else the first of the sector), or none."""
    of_sector = [agency for agency in agencies if agency.sector is item.sector]
    for words in item.source_words:
        for agency in of_sector:
            if words in agency.name.lower():
                return agency
    return of_sector[0] if of_sector else None


def add_starter_library(partnership: Partnership) -> list[Indicator]:
    """Add the starter indicators the partnership does not have yet (by reference), each
    from the agency that usually holds it; return those added."""
    have = set(db.session.scalars(sa.select(Indicator.reference)
                                  .where(Indicator.partnership_id == partnership.id)))
    position = db.session.scalar(sa.select(sa.func.max(Indicator.position))
                                 .where(Indicator.partnership_id == partnership.id)) or 0
    agencies = list(db.session.scalars(
        sa.select(Agency).where(Agency.partnership_id == partnership.id,
                                Agency.is_group.is_(False), Agency.active_to.is_(None))
        .order_by(Agency.name)))
    added = []
    for item in STARTER:
        if item.reference in have:
            continue
        position += 1
        indicator = Indicator(
            partnership=partnership, reference=item.reference, name=item.name,
            definition=item.definition, unit=item.unit, polarity=item.polarity,
            frequency=item.frequency, source_agency=_source(agencies, item),
            source_note=item.source_note, position=position)
        indicator.breakdowns = [Breakdown(dimension=dimension, subject=subject)
                                for dimension, subject in item.splits]
        db.session.add(indicator)
        added.append(indicator)
    db.session.flush()
    return added

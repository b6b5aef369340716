"""Complex referrals from partner organisations under a memorandum of understanding.

A *partner organisation* (a charity, a faith or sporting body: the third sector) signs a
*memorandum of understanding* with the hub (a partnership's team acting as the hub) before it
may refer. A *referral* is complex by the number of victims, of suspects, of force areas, or by
its nature; the hub routes it to one or more police forces or partnerships (a *route*), each
acknowledging it and deciding what to do. Nothing here names or identifies a child or family:
the summary is guarded by :mod:`partnership.kernel.identifiers`, contacts are work details only.

Whether a memorandum is in force is decided here, once (``refusal_to_refer``, which the policy
asks); what a referral is waiting for and its service levels in :mod:`partnership.referrals.rules`.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.database import Versioned
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.kernel.enums import LabelledEnum, enum_column
from partnership.register.models import Agency, Partnership


class MemorandumStatus(LabelledEnum):
    """Where a memorandum of understanding stands, as the hub records it."""

    DRAFT = "draft"
    SIGNED = "signed"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class ComplexityReason(LabelledEnum):
    """Why a referral is complex (the hub accepts it for one or more of these)."""

    VICTIMS = "victims"
    SUSPECTS = "suspects"
    FORCE_AREAS = "force_areas"
    NATURE = "nature"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"victims": "Number of victims", "suspects": "Number of suspects",
                "force_areas": "Number of force areas", "nature": "Nature of the case"}


class Urgency(LabelledEnum):
    """How quickly the hub must act on a referral."""

    ROUTINE = "routine"
    URGENT = "urgent"


class RouteKind(LabelledEnum):
    """Who a referral is routed to."""

    FORCE = "force"
    PARTNERSHIP = "partnership"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"force": "A police force", "partnership": "A safeguarding partnership"}


class Outcome(LabelledEnum):
    """What a force or partnership decided to do with a referral routed to it."""

    INVESTIGATION = "investigation"
    JOINED = "joined"
    SAFEGUARDING = "safeguarding"
    TRANSFERRED = "transferred"
    NO_FURTHER_ACTION = "no_further_action"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"investigation": "Investigation opened",
                "joined": "Joined to an existing investigation",
                "safeguarding": "Safeguarding action, no investigation",
                "transferred": "Passed to another force or partnership",
                "no_further_action": "No further action"}


ONLY_IN_FORCE = ("A referral can be taken only from an organisation with a memorandum of "
                 "understanding in force.")


def _lapses_at_review() -> bool:
    """The REFERRAL_MEMORANDUM_LAPSES_AT_REVIEW setting (on outside an app)."""
    if not has_app_context():
        return True
    return bool(current_app.config.get("REFERRAL_MEMORANDUM_LAPSES_AT_REVIEW", True))


class PartnerOrganisation(Versioned, db.Model):
    """A third-sector organisation that refers to the hub under a memorandum."""

    __tablename__ = "partner_organisation"
    __realm__ = "referral_partners"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True,
        doc="The partnership whose team runs the hub")
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="",
                                             doc="What the organisation does")
    website: Mapped[str] = mapped_column(sa.String(254), default="")
    # The organisation as an agency in the register: accounts of people who work for it
    # (agency leads) are the organisation's own, and record its referrals if the hub allows.
    account_agency_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="SET NULL"), index=True)
    records_own: Mapped[bool] = mapped_column(
        default=False, doc="The hub lets the organisation's own accounts record its referrals")

    partnership: Mapped[Partnership] = relationship()
    account_agency: Mapped[Agency | None] = relationship(foreign_keys=[account_agency_id])
    contacts: Mapped[list[PartnerContact]] = relationship(
        back_populates="partner", order_by="PartnerContact.name", cascade="all, delete-orphan")
    memoranda: Mapped[list[Memorandum]] = relationship(
        back_populates="partner", order_by="Memorandum.id", cascade="all, delete-orphan")

    def memorandum_on(self, day: dt.date) -> Memorandum | None:
        """The memorandum that governs a day: the latest signed on or before it, else the
        latest recorded (a draft, say)."""
        signed = [m for m in self.memoranda if m.signed_on is not None and m.signed_on <= day
                  and m.status is not MemorandumStatus.DRAFT]
        if signed:
            return max(signed, key=lambda m: (m.signed_on, m.id))
        return max(self.memoranda, key=lambda m: m.id) if self.memoranda else None

    def refusal_to_refer(self, day: dt.date, referral_type: str | None = None) -> str | None:
        """Why the organisation may not refer on a day (None: it may). The one home of the
        rule "only an organisation with a memorandum in force may refer"; the policy asks it."""
        memorandum = self.memorandum_on(day)
        if memorandum is None:
            return (f"{self.name} has not signed a memorandum of understanding with the hub. "
                    f"{ONLY_IN_FORCE}")
        standing = memorandum.standing_on(day)
        which = f"{self.name}'s memorandum (version {memorandum.version_label})"
        if standing is MemorandumStatus.DRAFT:
            return f"{which} is a draft that has not been signed. {ONLY_IN_FORCE}"
        if standing is MemorandumStatus.WITHDRAWN:
            return f"{which} has been withdrawn. {ONLY_IN_FORCE}"
        if standing is MemorandumStatus.EXPIRED:
            lapsed = (f" on {long_date(memorandum.review_on)}, its review date, without being "
                      f"renewed" if memorandum.review_on and memorandum.review_on < day else "")
            return f"{which} expired{lapsed}. {ONLY_IN_FORCE}"
        if referral_type and referral_type not in (memorandum.referral_types or []):
            covered = ", ".join(t.lower() for t in memorandum.referral_types or []) or "nothing"
            return (f"{which} does not cover a {referral_type.lower()}: it covers {covered}. "
                    f"Record the referral once the memorandum covers it.")
        return None

    def may_refer(self, day: dt.date, referral_type: str | None = None) -> bool:
        """Say whether the organisation may refer on a day (a memorandum in force)."""
        return self.refusal_to_refer(day, referral_type) is None

    def __str__(self) -> str:
        return self.name


class PartnerContact(Versioned, db.Model):
    """Someone at a partner organisation the hub deals with: work details only."""

    __tablename__ = "partner_contact"
    __realm__ = "referral_partners"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partner_organisation.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    job_title: Mapped[str] = mapped_column(sa.String(120), default="")
    work_email: Mapped[str] = mapped_column(sa.String(254), default="")
    work_phone: Mapped[str] = mapped_column(sa.String(40), default="")

    partner: Mapped[PartnerOrganisation] = relationship(back_populates="contacts")

    def __str__(self) -> str:
        return self.name


class Memorandum(Versioned, db.Model):
    """One version of a partner organisation's memorandum of understanding with the hub."""

    __tablename__ = "memorandum"
    __realm__ = "referral_partners"
    __table_args__ = (
        sa.UniqueConstraint("partner_id", "version_label"),
        sa.CheckConstraint("review_on IS NULL OR signed_on IS NULL OR review_on >= signed_on",
                           name="review_after_signing"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partner_organisation.id", ondelete="CASCADE"), index=True)
    version_label: Mapped[str] = mapped_column(sa.String(40), doc="The memorandum's version")
    status: Mapped[MemorandumStatus] = mapped_column(enum_column(MemorandumStatus),
                                                     default=MemorandumStatus.DRAFT)
    signed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    review_on: Mapped[dt.date | None] = mapped_column(sa.Date, index=True)
    referral_types: Mapped[list[str]] = mapped_column(
        sa.JSON, default=list, doc="The kinds of referral it covers (REFERRAL_TYPES)")
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    partner: Mapped[PartnerOrganisation] = relationship(back_populates="memoranda")

    def standing_on(self, day: dt.date) -> MemorandumStatus:
        """Its status on a day: a signed memorandum past its review date has expired (unless
        the REFERRAL_MEMORANDUM_LAPSES_AT_REVIEW setting says otherwise)."""
        if self.status is MemorandumStatus.SIGNED and (
                self.signed_on is None or self.signed_on > day):
            return MemorandumStatus.DRAFT
        if (self.status is MemorandumStatus.SIGNED and self.review_on is not None
                and self.review_on < day and _lapses_at_review()):
            return MemorandumStatus.EXPIRED
        return self.status

    def in_force_on(self, day: dt.date) -> bool:
        """Say whether it is in force on a day."""
        return self.standing_on(day) is MemorandumStatus.SIGNED

    def __str__(self) -> str:
        return f"Memorandum version {self.version_label}"


class Referral(Versioned, db.Model):
    """A complex referral received by the hub from a partner organisation."""

    __tablename__ = "complex_referral"
    __realm__ = "referrals"
    __table_args__ = (
        sa.UniqueConstraint("partnership_id", "reference"),
        sa.CheckConstraint("closed_on IS NULL OR closed_on >= received_on",
                           name="closed_after_received"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True,
        doc="The partnership whose team runs the hub")
    reference: Mapped[str] = mapped_column(sa.String(40))
    received_on: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    partner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partner_organisation.id", ondelete="RESTRICT"), index=True)
    referral_type: Mapped[str] = mapped_column(sa.String(80))
    reasons: Mapped[list[str]] = mapped_column(sa.JSON, default=list,
                                               doc="Why it is complex (ComplexityReason)")
    victims: Mapped[int | None] = mapped_column(doc="How many victims (None: not known)")
    suspects: Mapped[int | None] = mapped_column(doc="How many suspects (None: not known)")
    force_areas: Mapped[int | None] = mapped_column(
        doc="How many force areas are involved (None: not known)")
    natures: Mapped[list[str]] = mapped_column(sa.JSON, default=list,
                                               doc="Its nature (REFERRAL_NATURES)")
    summary: Mapped[str] = mapped_column(sa.Text, default="",
                                         doc="What is alleged, without identifiers")
    urgency: Mapped[Urgency] = mapped_column(enum_column(Urgency), default=Urgency.ROUTINE)
    immediate_risk: Mapped[bool] = mapped_column(default=False)
    immediate_risk_note: Mapped[str] = mapped_column(
        sa.Text, default="", doc="The immediate risk and the same-day action taken")
    closed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    closing_note: Mapped[str] = mapped_column(sa.Text, default="")

    partnership: Mapped[Partnership] = relationship()
    partner: Mapped[PartnerOrganisation] = relationship()
    routes: Mapped[list[ReferralRoute]] = relationship(
        back_populates="referral", order_by="ReferralRoute.id", cascade="all, delete-orphan")
    # The partnerships it reaches through its routes (a force's own partnership, or the
    # partnership routed to): the policy's partnership check lets their accounts reach it.
    partnerships: Mapped[list[Partnership]] = relationship(
        secondary="referral_route", viewonly=True,
        primaryjoin="Referral.id == ReferralRoute.referral_id",
        secondaryjoin="Partnership.id == ReferralRoute.reached_partnership_id")

    def may_be_referred(self) -> bool:
        """Say whether its organisation could refer it (memorandum in force on receipt)."""
        return self.partner is not None and self.partner.may_refer(self.received_on,
                                                                   self.referral_type)

    def __str__(self) -> str:
        return self.reference


class ReferralRoute(Versioned, db.Model):
    """A referral sent on to one force or partnership, with its acknowledgement and outcome.

    A force or partnership in the register is linked (its staff then see the referral); one
    outside this database is named in words.
    """

    __tablename__ = "referral_route"
    __realm__ = "referrals"
    __table_args__ = (
        sa.CheckConstraint("acknowledged_on IS NULL OR acknowledged_on >= routed_on",
                           name="acknowledged_after_routing"),
        sa.CheckConstraint("decided_on IS NULL OR decided_on >= routed_on",
                           name="decided_after_routing"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(
        sa.ForeignKey("complex_referral.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RouteKind] = mapped_column(enum_column(RouteKind))
    # Named "force", not "agency", so the policy does not read the route as the agency's
    # record: a route is seen exactly when its referral is.
    force_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="SET NULL"), index=True)
    routed_partnership_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="SET NULL"), index=True)
    reached_partnership_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="SET NULL"), index=True,
        doc="The partnership whose accounts it reaches (the force's, or the one routed to)")
    other_name: Mapped[str] = mapped_column(
        sa.String(200), default="", doc="A force or partnership outside this database")
    routed_on: Mapped[dt.date] = mapped_column(sa.Date)
    acknowledged_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    decided_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome), nullable=True)
    outcome_note: Mapped[str] = mapped_column(sa.Text, default="")

    referral: Mapped[Referral] = relationship(back_populates="routes")
    force: Mapped[Agency | None] = relationship(foreign_keys=[force_id])
    routed_partnership: Mapped[Partnership | None] = relationship(
        foreign_keys=[routed_partnership_id])

    @property
    def name(self) -> str:
        """Who it was routed to, in words."""
        if self.force is not None:
            return self.force.name
        if self.routed_partnership is not None:
            return self.routed_partnership.name
        return self.other_name

    def __str__(self) -> str:
        return self.name

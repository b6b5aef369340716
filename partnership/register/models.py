"""The partnership register: partnerships, their partners, agencies, bodies, people, scrutiny.

History is kept by dated rows (``valid_from``/``valid_to``) wherever the guidance asks
"who was it on date X": representatives, partner organisations' names, scrutineers.
"""

from __future__ import annotations

import datetime as dt
import decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.database import Versioned
from partnership.extensions import db

# actions/queries.py and actions/rag.py still import LabelledEnum from here: re-exported
# until they import partnership.kernel.enums.
from partnership.kernel.enums import LabelledEnum, enum_column


class GuidanceEdition(LabelledEnum):
    """Which edition of Working Together the partnership's terms follow."""

    WT2018 = "wt2018"
    WT2023 = "wt2023"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"wt2018": "Working Together 2018", "wt2023": "Working Together 2023"}


class PartnerKind(LabelledEnum):
    """The three statutory safeguarding partners."""

    LOCAL_AUTHORITY = "local_authority"
    HEALTH = "health"
    POLICE = "police"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"local_authority": "Local authority",
                "health": "Health (clinical commissioning group, then integrated care board)",
                "police": "Police"}


class Capacity(LabelledEnum):
    """In what capacity a person represents a statutory partner."""

    LEAD = "lead"
    DELEGATED = "delegated"


class Sector(LabelledEnum):
    """The sector a relevant agency belongs to."""

    EDUCATION = "education"
    HEALTH = "health"
    POLICE_AND_JUSTICE = "police_and_justice"
    LOCAL_AUTHORITY = "local_authority"
    VOLUNTARY_AND_FAITH = "voluntary_and_faith"
    HOUSING = "housing"
    OTHER = "other"


class BodyKind(LabelledEnum):
    """What kind of group a body is."""

    BOARD = "board"
    EXECUTIVE = "executive"
    SUBGROUP = "subgroup"
    TASK_AND_FINISH = "task_and_finish"
    PANEL = "panel"
    HUB = "hub"
    STAKEHOLDER_FORUM = "stakeholder_forum"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"task_and_finish": "Task and finish group", "executive": "Executive group"}


class Frequency(LabelledEnum):
    """How often a body meets."""

    MONTHLY = "monthly"
    SIX_WEEKLY = "six_weekly"
    BIMONTHLY = "bimonthly"
    QUARTERLY = "quarterly"
    FOUR_MONTHLY = "four_monthly"
    TERMLY = "termly"
    TWICE_YEARLY = "twice_yearly"
    AD_HOC = "ad_hoc"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"six_weekly": "Every six weeks", "bimonthly": "Every two months",
                "four_monthly": "Every four months", "termly": "Once a school term",
                "twice_yearly": "Twice a year", "ad_hoc": "As needed"}


class DecisionRule(LabelledEnum):
    """How a body takes decisions."""

    CONSENSUS_THEN_PARTNER_MAJORITY = "consensus_then_partner_majority"
    CONSENSUS = "consensus"
    NOT_DECISION_MAKING = "not_decision_making"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {
            "consensus_then_partner_majority":
                "By consensus; failing that, by majority vote of the three safeguarding partners",
            "consensus": "By consensus",
            "not_decision_making": "Advises; does not take decisions",
        }


class LineKind(LabelledEnum):
    """How one body answers to another (or to a group outside the register)."""

    REPORTS_TO = "reports_to"
    ACCOUNTABLE_TO = "accountable_to"
    UPDATES_TO = "updates_to"
    SHARED_WITH = "shared_with"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"reports_to": "Reports to", "accountable_to": "Accountable to",
                "updates_to": "Gives updates to", "shared_with": "Shares its work with"}

    @property
    def places_in_structure(self) -> bool:
        """Say whether a line of this kind places the body under another in the structure."""
        return self in (LineKind.REPORTS_TO, LineKind.ACCOUNTABLE_TO)


class ScrutinyKind(LabelledEnum):
    """Who carries out independent scrutiny."""

    PERSON = "person"
    ORGANISATION = "organisation"
    COMMISSIONED = "commissioned"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"person": "A named person", "organisation": "An organisation",
                "commissioned": "Experts commissioned for each priority"}


class AgencyBasis(LabelledEnum):
    """Why an agency takes part in the arrangements, in law."""

    NAMED_RELEVANT_AGENCY = "named_relevant_agency"
    DESIGNATED_EDUCATION_CHILDCARE = "designated_education_childcare"
    VOLUNTARY = "voluntary"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"named_relevant_agency": "Named relevant agency",
                "designated_education_childcare": "Designated education or childcare agency",
                "voluntary": "Takes part voluntarily"}


class AppointmentRole(LabelledEnum):
    """Dated roles in a partnership other than the statutory partners' representatives."""

    PARTNERSHIP_CHAIR = "partnership_chair"
    EDUCATION_LEAD = "education_lead"
    PARTICIPATING_OBSERVER = "participating_observer"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"partnership_chair": "Partnership chair",
                "education_lead": "Education lead",
                "participating_observer": "Participating observer"}


class MemberKind(LabelledEnum):
    """Whether a member is core or co-opted."""

    CORE = "core"
    CO_OPTED = "co_opted"


collaboration_partnership = sa.Table(
    "collaboration_partnership",
    db.metadata,
    sa.Column("collaboration_id", sa.ForeignKey("collaboration.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("partnership_id", sa.ForeignKey("partnership.id", ondelete="CASCADE"),
              primary_key=True),
)

scrutineer_body = sa.Table(
    "scrutineer_body",
    db.metadata,
    sa.Column("scrutineer_id", sa.ForeignKey("scrutineer.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("body_id", sa.ForeignKey("body.id", ondelete="CASCADE"), primary_key=True),
)


class Partnership(Versioned, db.Model):
    """A local safeguarding children partnership (one local authority area)."""

    __tablename__ = "partnership"
    __realm__ = "register"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    short_name: Mapped[str] = mapped_column(sa.String(40))
    area: Mapped[str] = mapped_column(sa.Text, default="")
    guidance: Mapped[GuidanceEdition] = mapped_column(enum_column(GuidanceEdition),
                                                      default=GuidanceEdition.WT2023)
    year_start_month: Mapped[int] = mapped_column(default=4)
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    website: Mapped[str] = mapped_column(sa.String(254), default="")
    address: Mapped[str] = mapped_column(sa.Text, default="")
    support_team_name: Mapped[str] = mapped_column(sa.String(200), default="")
    support_team: Mapped[str] = mapped_column(sa.Text, default="",
                                              doc="The support team, in the partnership's words")

    contact_points: Mapped[list[ContactPoint]] = relationship(
        back_populates="partnership", order_by="ContactPoint.position",
        cascade="all, delete-orphan")
    appointments: Mapped[list[Appointment]] = relationship(
        back_populates="partnership", order_by="Appointment.valid_from",
        cascade="all, delete-orphan")
    partners: Mapped[list[StatutoryPartner]] = relationship(
        back_populates="partnership", order_by="StatutoryPartner.kind",
        cascade="all, delete-orphan")
    agencies: Mapped[list[Agency]] = relationship(
        back_populates="partnership", order_by="Agency.name", cascade="all, delete-orphan")
    # Not delete-orphan: a body moved to a collaboration leaves this list but must survive.
    bodies: Mapped[list[Body]] = relationship(
        back_populates="partnership", foreign_keys="Body.partnership_id",
        order_by="Body.position", cascade="all")
    scrutineers: Mapped[list[Scrutineer]] = relationship(
        back_populates="partnership", cascade="all, delete-orphan")
    collaborations: Mapped[list[Collaboration]] = relationship(
        secondary=collaboration_partnership, back_populates="partnerships")

    def __str__(self) -> str:
        return self.name


class ContactPoint(Versioned, db.Model):
    """A way to reach the partnership for one purpose (general enquiries, training, escalation)."""

    __tablename__ = "contact_point"
    __realm__ = "register"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    url: Mapped[str] = mapped_column(sa.String(254), default="")
    address: Mapped[str] = mapped_column(sa.Text, default="")
    position: Mapped[int] = mapped_column(default=0)

    partnership: Mapped[Partnership] = relationship(back_populates="contact_points")


class Collaboration(Versioned, db.Model):
    """Neighbouring partnerships that share an executive, subgroups or procedures."""

    __tablename__ = "collaboration"
    __realm__ = "register"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    short_name: Mapped[str] = mapped_column(sa.String(40), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    independently_chaired: Mapped[bool] = mapped_column(default=False)
    external_members: Mapped[list[str]] = mapped_column(
        sa.JSON, default=list, doc="Neighbouring partnerships not in this database, by name")

    partnerships: Mapped[list[Partnership]] = relationship(
        secondary=collaboration_partnership, back_populates="collaborations",
        order_by="Partnership.name")
    bodies: Mapped[list[Body]] = relationship(
        back_populates="collaboration", order_by="Body.position")

    def __str__(self) -> str:
        return self.name


class Person(Versioned, db.Model):
    """Someone named in the register; may be linked to a user account (their scope)."""

    __tablename__ = "person"
    __realm__ = "register"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    job_title: Mapped[str] = mapped_column(sa.String(200), default="")
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agency.id", ondelete="SET NULL"))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="",
                                              doc="For people outside any listed agency")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), unique=True)
    establishment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("establishment.id", ondelete="SET NULL"), index=True,
        doc="The school or setting they work for (its self-assessment is theirs to complete)")

    agency: Mapped[Agency | None] = relationship(foreign_keys=[agency_id])
    establishment: Mapped[Establishment | None] = relationship(foreign_keys=[establishment_id])

    @property
    def organisation_name(self) -> str:
        """Name the organisation the person works for."""
        return self.agency.name if self.agency else self.organisation

    def __str__(self) -> str:
        return self.name


class StatutoryPartner(Versioned, db.Model):
    """One of the partnership's three statutory safeguarding partners."""

    __tablename__ = "statutory_partner"
    __realm__ = "register"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"))
    kind: Mapped[PartnerKind] = mapped_column(enum_column(PartnerKind))

    partnership: Mapped[Partnership] = relationship(back_populates="partners")
    names: Mapped[list[PartnerName]] = relationship(
        back_populates="partner", order_by="PartnerName.valid_from",
        cascade="all, delete-orphan")
    representatives: Mapped[list[Representative]] = relationship(
        back_populates="partner", order_by="Representative.valid_from",
        cascade="all, delete-orphan")

    def name_on(self, day: dt.date) -> str:
        """Return the organisation's name on a date (e.g. the CCG before 1 July 2022)."""
        for row in reversed(self.names):
            if row.valid_from <= day and (row.valid_to is None or day <= row.valid_to):
                return row.name
        return self.names[-1].name if self.names else self.kind.label

    def representatives_on(self, day: dt.date) -> list[Representative]:
        """Return who represented the partner on a date, lead first."""
        current = [r for r in self.representatives if r.in_post_on(day)]
        return sorted(current, key=lambda r: (r.capacity != Capacity.LEAD,
                                              r.person.name if r.person else r.title))


class PartnerName(Versioned, db.Model):
    """A statutory partner organisation's name over a period."""

    __tablename__ = "partner_name"
    __realm__ = "register"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("statutory_partner.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    valid_from: Mapped[dt.date] = mapped_column(sa.Date)
    valid_to: Mapped[dt.date | None] = mapped_column(sa.Date)

    partner: Mapped[StatutoryPartner] = relationship(back_populates="names")


class Representative(Versioned, db.Model):
    """A person who represents a statutory partner, lead or delegated, for a period."""

    __tablename__ = "representative"
    __realm__ = "register"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("statutory_partner.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"), index=True,
                                                  doc="None when recorded by post alone")
    capacity: Mapped[Capacity] = mapped_column(enum_column(Capacity))
    title: Mapped[str] = mapped_column(sa.String(200), default="",
                                       doc="Job title while in this role")
    valid_from: Mapped[dt.date] = mapped_column(sa.Date)
    valid_to: Mapped[dt.date | None] = mapped_column(sa.Date)

    partner: Mapped[StatutoryPartner] = relationship(back_populates="representatives")
    person: Mapped[Person | None] = relationship()

    def in_post_on(self, day: dt.date) -> bool:
        """Say whether this representative was in post on a date."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Agency(Versioned, db.Model):
    """A relevant agency (or a group of them, such as 'Health providers')."""

    __tablename__ = "agency"
    __realm__ = "register"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    sector: Mapped[Sector | None] = mapped_column(enum_column(Sector), nullable=True)
    basis: Mapped[AgencyBasis | None] = mapped_column(
        enum_column(AgencyBasis, length=40), nullable=True, doc="Why it takes part, in law")
    duty_from: Mapped[dt.date | None] = mapped_column(
        sa.Date, doc="The day its duty under the arrangements starts")
    group_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agency.id", ondelete="SET NULL"))
    is_group: Mapped[bool] = mapped_column(default=False)
    reason_included: Mapped[str] = mapped_column(sa.Text, default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    champion_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="SET NULL", use_alter=True))
    active_from: Mapped[dt.date | None] = mapped_column(sa.Date)
    active_to: Mapped[dt.date | None] = mapped_column(sa.Date)

    partnership: Mapped[Partnership] = relationship(back_populates="agencies")
    group: Mapped[Agency | None] = relationship(remote_side=[id], back_populates="members")
    members: Mapped[list[Agency]] = relationship(back_populates="group", order_by="Agency.name")
    champion: Mapped[Person | None] = relationship(foreign_keys=[champion_id])
    contributions: Mapped[list[Contribution]] = relationship(
        back_populates="agency", order_by="Contribution.year", cascade="all, delete-orphan")

    def active_on(self, day: dt.date) -> bool:
        """Say whether the agency took part on a date."""
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or day <= self.active_to)

    def __str__(self) -> str:
        return self.name


class Contribution(Versioned, db.Model):
    """An agency's financial contribution for one reporting year."""

    __tablename__ = "contribution"
    __realm__ = "register"
    __table_args__ = (sa.UniqueConstraint("agency_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(doc="Calendar year the reporting year starts in")
    amount: Mapped[decimal.Decimal] = mapped_column(sa.Numeric(12, 2))

    agency: Mapped[Agency] = relationship(back_populates="contributions")


class Body(Versioned, db.Model):
    """A board, executive, subgroup, task-and-finish group, panel, hub or forum.

    It belongs to one partnership or to a collaboration; a joint task-and-finish group
    belongs to one partnership and names the neighbour it is run with.
    """

    __tablename__ = "body"
    __realm__ = "register"
    __table_args__ = (
        sa.CheckConstraint(
            "(partnership_id IS NULL) != (collaboration_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    collaboration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("collaboration.id", ondelete="CASCADE"), index=True)
    joint_with_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="SET NULL"))
    joint_with_name: Mapped[str] = mapped_column(
        sa.String(200), default="", doc="A neighbour not in this database")
    kind: Mapped[BodyKind] = mapped_column(enum_column(BodyKind))
    name: Mapped[str] = mapped_column(sa.String(200))
    short_name: Mapped[str] = mapped_column(sa.String(40), default="")
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    objectives: Mapped[list[str]] = mapped_column(sa.JSON, default=list,
                                                  doc="Terms of reference, in order")
    chair_post: Mapped[str] = mapped_column(
        sa.String(200), default="", doc="The post that chairs, e.g. 'Director of Education'")
    chair_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="SET NULL"), doc="The post's current holder")
    chair_agency_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="SET NULL"))
    chair_partner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("statutory_partner.id", ondelete="SET NULL"),
        doc="The chair's post is in this statutory partner's organisation")
    chair_independent: Mapped[bool] = mapped_column(default=False)
    chair_appointment: Mapped[str] = mapped_column(sa.String(500), default="",
                                                   doc="How the chair is appointed")
    frequency: Mapped[Frequency | None] = mapped_column(
        enum_column(Frequency), nullable=True, doc="None when the partnership does not say")
    frequency_note: Mapped[str] = mapped_column(
        sa.String(500), default="", doc="A pattern one frequency cannot say, as written")
    decision_rule: Mapped[DecisionRule | None] = mapped_column(
        enum_column(DecisionRule, length=40), nullable=True,
        doc="None when the partnership does not say")
    starts_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    ends_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    position: Mapped[int] = mapped_column(default=0, doc="Order in lists and documents")

    partnership: Mapped[Partnership | None] = relationship(
        back_populates="bodies", foreign_keys=[partnership_id])
    collaboration: Mapped[Collaboration | None] = relationship(back_populates="bodies")
    joint_with: Mapped[Partnership | None] = relationship(foreign_keys=[joint_with_id])
    chair: Mapped[Person | None] = relationship(foreign_keys=[chair_id])
    chair_agency: Mapped[Agency | None] = relationship(foreign_keys=[chair_agency_id])
    chair_partner: Mapped[StatutoryPartner | None] = relationship(
        foreign_keys=[chair_partner_id])
    lines: Mapped[list[AccountabilityLine]] = relationship(
        back_populates="body", foreign_keys="AccountabilityLine.body_id",
        order_by="AccountabilityLine.position", cascade="all, delete-orphan")
    members: Mapped[list[BodyMember]] = relationship(
        back_populates="body", order_by="BodyMember.id", cascade="all, delete-orphan")

    @property
    def reports_to(self) -> Body | None:
        """The body this one sits under in the structure (its first structural line to a body)."""
        for line in self.lines:
            if line.kind.places_in_structure and line.to_body is not None:
                return line.to_body
        return None

    @reports_to.setter
    def reports_to(self, parent: Body | None) -> None:
        """Place the body under ``parent``: its first structural line to a body is replaced."""
        for line in list(self.lines):
            if line.kind.places_in_structure and line.to_body is not None:
                self.lines.remove(line)
                break
        if parent is not None:
            self.lines.insert(0, AccountabilityLine(kind=LineKind.REPORTS_TO, to_body=parent))
        for position, line in enumerate(self.lines):
            line.position = position

    def __str__(self) -> str:
        return self.name


class AccountabilityLine(Versioned, db.Model):
    """A line of accountability from a body, to another body or to a group outside the register."""

    __tablename__ = "accountability_line"
    __realm__ = "register"
    __table_args__ = (
        sa.CheckConstraint("(to_body_id IS NULL) != (to_name = '')", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("body.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[LineKind] = mapped_column(enum_column(LineKind))
    to_body_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("body.id", ondelete="CASCADE"), index=True)
    to_name: Mapped[str] = mapped_column(sa.String(200), default="",
                                         doc="A group outside the register")
    position: Mapped[int] = mapped_column(default=0)

    body: Mapped[Body] = relationship(back_populates="lines", foreign_keys=[body_id])
    to_body: Mapped[Body | None] = relationship(foreign_keys=[to_body_id])

    @property
    def target_name(self) -> str:
        """Name what the line points to."""
        return self.to_body.name if self.to_body is not None else self.to_name


class BodyMember(Versioned, db.Model):
    """A seat on a body: an agency and role, optionally a named person."""

    __tablename__ = "body_member"
    __realm__ = "register"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("body.id", ondelete="CASCADE"),
                                         index=True)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agency.id", ondelete="SET NULL"))
    role: Mapped[str] = mapped_column(sa.String(200))
    partner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("statutory_partner.id", ondelete="SET NULL"),
        doc="The seat is in this statutory partner's organisation")
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id", ondelete="SET NULL"))
    kind: Mapped[MemberKind] = mapped_column(enum_column(MemberKind), default=MemberKind.CORE)

    body: Mapped[Body] = relationship(back_populates="members")
    agency: Mapped[Agency | None] = relationship()
    partner: Mapped[StatutoryPartner | None] = relationship()
    person: Mapped[Person | None] = relationship()


class Scrutineer(Versioned, db.Model):
    """An independent scrutineer, with the scope they were commissioned for."""

    __tablename__ = "scrutineer"
    __realm__ = "register"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ScrutinyKind] = mapped_column(enum_column(ScrutinyKind),
                                               default=ScrutinyKind.PERSON)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    post: Mapped[str] = mapped_column(
        sa.String(200), default="", doc="The post that scrutinises, e.g. 'The independent chair'")
    whole_partnership: Mapped[bool] = mapped_column(default=True)
    scope: Mapped[str] = mapped_column(sa.Text, default="",
                                       doc="Named priorities, when not the whole partnership")
    appointed_by: Mapped[str] = mapped_column(sa.String(200), default="")
    valid_from: Mapped[dt.date | None] = mapped_column(sa.Date)
    valid_to: Mapped[dt.date | None] = mapped_column(sa.Date)

    partnership: Mapped[Partnership] = relationship(back_populates="scrutineers")
    person: Mapped[Person | None] = relationship()
    bodies: Mapped[list[Body]] = relationship(secondary=scrutineer_body, order_by="Body.position")


class Appointment(Versioned, db.Model):
    """A dated role in the partnership: its chair, education's lead, an observer.

    A post (``post``) in an agency or a statutory partner's organisation, with its holder
    when named; the statutory partners' own representatives are :class:`Representative`.
    """

    __tablename__ = "appointment"
    __realm__ = "register"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    role: Mapped[AppointmentRole] = mapped_column(enum_column(AppointmentRole))
    post: Mapped[str] = mapped_column(sa.String(200), default="")
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id", ondelete="SET NULL"))
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agency.id", ondelete="SET NULL"))
    partner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("statutory_partner.id", ondelete="SET NULL"))
    independent: Mapped[bool] = mapped_column(default=False)
    valid_from: Mapped[dt.date | None] = mapped_column(sa.Date)
    valid_to: Mapped[dt.date | None] = mapped_column(sa.Date)
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    partnership: Mapped[Partnership] = relationship(back_populates="appointments")
    person: Mapped[Person | None] = relationship()
    agency: Mapped[Agency | None] = relationship()
    partner: Mapped[StatutoryPartner | None] = relationship()

    def in_post_on(self, day: dt.date) -> bool:
        """Say whether the appointment held on a date (open dates count as held)."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to)


class Establishment(Versioned, db.Model):
    """A school or setting (designated education or childcare agency), from the national list."""

    __tablename__ = "establishment"
    __realm__ = "register"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "urn"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    urn: Mapped[str] = mapped_column(sa.String(12), doc="Unique reference number")
    name: Mapped[str] = mapped_column(sa.String(200))
    phase: Mapped[str] = mapped_column(sa.String(60), default="")
    kind: Mapped[str] = mapped_column(sa.String(120), default="", doc="Establishment type")
    local_authority: Mapped[str] = mapped_column(sa.String(120), default="")
    agency_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agency.id", ondelete="SET NULL"), index=True,
        doc="The group of agencies it is listed under")

    partnership: Mapped[Partnership] = relationship()
    agency: Mapped[Agency | None] = relationship()

    def __str__(self) -> str:
        return self.name

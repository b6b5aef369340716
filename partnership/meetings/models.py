"""Meetings of a body: agenda, attendance by agency, decisions (with partners' votes), minutes."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.accounts.models import User
from partnership.database import UTCDateTime, Versioned
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.kernel.enums import LabelledEnum, enum_column
from partnership.register.models import Agency, Body, StatutoryPartner


class MeetingStatus(LabelledEnum):
    """Whether a meeting is planned, took place or was called off."""

    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


class MinutesStatus(LabelledEnum):
    """Minutes are drafted, then approved at the next meeting and locked."""

    DRAFT = "draft"
    APPROVED = "approved"


class Presence(LabelledEnum):
    """How an agency was represented at a meeting."""

    PRESENT = "present"
    DEPUTY = "deputy"
    APOLOGIES = "apologies"
    ABSENT = "absent"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"deputy": "Sent a deputy", "apologies": "Apologies given"}

    @property
    def attended(self) -> bool:
        """Say whether the agency was in the room (itself or by deputy)."""
        return self in (Presence.PRESENT, Presence.DEPUTY)


class DecisionMethod(LabelledEnum):
    """How a decision was made."""

    CONSENSUS = "consensus"
    PARTNER_MAJORITY = "partner_majority"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"partner_majority": "Majority vote of the three safeguarding partners"}


class VoteChoice(LabelledEnum):
    """A statutory partner's vote on a decision."""

    FOR = "for"
    AGAINST = "against"
    ABSTAINED = "abstained"


class Meeting(Versioned, db.Model):
    """One meeting of a body."""

    __tablename__ = "meeting"
    __realm__ = "meetings"
    __table_args__ = (sa.Index("ix_meeting_body_held_on", "body_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("body.id", ondelete="CASCADE"))
    held_on: Mapped[dt.date] = mapped_column(sa.Date, index=True)
    starts_at: Mapped[dt.time | None] = mapped_column(sa.Time)
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[MeetingStatus] = mapped_column(enum_column(MeetingStatus),
                                                  default=MeetingStatus.SCHEDULED)
    minutes: Mapped[str] = mapped_column(sa.Text, default="")
    minutes_status: Mapped[MinutesStatus] = mapped_column(enum_column(MinutesStatus),
                                                          default=MinutesStatus.DRAFT)
    minutes_approved_at_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("meeting.id", ondelete="SET NULL"),
        doc="The (next) meeting at which these minutes were approved")

    body: Mapped[Body] = relationship()
    minutes_approved_at: Mapped[Meeting | None] = relationship(remote_side=[id])
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="(AgendaItem.position, AgendaItem.id)",
        cascade="all, delete-orphan")
    attendance: Mapped[list[Attendance]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan")
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="meeting", order_by="(Decision.position, Decision.id)",
        cascade="all, delete-orphan")

    @property
    def locked(self) -> bool:
        """Approved minutes are final: nothing of the meeting changes afterwards."""
        return self.minutes_status is MinutesStatus.APPROVED

    def __str__(self) -> str:
        return f"{self.body.name}, {long_date(self.held_on)}"


class AgendaItem(Versioned, db.Model):
    """An item on a meeting's agenda."""

    __tablename__ = "agenda_item"
    __realm__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"),
                                            index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(300))
    presenter: Mapped[str] = mapped_column(sa.String(200), default="")
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")


class Attendance(Versioned, db.Model):
    """How one member agency was represented at a meeting."""

    __tablename__ = "attendance"
    __realm__ = "meetings"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id", ondelete="CASCADE"),
                                           index=True)
    presence: Mapped[Presence] = mapped_column(enum_column(Presence))
    attendee: Mapped[str] = mapped_column(sa.String(200), default="",
                                          doc="Who came (the deputy's name, say)")
    reason: Mapped[str] = mapped_column(sa.String(500), default="",
                                        doc="Why the member was not there (absences only)")

    meeting: Mapped[Meeting] = relationship(back_populates="attendance")
    agency: Mapped[Agency] = relationship()


class Decision(Versioned, db.Model):
    """A decision taken at a meeting, and how: by consensus or by the partners' majority."""

    __tablename__ = "decision"
    __realm__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"),
                                            index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_item.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(sa.Text)
    method: Mapped[DecisionMethod] = mapped_column(enum_column(DecisionMethod))

    meeting: Mapped[Meeting] = relationship(back_populates="decisions")
    agenda_item: Mapped[AgendaItem | None] = relationship()
    votes: Mapped[list[Vote]] = relationship(
        back_populates="decision", order_by="Vote.partner_id", cascade="all, delete-orphan")

    @property
    def carried(self) -> bool:
        """Consensus carries; a majority vote carries with two or more partners for it."""
        if self.method is DecisionMethod.CONSENSUS:
            return True
        return sum(vote.choice is VoteChoice.FOR for vote in self.votes) >= 2


class Vote(Versioned, db.Model):
    """One statutory partner's vote on a majority decision, as minuted.

    The partner's representative may confirm the minuted vote in the app (who, when).
    """

    __tablename__ = "vote"
    __realm__ = "meetings"
    __table_args__ = (sa.UniqueConstraint("decision_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(sa.ForeignKey("decision.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("statutory_partner.id", ondelete="CASCADE"))
    choice: Mapped[VoteChoice] = mapped_column(enum_column(VoteChoice))
    confirmed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    decision: Mapped[Decision] = relationship(back_populates="votes")
    partner: Mapped[StatutoryPartner] = relationship()
    confirmed_by: Mapped[User | None] = relationship()

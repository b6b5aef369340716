"""Case reviews: serious incidents, Rapid Reviews, local Child Safeguarding Practice Reviews,
referrals for national review, and the recommendations every review (ours or anyone's) makes.

A *case* is a serious incident the partnership reviews, known only by a pseudonymous
reference ("Child Q"): nothing here holds a child's or family member's name, date of birth,
address or NHS number, and free text is checked for them (:mod:`partnership.kernel.identifiers`).
A *review* is anything whose recommendations we act on: our own rapid or local review of a
case, or learning from elsewhere (another partnership's review, a national panel review, a
safeguarding adults review, a national inquiry...). Each recommendation's actions live in the
one action tracker (``Action.recommendation_id``).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from partnership.accounts.models import User
from partnership.database import UTCDateTime, Versioned, utcnow
from partnership.extensions import db
from partnership.kernel.enums import LabelledEnum, enum_column
from partnership.register.models import Agency, Body, Partnership, StatutoryPartner


class IncidentType(LabelledEnum):
    """What happened to the child."""

    DEATH = "death"
    SERIOUS_HARM = "serious_harm"


class Stage(LabelledEnum):
    """Where a case stands. The allowed moves are in ``TRANSITIONS``."""

    NOTIFICATION = "notification"
    RAPID_REVIEW = "rapid_review"
    NATIONAL_REVIEW = "national_review"
    LOCAL_REVIEW = "local_review"
    ACTION_PLAN = "action_plan"
    CLOSED = "closed"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"notification": "Serious incident notification",
                "rapid_review": "Rapid Review",
                "national_review": "Referred for a national review",
                "local_review": "Local child safeguarding practice review",
                "action_plan": "Action plan being delivered"}


# stage -> the stages a case may move to next (anything else is refused with a message).
TRANSITIONS: dict[Stage, frozenset[Stage]] = {
    Stage.NOTIFICATION: frozenset({Stage.RAPID_REVIEW}),
    Stage.RAPID_REVIEW: frozenset({Stage.LOCAL_REVIEW, Stage.NATIONAL_REVIEW,
                                   Stage.ACTION_PLAN, Stage.CLOSED}),
    Stage.NATIONAL_REVIEW: frozenset({Stage.LOCAL_REVIEW, Stage.ACTION_PLAN, Stage.CLOSED}),
    Stage.LOCAL_REVIEW: frozenset({Stage.ACTION_PLAN, Stage.CLOSED}),
    Stage.ACTION_PLAN: frozenset({Stage.CLOSED}),
    Stage.CLOSED: frozenset(),
}


class ClockStart(LabelledEnum):
    """Where a partnership starts the Rapid Review's 15 working days."""

    AWARENESS = "awareness"
    NOTIFICATION = "notification"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"awareness": "The day the partners became aware",
                "notification": "The day the incident was notified to the national panel"}


class RapidOutcome(LabelledEnum):
    """What a Rapid Review recommends."""

    LOCAL_REVIEW = "local_review"
    NATIONAL_REFERRAL = "national_referral"
    NO_FURTHER_REVIEW = "no_further_review"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"local_review": "A local child safeguarding practice review",
                "national_referral": "Referral for a national review",
                "no_further_review": "No further review; learning captured"}


class PublicationDecision(LabelledEnum):
    """Whether a local review's report is published."""

    PUBLISH = "publish"
    PUBLISH_REDACTED = "publish_redacted"
    DO_NOT_PUBLISH = "do_not_publish"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"publish_redacted": "Publish with redactions"}


class MilestoneKind(LabelledEnum):
    """The milestones of a local review, in their usual order."""

    DRAFT_RECEIVED = "draft_received"
    APPROVED_BY_GROUP = "approved_by_group"
    PRESENTED_TO_BOARD = "presented_to_board"
    PUBLICATION_DECISION = "publication_decision"
    COPIES_SENT = "copies_sent"
    PUBLISHED = "published"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"draft_received": "Draft report received",
                "approved_by_group": "Approved by the reviewing group",
                "presented_to_board": "Presented to the board",
                "publication_decision": "Publication decided",
                "copies_sent": "Copies sent before publication",
                "published": "Published"}


class ReviewKind(LabelledEnum):
    """Where a set of recommendations comes from."""

    RAPID_REVIEW = "rapid_review"
    LOCAL_REVIEW = "local_review"
    OTHER_PARTNERSHIP = "other_partnership"
    NATIONAL_PANEL = "national_panel"
    SAFEGUARDING_ADULTS = "safeguarding_adults"
    DOMESTIC_HOMICIDE = "domestic_homicide"
    SERIOUS_FURTHER_OFFENCE = "serious_further_offence"
    MAPPA = "mappa"
    NATIONAL_INQUIRY = "national_inquiry"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"rapid_review": "Our Rapid Review",
                "local_review": "Our local child safeguarding practice review",
                "other_partnership": "Another partnership's review",
                "national_panel": "National panel review",
                "safeguarding_adults": "Safeguarding adults review",
                "domestic_homicide": "Domestic homicide review",
                "serious_further_offence": "Serious further offence review",
                "mappa": "MAPPA serious case review",
                "national_inquiry": "National inquiry"}

    @property
    def is_ours(self) -> bool:
        """Our own review of one of our cases (its case decides who may see it)."""
        return self in (ReviewKind.RAPID_REVIEW, ReviewKind.LOCAL_REVIEW)


class DisseminationMethod(LabelledEnum):
    """How a review's learning was shared."""

    BRIEFING = "briefing"
    LEARNING_EVENT = "learning_event"
    PRACTICE_ALERT = "practice_alert"
    NEWSLETTER = "newsletter"
    TRAINING = "training"
    OTHER = "other"

    @staticmethod
    def _labels() -> dict[str, str]:
        return {"briefing": "Briefing (for example a 7-minute briefing)",
                "learning_event": "Learning event",
                "practice_alert": "Practice alert",
                "newsletter": "Newsletter or bulletin",
                "training": "Training session",
                "other": "Another way"}


class Scope(LabelledEnum):
    """Who a recommendation is for."""

    LOCAL = "local"
    REGIONAL = "regional"
    NATIONAL = "national"


case_agency = sa.Table(
    "case_agency", db.metadata,
    sa.Column("case_id", sa.ForeignKey("case_record.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("agency_id", sa.ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True),
)
review_theme = sa.Table(
    "review_theme", db.metadata,
    sa.Column("review_id", sa.ForeignKey("review.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)
recommendation_theme = sa.Table(
    "recommendation_theme", db.metadata,
    sa.Column("recommendation_id", sa.ForeignKey("recommendation.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("theme_id", sa.ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)
dissemination_recommendation = sa.Table(
    "dissemination_recommendation", db.metadata,
    sa.Column("dissemination_id", sa.ForeignKey("learning_dissemination.id",
                                                ondelete="CASCADE"), primary_key=True),
    sa.Column("recommendation_id", sa.ForeignKey("recommendation.id", ondelete="CASCADE"),
              primary_key=True),
)
recommendation_agency = sa.Table(
    "recommendation_agency", db.metadata,
    sa.Column("recommendation_id", sa.ForeignKey("recommendation.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("agency_id", sa.ForeignKey("agency.id", ondelete="CASCADE"), primary_key=True),
)


class ReviewSettings(Versioned, db.Model):
    """A partnership's settings for case reviews (one row per partnership)."""

    __tablename__ = "review_settings"
    __realm__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), unique=True)
    rapid_review_clock: Mapped[ClockStart] = mapped_column(enum_column(ClockStart),
                                                           default=ClockStart.AWARENESS)
    local_review_months: Mapped[int] = mapped_column(
        default=6, doc="Months from the decision to a local review's completion and publication")
    retention_years: Mapped[int] = mapped_column(
        default=15, doc="Years a case's records are kept after it closes")
    monitoring_weeks: Mapped[int] = mapped_column(
        default=6, doc="Weeks between checkpoints monitoring a local review's time and quality")

    partnership: Mapped[Partnership] = relationship()


class ClosureDay(db.Model):
    """A day the partnership does not count as a working day (besides bank holidays)."""

    __tablename__ = "closure_day"
    __realm__ = "cases"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"))
    day: Mapped[dt.date] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.String(200), default="")


class Theme(Versioned, db.Model):
    """A learning theme from the managed list (neglect, exploitation, voice of the child...)."""

    __tablename__ = "theme"
    __realm__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self) -> str:
        return self.name


class Case(Versioned, db.Model):
    """A serious incident the partnership reviews, known by a pseudonymous reference."""

    __tablename__ = "case_record"
    __realm__ = "cases"
    __table_args__ = (sa.UniqueConstraint("partnership_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    reference: Mapped[str] = mapped_column(sa.String(40), doc='Pseudonymous, e.g. "Child Q"')
    reviewing_body_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("body.id", ondelete="SET NULL"), index=True)
    incident_type: Mapped[IncidentType] = mapped_column(enum_column(IncidentType))
    aware_on: Mapped[dt.date] = mapped_column(sa.Date, doc="The day the partners became aware")
    summary: Mapped[str] = mapped_column(sa.Text, default="", doc="Short and non-identifying")
    stage: Mapped[Stage] = mapped_column(enum_column(Stage), default=Stage.NOTIFICATION)
    # The serious incident notification to the national panel.
    notified_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    late_notification_reason: Mapped[str] = mapped_column(sa.Text, default="")
    closed_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    retention_until: Mapped[dt.date] = mapped_column(
        sa.Date, doc="Keep the records until this date (from the closure, or provisionally "
                     "from awareness while open)")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Where it happened and where the child lives: notification and review duties follow
    # them. A name, so that a neighbouring authority outside this database can be recorded.
    incident_authority: Mapped[str] = mapped_column(
        sa.String(200), default="", doc="The local authority the incident happened in")
    residence_authority: Mapped[str] = mapped_column(
        sa.String(200), default="", doc="The local authority the child normally lives in")
    # A looked-after child's death is notified to the Secretary of State and Ofsted whether
    # or not abuse or neglect is known or suspected.
    looked_after: Mapped[bool] = mapped_column(default=False)
    secretary_of_state_notified_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    ofsted_notified_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    # How urgent the open case is on the board, kept by reviews.services.urgency from its
    # standing (never set by hand; written outside the ORM, so neither audited nor an edit).
    chasing: Mapped[bool | None] = mapped_column(doc="Something overdue to chase")
    next_due: Mapped[dt.date | None] = mapped_column(sa.Date, doc="The soonest open deadline")

    partnership: Mapped[Partnership] = relationship()
    reviewing_body: Mapped[Body | None] = relationship()
    agencies: Mapped[list[Agency]] = relationship(secondary=case_agency, order_by="Agency.name")
    members: Mapped[list[CaseMember]] = relationship(
        back_populates="case", cascade="all, delete-orphan")
    rapid_review: Mapped[RapidReview | None] = relationship(
        back_populates="case", cascade="all, delete-orphan")
    local_review: Mapped[LocalReview | None] = relationship(
        back_populates="case", cascade="all, delete-orphan")
    national_referral: Mapped[NationalReferral | None] = relationship(
        back_populates="case", cascade="all, delete-orphan")
    reviews: Mapped[list[Review]] = relationship(back_populates="case")
    moves: Mapped[list[StageMove]] = relationship(
        back_populates="case", order_by="StageMove.id", cascade="all, delete-orphan")

    @property
    def looked_after_death(self) -> bool:
        """A looked-after child died: the Secretary of State and Ofsted must be notified."""
        return self.looked_after and self.incident_type is IncidentType.DEATH

    def __str__(self) -> str:
        return self.reference


class StageMove(db.Model):
    """A move of a case from one stage to the next: who moved it, what the stage left
    closed, and (for the team's override) what was still missing and why it moved anyway."""

    __tablename__ = "stage_move"
    __realm__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id", ondelete="CASCADE"),
                                         index=True)
    from_stage: Mapped[Stage] = mapped_column(enum_column(Stage))
    to_stage: Mapped[Stage] = mapped_column(enum_column(Stage))
    moved_on: Mapped[dt.date] = mapped_column(sa.Date)
    moved_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    moved_by: Mapped[str] = mapped_column(sa.String(120), default="",
                                          doc="The name, as it was then")
    missing: Mapped[str] = mapped_column(
        sa.Text, default="", doc="What the move's rules still wanted, one item a line "
                                 "(only when the team overrode them)")
    override_reason: Mapped[str] = mapped_column(sa.Text, default="")
    closed: Mapped[str] = mapped_column(
        sa.Text, default="", doc="What belonged to the stage left and was closed, one a line")

    case: Mapped[Case] = relationship(back_populates="moves")

    @property
    def overridden(self) -> bool:
        """Moved by the team although something was missing."""
        return bool(self.missing)

    @property
    def missing_items(self) -> list[str]:
        """What was missing, one item each."""
        return [line for line in self.missing.splitlines() if line.strip()]

    @property
    def closed_items(self) -> list[str]:
        """What the move closed, one item each."""
        return [line for line in self.closed.splitlines() if line.strip()]


class CaseMember(db.Model):
    """Someone added to a case who would otherwise not see it (need-to-know)."""

    __tablename__ = "case_member"
    __realm__ = "cases"
    __table_args__ = (sa.UniqueConstraint("case_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    reason: Mapped[str] = mapped_column(sa.String(200), default="")
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship(back_populates="members")
    user: Mapped[User] = relationship()


class RapidReview(Versioned, db.Model):
    """The Rapid Review of a case: 15 working days from its clock start."""

    __tablename__ = "rapid_review"
    __realm__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("case_record.id", ondelete="CASCADE"), unique=True)
    started_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    analysis: Mapped[str] = mapped_column(sa.Text, default="")
    immediate_actions: Mapped[str] = mapped_column(
        sa.Text, default="", doc="What was done straight away to keep children safe")
    equality_analysis: Mapped[str] = mapped_column(
        sa.Text, default="",
        doc="How race, inequality and disability shaped the child's experience and the practice")
    learning: Mapped[str] = mapped_column(sa.Text, default="")
    outcome: Mapped[RapidOutcome | None] = mapped_column(enum_column(RapidOutcome))
    outcome_reason: Mapped[str] = mapped_column(sa.Text, default="")
    shared_with_scrutineer_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    sent_to_panel_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    panel_response_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    panel_response: Mapped[str] = mapped_column(sa.Text, default="")

    case: Mapped[Case] = relationship(back_populates="rapid_review")
    requests: Mapped[list[InformationRequest]] = relationship(
        back_populates="rapid_review", order_by="InformationRequest.id",
        cascade="all, delete-orphan")
    episodes: Mapped[list[PracticeEpisode]] = relationship(
        back_populates="rapid_review", order_by="(PracticeEpisode.position, PracticeEpisode.id)",
        cascade="all, delete-orphan")
    sign_offs: Mapped[list[RapidReviewSignOff]] = relationship(
        back_populates="rapid_review", cascade="all, delete-orphan")


class InformationRequest(Versioned, db.Model):
    """A request to an agency for information (chronology, summary) for a Rapid Review."""

    __tablename__ = "information_request"
    __realm__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    rapid_review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("rapid_review.id", ondelete="CASCADE"), index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id", ondelete="CASCADE"))
    asked_for: Mapped[str] = mapped_column(sa.String(300), default="Chronology and summary")
    requested_on: Mapped[dt.date] = mapped_column(sa.Date)
    due_on: Mapped[dt.date] = mapped_column(sa.Date)
    received_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    # Not needed after all (or closed unanswered when the case moved on): why, and when.
    waived_reason: Mapped[str] = mapped_column(sa.Text, default="")
    waived_on: Mapped[dt.date | None] = mapped_column(sa.Date)

    rapid_review: Mapped[RapidReview] = relationship(back_populates="requests")

    @property
    def settled(self) -> bool:
        """Received, or waived with a reason: nothing more to chase."""
        return self.received_on is not None or bool((self.waived_reason or "").strip())
    agency: Mapped[Agency] = relationship()


class PracticeEpisode(Versioned, db.Model):
    """A key practice episode the Rapid Review analyses."""

    __tablename__ = "practice_episode"
    __realm__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    rapid_review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("rapid_review.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    rapid_review: Mapped[RapidReview] = relationship(back_populates="episodes")


class RapidReviewSignOff(db.Model):
    """One statutory partner's sign-off of a Rapid Review: who, when."""

    __tablename__ = "rapid_review_sign_off"
    __realm__ = "cases"
    __table_args__ = (sa.UniqueConstraint("rapid_review_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    rapid_review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("rapid_review.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("statutory_partner.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    signed_by: Mapped[str] = mapped_column(sa.String(120), doc="The name, as it was then")
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    rapid_review: Mapped[RapidReview] = relationship(back_populates="sign_offs")
    partner: Mapped[StatutoryPartner] = relationship()
    user: Mapped[User | None] = relationship()


class LocalReview(Versioned, db.Model):
    """A local child safeguarding practice review of a case."""

    __tablename__ = "local_review"
    __realm__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("case_record.id", ondelete="CASCADE"), unique=True)
    decided_on: Mapped[dt.date] = mapped_column(sa.Date)
    target_on: Mapped[dt.date] = mapped_column(
        sa.Date, doc="Target for completion and publication (the decision + the setting's months)")
    terms_of_reference: Mapped[str] = mapped_column(sa.Text, default="")
    methodology: Mapped[str] = mapped_column(sa.Text, default="")
    family_involvement: Mapped[str] = mapped_column(sa.Text, default="")
    practitioner_involvement: Mapped[str] = mapped_column(sa.Text, default="")
    publication_decision: Mapped[PublicationDecision | None] = mapped_column(
        enum_column(PublicationDecision))
    publication_risks: Mapped[str] = mapped_column(
        sa.Text, default="", doc="The risks to the child's or others' welfare, weighed")
    publication_reason: Mapped[str] = mapped_column(sa.Text, default="")
    published_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    published_url: Mapped[str] = mapped_column(sa.String(500), default="")

    case: Mapped[Case] = relationship(back_populates="local_review")
    reviewers: Mapped[list[Reviewer]] = relationship(
        back_populates="local_review", order_by="Reviewer.id", cascade="all, delete-orphan")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="local_review", order_by="(Milestone.due_on, Milestone.id)",
        cascade="all, delete-orphan")
    monitoring: Mapped[list[MonitoringEntry]] = relationship(
        back_populates="local_review", order_by="MonitoringEntry.recorded_on",
        cascade="all, delete-orphan")


class Reviewer(Versioned, db.Model):
    """A reviewer commissioned for a local review."""

    __tablename__ = "reviewer"
    __realm__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    local_review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("local_review.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    commissioned_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    ends_on: Mapped[dt.date | None] = mapped_column(sa.Date)

    local_review: Mapped[LocalReview] = relationship(back_populates="reviewers")


class Milestone(Versioned, db.Model):
    """A milestone of a local review: when it is due and when it was reached."""

    __tablename__ = "milestone"
    __realm__ = "cases"
    __table_args__ = (sa.UniqueConstraint("local_review_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    local_review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("local_review.id", ondelete="CASCADE"))
    kind: Mapped[MilestoneKind] = mapped_column(enum_column(MilestoneKind))
    due_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    done_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    local_review: Mapped[LocalReview] = relationship(back_populates="milestones")


class MonitoringEntry(db.Model):
    """A check, at intervals, of a local review's timeliness and quality."""

    __tablename__ = "monitoring_entry"
    __realm__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    local_review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("local_review.id", ondelete="CASCADE"), index=True)
    recorded_on: Mapped[dt.date] = mapped_column(sa.Date)
    on_time: Mapped[bool]
    timeliness: Mapped[str] = mapped_column(sa.Text, default="")
    progress: Mapped[str] = mapped_column(
        sa.Text, default="", doc="Progress against the terms of reference")
    quality: Mapped[str] = mapped_column(sa.Text, default="")
    requested: Mapped[str] = mapped_column(
        sa.Text, default="", doc="Any request to the reviewer for information or a draft")
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    local_review: Mapped[LocalReview] = relationship(back_populates="monitoring")


class NationalReferral(Versioned, db.Model):
    """A referral of a case to the national panel for a national review, and its outcome."""

    __tablename__ = "national_referral"
    __realm__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("case_record.id", ondelete="CASCADE"), unique=True)
    referred_on: Mapped[dt.date] = mapped_column(sa.Date)
    outcome_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    outcome: Mapped[str] = mapped_column(sa.Text, default="")

    case: Mapped[Case] = relationship(back_populates="national_referral")


class Review(Versioned, db.Model):
    """A review whose recommendations we act on: ours (of a case) or learning from elsewhere."""

    __tablename__ = "review"
    __realm__ = "reviews"
    __table_args__ = (
        sa.CheckConstraint(
            "(kind IN ('rapid_review', 'local_review')) = (case_id IS NOT NULL)",
            name="ours_have_a_case"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReviewKind] = mapped_column(enum_column(ReviewKind))
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    source: Mapped[str] = mapped_column(sa.String(300), default="",
                                        doc="Who carried it out or published it")
    published_on: Mapped[dt.date | None] = mapped_column(sa.Date)
    received_how: Mapped[str] = mapped_column(sa.Text, default="",
                                              doc="How it reached us, and when")
    url: Mapped[str] = mapped_column(sa.String(500), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")

    partnership: Mapped[Partnership] = relationship()
    case: Mapped[Case | None] = relationship(back_populates="reviews")
    themes: Mapped[list[Theme]] = relationship(secondary=review_theme, order_by="Theme.name")
    recommendations: Mapped[list[Recommendation]] = relationship(
        back_populates="review", order_by="(Recommendation.number, Recommendation.id)",
        cascade="all, delete-orphan")
    disseminations: Mapped[list[Dissemination]] = relationship(
        back_populates="review", order_by="(Dissemination.held_on, Dissemination.id)",
        cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.title


class Recommendation(Versioned, db.Model):
    """A numbered recommendation of a review; its actions are in the action tracker."""

    __tablename__ = "recommendation"
    __realm__ = "reviews"
    __table_args__ = (sa.UniqueConstraint("review_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("review.id", ondelete="CASCADE"))
    number: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    scope: Mapped[Scope] = mapped_column(enum_column(Scope), default=Scope.LOCAL)
    thematic_area: Mapped[str] = mapped_column(
        sa.String(200), default="", doc="For an inquiry split into thematic areas")
    agency_response: Mapped[str] = mapped_column(sa.Text, default="")

    review: Mapped[Review] = relationship(back_populates="recommendations")
    agencies: Mapped[list[Agency]] = relationship(secondary=recommendation_agency,
                                                  order_by="Agency.name")
    themes: Mapped[list[Theme]] = relationship(secondary=recommendation_theme,
                                               order_by="Theme.name")

    def __str__(self) -> str:
        return f"Recommendation {self.number}"


class Dissemination(Versioned, db.Model):
    """One way a review's learning was shared (a briefing, a learning event, a practice
    alert...): when, with whom, how many it reached, and the recommendations it carried."""

    __tablename__ = "learning_dissemination"
    __realm__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("review.id", ondelete="CASCADE"),
                                           index=True)
    method: Mapped[DisseminationMethod] = mapped_column(enum_column(DisseminationMethod))
    title: Mapped[str] = mapped_column(sa.String(200))
    held_on: Mapped[dt.date] = mapped_column(sa.Date)
    audience: Mapped[str] = mapped_column(sa.String(300), default="",
                                          doc="Who it was for: agencies, roles, places")
    reach: Mapped[int | None] = mapped_column(doc="How many people it reached")
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    # The later check of whether practice changed: an ordinary tracker action on one of the
    # recommendations it carried (Action.recommendation_id), remembered here to show it.
    check_action_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("action.id", ondelete="SET NULL"))

    review: Mapped[Review] = relationship(back_populates="disseminations")
    recommendations: Mapped[list[Recommendation]] = relationship(
        secondary=dissemination_recommendation,
        order_by="(Recommendation.number, Recommendation.id)")

    def __str__(self) -> str:
        return self.title

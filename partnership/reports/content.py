"""What a yearly report says: plain data, assembled from the records, stored when published.

Every class here holds only strings, numbers, booleans, None and lists or dicts of them, so
``dataclasses.asdict`` of a :class:`ReportContent` is the JSON snapshot a published report
keeps, and the document template reads a live draft and a published snapshot alike (Jinja
finds ``row.title`` on an object and on a dict). Dates are ISO strings (``2025-03-31``);
templates show them with the ``report_date`` filter. ``link`` fields are paths in the app
to the records behind a figure ("" when there is nothing a reader may open); the PDF leaves
them out.

A section with nothing to show says why in ``missing`` (one plain sentence), and the
document prints that sentence instead of an empty heading.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from partnership.documents.charts import Chart

# --- 1. summary of activities -------------------------------------------------------------


@dataclass(frozen=True)
class BodyMeetings:
    """One body's meetings in the period."""

    body: str
    link: str
    held: int
    cancelled: int
    decisions: int


@dataclass(frozen=True)
class AgencyAttendanceRow:
    """How one agency was represented at the partnership's held meetings in the period."""

    agency: str
    held: int  # meetings it was expected at (sits on the body, or attendance recorded)
    attended: int  # present or by deputy
    apologies: int
    absent: int
    not_recorded: int
    percent: int | None  # attended / held, rounded; None when held is 0


@dataclass(frozen=True)
class ParticipationRow:
    """How one agency took part in the period: at meetings, in self-assessment and case
    audits, in escalations, and (when training is recorded) in training."""

    agency: str
    sector: str  # the sector's label ("Education"...), or ""
    expected: int  # held meetings it was expected at
    attended: int
    attendance_percent: int | None
    assessments_asked: int  # self-assessment returns asked of it in rounds due in the period
    assessments_returned: int
    audits_asked: int  # case audit returns asked of it, in audits completed in the period
    audits_returned: int
    escalations_raised: int  # escalations it raised in the period
    trained: int | None = None  # people it sent to multi-agency training (None: not recorded)


@dataclass(frozen=True)
class SectorParticipation:
    """One sector's part in the period, summed over its agencies."""

    sector: str
    agencies: int
    attendance_percent: int | None
    assessments_asked: int
    assessments_returned: int
    audits_asked: int
    audits_returned: int
    escalations_raised: int


@dataclass(frozen=True)
class DecisionEntry:
    """A decision of the partnership's board or executive in the period."""

    body: str
    made: str  # ISO date of the meeting
    text: str


@dataclass(frozen=True)
class CompletedEntry:
    """A business-plan action completed in the period."""

    title: str
    objective: str  # its objective's reference ("A1"), or ""
    completed: str | None  # ISO date
    link: str


@dataclass(frozen=True)
class Activities:
    """Part 1: meetings and attendance, actions completed, reviews undertaken, other work."""

    meetings: list[BodyMeetings]
    meetings_held: int
    decisions: int
    attendance: list[AgencyAttendanceRow]
    attendance_percent: int | None  # over all agencies: attended / held
    actions_live: int  # business-plan actions whose year overlaps the period, not closed on as_of
    actions_completed: int  # of those, completed within the period (actions.rules, as at as_of)
    actions_link: str
    rapid_reviews: int  # Rapid Reviews completed (sent to the panel) in the period
    local_reviews: int  # local reviews open at some point in the period
    national_referrals: int  # referred in the period
    learning_reviews: int  # reviews from elsewhere taken in during the period
    arrangements_published: int  # arrangements versions published in the period
    missing: str
    # Came after the first published reports: a snapshot without them reads as having none.
    participation: list[ParticipationRow] = field(default_factory=list)
    sectors: list[SectorParticipation] = field(default_factory=list)
    decisions_made: list[DecisionEntry] = field(default_factory=list)
    completed: list[CompletedEntry] = field(default_factory=list)


# --- 2. child safeguarding practice reviews -----------------------------------------------


@dataclass(frozen=True)
class RapidReviewRow:
    """A Rapid Review in the period. ``label`` is the case reference only when the case's
    review is published or summarised; otherwise "Rapid Review 1", "Rapid Review 2"..."""

    label: str
    named: bool
    started: str | None
    due: str | None
    completed: str | None
    working_days: int | None  # working days from the clock's start to completion
    on_time: bool | None  # None while not complete
    outcome: str  # the outcome's label, or "Not decided yet"
    action_taken: str  # e.g. "Local review commissioned", "4 of 9 actions complete"
    link: str


@dataclass(frozen=True)
class LocalReviewRow:
    """A local child safeguarding practice review open at some point in the period."""

    label: str
    named: bool
    stage: str
    decided: str
    target: str
    completed: str | None  # published, or decided not to publish
    on_time: bool | None
    publication: str  # "Published on 4 June 2024", "Decided not to publish", "Not yet decided"
    published_url: str
    action_taken: str
    link: str


@dataclass(frozen=True)
class NationalReferralRow:
    """A referral for a national review made or answered in the period."""

    label: str
    named: bool
    referred: str
    outcome: str  # the panel's answer, or "Awaiting the panel's decision"
    link: str


@dataclass(frozen=True)
class Reviews:
    """Part 2: the Rapid Reviews, local reviews and national referrals of the period."""

    rapid: list[RapidReviewRow]
    rapid_completed: int
    rapid_on_time: int
    local: list[LocalReviewRow]
    local_on_time: int
    local_completed: int
    national: list[NationalReferralRow]
    missing: str


# --- 3. evidence of impact ----------------------------------------------------------------


@dataclass(frozen=True)
class ImpactEntry:
    """One piece of evidence of impact: on an action, or in a progress update."""

    action: str
    link: str
    status: str
    recorded: str | None  # the update's date; the completion date for an action's own
    text: str


@dataclass(frozen=True)
class ObjectiveImpact:
    """The evidence of impact under one objective (or "Other work" for actions outside)."""

    reference: str
    title: str
    link: str
    completed: int
    in_progress: int
    entries: list[ImpactEntry]


@dataclass(frozen=True)
class CountRow:
    """A label and how many: a grade and the answers given it, a theme and its escalations."""

    label: str
    count: int


@dataclass(frozen=True)
class AuditQuestionRow:
    """One question of a multi-agency case audit: the grade agreed and how agencies graded."""

    number: int
    text: str
    agreed_grade: str  # "" when none was agreed
    finding: str
    grades: list[CountRow]  # every grade of the scale, best first, with the answers given it


@dataclass(frozen=True)
class AuditEntry:
    """A multi-agency case audit completed in the period."""

    title: str
    theme: str
    completed: str  # ISO date
    agencies: int  # asked for a return
    returns: int  # returns sent
    cases: int
    questions: list[AuditQuestionRow]
    findings: str
    good_practice: str
    learning: str
    actions: list[str]  # titles of the actions that came of it
    link: str


@dataclass(frozen=True)
class ScrutinyRecommendationRow:
    """A recommendation of the independent scrutineer and the actions taken on it."""

    number: int
    text: str
    actions: list[str]


@dataclass(frozen=True)
class ScrutinyEntry:
    """An independent scrutiny activity whose findings were reported in the period."""

    title: str
    kind: str
    function: str
    reported: str | None  # ISO date
    findings: str
    good_practice: str
    response: str  # the partnership's response ("" when not given yet)
    recommendations: list[ScrutinyRecommendationRow]
    link: str


@dataclass(frozen=True)
class StandardRow:
    """A self-assessment standard and how organisations graded it (agreed grades where
    moderated)."""

    number: str
    title: str
    grades: list[CountRow]
    gaps: int


@dataclass(frozen=True)
class RoundEntry:
    """A Section 11 or schools self-assessment round due in the period."""

    title: str
    kind: str
    due: str | None  # ISO date
    organisations: int  # asked
    returned: int
    moderated: int
    standards: list[StandardRow]
    gaps: int  # answers graded as gaps, over every standard
    gaps_with_actions: int
    actions: int
    link: str


@dataclass(frozen=True)
class EscalationFigures:
    """The escalations between agencies in the period: how many, how far, what about, how
    long they took (working days) and what was learned."""

    raised: int  # raised in the period (the stages and themes count these)
    resolved: int  # resolved in the period (the median counts these)
    open_at_end: int  # raised by ``as_of`` and still open then
    by_stage: list[CountRow]
    by_theme: list[CountRow]
    median_days: float | None
    learning: list[str]
    link: str


@dataclass(frozen=True)
class DataRow:
    """One period of an indicator in the report's table: the figure and its comparators."""

    period: str
    figure: str
    england: str
    region: str
    neighbours: str


@dataclass(frozen=True)
class DataIndicator:
    """One indicator the partnership chose for the report, over the period and the year
    before it, with only figures approved for publication (small numbers hidden)."""

    reference: str
    name: str
    definition: str
    unit: str
    polarity: str
    latest_period: str
    latest: str  # the last figure in the period, in words
    change: str  # against the same period a year before: "up from 41.2, worse"
    standing: str  # against the tolerance band
    comparison: str  # against England and the comparators, in a sentence
    commentary: str  # the owner's, on the last period
    exceptions: list[str]
    actions: list[str]  # the actions raised from it: title, and how far it had got
    rows: list[DataRow]
    chart_key: str
    link: str


@dataclass(frozen=True)
class DataFigures:
    """The multi-agency dataset in the period: the chosen indicators and their exceptions."""

    indicators: list[DataIndicator]
    exceptions: int
    suppress_below: int
    sources: list[str]  # the population estimates and benchmark releases used
    missing: str  # why there is nothing to show, when there is nothing
    link: str


@dataclass(frozen=True)
class Impact:
    """Part 3: evidence of impact grouped by objective, the multi-agency dataset, the
    assurance work of the period (case audits, scrutiny, self-assessments, escalations), and
    training when recorded.

    The assurance and data fields came after the first published reports: a snapshot without
    them reads as having none.
    """

    objectives: list[ObjectiveImpact]
    entries: int
    training: str  # what is known about training, or why there is nothing
    missing: str
    audits: list[AuditEntry] = field(default_factory=list)
    scrutiny: list[ScrutinyEntry] = field(default_factory=list)
    rounds: list[RoundEntry] = field(default_factory=list)
    escalations: EscalationFigures | None = None
    data: DataFigures | None = None


# --- 4. little or no progress -------------------------------------------------------------


@dataclass(frozen=True)
class GapAction:
    """An action listed for little or no progress, and why."""

    title: str
    link: str
    rating: str
    reasons: list[str]


@dataclass(frozen=True)
class GapObjective:
    """An objective with little or no progress, or with actions that made little."""

    reference: str
    title: str
    link: str
    plan: str
    reasons: list[str]
    actions: list[GapAction]


@dataclass(frozen=True)
class Progress:
    """Part 4: where progress stalled in the period, with the reasons (the tracker's rule)."""

    objectives: list[GapObjective]
    objectives_considered: int
    rule: str  # the rule in one paragraph, for the reader
    missing: str


# --- 5. decisions and actions on review recommendations -------------------------------------


@dataclass(frozen=True)
class RecommendationRow:
    """One recommendation and what was done about it."""

    number: int
    text: str
    scope: str
    agency_response: str
    actions: int
    completed: int
    in_progress: int
    improvements: list[str]  # evidence of impact from its actions


@dataclass(frozen=True)
class ReviewRecommendations:
    """A review's recommendations: one of ours (published or summarised) or from elsewhere."""

    title: str
    kind: str
    source: str
    published: str | None
    link: str
    recommendations: list[RecommendationRow]


@dataclass(frozen=True)
class Recommendations:
    """Part 5: recommendations of our reviews and of learning from elsewhere, and the actions.

    Reviews of ours not yet published appear only as counts (``unpublished_*``).
    """

    local: list[ReviewRecommendations]
    national: list[ReviewRecommendations]  # national panel reviews, inquiries, other reviews
    unpublished_reviews: int
    unpublished_recommendations: int
    unpublished_actions: int
    unpublished_completed: int
    missing: str


# --- 6. feedback from children and families -----------------------------------------------


@dataclass(frozen=True)
class FeedbackEntry:
    """A progress update flagged as feedback from children and families."""

    recorded: str
    action: str
    link: str
    objective: str  # the objective's reference and title, or ""
    how_sought: str  # the update's narrative
    how_used: str  # its evidence of impact ("" when none recorded)


@dataclass(frozen=True)
class EngagementActionRow:
    """An action that came of what children and families said, as it stood on ``as_of``."""

    title: str
    status: str
    link: str


@dataclass(frozen=True)
class EngagementEntry:
    """A piece of work held in the period that heard children, young people or families
    (the voice register)."""

    title: str
    kind: str  # "Survey", "Group or forum"...
    held_from: str  # ISO date
    held_to: str | None
    who: str  # who was heard, as a group
    how_many: int | None
    led_by: str
    commissioned_by: str
    what_said: str
    what_changed: str
    actions: list[EngagementActionRow]
    link: str


@dataclass(frozen=True)
class Feedback:
    """Part 6: how feedback from children and families was sought and used: the voice
    register's engagements of the period, then progress updates flagged as feedback.

    ``engagements`` came after the first published reports: a snapshot without them reads
    as having none.
    """

    entries: list[FeedbackEntry]
    missing: str
    engagements: list[EngagementEntry] = field(default_factory=list)


# --- training and its impact (partnership.training; part made by parts/training.py) --------


@dataclass(frozen=True)
class UptakeRow:
    """Attendance of one agency or sector against the number the partnership expected."""

    label: str
    expected: int | None  # None when no expectation was set
    attended: int
    percent: int | None  # attended / expected, rounded; None without an expectation


@dataclass(frozen=True)
class CourseRow:
    """One course of the multi-agency training programme, over its sessions in the period."""

    title: str
    level: str  # the level's label
    priority: str  # the plan priority it serves ("P2 Neglect"), or ""
    sessions: int  # held in the period (not cancelled)
    places: int
    attended: int
    evaluations: int
    confidence_before: float | None  # mean on the evaluation's 1-5 scale, one decimal
    confidence_after: float | None
    useful_percent: int | None  # evaluations rating it useful (4 or 5 of 5)
    link: str


@dataclass(frozen=True)
class Training:
    """The multi-agency training of the period: reach (uptake by sector and agency against
    what was expected), what learners said, and the follow-up of its impact on practice."""

    courses: list[CourseRow]
    sessions_held: int
    places: int
    booked: int
    attended: int
    did_not_attend: int
    by_sector: list[UptakeRow]
    by_agency: list[UptakeRow]
    evaluations: int
    confidence_before: float | None
    confidence_after: float | None
    follow_ups_sent: int
    follow_ups_answered: int
    practice_changed: int  # follow-ups saying practice changed (fully or partly)
    manager_confirmed: int  # of those, confirmed by a manager (0 when not used)
    manager_confirmation_used: bool
    examples: list[str]  # what changed in practice, as answered (agency and role, no names)
    missing: str  # why there is nothing to show, when there is nothing
    link: str


# --- money (partnership.funding; part made by parts/money.py) ------------------------------
# Amounts are whole pence (int), exact and JSON-safe; the document prints them in pounds.


@dataclass(frozen=True)
class ContributionRow:
    """One contributor's money for the year: agreed, received, and what it gave in kind."""

    contributor: str  # the agency's name
    partner: str  # the statutory partner it counts under ("Local authority"...), or "Other"
    agreed: int
    received: int
    in_kind: str  # what it gave in kind, in words ("" when nothing)
    in_kind_value: int


@dataclass(frozen=True)
class ShareRow:
    """A statutory partner's (or others') share of the agreed contributions."""

    label: str
    amount: int
    percent: int | None


@dataclass(frozen=True)
class BudgetRow:
    """A budget line: what was set, what was spent, the difference."""

    heading: str
    budget: int
    spent: int


@dataclass(frozen=True)
class Money:
    """The shared budget of the reporting year that ends in the period: income, spending,
    in-kind contributions and the year-end position, and the signed budget statement."""

    year_label: str  # "2025-26"
    contributions: list[ContributionRow]
    shares: list[ShareRow]
    agreed_total: int
    received_total: int
    other_income: int  # grants and other income received
    in_kind_total: int
    budget_lines: list[BudgetRow]
    budget_total: int
    spent_total: int
    opening_balance: int  # carried from the year before
    closing_balance: int  # opening + received + other income - spent
    statement: str  # "Signed off by the three partners on 12 May 2026", or why not
    statement_link: str
    missing: str
    link: str


# --- the coming year ------------------------------------------------------------------------


@dataclass(frozen=True)
class NextYearObjective:
    """An objective the partnership's plan sets for the year after the period."""

    reference: str
    title: str
    outcome: str  # the intended outcome ("" when none is recorded)
    actions: int  # actions set for that year under it
    link: str


@dataclass(frozen=True)
class NextYear:
    """What the business plan sets for the reporting year after the period, and the actions
    carried into it from the period."""

    year_label: str  # "2026-27"
    plan: str  # the plan's title ("" when none covers that year)
    objectives: list[NextYearObjective]
    carried_forward: list[str]  # titles of actions carried forward into that year
    missing: str


# --- 8. changes to the arrangements -------------------------------------------------------


@dataclass(frozen=True)
class ArrangementsVersionRef:
    """A published arrangements version."""

    title: str
    published: str
    link: str


@dataclass(frozen=True)
class ChangeGroupRow:
    """Changes of one kind in one part of the register, e.g. "Agencies added"."""

    heading: str
    changes: list[str]


@dataclass(frozen=True)
class Changes:
    """Part 8: the differences between the versions in force at the start and the end."""

    at_start: ArrangementsVersionRef | None
    at_end: ArrangementsVersionRef | None
    published_in_period: list[ArrangementsVersionRef]
    groups: list[ChangeGroupRow]
    missing: str


# --- charts -------------------------------------------------------------------------------


# --- the whole report ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReportContent:
    """Everything the yearly report computes from the records, for one period."""

    partnership: str
    partnership_short: str
    slug: str
    period_start: str
    period_end: str
    period_label: str  # "2024-25" (en dash), or "1 April 2024 to 30 September 2024"
    as_of: str  # the day everything is judged as at: the period's end, or today if earlier
    activities: Activities
    reviews: Reviews
    impact: Impact
    progress: Progress
    recommendations: Recommendations
    feedback: Feedback
    changes: Changes
    charts: list[Chart] = field(default_factory=list)
    # Came after the first published reports: a snapshot without them reads as having none.
    training: Training | None = None
    money: Money | None = None
    next_year: NextYear | None = None


# --- the document: content, narrative and sign-offs together --------------------------------


@dataclass(frozen=True)
class Assessment:
    """The independent scrutineer's assessment, shown as theirs."""

    markdown: str
    written_by: str
    written_as: str
    updated: str | None


@dataclass(frozen=True)
class SignOffLine:
    """A partner's sign-off as the document prints it."""

    partner: str
    signed_by: str
    role: str
    signed: str


@dataclass(frozen=True)
class ReportDocument:
    """What the document is made from: a live draft, or (as a dict) a published snapshot.

    ``narrative`` maps a :class:`~partnership.reports.models.ReportSection` value (not the
    assessment) to its Markdown; sections never written are absent or "".
    """

    title: str
    status: str  # "DRAFT", or "Published 30 September 2025"
    draft: bool
    content: ReportContent
    narrative: dict[str, str]
    assessment: Assessment | None
    sign_offs: list[SignOffLine]
    published: str | None  # ISO date of publication

"""What must be done before a case moves on: the one home of the stage gates.

Each move out of a stage asks :func:`missing_for` what the law and the national panel's
guidance want done first (the Rapid Review's recommended outcome and rationale, each
statutory partner's sign-off, the date it went to the panel, every agency's information
received or waived with a reason, the looked-after child notifications; the panel's answer
to a national referral; the group's approval, the board's presentation and a recorded
publication decision, welfare risks weighed, before a local review is published). The
answer is a list of items in words: the stage page shows it, the refusal names it, the
team's override records it, the timeline keeps it. :func:`stage_items` says what belongs
to a stage, so that leaving it closes or carries each over (see ``cases.move_case``).
"""

from __future__ import annotations

from flask import current_app

from partnership import clock
from partnership.kernel.dates import long_date
from partnership.register.services.partnerships import partners_in_order
from partnership.reviews.models import (
    Case,
    LocalReview,
    MilestoneKind,
    PublicationDecision,
    RapidOutcome,
    Stage,
)

# Stages whose Rapid Review deadline and agencies' information requests are live.
RAPID_STAGES = (Stage.NOTIFICATION, Stage.RAPID_REVIEW)
# The recommended outcome each move out of the Rapid Review follows.
OUTCOME_FOR: dict[Stage, RapidOutcome] = {
    Stage.LOCAL_REVIEW: RapidOutcome.LOCAL_REVIEW,
    Stage.NATIONAL_REVIEW: RapidOutcome.NATIONAL_REFERRAL,
    Stage.ACTION_PLAN: RapidOutcome.NO_FURTHER_REVIEW,
    Stage.CLOSED: RapidOutcome.NO_FURTHER_REVIEW,
}
# The Rapid Review's written sections a setting may require, in words.
SECTION_WORDS = {
    "analysis": "the analysis of practice",
    "equality_analysis": "the analysis of how race, other inequalities and disability shaped "
                         "the child's experience and the practice",
    "immediate_actions": "the immediate actions taken",
    "learning": "the learning identified",
    "outcome_reason": "the rationale for the decision",
}
PUBLISHING = (PublicationDecision.PUBLISH, PublicationDecision.PUBLISH_REDACTED)


def _looked_after(case: Case) -> list[str]:
    if not case.looked_after_death:
        return []
    missing = []
    if case.secretary_of_state_notified_on is None:
        missing.append("the date the Secretary of State was told of the looked-after "
                       "child's death")
    if case.ofsted_notified_on is None:
        missing.append("the date Ofsted was told of the looked-after child's death")
    return missing


def rapid_review_missing(case: Case, to: Stage) -> list[str]:
    """What the Rapid Review still needs before the case leaves it for ``to``."""
    rapid = case.rapid_review
    if rapid is None:
        return ["the Rapid Review itself: its analysis, recommended outcome and sign-off"]
    missing = []
    if rapid.outcome is None:
        missing.append("the recommended outcome")
    elif to in OUTCOME_FOR and rapid.outcome is not OUTCOME_FOR[to]:
        missing.append(f"a recommended outcome that leads to {to.label.lower()} (the Rapid "
                       f"Review recommends {rapid.outcome.label.lower()})")
    required = current_app.config.get("REVIEWS_RAPID_REVIEW_REQUIRED", ("outcome_reason",))
    for name in required:
        if not str(getattr(rapid, name, "") or "").strip():
            missing.append(SECTION_WORDS.get(name, name.replace("_", " ")))
    signed = {row.partner_id for row in rapid.sign_offs}
    for partner in partners_in_order(case.partnership):
        if partner.id not in signed:
            missing.append(f"sign-off by {partner.name_on(clock.today())}")
    if rapid.sent_to_panel_on is None:
        missing.append("the date the Rapid Review was sent to the national panel")
    for request in rapid.requests:
        if not request.settled:
            missing.append(f"the information from {request.agency.name} (due "
                           f"{long_date(request.due_on)}), received or waived with a reason")
    return missing + _looked_after(case)


def publication_missing(local: LocalReview) -> list[str]:
    """What must be done before a local review's report is published (or the review ends)."""
    done = {m.kind for m in local.milestones if m.done_on is not None}
    missing = []
    if MilestoneKind.APPROVED_BY_GROUP not in done:
        missing.append("the reviewing group's approval of the report")
    if MilestoneKind.PRESENTED_TO_BOARD not in done:
        missing.append("the report's presentation to the board")
    if local.publication_decision is None or not local.publication_risks.strip():
        missing.append("the publication decision, with the risks to the child's or others' "
                       "welfare weighed")
    return missing


def local_review_missing(case: Case) -> list[str]:
    """What the local review still needs before the case leaves it."""
    local = case.local_review
    if local is None:
        return ["the decision to hold a local review"]
    missing = publication_missing(local)
    if local.publication_decision in PUBLISHING and local.published_on is None:
        missing.append("the date the report was published")
    return missing


def missing_for(case: Case, to: Stage) -> list[str]:
    """Everything still to be done before the case may move from its stage to ``to``, in
    words (empty: it may move)."""
    if case.stage is Stage.RAPID_REVIEW:
        return rapid_review_missing(case, to)
    if case.stage is Stage.NATIONAL_REVIEW:
        referral = case.national_referral
        if referral is None or referral.outcome_on is None:
            return ["the national panel's response to the referral for a national review"]
        return _looked_after(case)
    if case.stage is Stage.LOCAL_REVIEW:
        return local_review_missing(case)
    return []


def missing_by_move(case: Case, stages: list[Stage]) -> dict[Stage, list[str]]:
    """What each allowed move still needs (the stage page lists it before anyone tries)."""
    return {stage: missing_for(case, stage) for stage in stages}


def still_to_do(case: Case, to: Stage, missing: list[str]) -> str:
    """One refusal, in words: what the move needs."""
    return (f"{case.reference} cannot move to {to.label} yet. Still to do: "
            + "; ".join(missing))

"""Part 2, child safeguarding practice reviews: Rapid Reviews, local reviews, referrals.

A Rapid Review is listed when its clock started by ``as_of`` and it was not sent to the
panel before the period's start. Its deadline, due date and completion come from
:func:`partnership.reviews.services.deadlines.deadlines_of` (15 working days from the
clock's start, the partnership's closure days kept, met on the day it was sent to the
panel); ``working_days`` counts the working days after the clock's start up to and
including that day, so a review sent on its due date took 15. A local review is listed when
decided by ``as_of`` and not completed (published, or decided not to publish) before the
period's start; it is on time when completed by its target, and its monitoring checks (up to
``as_of``) and weeks past its target are said after its stage. A referral for national review
is listed when made or answered in the period (by ``as_of``). The action taken is said in
counts: the outcome, and how many of the case's actions (of its Rapid Review and local
review; not cancelled or carried forward) were complete on ``as_of``.

A case is named (by its pseudonymous reference) only when its local review has been
published or summarised; every other case is "Rapid Review 1", "Local review 2",
"Referral 1"..., numbered in date order among the unnamed ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from flask import url_for

from partnership.extensions import db
from partnership.kernel.dates import long_date, working_days_between
from partnership.reports.content import (
    LocalReviewRow,
    NationalReferralRow,
    RapidReviewRow,
    Reviews,
)
from partnership.reports.parts.records import Records, actions_done, iso
from partnership.reviews.models import (
    Case,
    LocalReview,
    MilestoneKind,
    MonitoringEntry,
    PublicationDecision,
    RapidOutcome,
    Review,
    ReviewKind,
)
from partnership.reviews.services.deadlines import Deadline, DeadlineKind


def _deadline(records: Records, case: Case, kind: str) -> Deadline | None:
    return next((d for d in records.deadlines.get(case.id, []) if d.kind == kind), None)


def _case_reviews(records: Records, case_id: int, kind: ReviewKind) -> list[Review]:
    return [r for r in records.reviews if r.case_id == case_id and r.kind is kind]


def _plan_link(records: Records, case: Case, *kinds: ReviewKind) -> str:
    """The action plan of the named case's review (of the first kind that has one)."""
    if case.id not in records.named:
        return ""
    for kind in kinds:
        found = _case_reviews(records, case.id, kind)
        if found:
            return url_for("learning.action_plan", review_id=found[0].id)
    return ""


def _labels(records: Records, items: Sequence[tuple[dt.date, Case]],
            word: str) -> dict[int, str]:
    """Name each case: its reference when named, else "<word> 1", "<word> 2"... by date."""
    labels = {}
    number = 0
    for _day, case in sorted(items, key=lambda item: (item[0], item[1].id)):
        if case.id in records.named:
            labels[case.id] = case.reference
        else:
            number += 1
            labels[case.id] = f"{word} {number}"
    return labels


def _rapid_taken(records: Records, case: Case, completed: dt.date | None) -> str:
    rapid = case.rapid_review
    outcome = rapid.outcome if rapid is not None else None
    parts = []
    if outcome is RapidOutcome.LOCAL_REVIEW:
        parts.append("Local review commissioned" if case.local_review is not None
                     else "Local review recommended")
    elif outcome is RapidOutcome.NATIONAL_REFERRAL:
        parts.append("Referred for a national review" if case.national_referral is not None
                     else "Referral for a national review recommended")
    elif outcome is RapidOutcome.NO_FURTHER_REVIEW:
        parts.append("No further review")
    if completed is None and outcome is None:
        return "Rapid Review under way"
    done = actions_done(records, records.by_case.get(case.id, []))
    parts.append(done[:1].lower() + done[1:] if parts else done)
    return "; ".join(parts)


def rapid_found(records: Records) -> list[tuple[dt.date, Case, Deadline]]:
    """The Rapid Reviews of the period: clock started by ``as_of``, not met before its start."""
    found: list[tuple[dt.date, Case, Deadline]] = []
    for case in records.cases:
        deadline = _deadline(records, case, DeadlineKind.RAPID_REVIEW)
        if deadline is None or deadline.clock_start is None:
            continue
        if deadline.clock_start > records.as_of:
            continue
        if deadline.met_on is not None and deadline.met_on < records.start:
            continue
        found.append((deadline.clock_start, case, deadline))
    return found


def _rapid_rows(records: Records) -> list[RapidReviewRow]:
    found = rapid_found(records)
    labels = _labels(records, [(day, case) for day, case, _ in found], "Rapid Review")
    rows = []
    for started, case, deadline in sorted(found, key=lambda item: (item[0], item[1].id)):
        completed = records.by_as_of(deadline.met_on)
        rapid = case.rapid_review
        outcome = rapid.outcome if rapid is not None else None
        named = case.id in records.named
        rows.append(RapidReviewRow(
            label=labels[case.id], named=named, started=iso(started), due=iso(deadline.due),
            completed=iso(completed),
            working_days=(working_days_between(started, completed, records.closures)
                          if completed is not None else None),
            on_time=completed <= deadline.due if completed is not None else None,
            outcome=outcome.label if outcome is not None else "Not decided yet",
            action_taken=_rapid_taken(records, case, completed),
            link=_plan_link(records, case, ReviewKind.RAPID_REVIEW, ReviewKind.LOCAL_REVIEW)))
    return rows


def _local_stage(local: LocalReview, completed: dt.date | None, due: dt.date,
                 as_of: dt.date) -> str:
    if completed is not None:
        if local.publication_decision is PublicationDecision.DO_NOT_PUBLISH and (
                local.published_on is None or local.published_on > as_of):
            return "Complete; decided not to publish"
        return "Published"
    reached = [m for m in local.milestones if m.done_on is not None and m.done_on <= as_of]
    stage = (max(reached, key=lambda m: (m.done_on, list(MilestoneKind).index(m.kind)))
             .kind.label if reached else "Under way")
    return f"{stage} (past its target date)" if due < as_of else stage


def _checks_of(found: Sequence[tuple[dt.date, Case, Deadline]]
               ) -> dict[int, list[MonitoringEntry]]:
    """Every listed local review's monitoring checks, in one query whatever their number."""
    ids = [case.local_review.id for _, case, _ in found if case.local_review is not None]
    checks: dict[int, list[MonitoringEntry]] = {local_id: [] for local_id in ids}
    if ids:
        for entry in db.session.scalars(sa.select(MonitoringEntry).where(
                MonitoringEntry.local_review_id.in_(ids))):
            checks[entry.local_review_id].append(entry)
    return checks


def _monitoring(entries: Sequence[MonitoringEntry], completed: dt.date | None, due: dt.date,
                as_of: dt.date) -> str:
    """The review's monitoring in the period's words (regulation 14: time and quality at
    regular intervals), with its slippage against the target: "" when never monitored."""
    checks = sorted((e for e in entries if e.recorded_on <= as_of),
                    key=lambda e: (e.recorded_on, e.id))
    if not checks:
        return ""
    last = checks[-1]
    words = (f"monitored {len(checks)} time{'s' if len(checks) != 1 else ''}, the last on "
             f"{long_date(last.recorded_on)} ({'on time' if last.on_time else 'behind time'})")
    weeks = ((completed or as_of) - due).days // 7
    if weeks > 0:
        words += f"; {weeks} week{'s' if weeks != 1 else ''} past its target"
    return words


def _publication(local: LocalReview, as_of: dt.date) -> str:
    if local.published_on is not None and local.published_on <= as_of:
        return f"Published on {long_date(local.published_on)}"
    decision = local.publication_decision
    if decision is PublicationDecision.DO_NOT_PUBLISH:
        return "Decided not to publish"
    if decision is PublicationDecision.PUBLISH:
        return "To be published"
    if decision is PublicationDecision.PUBLISH_REDACTED:
        return "To be published with redactions"
    return "Not yet decided"


def local_found(records: Records) -> list[tuple[dt.date, Case, Deadline]]:
    """The local reviews open at some point in the period."""
    found: list[tuple[dt.date, Case, Deadline]] = []
    for case in records.cases:
        local = case.local_review
        deadline = _deadline(records, case, DeadlineKind.LOCAL_REVIEW)
        if local is None or deadline is None or local.decided_on > records.as_of:
            continue
        if deadline.met_on is not None and deadline.met_on < records.start:
            continue
        found.append((local.decided_on, case, deadline))
    return found


def _local_rows(records: Records) -> list[LocalReviewRow]:
    found = local_found(records)
    labels = _labels(records, [(day, case) for day, case, _ in found], "Local review")
    monitoring = _checks_of(found)
    rows = []
    for decided, case, deadline in sorted(found, key=lambda item: (item[0], item[1].id)):
        local = case.local_review
        assert local is not None
        completed = records.by_as_of(deadline.met_on)
        named = case.id in records.named
        stage = _local_stage(local, completed, deadline.due, records.as_of)
        monitored = _monitoring(monitoring.get(local.id, []), completed, deadline.due,
                                records.as_of)
        rows.append(LocalReviewRow(
            label=labels[case.id], named=named,
            stage=f"{stage}; {monitored}" if monitored else stage,
            decided=decided.isoformat(), target=deadline.due.isoformat(),
            completed=iso(completed),
            on_time=completed <= deadline.due if completed is not None else None,
            publication=_publication(local, records.as_of),
            published_url=(local.published_url if named and local.published_on is not None
                           and local.published_on <= records.as_of else ""),
            action_taken=actions_done(records, records.by_case.get(case.id, [])),
            link=_plan_link(records, case, ReviewKind.LOCAL_REVIEW, ReviewKind.RAPID_REVIEW)))
    return rows


def national_found(records: Records) -> list[tuple[dt.date, Case]]:
    """The referrals for national review made or answered in the period."""
    found = []
    for case in records.cases:
        referral = case.national_referral
        if referral is None:
            continue
        if referral.referred_on > records.as_of:
            continue
        if records.in_period(referral.referred_on) or records.in_period(
                records.by_as_of(referral.outcome_on)):
            found.append((referral.referred_on, case))
    return found


def _national_rows(records: Records) -> list[NationalReferralRow]:
    found = national_found(records)
    labels = _labels(records, found, "Referral")
    rows = []
    for referred, case in sorted(found, key=lambda item: (item[0], item[1].id)):
        referral = case.national_referral
        assert referral is not None
        named = case.id in records.named
        answered = records.by_as_of(referral.outcome_on)
        if answered is None:
            outcome = "Awaiting the panel's decision"
        elif named and referral.outcome.strip():
            outcome = referral.outcome.strip()
        else:
            outcome = f"The panel answered on {long_date(answered)}"
        rows.append(NationalReferralRow(
            label=labels[case.id], named=named, referred=referred.isoformat(),
            outcome=outcome,
            link=_plan_link(records, case, ReviewKind.LOCAL_REVIEW, ReviewKind.RAPID_REVIEW)))
    return rows


def reviews(records: Records) -> Reviews:
    """List the period's Rapid Reviews, local reviews and national referrals."""
    rapid, local, national = _rapid_rows(records), _local_rows(records), _national_rows(records)
    missing = "" if rapid or local or national else (
        "There were no Rapid Reviews, local child safeguarding practice reviews or referrals "
        "for national review in this period.")
    return Reviews(
        rapid=rapid, rapid_completed=sum(row.completed is not None for row in rapid),
        rapid_on_time=sum(row.on_time is True for row in rapid),
        local=local, local_on_time=sum(row.on_time is True for row in local),
        local_completed=sum(row.completed is not None for row in local),
        national=national, missing=missing)

"""Compare two published yearly reports: their key figures side by side, and their narrative.

A published report keeps its snapshot (``dataclasses.asdict`` of a
:class:`~partnership.reports.content.ReportDocument`), so two reports are compared from
what they said when published, never from the records as they are now. Both a snapshot
dict and a live :class:`ReportDocument` are accepted.

Every figure here is counted from the snapshot's own rows and totals, so the comparison
needs nothing but the two snapshots and can be checked by hand.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from partnership.kernel.textdiff import sentence_changes
from partnership.reports.models import ReportSection

Snapshot = Mapping[str, Any]

# The parts of the report, in document order: (key in the content, heading).
PARTS = (
    ("activities", "1. Summary of activities"),
    ("reviews", "2. Child safeguarding practice reviews"),
    ("impact", "3. Evidence of impact"),
    ("progress", "4. Little or no progress"),
    ("recommendations", "5. Decisions and actions on review recommendations"),
    ("feedback", "6. Feedback from children and families"),
    ("changes", "8. Changes to the arrangements"),
)


@dataclass(frozen=True)
class FigureChange:
    """One key figure in the earlier and the later report, and the difference."""

    label: str
    older: int | None
    newer: int | None
    difference: int | None  # newer - older; None when either is missing
    unit: str  # "" for counts, "%" for percentages (differences are percentage points)
    described: str  # the difference in words: "3 more", "2 fewer", "No change", "..."


@dataclass(frozen=True)
class PartComparison:
    """A part of the report's key figures, side by side."""

    key: str
    title: str
    figures: list[FigureChange]

    @property
    def changed(self) -> int:
        """Count the figures that differ."""
        return sum(1 for figure in self.figures if figure.older != figure.newer)


@dataclass(frozen=True)
class NarrativeChange:
    """Whether a narrative section changed between the two reports."""

    section: str  # the ReportSection value
    title: str
    change: str  # "added", "removed", "changed" or "unchanged"
    older_words: int
    newer_words: int
    #: What changed, sentence by sentence: "Added: “…”", "Removed: “…”", "Reworded: …".
    said: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Say whether the section's text differs."""
        return self.change != "unchanged"


@dataclass(frozen=True)
class ReportComparison:
    """Two reports compared: key figures per part and which narrative sections changed."""

    older_title: str
    newer_title: str
    older_period: str
    newer_period: str
    parts: list[PartComparison]
    narrative: list[NarrativeChange]

    @property
    def changed_sections(self) -> list[NarrativeChange]:
        """Return only the narrative sections whose text changed."""
        return [entry for entry in self.narrative if entry.changed]


# --- reading a snapshot ---------------------------------------------------------------------


def as_snapshot(document: Any) -> Snapshot:
    """Return a document as its snapshot dict (a dataclass is converted; a dict is kept)."""
    if dataclasses.is_dataclass(document) and not isinstance(document, type):
        return dataclasses.asdict(document)
    if isinstance(document, Mapping):
        return document
    raise TypeError(f"not a report document or snapshot: {type(document).__name__}")


def _part(snapshot: Snapshot, key: str) -> Mapping[str, Any]:
    content = snapshot.get("content") or {}
    value = content.get(key) if isinstance(content, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def _number(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return round(value)
    return None


def _rows(part: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    rows = part.get(key)
    return [row for row in rows if isinstance(row, Mapping)] if isinstance(rows, list) else []


def _count(part: Mapping[str, Any], key: str) -> int | None:
    rows = part.get(key)
    return len(rows) if isinstance(rows, list) else None


def _sum(values: list[int | None]) -> int | None:
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def _recommendation_rows(part: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [row for review in _rows(part, "local") + _rows(part, "national")
            for row in _rows(review, "recommendations")]


def _recommendations_total(part: Mapping[str, Any]) -> int | None:
    if not part:
        return None
    return len(_recommendation_rows(part)) + (_number(part.get("unpublished_recommendations"))
                                              or 0)


def _recommendations_complete(part: Mapping[str, Any]) -> int | None:
    """Recommendations listed whose actions are all complete (at least one action)."""
    if not part:
        return None
    return sum(1 for row in _recommendation_rows(part)
               if (_number(row.get("actions")) or 0) > 0
               and _number(row.get("completed")) == _number(row.get("actions")))


def _recommendation_actions(part: Mapping[str, Any], key: str, unpublished: str) -> int | None:
    if not part:
        return None
    return (sum(_number(row.get(key)) or 0 for row in _recommendation_rows(part))
            + (_number(part.get(unpublished)) or 0))


def _gap_actions(part: Mapping[str, Any]) -> int | None:
    if not part:
        return None
    return sum(len(_rows(objective, "actions")) for objective in _rows(part, "objectives"))


def _feedback_used(part: Mapping[str, Any]) -> int | None:
    if not part:
        return None
    return sum(1 for entry in _rows(part, "entries") if str(entry.get("how_used") or "").strip())


def _escalations_raised(part: Mapping[str, Any]) -> int | None:
    """Escalations raised in the period; None for a report from before the log (no key)."""
    if "escalations" not in part:
        return None
    escalations = part.get("escalations")
    return _number(escalations.get("raised")) if isinstance(escalations, Mapping) else 0


def _change_lines(part: Mapping[str, Any]) -> int | None:
    if not part:
        return None
    return sum(len(group.get("changes") or []) for group in _rows(part, "groups"))


# (label, unit, how to read it from the part)
Reader = Callable[[Mapping[str, Any]], int | None]


def _field(key: str) -> Reader:
    return lambda part: _number(part.get(key))


def _length(key: str) -> Reader:
    return lambda part: _count(part, key)


FIGURES: dict[str, tuple[tuple[str, str, Reader], ...]] = {
    "activities": (
        ("Meetings held", "", _field("meetings_held")),
        ("Decisions made at meetings", "", _field("decisions")),
        ("Attendance by agencies", "%", _field("attendance_percent")),
        ("Business-plan actions in the period", "", _field("actions_live")),
        ("Business-plan actions completed", "", _field("actions_completed")),
        ("Rapid Reviews completed", "", _field("rapid_reviews")),
        ("Local reviews open", "", _field("local_reviews")),
        ("Referrals for national review", "", _field("national_referrals")),
        ("Reviews from elsewhere taken in", "", _field("learning_reviews")),
        ("Arrangements versions published", "", _field("arrangements_published")),
    ),
    "reviews": (
        ("Rapid Reviews in the period", "", _length("rapid")),
        ("Rapid Reviews completed", "", _field("rapid_completed")),
        ("Rapid Reviews on time", "", _field("rapid_on_time")),
        ("Local reviews in the period", "", _length("local")),
        ("Local reviews completed", "", _field("local_completed")),
        ("Local reviews on time", "", _field("local_on_time")),
        ("Referrals for national review", "", _length("national")),
    ),
    "impact": (
        ("Evidence of impact entries", "", _field("entries")),
        ("Objectives with evidence", "", _length("objectives")),
        ("Multi-agency case audits completed", "", _length("audits")),
        ("Scrutiny activities reported", "", _length("scrutiny")),
        ("Self-assessment rounds", "", _length("rounds")),
        ("Escalations raised", "", _escalations_raised),
    ),
    "progress": (
        ("Objectives considered", "", _field("objectives_considered")),
        ("Objectives with little or no progress", "", _length("objectives")),
        ("Actions with little or no progress", "", _gap_actions),
    ),
    "recommendations": (
        ("Recommendations", "", _recommendations_total),
        ("Recommendations complete", "", _recommendations_complete),
        ("Actions on recommendations", "", lambda part: _recommendation_actions(
            part, "actions", "unpublished_actions")),
        ("Actions on recommendations completed", "", lambda part: _recommendation_actions(
            part, "completed", "unpublished_completed")),
    ),
    "feedback": (
        ("Engagements with children and families", "", _length("engagements")),
        ("Feedback entries", "", _length("entries")),
        ("Entries saying how the feedback was used", "", _feedback_used),
    ),
    "changes": (
        ("Arrangements versions published in the period", "", _length("published_in_period")),
        ("Changes to the arrangements listed", "", _change_lines),
    ),
    # Read by the narrative check (not compared between reports: a report from before
    # training and money were recorded has neither).
    "training": (
        ("Training sessions held", "", _field("sessions_held")),
        ("Training places offered", "", _field("places")),
        ("People who attended training", "", _field("attended")),
        ("Training evaluations returned", "", _field("evaluations")),
        ("Follow-ups answered", "", _field("follow_ups_answered")),
        ("Follow-ups saying practice changed", "", _field("practice_changed")),
    ),
    "money": (
        ("Contributions agreed", "£", _field("agreed_total")),
        ("Contributions received", "£", _field("received_total")),
        ("Budget set", "£", _field("budget_total")),
        ("Money spent", "£", _field("spent_total")),
        ("Balance at the year's end", "£", _field("closing_balance")),
    ),
}
_MEETINGS_CANCELLED: Reader = lambda part: _sum(  # noqa: E731
    [_number(row.get("cancelled")) for row in _rows(part, "meetings")])
FIGURES["activities"] += (("Meetings cancelled", "", _MEETINGS_CANCELLED),)

# How a narrative names each key figure (the words a claim about it uses, in order, each
# with its other forms after "|"): the narrative check (reports/claims.py) matches a number
# to the figure whose words follow it. The longest match wins; a figure not named here is
# never checked.
CLAIM_WORDS: dict[str, tuple[str, ...]] = {
    "Meetings held": ("meetings|meeting",),
    "Meetings cancelled": ("meetings|meeting cancelled", "meetings|meeting were|was cancelled"),
    "Decisions made at meetings": ("decisions|decision",),
    "Attendance by agencies": ("attendance", "attended"),
    "Business-plan actions in the period": ("business-plan actions|action",
                                            "actions|action in the plan",
                                            "plan actions|action"),
    "Business-plan actions completed": ("business-plan actions|action completed|complete",
                                        "actions|action completed|complete",
                                        "completed actions|action",
                                        "completed business-plan actions|action"),
    "Rapid Reviews in the period": ("rapid reviews|review started|begun|held",),
    "Rapid Reviews completed": ("rapid reviews|review", "rapid reviews|review completed"),
    "Rapid Reviews on time": ("rapid reviews|review on time",),
    "Local reviews open": ("local reviews|review",
                           "local child safeguarding practice reviews|review"),
    "Local reviews completed": ("local reviews|review completed|published",),
    "Referrals for national review": ("referrals|referral for national review",
                                      "cases|case referred"),
    "Reviews from elsewhere taken in": ("reviews|review from elsewhere",
                                        "reviews|review published elsewhere"),
    "Arrangements versions published": ("versions|version of the arrangements",
                                        "new versions|version"),
    "Evidence of impact entries": ("pieces|piece of evidence", "entries|entry of evidence"),
    "Multi-agency case audits completed": ("case audits|audit", "multi-agency audits|audit"),
    "Scrutiny activities reported": ("scrutiny activities|activity",),
    "Self-assessment rounds": ("self-assessment rounds|round",),
    "Escalations raised": ("escalations|escalation",),
    "Objectives with little or no progress": ("objectives|objective made little",),
    "Recommendations": ("recommendations|recommendation",),
    "Engagements with children and families": ("pieces|piece of work",),
    "Training sessions held": ("training sessions|session", "sessions|session of training",
                               "courses|course sessions|session"),
    "Training places offered": ("training places|place", "places|place"),
    "People who attended training": ("people|practitioners|professionals|staff trained",
                                     "people|practitioners|professionals|staff attended",
                                     "attendees|attendee"),
    "Training evaluations returned": ("evaluations|evaluation",),
    "Contributions agreed": ("agreed contributions", "contributions agreed",
                             "agreed in contributions"),
    "Contributions received": ("contributions received", "received in contributions"),
    "Budget set": ("budget",),
    "Money spent": ("spent", "spending", "spend"),
}


@dataclass(frozen=True)
class KeyFigure:
    """One of the report's key figures as the document states it: its label and value."""

    part: str
    label: str
    value: int
    unit: str  # "" a count, "%" a percentage, "£" an amount in pence


def key_figures(document: Any) -> list[KeyFigure]:
    """Every key figure the report's content states (one catalogue: :data:`FIGURES`)."""
    snapshot = as_snapshot(document)
    found = []
    for key, figures in FIGURES.items():
        part = _part(snapshot, key)
        if not part or part.get("missing"):
            continue
        for label, unit, read in figures:
            value = read(part)
            if value is not None:
                found.append(KeyFigure(key, label, value, unit))
    return found


# --- comparing ----------------------------------------------------------------------------


def describe(older: int | None, newer: int | None, unit: str = "") -> str:
    """Say how a figure moved, in words: "3 more", "2 fewer", "Up 4 percentage points"."""
    if older is None or newer is None:
        return "Not in both reports"
    difference = newer - older
    if difference == 0:
        return "No change"
    if unit == "%":
        points = "percentage point" if abs(difference) == 1 else "percentage points"
        return f"{'Up' if difference > 0 else 'Down'} {abs(difference)} {points}"
    return f"{difference} more" if difference > 0 else f"{-difference} fewer"


def figure(label: str, older: int | None, newer: int | None, unit: str = "") -> FigureChange:
    """Pair one figure from the two reports with its difference."""
    difference = None if older is None or newer is None else newer - older
    return FigureChange(label, older, newer, difference, unit, describe(older, newer, unit))


def compare_figures(older: Snapshot, newer: Snapshot) -> list[PartComparison]:
    """Return each part's key figures in both reports, in document order."""
    parts = []
    for key, title in PARTS:
        before, after = _part(older, key), _part(newer, key)
        figures = [figure(label, read(before) if before else None,
                          read(after) if after else None, unit)
                   for label, unit, read in FIGURES[key]]
        parts.append(PartComparison(key, title, figures))
    return parts


def _words(text: str) -> int:
    return len(text.split())


def _narrative_text(snapshot: Snapshot, section: ReportSection) -> str:
    if section is ReportSection.ASSESSMENT:
        assessment = snapshot.get("assessment")
        text = assessment.get("markdown") if isinstance(assessment, Mapping) else ""
    else:
        narrative = snapshot.get("narrative") or {}
        text = narrative.get(section.value) if isinstance(narrative, Mapping) else ""
    return str(text or "").replace("\r\n", "\n").strip()


def compare_narrative(older: Snapshot, newer: Snapshot) -> list[NarrativeChange]:
    """Say, for every narrative section (the assessment too), whether its text changed."""
    changes = []
    for section in ReportSection:
        before, after = _narrative_text(older, section), _narrative_text(newer, section)
        if before == after:
            change = "unchanged"
        elif not before:
            change = "added"
        elif not after:
            change = "removed"
        else:
            change = "changed"
        changes.append(NarrativeChange(section.value, section.title, change,
                                       _words(before), _words(after),
                                       tuple(sentence_changes(before, after))))
    return changes


def _period(snapshot: Snapshot) -> str:
    content = snapshot.get("content") or {}
    return str(content.get("period_label") or "") if isinstance(content, Mapping) else ""


def compare_reports(older: Any, newer: Any) -> ReportComparison:
    """Compare two reports (snapshots or documents): the earlier first, the later second."""
    before, after = as_snapshot(older), as_snapshot(newer)
    return ReportComparison(
        older_title=str(before.get("title") or ""),
        newer_title=str(after.get("title") or ""),
        older_period=_period(before),
        newer_period=_period(after),
        parts=compare_figures(before, after),
        narrative=compare_narrative(before, after),
    )

"""Comparing two published yearly reports: key figures side by side, narrative changes.

``build_document`` makes a whole :class:`ReportDocument` from a few figures; its
``dataclasses.asdict`` is exactly what a published report stores, so the reading room's
tests use it too. The expected differences below are worked out by hand from the rows.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from partnership.reports.compare import compare_reports, describe
from partnership.reports.content import (
    Activities,
    ArrangementsVersionRef,
    Assessment,
    ChangeGroupRow,
    Changes,
    Feedback,
    FeedbackEntry,
    GapAction,
    GapObjective,
    Impact,
    ImpactEntry,
    LocalReviewRow,
    NationalReferralRow,
    ObjectiveImpact,
    Progress,
    RapidReviewRow,
    RecommendationRow,
    Recommendations,
    ReportContent,
    ReportDocument,
    ReviewRecommendations,
    Reviews,
    SignOffLine,
)


def rapid_row(number: int, on_time: bool | None) -> RapidReviewRow:
    """A Rapid Review row: complete unless ``on_time`` is None."""
    done = on_time is not None
    return RapidReviewRow(
        label=f"Rapid Review {number}", named=False, started="2024-05-01", due="2024-05-22",
        completed="2024-05-20" if on_time else ("2024-06-03" if done else None),
        working_days=13 if on_time else (23 if done else None), on_time=on_time,
        outcome="No further review", action_taken="", link="")


def local_row(number: int, completed: bool, on_time: bool | None) -> LocalReviewRow:
    """A local review row."""
    return LocalReviewRow(
        label=f"Local review {number}", named=False, stage="Local review", decided="2024-01-10",
        target="2024-07-10", completed="2024-07-01" if completed else None, on_time=on_time,
        publication="Not yet decided", published_url="", action_taken="", link="")


def recommendation(number: int, actions: int, completed: int) -> RecommendationRow:
    """A recommendation with its actions counted."""
    return RecommendationRow(number=number, text=f"Recommendation {number}", scope="Local",
                             agency_response="", actions=actions, completed=completed,
                             in_progress=actions - completed, improvements=[])


def review(title: str, *rows: RecommendationRow) -> ReviewRecommendations:
    """A review and its recommendations."""
    return ReviewRecommendations(title=title, kind="Local review", source="", published=None,
                                 link="", recommendations=list(rows))


def feedback(number: int, used: str) -> FeedbackEntry:
    """A piece of feedback from children and families."""
    return FeedbackEntry(recorded="2024-09-01", action=f"Action {number}", link="",
                         objective="", how_sought="Asked at a youth forum", how_used=used)


def gap(reference: str, actions: int) -> GapObjective:
    """An objective with little or no progress and that many stalled actions."""
    return GapObjective(
        reference=reference, title=f"Objective {reference}", link="", plan="Plan",
        reasons=["No update in the period"],
        actions=[GapAction(title=f"{reference} action {n}", link="", rating="Red",
                           reasons=["Overdue"]) for n in range(actions)])


def build_document(
    *,
    title: str = "Yearly report 2024-25",
    period: tuple[str, str, str] = ("2024-04-01", "2025-03-31", "2024-25"),
    meetings_held: int = 0,
    decisions: int = 0,
    attendance_percent: int | None = None,
    actions_live: int = 0,
    actions_completed: int = 0,
    rapid: tuple[bool | None, ...] = (),
    local: tuple[tuple[bool, bool | None], ...] = (),
    national: int = 0,
    learning_reviews: int = 0,
    arrangements_published: int = 0,
    impact_entries: int = 0,
    impact_objectives: int = 0,
    objectives_considered: int = 0,
    gaps: tuple[int, ...] = (),
    local_recommendations: tuple[tuple[int, int], ...] = (),
    national_recommendations: tuple[tuple[int, int], ...] = (),
    unpublished: tuple[int, int, int, int] = (0, 0, 0, 0),
    feedback_used: tuple[str, ...] = (),
    versions_in_period: int = 0,
    changes: tuple[int, ...] = (),
    narrative: dict[str, str] | None = None,
    assessment: str | None = None,
    published: str | None = "2025-09-30",
) -> ReportDocument:
    """A whole report document from a handful of figures (rows are made to match them).

    ``rapid`` lists each Rapid Review's on-time flag (None: not complete); ``local`` each
    local review's (completed, on time); ``*_recommendations`` (actions, completed) per
    recommendation; ``unpublished`` is (reviews, recommendations, actions, completed);
    ``gaps`` the stalled actions per objective; ``changes`` the changes per group.
    """
    start, end, label = period
    rapid_rows = [rapid_row(n + 1, on_time) for n, on_time in enumerate(rapid)]
    local_rows = [local_row(n + 1, done, on_time) for n, (done, on_time) in enumerate(local)]
    activities = Activities(
        meetings=[], meetings_held=meetings_held, decisions=decisions, attendance=[],
        attendance_percent=attendance_percent, actions_live=actions_live,
        actions_completed=actions_completed, actions_link="",
        rapid_reviews=sum(1 for r in rapid_rows if r.completed), local_reviews=len(local_rows),
        national_referrals=national, learning_reviews=learning_reviews,
        arrangements_published=arrangements_published, missing="")
    reviews = Reviews(
        rapid=rapid_rows, rapid_completed=sum(1 for r in rapid_rows if r.completed),
        rapid_on_time=sum(1 for r in rapid_rows if r.on_time),
        local=local_rows, local_on_time=sum(1 for r in local_rows if r.on_time),
        local_completed=sum(1 for r in local_rows if r.completed),
        national=[NationalReferralRow(label=f"Referral {n + 1}", named=False,
                                      referred="2024-06-01", outcome="", link="")
                  for n in range(national)],
        missing="")
    per_objective = [[] for _ in range(impact_objectives)]
    for n in range(impact_entries):
        per_objective[n % impact_objectives].append(
            ImpactEntry(action=f"Action {n}", link="", status="Completed",
                        recorded="2024-10-01", text="Fewer repeat referrals"))
    impact = Impact(
        objectives=[ObjectiveImpact(reference=f"{n + 1}", title=f"Objective {n + 1}", link="",
                                    completed=1, in_progress=0, entries=entries)
                    for n, entries in enumerate(per_objective)],
        entries=impact_entries, training="No training data is recorded.", missing="")
    progress = Progress(objectives=[gap(f"{n + 1}", actions) for n, actions in enumerate(gaps)],
                        objectives_considered=objectives_considered, rule="", missing="")
    hidden_reviews, hidden_recommendations, hidden_actions, hidden_completed = unpublished
    recommendations = Recommendations(
        local=[review("Local review: Child A",
                      *[recommendation(n + 1, a, c)
                        for n, (a, c) in enumerate(local_recommendations)])]
        if local_recommendations else [],
        national=[review("National panel review",
                         *[recommendation(n + 1, a, c)
                           for n, (a, c) in enumerate(national_recommendations)])]
        if national_recommendations else [],
        unpublished_reviews=hidden_reviews, unpublished_recommendations=hidden_recommendations,
        unpublished_actions=hidden_actions, unpublished_completed=hidden_completed, missing="")
    version = ArrangementsVersionRef(title="Arrangements", published="2024-06-01", link="")
    content = ReportContent(
        partnership="Hillshire Safeguarding Children Partnership", partnership_short="HSCP",
        slug="hscp", period_start=start, period_end=end, period_label=label, as_of=end,
        activities=activities, reviews=reviews, impact=impact, progress=progress,
        recommendations=recommendations,
        feedback=Feedback(entries=[feedback(n, used) for n, used in enumerate(feedback_used)],
                          missing=""),
        changes=Changes(at_start=version, at_end=version,
                        published_in_period=[version] * versions_in_period,
                        groups=[ChangeGroupRow(heading=f"Group {n}",
                                               changes=[f"Change {m}" for m in range(count)])
                                for n, count in enumerate(changes)],
                        missing=""),
    )
    return ReportDocument(
        title=title, status="Published 30 September 2025", draft=False, content=content,
        narrative=dict(narrative or {}),
        assessment=None if assessment is None else Assessment(
            markdown=assessment, written_by="Sam Scrutineer",
            written_as="Independent scrutineer", updated="2025-08-01T10:00:00+00:00"),
        sign_offs=[SignOffLine(partner="Hillshire County Council", signed_by="Ada Council",
                               role="Chief Executive", signed="2025-09-01")],
        published=published)


def snapshot(**figures: Any) -> dict[str, Any]:
    """What a published report stores: ``dataclasses.asdict`` of its document."""
    return dataclasses.asdict(build_document(**figures))


OLDER = {
    "title": "Yearly report 2023-24",
    "period": ("2023-04-01", "2024-03-31", "2023-24"),
    "meetings_held": 12, "decisions": 30, "attendance_percent": 78,
    "actions_live": 40, "actions_completed": 15,
    "rapid": (True, True, False), "local": ((True, True), (False, None)), "national": 1,
    "learning_reviews": 2, "arrangements_published": 1,
    "impact_entries": 5, "impact_objectives": 2,
    "objectives_considered": 6, "gaps": (1, 2),
    "local_recommendations": ((2, 2), (3, 1), (0, 0)), "national_recommendations": ((1, 1),),
    "unpublished": (1, 2, 4, 1),
    "feedback_used": ("Changed the leaflet", ""),
    "versions_in_period": 1, "changes": (2,),
    "narrative": {"foreword": "Welcome to our report.", "activities": "We met twelve times.",
                  "next_year": "Focus on neglect."},
    "assessment": "The arrangements are adequate.",
    "published": "2024-09-30",
}
NEWER = {
    "title": "Yearly report 2024-25",
    "meetings_held": 15, "decisions": 26, "attendance_percent": 84,
    "actions_live": 42, "actions_completed": 22,
    "rapid": (True, True, True, True, None), "local": ((True, True), (True, False), (False, None)),
    "national": 0, "learning_reviews": 2, "arrangements_published": 0,
    "impact_entries": 9, "impact_objectives": 3,
    "objectives_considered": 6, "gaps": (1,),
    "local_recommendations": ((2, 2), (3, 3), (1, 1)), "national_recommendations": ((1, 1),),
    "unpublished": (0, 0, 0, 0),
    "feedback_used": ("Changed the leaflet", "New forum", "", "Shaped the plan", ""),
    "versions_in_period": 0, "changes": (),
    "narrative": {"foreword": "Welcome to our report.",
                  "activities": "We met fifteen times this year.",
                  "impact": "Repeat referrals fell."},
    "assessment": "The arrangements are now effective, with two reservations.",
}


def figures_of(comparison: Any) -> dict[tuple[str, str], tuple[Any, Any, Any]]:
    """(part, label) -> (older, newer, difference)."""
    return {(part.key, f.label): (f.older, f.newer, f.difference)
            for part in comparison.parts for f in part.figures}


def test_key_figures_side_by_side_with_hand_computed_differences() -> None:
    comparison = compare_reports(snapshot(**OLDER), snapshot(**NEWER))
    figures = figures_of(comparison)

    assert [part.key for part in comparison.parts] == [
        "activities", "reviews", "impact", "progress", "recommendations", "feedback", "changes"]
    # 1. activities
    assert figures["activities", "Meetings held"] == (12, 15, 3)
    assert figures["activities", "Decisions made at meetings"] == (30, 26, -4)
    assert figures["activities", "Attendance by agencies"] == (78, 84, 6)
    assert figures["activities", "Business-plan actions completed"] == (15, 22, 7)
    assert figures["activities", "Rapid Reviews completed"] == (3, 4, 1)  # 3 of 3; 4 of 5
    assert figures["activities", "Local reviews open"] == (2, 3, 1)
    assert figures["activities", "Arrangements versions published"] == (1, 0, -1)
    # 2. reviews: on time 2 (True, True, False) against 4 (four True, one not complete)
    assert figures["reviews", "Rapid Reviews in the period"] == (3, 5, 2)
    assert figures["reviews", "Rapid Reviews on time"] == (2, 4, 2)
    assert figures["reviews", "Local reviews completed"] == (1, 2, 1)
    assert figures["reviews", "Local reviews on time"] == (1, 1, 0)
    assert figures["reviews", "Referrals for national review"] == (1, 0, -1)
    # 3. and 4.
    assert figures["impact", "Evidence of impact entries"] == (5, 9, 4)
    assert figures["impact", "Objectives with evidence"] == (2, 3, 1)
    assert figures["progress", "Objectives with little or no progress"] == (2, 1, -1)
    assert figures["progress", "Actions with little or no progress"] == (3, 1, -2)
    # 5. older: 4 listed + 2 unpublished = 6; complete: (2,2) and (1,1) = 2;
    # actions 2+3+0+1 + 4 = 10, completed 2+1+0+1 + 1 = 5.
    # newer: 4 listed, all complete; actions 2+3+1+1 = 7, completed 7.
    assert figures["recommendations", "Recommendations"] == (6, 4, -2)
    assert figures["recommendations", "Recommendations complete"] == (2, 4, 2)
    assert figures["recommendations", "Actions on recommendations"] == (10, 7, -3)
    assert figures["recommendations", "Actions on recommendations completed"] == (5, 7, 2)
    # 6. and 8.
    assert figures["feedback", "Feedback entries"] == (2, 5, 3)
    assert figures["feedback", "Entries saying how the feedback was used"] == (1, 3, 2)
    assert figures["changes", "Changes to the arrangements listed"] == (2, 0, -2)

    assert comparison.older_title == "Yearly report 2023-24"
    assert comparison.newer_period == "2024-25"


def test_which_narrative_sections_changed() -> None:
    comparison = compare_reports(snapshot(**OLDER), snapshot(**NEWER))
    changes = {entry.section: entry.change for entry in comparison.narrative}
    assert changes["foreword"] == "unchanged"
    assert changes["activities"] == "changed"
    assert changes["impact"] == "added"
    assert changes["next_year"] == "removed"
    assert changes["assessment"] == "changed"
    assert changes["feedback"] == "unchanged"  # written in neither
    assert [e.section for e in comparison.changed_sections] == [
        "activities", "impact", "assessment", "next_year"]
    activities = next(e for e in comparison.narrative if e.section == "activities")
    assert (activities.older_words, activities.newer_words) == (4, 6)


def test_a_document_and_its_snapshot_compare_alike() -> None:
    older, newer = build_document(**OLDER), build_document(**NEWER)
    assert compare_reports(older, newer) == compare_reports(
        dataclasses.asdict(older), dataclasses.asdict(newer))


def test_a_report_compared_with_itself_has_no_differences() -> None:
    same = snapshot(**OLDER)
    comparison = compare_reports(same, same)
    assert all(f.difference == 0 and f.described == "No change"
               for part in comparison.parts for f in part.figures
               if f.older is not None)
    assert not comparison.changed_sections


def test_missing_figures_are_not_compared() -> None:
    """No attendance recorded in one year: no difference rather than a made-up one."""
    comparison = compare_reports(snapshot(**{**OLDER, "attendance_percent": None}),
                                 snapshot(**NEWER))
    attendance = figures_of(comparison)["activities", "Attendance by agencies"]
    assert attendance == (None, 84, None)
    # A snapshot without a part at all (an older format) is read as not reported.
    partial = snapshot(**OLDER)
    del partial["content"]["feedback"]
    assert figures_of(compare_reports(partial, snapshot(**NEWER)))[
        "feedback", "Feedback entries"] == (None, 5, None)


@pytest.mark.parametrize(("older", "newer", "unit", "words"), [
    (12, 15, "", "3 more"),
    (5, 4, "", "1 fewer"),
    (3, 3, "", "No change"),
    (78, 84, "%", "Up 6 percentage points"),
    (80, 79, "%", "Down 1 percentage point"),
    (None, 4, "", "Not in both reports"),
])
def test_differences_in_words(older: int | None, newer: int | None, unit: str,
                              words: str) -> None:
    assert describe(older, newer, unit) == words


def test_anything_else_is_refused() -> None:
    with pytest.raises(TypeError):
        compare_reports("not a report", {})

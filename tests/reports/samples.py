"""A full yearly report built by hand, to test the document without the database."""

from __future__ import annotations

import dataclasses
from typing import Any

from partnership.reports.content import (
    Activities,
    AgencyAttendanceRow,
    ArrangementsVersionRef,
    Assessment,
    BodyMeetings,
    BudgetRow,
    ChangeGroupRow,
    Changes,
    Chart,
    ContributionRow,
    CourseRow,
    Feedback,
    FeedbackEntry,
    GapAction,
    GapObjective,
    Impact,
    ImpactEntry,
    LocalReviewRow,
    Money,
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
    ShareRow,
    SignOffLine,
    Training,
    UptakeRow,
)

PARTNERSHIP = "Westshire Safeguarding Children Partnership"
AGENCIES = ("Westshire County Council", "Westshire Police", "NHS Westshire Integrated Care Board",
            "Westshire Community Health", "Probation Service (Westshire)", "Schools' forum")

CHARTS = [
    Chart("activities-attendance", "Attendance by agency",
          "Attendance ranged from 100% (Westshire County Council) to 58% (Schools' forum).",
          "bar", list(AGENCIES), ["Attendance"], [[100, 95, 89, 79, 66, 58]], "%", 75,
          "The partnership's 75% expectation"),
    Chart("reviews-timeliness", "Rapid Reviews: working days to completion",
          "3 of the 4 completed Rapid Reviews took 15 working days or fewer.", "bar",
          ["WS-2024-003", "Rapid Review 1", "Rapid Review 2", "Rapid Review 3"],
          ["Working days"], [[14, 15, 19, 12]], "working days", 15, "15 working days"),
    Chart("progress-rag", "Business-plan actions by rating, per objective",
          "Most actions are complete or on track; 4 are rated red.", "stacked_bar",
          ["P1 Neglect", "P2 Exploitation", "P3 Children's voices", "Other work"],
          ["Complete", "Green", "Amber", "Red", "Not judged"],
          [[5, 3, 2, 1], [4, 6, 1, 0], [1, 2, 1, 0], [2, 1, 0, 1], [0, 1, 1, 2]], "actions"),
    Chart("progress-year", "Actions completed over the year",
          "Completed actions rose steadily from 1 in April to 18 in March.", "line",
          ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"],
          ["Completed (cumulative)", "Rated red"],
          [[1, 2, 4, 5, 7, 9, 10, 12, 13, 15, 16, 18], [2, 2, 3, 3, 2, 2, 1, 1, 1, 0, 0, 1]],
          "actions"),
]

NARRATIVE = {
    "foreword": (
        "This is our sixth yearly report. It sets out what the partnership did in 2024\u201325, "
        "what difference it made for children in Westshire, and where we still have work "
        "to do.\n\nWe have written it from our records: every figure is computed from the "
        "meetings, actions and reviews we keep, so that anyone can check it."),
    "activities": "The board met **quarterly** and the executive every two months.",
    "reviews": "Two Rapid Reviews this year concerned *very young babies*.",
    "impact": "We asked each lead what changed for children, not just what was done.",
    "next_year": ("## Our priorities\n\n1. Neglect: embed the graded care profile.\n"
                  "2. Exploitation: a single front door for contextual safeguarding.\n"
                  "3. Children's voices: every subgroup hears from young people twice a year."),
}


def sample_content(**replaced: Any) -> ReportContent:
    """Return a report's figures for 2024-25, every part filled."""
    activities = Activities(
        meetings=[
            BodyMeetings("Safeguarding Children Partnership Board", "/bodies/1", 4, 0, 12),
            BodyMeetings("Executive Group", "/bodies/2", 6, 0, 18),
            BodyMeetings("Learning and Review Group", "/bodies/3", 10, 1, 9),
            BodyMeetings("Quality Assurance Subgroup", "/bodies/4", 6, 0, 5),
            BodyMeetings("Neglect Task and Finish Group", "/bodies/5", 4, 0, 2),
        ],
        meetings_held=30, decisions=46,
        attendance=[
            AgencyAttendanceRow(AGENCIES[0], 30, 30, 0, 0, 0, 100),
            AgencyAttendanceRow(AGENCIES[1], 20, 19, 1, 0, 0, 95),
            AgencyAttendanceRow(AGENCIES[2], 18, 16, 2, 0, 0, 89),
            AgencyAttendanceRow(AGENCIES[3], 14, 11, 2, 1, 0, 79),
            AgencyAttendanceRow(AGENCIES[4], 6, 4, 1, 1, 0, 67),
            AgencyAttendanceRow(AGENCIES[5], 12, 7, 2, 2, 1, 58),
        ],
        attendance_percent=87, actions_live=42, actions_completed=18,
        actions_link="/actions?year=2024", rapid_reviews=4, local_reviews=2,
        national_referrals=1, learning_reviews=3, arrangements_published=1, missing="")
    reviews = Reviews(
        rapid=[
            RapidReviewRow("WS-2024-003", True, "2024-05-02", "2024-05-23", "2024-05-22", 14,
                           True, "Local review commissioned", "Local review under way",
                           "/cases/3"),
            RapidReviewRow("Rapid Review 1", False, "2024-07-01", "2024-07-22", "2024-07-22",
                           15, True, "No further review", "3 of 4 actions complete", ""),
            RapidReviewRow("Rapid Review 2", False, "2024-10-07", "2024-10-28", "2024-11-01",
                           19, False, "Referred for a national review",
                           "Awaiting the panel", ""),
            RapidReviewRow("Rapid Review 3", False, "2025-01-13", "2025-01-31", "2025-01-29",
                           12, True, "No further review", "Learning briefing issued", ""),
            RapidReviewRow("Rapid Review 4", False, "2025-03-20", "2025-04-09", None, None,
                           None, "Not decided yet", "Under way", ""),
        ],
        rapid_completed=4, rapid_on_time=3,
        local=[
            LocalReviewRow("WS-2023-011", True, "Published", "2023-11-10", "2024-05-10",
                           "2024-06-04", True, "Published on 4 June 2024",
                           "https://westshire.example/reviews/child-f", "7 of 9 actions complete",
                           "/cases/2"),
            LocalReviewRow("Local review 1", False, "Report being written", "2024-06-20",
                           "2024-12-20", None, None, "Not yet decided", "", "Not started", ""),
        ],
        local_on_time=1, local_completed=1,
        national=[NationalReferralRow("Rapid Review 2", False, "2024-11-04",
                                      "Awaiting the panel's decision", "")],
        missing="")
    impact = Impact(
        objectives=[
            ObjectiveImpact("P1", "Neglect: identify it earlier and act on it", "/objectives/1",
                            5, 3, [
                                ImpactEntry("Roll out the graded care profile", "/actions/11",
                                            "Complete", "2024-09-30",
                                            "Health visitors now use the profile at every "
                                            "new-birth visit; referrals for neglect that "
                                            "include it rose from 12% to 64%."),
                                ImpactEntry("Neglect audit of 40 cases", "/actions/12",
                                            "In progress", "2025-02-14",
                                            "The second audit found plans for neglected "
                                            "children reviewed on time in 31 of 40 cases "
                                            "(up from 22)."),
                            ]),
            ObjectiveImpact("P2", "Exploitation: one front door", "/objectives/2", 4, 6, [
                ImpactEntry("Contextual safeguarding panel", "/actions/21", "Complete",
                            "2024-12-01", "All 14 young people discussed had a named worker "
                            "within 5 days."),
            ]),
        ],
        entries=3,
        training="1,240 practitioners attended the partnership's multi-agency training; "
                 "92% said it changed how they work.",
        missing="")
    progress = Progress(
        objectives=[GapObjective(
            "P3", "Children's voices in every subgroup", "/objectives/3",
            "Business plan 2023 to 2026",
            ["2 of its 4 actions are rated red", "No progress update for 4 months"],
            [GapAction("Young people's advisory group", "/actions/31", "Red",
                       ["The target date (31 December 2024) has passed"]),
             GapAction("Feedback survey for families", "/actions/32", "Amber",
                       ["Little progress with the target close",
                        "No update since 3 November 2024"])])],
        objectives_considered=9,
        rule=("An objective is listed when any of its actions is rated red, or rated amber "
              "for three months or more, or when none of its actions has a progress update "
              "in the last quarter."),
        missing="")
    recommendations = Recommendations(
        local=[ReviewRecommendations(
            "WS-2023-011: Child F", "Local child safeguarding practice review",
            "Westshire Safeguarding Children Partnership", "2024-06-04", "/reviews/2", [
                RecommendationRow(1, "Health and children's social care share a single "
                                  "chronology for babies under one.", "All agencies",
                                  "Agreed by all agencies in July 2024", 3, 2, 1,
                                  ["Chronologies were shared in 19 of 20 audited cases."]),
                RecommendationRow(2, "Practitioners are trained on safer sleep.",
                                  "Health", "", 2, 2, 0, []),
            ])],
        national=[ReviewRecommendations(
            "Child Protection in England", "National review",
            "Child Safeguarding Practice Review Panel", "2022-05-26", "/learning/1", [
                RecommendationRow(1, "Multi-agency child protection units in every area.",
                                  "Partners", "Considered by the executive", 1, 0, 1, []),
            ])],
        unpublished_reviews=1, unpublished_recommendations=4, unpublished_actions=6,
        unpublished_completed=2, missing="")
    feedback = Feedback(entries=[
        FeedbackEntry("2024-11-12", "Feedback survey for families", "/actions/32",
                      "P3 Children's voices in every subgroup",
                      "Twelve parents whose children were on plans answered a survey.",
                      "The letter explaining plans was rewritten in plain English."),
        FeedbackEntry("2025-02-03", "Young people's advisory group", "/actions/31", "",
                      "Four young people met the board chair.", ""),
    ], missing="")
    changes = Changes(
        at_start=ArrangementsVersionRef("Version 3", "2023-09-01", "/arrangements/versions/3"),
        at_end=ArrangementsVersionRef("Version 4", "2024-10-15", "/arrangements/versions/4"),
        published_in_period=[ArrangementsVersionRef("Version 4", "2024-10-15",
                                                    "/arrangements/versions/4")],
        groups=[ChangeGroupRow("Agencies added", ["Westshire Youth Justice Service"]),
                ChangeGroupRow("Bodies changed", ["Neglect Task and Finish Group: started",
                                                  "Executive Group: now meets every two "
                                                  "months"])],
        missing="")
    content = ReportContent(
        partnership=PARTNERSHIP, partnership_short="WSCP", slug="westshire",
        period_start="2024-04-01", period_end="2025-03-31", period_label="2024\u201325",
        as_of="2025-05-20", activities=activities, reviews=reviews, impact=impact,
        progress=progress, recommendations=recommendations, feedback=feedback,
        changes=changes, charts=list(CHARTS))
    return dataclasses.replace(content, **replaced)


def sample_document(*, draft: bool = True, assessment: bool = True,
                    **content_changes: Any) -> ReportDocument:
    """Return a whole report: a draft (or published), with narrative and sign-offs."""
    written = Assessment(
        "The partners have **strengthened** their grip on neglect this year.\n\n"
        "Attendance by schools remains the weakest link and needs the board's attention.",
        "Dr Sam Patel", "Independent Scrutineer", "2025-05-12T10:30:00+00:00",
    ) if assessment else None
    return ReportDocument(
        title="Yearly report 2024\u201325",
        status="DRAFT" if draft else "Published 30 September 2025",
        draft=draft,
        content=sample_content(**content_changes),
        narrative=dict(NARRATIVE),
        assessment=written,
        sign_offs=[
            SignOffLine("Westshire County Council", "Alex Morgan",
                        "Director of Children's Services", "2025-09-20"),
            SignOffLine("NHS Westshire Integrated Care Board", "Jo Rahman",
                        "Chief Nursing Officer", "2025-09-22"),
            SignOffLine("Westshire Police", "", "", "") if draft else SignOffLine(
                "Westshire Police", "Chris Lee", "Chief Constable", "2025-09-25"),
        ],
        published=None if draft else "2025-09-30",
    )


def sample_training() -> Training:
    """A year's multi-agency training, made by hand (the training part's shape)."""
    return Training(
        courses=[
            CourseRow("Working with neglect: the graded care profile", "Level 3",
                      "P1 Neglect", 6, 120, 104, 88, 2.6, 4.1, 93, "/training/courses/1"),
            CourseRow("Child exploitation: spotting the signs", "Level 2",
                      "P2 Exploitation", 4, 100, 71, 60, 2.9, 4.0, 85, "/training/courses/2"),
        ],
        sessions_held=10, places=220, booked=196, attended=175, did_not_attend=21,
        by_sector=[UptakeRow("Health", 60, 58, 97), UptakeRow("Education", 80, 44, 55),
                   UptakeRow("Police and justice", 30, 29, 97),
                   UptakeRow("Voluntary and faith", None, 44, None)],
        by_agency=[UptakeRow("Westshire County Council", 50, 48, 96),
                   UptakeRow("Westshire Police", 30, 29, 97)],
        evaluations=148, confidence_before=2.7, confidence_after=4.1, follow_ups_sent=120,
        follow_ups_answered=74, practice_changed=52, manager_confirmed=31,
        manager_confirmation_used=True,
        examples=["A health visitor (community trust) now scores home conditions with the "
                  "family at the first visit."],
        missing="", link="/training")


def sample_money() -> Money:
    """A year's shared budget, made by hand (the money part's shape); amounts in pence."""
    return Money(
        year_label="2024\u201325",
        contributions=[
            ContributionRow("Westshire County Council", "Local authority", 12_000_000,
                            12_000_000, "Office space", 1_500_000),
            ContributionRow("NHS Westshire Integrated Care Board", "Health", 8_000_000,
                            8_000_000, "", 0),
            ContributionRow("Westshire Police", "Police", 6_000_000, 4_500_050, "", 0),
        ],
        shares=[ShareRow("Local authority", 12_000_000, 46), ShareRow("Health", 8_000_000, 31),
                ShareRow("Police", 6_000_000, 23)],
        agreed_total=26_000_000, received_total=24_500_050, other_income=250_000,
        in_kind_total=1_500_000,
        budget_lines=[BudgetRow("Partnership team", 15_000_000, 14_800_000),
                      BudgetRow("Case reviews", 6_000_000, 7_200_000),
                      BudgetRow("Training", 5_000_000, 3_900_000)],
        budget_total=26_000_000, spent_total=25_900_000, opening_balance=1_000_000,
        closing_balance=-149_950,
        statement="Signed off by the three partners on 12 May 2025",
        statement_link="/funding/statements/1", missing="", link="/funding")

"""The yearly report's figures, part by part, against values worked out by hand.

The data set and the sums are in ``tests/reports/records.py``: Westshire's 2024-25, judged
on 31 March 2025 (today is 30 June 2025).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from partnership.actions.models import Action, ProgressUpdate, Status
from partnership.audit.services import acting_as
from partnership.escalations.models import Escalation, EscalationStage
from partnership.extensions import db
from partnership.meetings.models import (
    Attendance,
    Decision,
    DecisionMethod,
    Meeting,
    MeetingStatus,
    Presence,
)
from partnership.register.models import Agency, Body, Partnership
from partnership.reports.assemble import assemble
from partnership.reports.content import ReportContent
from partnership.reviews.models import (
    Case,
    ClosureDay,
    IncidentType,
    InformationRequest,
    LocalReview,
    Milestone,
    MilestoneKind,
    NationalReferral,
    RapidOutcome,
    RapidReview,
    Recommendation,
    Review,
    ReviewKind,
    Stage,
)
from tests.register.records import add_area
from tests.reports.records import END, START, TODAY, World, add_version, build_world


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def report(app: Flask, partnership_id: int, start: dt.date = START, end: dt.date = END,
           today: dt.date = TODAY) -> ReportContent:
    """Assemble the report as the pages and the command line do (in a request context)."""
    with app.app_context(), app.test_request_context():
        partnership = db.session.get_one(Partnership, partnership_id)
        return assemble(partnership, start, end, today)


def as_json(content: ReportContent) -> str:
    return json.dumps(dataclasses.asdict(content))


# --- the whole report -------------------------------------------------------------------------


def test_the_report_names_its_partnership_period_and_day_of_judgement(app, world):
    content = report(app, world.partnership_id)

    assert content.partnership == "Westshire Safeguarding Children Partnership"
    assert content.partnership_short == "WEST"
    assert content.slug == "westshire"
    assert (content.period_start, content.period_end) == ("2024-04-01", "2025-03-31")
    assert content.period_label == "2024\u201325"
    assert content.as_of == "2025-03-31"  # the period's end: today is later


def test_a_period_that_is_not_a_reporting_year_is_named_by_its_dates(app, world):
    content = report(app, world.partnership_id, START, dt.date(2024, 9, 30),
                     today=dt.date(2024, 8, 15))

    assert content.period_label == "1 April 2024 to 30 September 2024"
    assert content.as_of == "2024-08-15"  # today: the period has not ended


def test_the_snapshot_is_plain_json(app, world):
    content = report(app, world.partnership_id)

    snapshot = json.loads(as_json(content))

    assert snapshot["activities"]["meetings_held"] == 4
    assert [chart["key"] for chart in snapshot["charts"]] == [
        "rag_by_objective", "progress_over_year", "review_timeliness"]


# --- part 1: activities -----------------------------------------------------------------------


def test_meetings_held_and_cancelled_per_body_with_decisions(app, world):
    activities = report(app, world.partnership_id).activities

    # Board: 10 May, 12 September, 6 March held (2 + 0 + 1 decisions), 5 December cancelled.
    # Group: 20 June held; its 1 October meeting was never recorded either way.
    rows = [(m.body, m.held, m.cancelled, m.decisions) for m in activities.meetings]
    assert rows == [("Safeguarding Board", 3, 1, 3), ("Learning and Inquiry Group", 1, 0, 0)]
    assert activities.meetings_held == 4
    assert activities.decisions == 3
    assert activities.meetings[0].link == f"/meetings/body/{world.board_id}?year=2024"


def test_attendance_by_agency_counts_present_or_deputy_at_held_meetings(app, world):
    activities = report(app, world.partnership_id).activities

    rows = {r.agency: (r.held, r.attended, r.apologies, r.absent, r.not_recorded, r.percent)
            for r in activities.attendance}
    assert rows == {
        "Westshire Police": (3, 2, 1, 0, 0, 67),  # present, deputy, apologies
        "Westshire Council": (4, 3, 1, 0, 0, 75),  # present x3 at the board, apologies
        "Westshire Health": (3, 1, 0, 1, 1, 33),  # absent, nothing recorded, present
    }
    assert activities.attendance_percent == 60  # 6 of 10
    assert "Eastshire Police" not in rows


def test_actions_reviews_and_arrangements_of_the_period(app, world):
    activities = report(app, world.partnership_id).activities

    # Audit, Train, Toolkit and Evaluate (2024); Survey cancelled, Carried carried forward,
    # Next year's work and the carried copy belong to 2025.
    assert activities.actions_live == 4
    assert activities.actions_completed == 2  # Audit (20 Nov 2024), Evaluate (10 Feb 2025)
    assert activities.actions_link == (
        f"/actions?partnership_id={world.partnership_id}&source=plan&year=2024")
    assert activities.rapid_reviews == 2  # Child Q (31 May 2024), Child P (24 January 2025)
    assert activities.local_reviews == 2  # Child Q (open), Child P (published)
    assert activities.national_referrals == 1  # Child R, 28 March 2025
    assert activities.learning_reviews == 1  # the panel's review of 25 April 2024
    assert activities.arrangements_published == 1  # 1 October 2024
    assert activities.missing == ""


def test_the_plan_rule_counts_an_undated_completion_in_the_period(app, world):
    with app.app_context(), acting_as("tests"):
        action = db.session.get_one(Action, world.actions["toolkit"])
        action.status = Status.COMPLETE
        db.session.commit()

    activities = report(app, world.partnership_id).activities

    assert (activities.actions_live, activities.actions_completed) == (4, 3)


# --- part 2: child safeguarding practice reviews ----------------------------------------------


def test_rapid_reviews_with_their_timeliness_in_working_days(app, world):
    reviews = report(app, world.partnership_id).reviews

    rows = [(r.label, r.named, r.started, r.due, r.completed, r.working_days, r.on_time)
            for r in reviews.rapid]
    assert rows == [
        # Thursday 2 May 2024; the early May bank holiday is not a working day: due Friday
        # 24 May; sent on 31 May (after the spring bank holiday) = 19 working days, late.
        ("Rapid Review 1", False, "2024-05-02", "2024-05-24", "2024-05-31", 19, False),
        # Monday 6 January 2025, sent to the panel Friday 24 January = 14 working days.
        ("Child P", True, "2025-01-06", "2025-01-27", "2025-01-24", 14, True),
        # Started 17 March 2025; sent on 4 April, after the period: not complete in it.
        ("Rapid Review 2", False, "2025-03-17", "2025-04-07", None, None, None),
    ]
    assert (reviews.rapid_completed, reviews.rapid_on_time) == (2, 1)


def test_a_rapid_review_says_its_outcome_and_the_action_taken_in_counts(app, world):
    rapid = report(app, world.partnership_id).reviews.rapid

    assert [(r.outcome, r.action_taken) for r in rapid] == [
        ("A local child safeguarding practice review",
         "Local review commissioned; 1 of 2 actions complete"),
        ("A local child safeguarding practice review",
         "Local review commissioned; 1 of 2 actions complete"),
        ("Referral for a national review",
         "Referred for a national review; no actions recorded yet"),
    ]
    assert [r.link for r in rapid] == ["", f"/learning/{world.reviews['p']}/action-plan", ""]


def test_a_review_sent_on_its_due_date_took_15_working_days_closures_kept(app, world):
    with app.app_context(), acting_as("tests"):
        db.session.add(ClosureDay(partnership_id=world.partnership_id,
                                  day=dt.date(2024, 10, 11), reason="Training day"))
        case = Case(partnership_id=world.partnership_id, reference="Child T",
                    incident_type=IncidentType.DEATH, aware_on=dt.date(2024, 10, 7),
                    stage=Stage.RAPID_REVIEW, retention_until=dt.date(2039, 10, 7))
        # Monday 7 October; Friday 11 October is a closure day: 15 working days end on
        # Tuesday 29 October, not Monday 28.
        case.rapid_review = RapidReview(started_on=dt.date(2024, 10, 7),
                                        sent_to_panel_on=dt.date(2024, 10, 29))
        db.session.add(case)
        db.session.commit()

    rapid = report(app, world.partnership_id).reviews.rapid

    row = next(r for r in rapid if r.started == "2024-10-07")
    assert (row.label, row.due, row.working_days, row.on_time) == (
        "Rapid Review 2", "2024-10-29", 15, True)
    assert row.outcome == "Not decided yet"
    assert row.action_taken == "No actions recorded yet"


def test_local_reviews_open_in_the_period_with_target_and_publication(app, world):
    reviews = report(app, world.partnership_id).reviews

    rows = [(r.label, r.named, r.stage, r.decided, r.target, r.completed, r.on_time,
             r.publication, r.published_url, r.action_taken, r.link) for r in reviews.local]
    assert rows == [
        ("Local review 1", False, "Under way (past its target date)", "2024-06-15",
         "2024-12-15", None, None, "Not yet decided", "", "1 of 2 actions complete", ""),
        ("Child P", True, "Published", "2025-02-01", "2025-08-01", "2025-03-20", True,
         "Published on 20 March 2025", "https://example.org/child-p",
         "1 of 2 actions complete", f"/learning/{world.reviews['p']}/action-plan"),
    ]
    assert (reviews.local_completed, reviews.local_on_time) == (1, 1)


def test_a_local_reviews_stage_is_its_last_milestone_reached(app, world):
    with app.app_context(), acting_as("tests"):
        local = db.session.get_one(Case, world.cases["Child Q"]).local_review
        assert local is not None
        local.milestones = [
            Milestone(kind=MilestoneKind.DRAFT_RECEIVED, due_on=dt.date(2024, 9, 1),
                      done_on=dt.date(2024, 9, 10)),
            Milestone(kind=MilestoneKind.APPROVED_BY_GROUP, due_on=dt.date(2024, 10, 1),
                      done_on=dt.date(2025, 4, 2))]  # after the period
        db.session.commit()

    local_rows = report(app, world.partnership_id, today=dt.date(2024, 11, 30)).reviews.local

    # Judged on 30 November 2024: before its 15 December target; the approval came later,
    # and Child P's review had not been decided yet.
    assert [(r.label, r.stage) for r in local_rows] == [
        ("Local review 1", "Draft report received")]


def test_national_referrals_made_or_answered_in_the_period(app, world):
    national = report(app, world.partnership_id).reviews.national

    assert [(r.label, r.named, r.referred, r.outcome, r.link) for r in national] == [
        ("Referral 1", False, "2025-03-28", "Awaiting the panel's decision", "")]


def test_an_unnamed_cases_referral_answer_is_given_without_its_words(app, world):
    national = report(app, world.partnership_id, START, dt.date(2025, 4, 30),
                      today=dt.date(2025, 6, 30)).reviews.national

    assert national[0].outcome == "The panel answered on 20 April 2025"


# --- part 3: evidence of impact ---------------------------------------------------------------


def test_evidence_of_impact_grouped_by_objective_then_other_work(app, world):
    impact = report(app, world.partnership_id).impact

    groups = [(g.reference, g.title, g.completed, g.in_progress) for g in impact.objectives]
    assert groups == [("A1", "Safeguarding adolescents", 1, 1), ("", "Other work", 2, 1)]
    a1, other = impact.objectives
    assert a1.link == f"/objectives/{world.objectives['A1']}"
    assert [(e.action, e.status, e.recorded, e.text) for e in a1.entries] == [
        # The 1 July update was corrected on 2 July: only the correction counts.
        ("Audit contextual safeguarding", "Complete", "2024-07-02", "Corrected figure"),
        ("Train staff on exploitation", "In progress", "2024-09-15", "40 staff trained"),
        ("Train staff on exploitation", "In progress", "2024-10-01",
         "The leaflet was rewritten with them"),
        ("Audit contextual safeguarding", "Complete", "2024-11-20",
         "Referrals for exploitation rose by a fifth"),
        ("Train staff on exploitation", "In progress", None,
         "Staff feel more confident (survey)"),
    ]
    assert a1.entries[0].link == f"/actions/{world.actions['audit']}"
    # Other work: the panel's review and named Child P's; never unnamed Child Q's.
    assert [(e.action, e.recorded) for e in other.entries] == [
        ("Update disability training", "2024-12-01"),
        ("Front door information sharing", "2025-03-25")]
    assert other.link == ""
    assert impact.entries == 7
    assert impact.missing == ""


def test_training_is_said_to_be_not_recorded_yet(app, world):
    impact = report(app, world.partnership_id).impact

    assert impact.training == "No multi-agency training was recorded for this period."


def test_evidence_is_not_repeated_when_an_update_and_its_action_say_the_same(app, world):
    with app.app_context(), acting_as("tests"):
        db.session.add(ProgressUpdate(action_id=world.actions["audit"],
                                      recorded_on=dt.date(2024, 11, 20), narrative="Done",
                                      impact="Referrals for exploitation rose by a fifth"))
        db.session.commit()

    a1 = report(app, world.partnership_id).impact.objectives[0]

    texts = [e.text for e in a1.entries]
    assert texts.count("Referrals for exploitation rose by a fifth") == 1


# --- part 4: little or no progress ------------------------------------------------------------


def test_little_or_no_progress_with_the_reasons(app, world):
    progress = report(app, world.partnership_id).progress

    assert progress.objectives_considered == 3  # A1, A2, B1 (B2 belongs to 2025-26)
    assert [(g.reference, g.title, g.plan, g.reasons) for g in progress.objectives] == [
        ("A2", "Responding to neglect", "Business plan 2024-27",
         ["No action completed between 1 April 2024 and 31 March 2025",
          "No progress update in the period", "Every rated action is red or amber"])]
    gap = progress.objectives[0]
    assert gap.link == f"/objectives/{world.objectives['A2']}"
    assert [(a.title, a.rating, a.reasons) for a in gap.actions] == [
        ("Neglect toolkit", "Red",
         ["No progress update in the period",
          "Rated red: Target date 31 January 2025 has passed; Not started, though due to "
          "start on 1 June 2024; No update yet"])]
    assert gap.actions[0].link == f"/actions/{world.actions['toolkit']}"
    assert "31 March 2025" in progress.rule
    assert progress.missing == ""


def test_no_plan_for_the_period_is_said_plainly(app, world):
    progress = report(app, world.partnership_id, dt.date(2030, 4, 1),
                      dt.date(2031, 3, 31), today=dt.date(2031, 6, 1)).progress

    assert progress.objectives == []
    assert progress.missing == (
        "No business plan covers this period, so there is no progress to analyse.")


# --- part 5: recommendations ------------------------------------------------------------------


def test_recommendations_of_named_reviews_and_learning_from_elsewhere(app, world):
    recommendations = report(app, world.partnership_id).recommendations

    [ours] = recommendations.local
    assert (ours.title, ours.kind, ours.source, ours.published, ours.link) == (
        "Child P: local review", "Our local child safeguarding practice review",
        "Independent reviewer", "2025-03-20", f"/learning/{world.reviews['p']}/action-plan")
    assert [(r.number, r.text, r.scope, r.agency_response, r.actions, r.completed,
             r.in_progress, r.improvements) for r in ours.recommendations] == [
        (1, "Share information at the front door", "Local", "Agreed by all partners", 2, 1, 1,
         ["Audit shows information shared within a day"]),
        (2, "Tell schools about the learning", "Local", "", 0, 0, 0, [])]

    # The 2023 inquiry has nothing for the period.
    [panel] = recommendations.national
    assert (panel.title, panel.kind, panel.published, panel.link) == (
        "Safeguarding children with disabilities", "National panel review", "2024-04-25",
        f"/learning/{world.reviews['panel']}")
    assert [(r.number, r.actions, r.completed, r.improvements)
            for r in panel.recommendations] == [
        (1, 1, 1, ["Training now covers disability"]), (2, 0, 0, [])]

    # Child Q's Rapid Review: counts only.
    assert (recommendations.unpublished_reviews, recommendations.unpublished_recommendations,
            recommendations.unpublished_actions, recommendations.unpublished_completed) == (
        1, 1, 2, 1)
    assert recommendations.missing == ""


# --- part 6: feedback from children and families ----------------------------------------------


def test_feedback_from_children_and_families_oldest_first(app, world):
    feedback = report(app, world.partnership_id).feedback

    assert [(e.recorded, e.action, e.objective, e.how_sought, e.how_used)
            for e in feedback.entries] == [
        ("2024-10-01", "Train staff on exploitation", "A1 Safeguarding adolescents",
         "Asked young people in a focus group", "The leaflet was rewritten with them"),
        ("2024-12-01", "Evaluate training", "B1 Evaluate training",
         "Parents answered a survey", ""),
    ]
    assert feedback.entries[0].link == f"/actions/{world.actions['train']}"
    assert feedback.missing == ""


def test_corrected_feedback_is_left_out(app, world):
    with app.app_context(), acting_as("tests"):
        wrong = db.session.scalars(sa.select(ProgressUpdate).where(
            ProgressUpdate.narrative == "Parents answered a survey")).one()
        db.session.add(ProgressUpdate(action_id=wrong.action_id, corrects_id=wrong.id,
                                      recorded_on=dt.date(2025, 5, 1),
                                      narrative="That was not feedback"))
        db.session.commit()

    feedback = report(app, world.partnership_id).feedback

    assert [e.recorded for e in feedback.entries] == ["2024-10-01"]


# --- part 8: changes to the arrangements ------------------------------------------------------


def test_changes_between_the_arrangements_in_force_at_the_start_and_the_end(app, world):
    changes = report(app, world.partnership_id).changes

    assert changes.at_start is not None and changes.at_end is not None
    assert (changes.at_start.title, changes.at_start.published) == (
        "Arrangements 2023", "2023-09-01")
    assert (changes.at_end.title, changes.at_end.published) == (
        "Arrangements 2024", "2024-10-01")
    assert changes.at_end.link == (
        f"/partnerships/westshire/arrangements/versions/{world.versions['2024']}")
    assert [v.title for v in changes.published_in_period] == ["Arrangements 2024"]
    assert [(g.heading, g.changes) for g in changes.groups] == [
        ("Relevant agencies and settings",
         ["Westshire Youth Justice Service became a relevant agency."])]
    assert changes.missing == ""


def test_a_changed_record_is_one_sentence_with_its_details(app, world):
    with app.app_context(), acting_as("tests"):
        partnership = db.session.get_one(Partnership, world.partnership_id)
        police = db.session.scalars(sa.select(Agency).where(
            Agency.name == "Westshire Police")).one()
        police.notes = "Now also covers the airport"
        add_version(partnership, "Arrangements 2025", dt.datetime(2025, 1, 15, 9,
                                                                    tzinfo=dt.UTC))
        db.session.commit()

    changes = report(app, world.partnership_id).changes

    assert [v.title for v in changes.published_in_period] == [
        "Arrangements 2024", "Arrangements 2025"]
    # Sentences a reader follows, not field differences.
    assert [(g.heading, g.changes) for g in changes.groups] == [
        ("Relevant agencies and settings",
         ["Westshire Youth Justice Service became a relevant agency.",
          "Westshire Police: its notes were rewritten."])]


@pytest.mark.parametrize(("start", "end", "missing"), [
    (dt.date(2023, 4, 1), dt.date(2023, 8, 31),
     "No version of the arrangements had been published by 31 August 2023, so there are no "
     "changes to report."),
    (dt.date(2023, 4, 1), dt.date(2024, 3, 31),
     "The first published arrangements (\u201cArrangements 2023\u201d, published on "
     "1 September 2023) came into force during the period; there is no earlier version to "
     "compare them with."),
    (dt.date(2023, 10, 1), dt.date(2024, 9, 30),
     "The arrangements published on 1 September 2023 were in force throughout the period; "
     "nothing changed."),
])
def test_changes_say_plainly_when_there_is_nothing_to_compare(app, world, start, end,
                                                                missing):
    changes = report(app, world.partnership_id, start, end).changes

    assert changes.groups == []
    assert changes.missing == missing


def test_arrangements_republished_unchanged(app, world):
    with app.app_context(), acting_as("tests"):
        add_version(db.session.get_one(Partnership, world.partnership_id), "Arrangements 2025",
                    dt.datetime(2025, 1, 15, 9, tzinfo=dt.UTC))
        db.session.commit()

    changes = report(app, world.partnership_id, dt.date(2024, 11, 1), END).changes

    assert changes.groups == []
    assert changes.missing == (
        "New arrangements were published on 15 January 2025, but nothing in the register "
        "changed from the version in force at the start of the period (published on "
        "1 October 2024).")


# --- charts -----------------------------------------------------------------------------------


def test_charts_of_ratings_progress_timeliness_and_attendance(app, world):
    charts = {chart.key: chart for chart in report(app, world.partnership_id).charts}

    rag = charts["rag_by_objective"]
    assert (rag.kind, rag.categories, rag.series, rag.unit) == (
        "stacked_bar", ["A1", "A2", "B1"], ["Red", "Amber", "Green", "Complete"], "actions")
    assert rag.values == [[0, 1, 0], [0, 0, 0], [1, 0, 0], [1, 0, 1]]
    assert rag.summary == (
        "Of the 4 business-plan actions for the period, 1 red, 0 amber, 1 green and 2 complete "
        "on 31 March 2025. A2 Responding to neglect has the most red actions (1).")

    line = charts["progress_over_year"]
    assert line.kind == "line"
    assert line.categories == ["Apr 2024", "May 2024", "Jun 2024", "Jul 2024", "Aug 2024",
                               "Sep 2024", "Oct 2024", "Nov 2024", "Dec 2024", "Jan 2025",
                               "Feb 2025", "Mar 2025"]
    assert line.values == [[0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2]]
    assert (line.reference, line.reference_label) == (4, "4 actions for the period")

    timeliness = charts["review_timeliness"]
    assert (timeliness.kind, timeliness.categories, timeliness.values) == (
        "bar", ["Rapid Review 1", "Child P"], [[19, 14]])
    assert (timeliness.reference, timeliness.reference_label) == (15, "15 working days")
    assert timeliness.summary == (
        "1 of the 2 Rapid Reviews completed in the period was sent to the national panel "
        "within 15 working days; they took from 14 to 19 working days.")

    assert "attendance_by_agency" not in charts  # the agencies' table gives the figures


# --- nothing recorded -------------------------------------------------------------------------


def test_every_part_says_plainly_when_there_is_no_data(app):
    partnership_id = add_area(app, "emptyshire", "Emptyshire Partnership")

    content = report(app, partnership_id)

    assert content.activities.missing == (
        "Nothing was recorded for this period: no meetings of the partnership's bodies, no "
        "business-plan actions, no reviews and no new arrangements.")
    assert (content.activities.meetings, content.activities.attendance) == ([], [])
    assert content.activities.attendance_percent is None
    assert content.reviews.missing == (
        "There were no Rapid Reviews, local child safeguarding practice reviews or referrals "
        "for national review in this period.")
    assert content.impact.missing == (
        "No evidence of impact was recorded on the actions completed or in progress in this "
        "period, or in their progress updates.")
    assert content.impact.training == "No multi-agency training was recorded for this period."
    assert content.progress.missing == (
        "No business plan covers this period, so there is no progress to analyse.")
    assert content.recommendations.missing == (
        "No review recommendations, of our own reviews or of learning from elsewhere, were "
        "being acted on in this period.")
    assert content.feedback.missing == (
        "No progress update in this period was flagged as feedback from children and "
        "families.")
    assert content.changes.missing == (
        "No version of the arrangements had been published by 31 March 2025, so there are no "
        "changes to report.")
    assert content.charts == []


def test_a_plan_where_nothing_stalled_says_so(app, world):
    with app.app_context(), acting_as("tests"):
        toolkit = db.session.get_one(Action, world.actions["toolkit"])
        toolkit.status, toolkit.completed_on = Status.COMPLETE, dt.date(2025, 1, 20)
        db.session.add(ProgressUpdate(action_id=toolkit.id, recorded_on=dt.date(2025, 1, 20),
                                      narrative="Published"))
        db.session.commit()

    progress = report(app, world.partnership_id).progress

    assert progress.objectives == []
    assert progress.missing == (
        "Each of the 3 objectives for the period made progress: every one had work completed "
        "or updated, and none was rated red or amber at the end.")


# --- need to know -----------------------------------------------------------------------------


def test_an_unpublished_cases_reference_never_appears_a_published_ones_does(app, world):
    text = as_json(report(app, world.partnership_id))

    assert "Child P" in text
    for secret in ("Child Q", "Child R", "Child S", "Child Z"):
        assert secret not in text
    assert f"/learning/{world.reviews['q']}" not in text


def test_a_case_is_named_only_once_its_review_has_been_published(app, world):
    before = as_json(report(app, world.partnership_id, today=dt.date(2025, 3, 19)))
    after = as_json(report(app, world.partnership_id, today=dt.date(2025, 3, 20)))

    assert "Child P" not in before
    assert "Front door information sharing" not in before  # its actions are left out too
    assert "Child P" in after


def test_nothing_of_another_partnership_is_counted(app, world):
    text = as_json(report(app, world.partnership_id))

    assert "Eastshire" not in text


# --- speed ------------------------------------------------------------------------------------


def statements(app: Flask, partnership_id: int) -> int:
    """Count the SQL statements one assembly sends (after a warm-up)."""
    report(app, partnership_id)
    sent: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        sent.append(statement)

    with app.app_context():
        engine = db.engine
        partnership = db.session.get_one(Partnership, partnership_id)
        with app.test_request_context():
            sa.event.listen(engine, "before_cursor_execute", count)
            try:
                assemble(partnership, START, END, TODAY)
            finally:
                sa.event.remove(engine, "before_cursor_execute", count)
    return len(sent)


def grow(app: Flask, world: World, times: int = 10) -> None:
    """Add ``times`` as many meetings, actions, updates, cases and reviews in the period."""
    with app.app_context(), acting_as("tests"):
        west = db.session.get_one(Partnership, world.partnership_id)
        agencies = list(db.session.scalars(sa.select(Agency).where(
            Agency.partnership_id == west.id)))
        for n in range(times):
            day = dt.date(2024, 4, 8) + dt.timedelta(days=30 * n)
            for body_id in (world.board_id, world.group_id):
                meeting = Meeting(body_id=body_id, held_on=day,
                                  status=MeetingStatus.CANCELLED if n % 4 == 3
                                  else MeetingStatus.HELD)
                meeting.decisions = [Decision(text="More", method=DecisionMethod.CONSENSUS)]
                meeting.attendance = [Attendance(agency=agency, presence=Presence.PRESENT)
                                      for agency in agencies]
                db.session.add(meeting)
            for objective in world.objectives.values():
                action = Action(partnership=west, objective_id=objective, year=2024,
                                title=f"More work {n}", status=Status.COMPLETE,
                                completed_on=day, impact="More impact")
                action.updates = [ProgressUpdate(recorded_on=day, narrative="Heard children",
                                                 impact="Used it", children_and_families=True)]
                db.session.add(action)
            case = Case(partnership=west, reference=f"Child {n}",
                        incident_type=IncidentType.SERIOUS_HARM, aware_on=day,
                        stage=Stage.LOCAL_REVIEW, retention_until=dt.date(2040, 1, 1))
            case.rapid_review = RapidReview(started_on=day, outcome=RapidOutcome.LOCAL_REVIEW,
                                            sent_to_panel_on=day + dt.timedelta(days=14))
            case.rapid_review.requests = [InformationRequest(
                agency=agencies[0], requested_on=day, due_on=day + dt.timedelta(days=5))]
            case.local_review = LocalReview(
                decided_on=day + dt.timedelta(days=20), target_on=day + dt.timedelta(days=200),
                published_on=day + dt.timedelta(days=100) if n % 2 else None)
            case.local_review.milestones = [Milestone(kind=MilestoneKind.DRAFT_RECEIVED,
                                                      due_on=day + dt.timedelta(days=60))]
            case.national_referral = NationalReferral(referred_on=day)
            review = Review(partnership=west, kind=ReviewKind.LOCAL_REVIEW, case=case,
                            title=f"Review {n}")
            review.recommendations = [Recommendation(number=k, text=f"Do {k}")
                                      for k in (1, 2)]
            db.session.add_all([case, review])
            db.session.flush()
            db.session.add(Action(partnership=west, year=2024, title=f"Review action {n}",
                                  recommendation_id=review.recommendations[0].id,
                                  status=Status.IN_PROGRESS, impact="Better"))
        db.session.commit()


def test_the_report_sends_the_same_statements_with_ten_times_the_data(app, world):
    small = statements(app, world.partnership_id)

    grow(app, world)
    large = statements(app, world.partnership_id)

    assert large == small, f"{small} statements, then {large} with more data"
    content = report(app, world.partnership_id)
    assert content.activities.meetings_held == 4 + 16  # 2 bodies x 10 months, 1 in 4 cancelled
    assert len(content.reviews.rapid) == 3 + 10


def _no_methods(value: Any) -> None:
    """The document template reads fields only: everything is plain data."""
    if dataclasses.is_dataclass(value):
        for item in dataclasses.fields(value):
            _no_methods(getattr(value, item.name))
    elif isinstance(value, list):
        for item in value:
            _no_methods(item)
    else:
        assert value is None or isinstance(value, str | int | float | bool), value


def test_the_content_holds_only_plain_values(app, world):
    _no_methods(report(app, world.partnership_id))


# --- how agencies took part, what the partners decided, the coming year --------------------


def test_each_agency_took_part_and_the_boards_decisions_name_no_unpublished_case(app, world):
    with app.app_context(), acting_as("tests"):
        board = db.session.get_one(Body, world.board_id)
        police = db.session.scalars(sa.select(Agency).where(
            Agency.name == "Westshire Police")).one()
        meeting = db.session.scalars(sa.select(Meeting).where(
            Meeting.body_id == board.id, Meeting.status == MeetingStatus.HELD,
            Meeting.held_on >= START).order_by(Meeting.held_on)).first()
        meeting.decisions += [
            Decision(text="Agreed that Child Q's review goes to the panel.",
                     method=DecisionMethod.CONSENSUS, position=5),
            Decision(text="Accepted that no review is needed for Child K.",
                     method=DecisionMethod.CONSENSUS, position=6),
            Decision(text="Approved the agenda and papers.", method=DecisionMethod.CONSENSUS,
                     position=7),
            Decision(text="Agreed Child P's action plan.", method=DecisionMethod.CONSENSUS,
                     position=8)]
        db.session.add(Escalation(partnership_id=world.partnership_id,
                                  raised_on=dt.date(2024, 9, 2), raised_by=police,
                                  stage=EscalationStage.MANAGER, themes=[]))
        db.session.commit()

    activities = report(app, world.partnership_id).activities

    texts = [d.text for d in activities.decisions_made]
    assert "Agreed Child P's action plan." in texts  # its review is published
    assert not [t for t in texts if "Child Q" in t or "Child K" in t or "agenda" in t]
    rows = {row.agency: row for row in activities.participation}
    assert (rows["Westshire Police"].expected, rows["Westshire Police"].attended,
            rows["Westshire Police"].escalations_raised) == (3, 2, 1)
    assert rows["Westshire Police"].trained is None  # no training recorded: not "0"
    assert sum(s.escalations_raised for s in activities.sectors) == 1


def test_the_coming_year_is_read_from_the_plan(app, world):
    next_year = report(app, world.partnership_id).next_year

    assert next_year is not None
    assert next_year.year_label == "2025\u201326"
    assert next_year.objectives == [] or all(o.reference for o in next_year.objectives)
    assert next_year.missing or next_year.objectives

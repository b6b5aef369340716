"""Independent scrutiny in the authorization matrix: everyone reads the plan and what was
found; the team and the partnership's scrutineer plan it; only the scrutineer writes findings
and recommendations; only the team records the response and turns recommendations into
actions."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from partnership.extensions import db
from partnership.policy import Role
from partnership.scrutiny.models import (
    ActivityKind,
    ActivityStatus,
    ScrutinyActivity,
    ScrutinyFunction,
    ScrutinyPlan,
    ScrutinyRecommendation,
)

ALL = frozenset(Role)
PLANNERS = frozenset({Role.TEAM, Role.SCRUTINEER})
SCRUTINEER = frozenset({Role.SCRUTINEER})
TEAM = frozenset({Role.TEAM})

EXPECTED: dict[str, frozenset[Role]] = {
    "scrutiny.index": ALL,
    "scrutiny.plan": ALL,
    "scrutiny.activity": ALL,
    "scrutiny.plan_new": PLANNERS,
    "scrutiny.plan_edit": PLANNERS,
    "scrutiny.activity_new": PLANNERS,
    "scrutiny.activity_edit": PLANNERS,
    "scrutiny.activity_status": PLANNERS,
    "scrutiny.findings": SCRUTINEER,
    "scrutiny.recommendation_new": SCRUTINEER,
    "scrutiny.recommendation_edit": SCRUTINEER,
    "scrutiny.recommendation_remove": SCRUTINEER,
    "scrutiny.response": TEAM,
    "scrutiny.recommendation_action": TEAM,
}

# The scrutineer plans with the team and writes their own findings: these POSTs are theirs.
PREFIX = "/partnerships/<slug>/scrutiny"
SCRUTINEER_POSTS = frozenset({
    f"{PREFIX}/new",
    f"{PREFIX}/<int:scrutiny_plan_id>/edit",
    f"{PREFIX}/<int:scrutiny_plan_id>/activities/new",
    f"{PREFIX}/activities/<int:activity_id>/edit",
    f"{PREFIX}/activities/<int:activity_id>/status",
    f"{PREFIX}/activities/<int:activity_id>/findings",
    f"{PREFIX}/activities/<int:activity_id>/recommendations",
    f"{PREFIX}/recommendations/<int:scrutiny_recommendation_id>/edit",
    f"{PREFIX}/recommendations/<int:scrutiny_recommendation_id>/remove",
})


def placeholders(base: SimpleNamespace) -> dict[str, str]:
    """Last year's plan (so a plan for this year may still be started) with an activity
    whose findings are reported, and one recommendation on them."""
    plan = ScrutinyPlan(partnership=base.partnership, year=2024,
                        title="Independent scrutiny plan 2024 to 2025")
    activity = ScrutinyActivity(
        plan=plan, function=ScrutinyFunction.ASSURANCE, kind=ActivityKind.DEEP_DIVE,
        title="Matrix deep dive", status=ActivityStatus.REPORTED, findings="Matrix findings",
        reported_on=dt.date(2025, 1, 15), agencies=[base.agency], meeting=base.meeting)
    recommendation = ScrutinyRecommendation(activity=activity, number=1,
                                            text="Matrix recommendation")
    db.session.add_all([plan, activity, recommendation])
    db.session.commit()
    return {"scrutiny_plan_id": str(plan.id), "activity_id": str(activity.id),
            "scrutiny_recommendation_id": str(recommendation.id)}

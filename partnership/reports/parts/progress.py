"""Part 4, little or no progress: each business plan overlapping the period, read by
:func:`partnership.plans.services.little_or_no_progress` as the actions stood on ``as_of``.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import url_for

from partnership.actions.queries import TrackedAction
from partnership.kernel.dates import long_date
from partnership.kernel.words import plural
from partnership.plans.models import Part, Plan
from partnership.plans.services import little_or_no_progress, plan_span
from partnership.reports.content import GapAction, GapObjective, Progress
from partnership.reports.parts.records import Records, action_link

RULE = ("An objective or action is listed here when none of its work was completed or updated "
        "during the period, or when it was rated red or amber on {as_of}.")


def overlapping_plans(records: Records) -> list[Plan]:
    """The business plans whose span overlaps the period."""
    plans = []
    for plan in records.plans:
        first, last = plan_span(plan)
        if first <= records.end and records.start <= last:
            plans.append(plan)
    return plans


def progress(records: Records, plans: Sequence[Plan],
             plan_actions: Sequence[TrackedAction]) -> Progress:
    """List the objectives and actions with little or no progress, with the reasons."""
    rule = RULE.format(as_of=long_date(records.as_of))
    if not plans:
        return Progress(objectives=[], objectives_considered=0, rule=rule, missing=(
            "No business plan covers this period, so there is no progress to analyse."))
    counted = {a.objective_id for a in plan_actions if records.counts(a)}
    plan_ids = {plan.id for plan in plans}
    considered = 0
    for objective in records.objectives.values():
        if objective.plan_id not in plan_ids:
            continue
        year = objective.year or objective.plan.first_year
        if (objective.part is Part.STRATEGIC or objective.id in counted
                or records.overlaps(year)):
            considered += 1
    listed = []
    for plan in plans:
        for gap in little_or_no_progress(plan, records.start, records.end, records.as_of):
            actions = [
                GapAction(title=found.action.title, link=action_link(found.action.id),
                          rating=found.action.judgement.label, reasons=list(found.reasons))
                for found in gap.actions
                if found.action.case_id is None or found.action.case_id in records.named]
            if not gap.reasons and not actions:
                continue
            listed.append(GapObjective(
                reference=gap.reference, title=gap.title,
                link=url_for("plans.objective", objective_id=gap.objective_id),
                plan=plan.title, reasons=list(gap.reasons), actions=actions))
    missing = "" if listed else (
        f"Each of the {plural(considered, 'objective')} for the period made progress: every "
        "one had work completed or updated, and none was rated red or amber at the end.")
    return Progress(objectives=listed, objectives_considered=considered, rule=rule,
                    missing=missing)

"""The coming year: the objectives the business plan sets for the reporting year after the
period (every Part A objective of a plan that covers it, and the one-year activities and
priorities of that year), how many actions each has for that year, and the actions carried
forward into it from the period. Read from the records already loaded: no query of its own.
"""

from __future__ import annotations

from flask import url_for

from partnership.kernel.dates import reporting_year, year_label, year_span
from partnership.plans.models import Part
from partnership.plans.services import plan_span
from partnership.reports.content import NextYear, NextYearObjective
from partnership.reports.parts.records import Records


def next_year(records: Records) -> NextYear:
    """Say what the plan sets for the year after the period."""
    year = reporting_year(records.end, records.month) + 1
    first, last = year_span(year, records.month)
    label = year_label(year, records.month)
    plans = [plan for plan in records.plans
             if plan_span(plan)[0] <= last and first <= plan_span(plan)[1]]
    plan_ids = {plan.id for plan in plans}
    counts: dict[int, int] = {}
    carried = []
    for action in records.actions.values():
        if action.objective_id is not None and action.year == year:
            counts[action.objective_id] = counts.get(action.objective_id, 0) + 1
        if (action.carried_on is not None and action.year < year
                and records.overlaps(action.year) and records.visible(action)
                and action.carried_on <= records.as_of):
            carried.append(action.title)
    chosen = [objective for objective in records.objectives.values()
              if objective.plan_id in plan_ids
              and (objective.part is Part.STRATEGIC or objective.year == year)]
    chosen.sort(key=lambda o: records.objective_key(o.id))
    objectives = [NextYearObjective(
        reference=o.reference, title=o.title, outcome=(o.outcome or "").strip(),
        actions=counts.get(o.id, 0), link=url_for("plans.objective", objective_id=o.id))
        for o in chosen]
    missing = "" if objectives or carried else (
        f"No business plan sets objectives for {label} yet.")
    return NextYear(year_label=label, plan=" and ".join(plan.title for plan in plans),
                    objectives=objectives, carried_forward=sorted(set(carried)),
                    missing=missing)

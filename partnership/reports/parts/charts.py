"""The charts' data: ratings per objective of the business-plan actions for the period (on
``as_of``); those actions completed by the end of each month of the period (to ``as_of``);
working days per completed Rapid Review against the 15-day limit; attendance per agency. A
chart with no data is left out. The drawing is :mod:`partnership.documents.charts`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from partnership.actions import rules
from partnership.actions.queries import TrackedAction
from partnership.actions.rag import Rag
from partnership.kernel.dates import long_date
from partnership.kernel.words import in_words, plural
from partnership.reports.content import Activities, Chart, Reviews
from partnership.reports.parts.records import Records
from partnership.reviews.services.deadlines import RAPID_REVIEW_WORKING_DAYS

RAG_SERIES = ((Rag.RED, "Red"), (Rag.AMBER, "Amber"), (Rag.GREEN, "Green"),
              (Rag.COMPLETE, "Complete"))
NOT_JUDGED = "Not judged"


def _months(start: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The calendar months from ``start`` to ``last``: (first day, last day in the period)."""
    months = []
    first = start
    while first <= last:
        following = (first.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        months.append((first, min(following - dt.timedelta(days=1), last)))
        first = following
    return months


def rag_chart(records: Records, plan_actions: Sequence[TrackedAction]) -> Chart | None:
    """The business-plan actions for the period by objective and rating on ``as_of``."""
    counted = [a for a in plan_actions if records.counts(a)
               and a.objective_id in records.objectives]
    if not counted:
        return None
    objective_ids = sorted({a.objective_id for a in counted if a.objective_id is not None},
                           key=records.objective_key)
    references = [records.objectives[i].reference for i in objective_ids]
    repeated = {r for r in references if references.count(r) > 1}
    categories = [f"{ref} ({records.objectives[i].plan.title})" if ref in repeated else ref
                  for ref, i in zip(references, objective_ids, strict=True)]
    tally = Counter((a.objective_id, a.rag) for a in counted)
    series = [label for _, label in RAG_SERIES]
    values = [[float(tally[(i, rag)]) for i in objective_ids] for rag, _ in RAG_SERIES]
    unrated = [float(sum(n for (i, rag), n in tally.items()
                         if i == o and rag not in dict(RAG_SERIES))) for o in objective_ids]
    if any(unrated):
        series.append(NOT_JUDGED)
        values.append(unrated)
    totals = Counter(a.rag for a in counted)
    said = [f"{totals[rag]} {label.lower()}" for rag, label in RAG_SERIES]
    summary = (f"Of the {plural(len(counted), 'business-plan action')} for the period, "
               f"{in_words(said)} on {long_date(records.as_of)}")
    summary += (f"; {sum(unrated):.0f} not judged on dates (ongoing or deferred)."
                if any(unrated) else ".")
    worst = max(objective_ids, key=lambda i: (tally[(i, Rag.RED)], tally[(i, Rag.AMBER)]))
    if tally[(worst, Rag.RED)]:
        objective = records.objectives[worst]
        summary += (f" {objective.reference} {objective.title} has the most red actions "
                    f"({tally[(worst, Rag.RED)]}).")
    return Chart(key="rag_by_objective", title="Business-plan actions by rating and objective",
                 summary=summary, kind="stacked_bar", categories=categories, series=series,
                 values=values, unit="actions")


def progress_chart(records: Records) -> Chart | None:
    """The business-plan actions for the period completed by the end of each month."""
    counted = records.plan_actions()
    if not counted:
        return None
    months = _months(records.start, records.as_of)
    if not months:
        return None
    done = [a for a in counted if records.completed_in(a)]
    values = [float(sum(rules.completed_in(a, records.start, last) for a in done))
              for _first, last in months]
    categories = [f"{first:%b %Y}" for first, _ in months]
    summary = (f"{len(done)} of the {plural(len(counted), 'business-plan action')} for the "
               f"period were completed between {long_date(records.start)} and "
               f"{long_date(records.as_of)}.")
    if done:
        days = [rules.completion_date(a, records.as_of) for a in done]
        months_of = Counter(f"{day:%B %Y}" for day in days if day is not None)
        if months_of:
            busiest = months_of.most_common(1)[0]
            summary += f" The most were completed in {busiest[0]} ({busiest[1]})."
    return Chart(key="progress_over_year", title="Business-plan actions completed to date",
                 summary=summary, kind="line", categories=categories,
                 series=["Actions completed to date"], values=[values], unit="actions",
                 reference=float(len(counted)),
                 reference_label=f"{plural(len(counted), 'action')} for the period")


def timeliness_chart(reviews: Reviews) -> Chart | None:
    """Working days each completed Rapid Review took, against the 15-day limit."""
    done = [row for row in reviews.rapid if row.working_days is not None]
    if not done:
        return None
    days = [row.working_days or 0 for row in done]
    on_time = sum(row.on_time is True for row in done)
    summary = (f"{on_time} of the {plural(len(done), 'Rapid Review')} completed in the "
               f"period {'was' if on_time == 1 else 'were'} sent to the national panel within "
               f"{RAPID_REVIEW_WORKING_DAYS} working days")
    summary += (f"; they took from {min(days)} to {max(days)} working days."
                if len(done) > 1 else f"; it took {days[0]} working days.")
    return Chart(key="review_timeliness", title="Rapid Reviews: working days to the panel",
                 summary=summary, kind="bar", categories=[row.label for row in done],
                 series=["Working days"], values=[[float(d) for d in days]],
                 unit="working days", reference=float(RAPID_REVIEW_WORKING_DAYS),
                 reference_label=f"{RAPID_REVIEW_WORKING_DAYS} working days")


def attendance_chart(activities: Activities) -> Chart | None:
    """Attendance per agency at the period's held meetings."""
    rows = [row for row in activities.attendance if row.percent is not None]
    if not rows:
        return None
    best = max(rows, key=lambda row: row.percent or 0)
    worst = min(rows, key=lambda row: row.percent or 0)
    summary = (f"Agencies attended {activities.attendance_percent}% of the meetings they were "
               f"expected at. The highest attendance was {best.agency} ({best.percent}%), "
               f"the lowest {worst.agency} ({worst.percent}%).")
    return Chart(key="attendance_by_agency", title="Attendance at meetings by agency",
                 summary=summary, kind="bar", categories=[row.agency for row in rows],
                 series=["Attendance"], values=[[float(row.percent or 0) for row in rows]],
                 unit="%")

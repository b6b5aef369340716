"""Assemble a yearly report's figures from the records, for one partnership and period.

:func:`assemble` reads the records in a fixed number of SQL queries, whatever their number
(each set is loaded for the whole period at once), and returns plain data
(:mod:`partnership.reports.content`). Nothing is stored: every draft is assembled afresh.
Each part of the report is made by its own module in :mod:`partnership.reports.parts`,
whose docstring gives that part's rules.

The rules every part keeps:

* **The period** runs from ``start`` to ``end``, both days included. Everything is judged
  **as at** ``as_of``, the earlier of today and the period's end: each action as it stood
  that day (its status, completion, rating, whether it was cancelled or carried forward),
  read back from its progress log by :mod:`partnership.actions.rules`, never as it stands
  today; and anything recorded as happening after ``as_of`` (a Rapid Review sent to the
  panel, a local review published) had not happened yet as far as the period is concerned.
  So a report on a past period says the same whichever day after its end it is assembled
  on (only the naming of cases can change, below).
* **Who is named.** A case is named (by its pseudonymous reference) only when its local
  review has been published or summarised (``LocalReview.published_on`` set, on or before
  today). Every other case is "Rapid Review 1", "Local review 2", "Referral 1"..., numbered
  in date order among the unnamed ones; nothing about it appears except dates, counts and
  set outcomes (no free text, no titles, no links), and its review's actions and progress
  updates are left out of the lists of evidence, feedback and progress (they count only in
  the anonymous totals of part 5). Links go only to records of named cases or of no case.
* **Actions for the period.** An action counts for the period when its reporting year
  overlaps the period and it was neither cancelled nor carried forward on ``as_of``
  (:func:`partnership.actions.rules.closed_by`). It was *completed in the period* when it
  was complete on ``as_of`` and reached completion on or after the start, or on a day not
  recorded (:func:`partnership.actions.rules.completed_in`, the plan's rule); *in
  progress* when it was in progress or ongoing on ``as_of``.
* **Numbers.** Every percentage is :func:`partnership.kernel.numbers.percent` (half up), and
  a figure the document states in several places is computed once.
"""

from __future__ import annotations

import datetime as dt

from partnership.actions.queries import ActionFilter, Source, tracked
from partnership.register.models import Partnership
from partnership.reports.content import ReportContent
from partnership.reports.parts import (
    activities,
    changes,
    charts,
    dataset,
    feedback,
    impact,
    money,
    next_year,
    progress,
    recommendations,
    records,
    reviews,
    training,
)


def assemble(partnership: Partnership, start: dt.date, end: dt.date,
             today: dt.date) -> ReportContent:
    """Return everything the report computes for the partnership from ``start`` to ``end``.

    ``today`` decides ``as_of`` (the earlier of today and ``end``) and which cases are
    named. The rules are in this module's docstring. Needs an application context with a
    request context (for the links): the command line runs under a test request context.
    """
    if end < start:
        raise ValueError("the period must not end before it starts")
    loaded = records.load(partnership, start, end, today)
    plans = progress.overlapping_plans(loaded)
    plan_actions = tracked(ActionFilter(partnership_id=partnership.id, source=Source.PLAN),
                           loaded.as_of, from_log=loaded.from_log)
    meetings = activities.meetings(loaded)
    part_two = reviews.reviews(loaded)
    part_eight = changes.changes(loaded)
    learning = training.training(loaded)
    part_one = activities.activities(loaded, meetings, part_two, part_eight, learning)
    data, data_charts = dataset.data(loaded)
    # The attendance chart is left out: the table of how each agency took part gives the
    # same figures, with the rest of its part in the arrangements.
    drawn = [chart for chart in (charts.rag_chart(loaded, plan_actions),
                                 charts.progress_chart(loaded),
                                 charts.timeliness_chart(part_two))
             if chart is not None] + data_charts
    return ReportContent(
        partnership=partnership.name, partnership_short=partnership.short_name,
        slug=partnership.slug, period_start=start.isoformat(), period_end=end.isoformat(),
        period_label=records.period_label(start, end, loaded.month),
        as_of=loaded.as_of.isoformat(), activities=part_one, reviews=part_two,
        impact=impact.impact(loaded, data), progress=progress.progress(loaded, plans, plan_actions),
        recommendations=recommendations.recommendations(loaded),
        feedback=feedback.feedback(loaded), changes=part_eight, charts=drawn,
        training=learning, money=money.money(loaded), next_year=next_year.next_year(loaded))

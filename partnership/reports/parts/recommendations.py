"""Part 5, decisions and actions on review recommendations.

A review is reported when it has an action for the period, when its case is listed in
part 2, or when it was published in the period. Our named reviews and learning from
elsewhere list each recommendation with its actions, taken or planned (every year's, less
those closed on ``as_of``): how many, how many were complete on ``as_of`` and how many in
progress then, and the improvements (the evidence of impact of those actions, their own and
from updates dated in the period). Our unnamed reviews give the same counts, added up, and
nothing else.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import replace
from typing import Any

from flask import url_for

from partnership.reports.content import (
    RecommendationRow,
    Recommendations,
    ReviewRecommendations,
)
from partnership.reports.parts.records import Records, ReportAction, iso
from partnership.reports.parts.reviews import local_found, national_found, rapid_found


def recommendations(records: Records) -> Recommendations:
    """Report the recommendations acted on in the period and how far their actions got."""
    in_part_two = {case.id for found in (rapid_found(records), local_found(records),
                                         national_found(records)) for _, case, *_ in found}
    by_review: dict[int, list[ReportAction]] = defaultdict(list)
    current: set[int] = set()
    for action in records.actions.values():
        if action.review_id is not None and not records.closed(action):
            by_review[action.review_id].append(action)
            if records.overlaps(action.year):
                current.add(action.review_id)
    update_impact: dict[int, list[str]] = defaultdict(list)
    for update in records.updates:
        if update.impact:
            update_impact[update.action_id].append(update.impact)
    local: list[tuple[tuple[Any, ...], ReviewRecommendations]] = []
    national: list[tuple[tuple[Any, ...], ReviewRecommendations]] = []
    unpublished = Counter[str]()
    for review in records.reviews:
        actions = by_review.get(review.id, [])
        ours = review.case_id is not None
        published = review.published_on
        if ours:
            case_local = records.case_by_id[review.case_id].local_review
            published = case_local.published_on if case_local is not None else None
            relevant = review.id in current or review.case_id in in_part_two or (
                records.in_period(records.by_as_of(published)))
        else:
            relevant = review.id in current or records.in_period(published)
        if not relevant:
            continue
        if ours and review.case_id not in records.named:
            unpublished["reviews"] += 1
            unpublished["recommendations"] += len(review.recommendations)
            unpublished["actions"] += len(actions)
            unpublished["completed"] += sum(records.complete(a) for a in actions)
            continue
        rows = []
        for recommendation in review.recommendations:
            mine = [a for a in actions if a.recommendation_id == recommendation.id]
            improvements: list[str] = []
            for action in mine:
                for text in ([action.impact] if action.impact else []) + update_impact.get(
                        action.id, []):
                    if text not in improvements:
                        improvements.append(text)
            rows.append(RecommendationRow(
                number=recommendation.number, text=recommendation.text,
                scope=recommendation.scope.label,
                agency_response=recommendation.agency_response,
                actions=len(mine), completed=sum(records.complete(a) for a in mine),
                in_progress=sum(records.in_progress(a) for a in mine),
                improvements=improvements))
        link = (url_for("learning.action_plan", review_id=review.id) if ours
                else url_for("learning.detail", review_id=review.id))
        entry = ReviewRecommendations(
            title=review.title, kind=review.kind.label, source=review.source,
            published=iso(published), link=link, recommendations=rows)
        key = (published or dt.date.max, review.id)
        (local if ours else national).append((key, entry))
    result = Recommendations(
        local=[entry for _, entry in sorted(local, key=lambda item: item[0])],
        national=[entry for _, entry in sorted(national, key=lambda item: item[0])],
        unpublished_reviews=unpublished["reviews"],
        unpublished_recommendations=unpublished["recommendations"],
        unpublished_actions=unpublished["actions"],
        unpublished_completed=unpublished["completed"], missing="")
    if not (result.local or result.national or result.unpublished_reviews):
        return replace(result, missing=(
            "No review recommendations, of our own reviews or of learning from elsewhere, "
            "were being acted on in this period."))
    return result

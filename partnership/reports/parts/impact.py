"""Part 3, evidence of impact, grouped by objective in plan order, then "Other work".

The evidence recorded on actions completed in the period or in progress on ``as_of``
(``Action.impact``), and in progress updates dated in the period (``ProgressUpdate.impact``;
an update later corrected by another is left out). Each action's status is as it stood on
``as_of``. Then the multi-agency dataset's chosen indicators (:mod:`.dataset`) and the
assurance work of the period (:mod:`.assurance`): case audits,
scrutiny activities, self-assessment rounds and escalations. Training is not recorded in the
tracker, and the report says so.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter, defaultdict
from typing import Any

from flask import url_for

from partnership.actions import rules
from partnership.reports.content import DataFigures, Impact, ImpactEntry, ObjectiveImpact
from partnership.reports.parts import assurance
from partnership.reports.parts.records import OTHER_WORK, Records, action_link, iso

TRAINING = "No multi-agency training was recorded for this period."
NUMBER = re.compile(r"\d[\d,.]*")
ALIKE = 0.6  # two entries on one action this alike in their words say the same thing


def _numbers(text: str) -> frozenset[str]:
    return frozenset(n.rstrip(".,").replace(",", "") for n in NUMBER.findall(text))


def _same(one: str, other: str) -> bool:
    """Say whether two pieces of evidence on one action say the same thing: the same words,
    or the same figures, or mostly the same words."""
    if one == other:
        return True
    numbers = _numbers(one)
    if numbers and numbers == _numbers(other):
        return True
    return difflib.SequenceMatcher(a=one.lower().split(), b=other.lower().split(),
                                   autojunk=False).ratio() >= ALIKE


def _once(found: list[tuple[tuple[Any, ...], ImpactEntry]]) -> list[ImpactEntry]:
    """The entries in date order, each piece of evidence once: an action's own evidence that
    repeats one of its progress updates (often copied from it) is left out, and so is an
    update repeating an earlier one."""
    updates = [(order, entry) for order, entry in found if order[1] == 0]
    kept: list[tuple[tuple[Any, ...], ImpactEntry]] = []
    for order, entry in sorted(found, key=lambda item: item[0]):
        if order[1] == 1 and any(other.link == entry.link and _same(entry.text, other.text)
                                 for _, other in updates):
            continue
        if any(other.link == entry.link and _same(entry.text, other.text)
               for _, other in kept):
            continue
        kept.append((order, entry))
    return [entry for _, entry in kept]


def impact(records: Records, data: DataFigures | None = None) -> Impact:
    """Gather the evidence of impact of the period, grouped by objective, with the dataset's
    chosen indicators (``data``, from :mod:`.dataset`)."""
    entries: dict[int | None, list[tuple[tuple[Any, ...], ImpactEntry]]] = defaultdict(list)
    completed: Counter[int | None] = Counter()
    in_progress: Counter[int | None] = Counter()
    for action in records.actions.values():
        if not records.visible(action) or not records.counts(action):
            continue
        done = records.completed_in(action)
        going = records.in_progress(action)
        completed[records.group_of(action)] += done
        in_progress[records.group_of(action)] += going
        if action.impact and (done or going):
            day = rules.completion_date(action, records.as_of) if done else None
            entries[records.group_of(action)].append((
                (day or dt.date.max, 1, action.id),
                ImpactEntry(action=action.title, link=action_link(action.id),
                            status=records.status(action).label, recorded=iso(day),
                            text=action.impact)))
    for update in records.updates:
        action = records.actions[update.action_id]
        if not update.impact or not records.visible(action):
            continue
        entries[records.group_of(action)].append((
            (update.recorded_on, 0, update.id),
            ImpactEntry(action=action.title, link=action_link(action.id),
                        status=records.status(action).label,
                        recorded=update.recorded_on.isoformat(),
                        text=update.impact)))
    groups = []
    keys = sorted((k for k in entries if k is not None), key=records.objective_key)
    for key in [*keys, None] if None in entries else keys:
        found = _once(entries[key])
        if key is None:
            reference, title, link = "", OTHER_WORK, ""
        else:
            objective = records.objectives[key]
            reference, title = objective.reference, objective.title
            link = url_for("plans.objective", objective_id=key)
        groups.append(ObjectiveImpact(reference=reference, title=title, link=link,
                                      completed=completed[key], in_progress=in_progress[key],
                                      entries=found))
    total = sum(len(group.entries) for group in groups)
    audits, scrutiny = assurance.audits(records), assurance.scrutiny(records)
    rounds, escalations = assurance.rounds(records), assurance.escalations(records)
    missing = "" if total or audits or scrutiny or rounds or escalations or data else (
        "No evidence of impact was recorded on the actions completed or in progress in this "
        "period, or in their progress updates.")
    return Impact(objectives=groups, entries=total, training=TRAINING, missing=missing,
                  audits=audits, scrutiny=scrutiny, rounds=rounds, escalations=escalations,
                  data=data)

"""Part 8, changes to the arrangements: the published arrangements in force on the first
day (the latest published on or before it) and on the last day, compared by
:func:`partnership.arrangements.services.compare_versions`.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Sequence

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import undefer

from partnership.arrangements.models import ArrangementsVersion
from partnership.arrangements.services import compare_versions
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.kernel.numbers import pounds
from partnership.publishing.models import PublicationStatus
from partnership.register.exchange import RegisterChange
from partnership.reports.content import ArrangementsVersionRef, ChangeGroupRow, Changes
from partnership.reports.parts.records import Records, published_day


def _version_ref(records: Records, version: ArrangementsVersion) -> ArrangementsVersionRef:
    return ArrangementsVersionRef(
        title=version.title, published=published_day(version).isoformat(),
        link=url_for("arrangements.version_detail", slug=records.partnership.slug,
                     version_id=version.id))


# The register's parts, grouped as a reader thinks of them: (heading, sections).
TOPICS = (
    ("Who leads the partnership", ("partners", "representatives", "appointments",
                                   "scrutineers")),
    ("Relevant agencies and settings", ("agencies", "establishments")),
    ("Boards and groups", ("bodies", "collaborations")),
    ("The arrangements' own words", ("narrative", "partnership")),
)
CAPACITY_WORDS = {"lead": "lead safeguarding partner",
                  "delegated": "delegated safeguarding partner"}
FIELD_WORDS = {"valid to": "end date", "valid from": "start date", "chair agency": "chair's agency",
               "text": "text", "decision rule": "way of deciding", "kind": "kind of group",
               "frequency": "meeting frequency"}
CHANGED = re.compile(r"^(?P<label>[^:]+): (?P<old>.*) \u2192 (?P<new>.*)$")
LISTED = re.compile(r"^(?P<label>[\w ]+) (?P<how>added|removed): (?P<item>.+)$")
SAID = re.compile(r"^(?:(?P<label>[\w ]+): )?(?P<how>Added|Removed|Reworded): ")
WHO = re.compile(r"^(?P<who>.+) \((?P<kind>[^,()]+), (?P<capacity>\w+)\)$")
AMOUNT = re.compile(r"^-?\d+(\.\d{1,2})?$")


def _shown(value: str) -> str:
    """A register value in a sentence: an amount in pounds, anything else as it is."""
    if AMOUNT.match(value):
        return pounds(round(decimal.Decimal(value) * 100))
    return value


def _role(kind: str, capacity: str) -> str:
    return f"the {kind.lower()}'s {CAPACITY_WORDS.get(capacity, capacity + ' representative')}"


def _field(label: str) -> str:
    return FIELD_WORDS.get(label, label)


def _clauses(section: str, name: str, details: Sequence[str]) -> list[str]:
    """What changed in one record, as clauses of a sentence."""
    clauses: list[str] = []
    rewritten: dict[str, int] = {}
    for detail in details:
        said = SAID.match(detail)
        if said:
            key = said.group("label") or ""
            rewritten[key] = rewritten.get(key, 0) + 1
            continue
        listed = LISTED.match(detail)
        if listed and ":" not in listed.group("label"):
            item, how = listed.group("item"), listed.group("how")
            label = listed.group("label")
            if label == "member":
                clauses.append(f"{item} {'joined' if how == 'added' else 'left'} it")
            else:
                clauses.append(f"{'it gained' if how == 'added' else 'it lost'} the {label} "
                               f"\u201c{item}\u201d")
            continue
        changed = CHANGED.match(detail)
        if changed:
            label, old, new = changed.group("label"), changed.group("old"), changed.group("new")
            if label == "valid to" and old == "not set":
                clauses.append(f"it ended on {new}")
            elif old == "not set":
                clauses.append(f"its {_field(label)} was set to {_shown(new)}")
            elif new == "not set":
                clauses.append(f"its {_field(label)} ({_shown(old)}) was taken out")
            else:
                clauses.append(f"its {_field(label)} changed from {_shown(old)} to "
                               f"{_shown(new)}")
            continue
        if detail.endswith("order changed"):
            clauses.append(f"the order of its {detail.split(':')[0]} changed")
        elif "spacing only" not in detail:
            clauses.append(detail[:1].lower() + detail[1:])
    for label in rewritten:
        what = _field(label) if label else ("wording" if section == "narrative" else "text")
        clauses.append(f"its {what} {'were' if what.endswith('s') else 'was'} rewritten")
    return clauses


def change_sentence(change: RegisterChange) -> str:
    """Say in one sentence what changed in one record of the arrangements."""
    section, name, kind = change.section, change.name, change.change
    who = WHO.match(name) if section == "representatives" else None
    if who:
        person, role = who.group("who"), _role(who.group("kind"), who.group("capacity"))
        if kind == "added":
            return f"{person} became {role}."
        if kind == "removed":
            return f"{person} is no longer {role}."
        if list(change.details) and all(d.startswith("valid to: not set") for d in change.details):
            ended = CHANGED.match(change.details[0])
            return f"{person} stopped being {role} on {ended.group('new') if ended else ''}."
    if kind == "added":
        return {
            "agencies": f"{name} became a relevant agency.",
            "bodies": f"A new group was set up: {name}.",
            "appointments": f"{name[:1].upper()}{name[1:]} was appointed.",
            "scrutineers": f"{name} began to provide independent scrutiny.",
            "collaborations": f"The partnership joined {name}.",
            "establishments": f"{name} was added to the settings that take part.",
            "narrative": f"A new section, \u201c{name}\u201d, was added.",
            "partners": f"{name} was added as a statutory partner.",
        }.get(section, f"{name} was added.")
    if kind == "removed":
        return {
            "agencies": f"{name} is no longer a relevant agency.",
            "bodies": f"{name} was closed.",
            "scrutineers": f"{name} no longer provides independent scrutiny.",
            "collaborations": f"The partnership left {name}.",
            "establishments": f"{name} was taken off the settings that take part.",
            "narrative": f"The section \u201c{name}\u201d was taken out.",
        }.get(section, f"{name} was taken out.")
    clauses = _clauses(section, name, change.details)
    if section == "narrative" and clauses == ["its wording was rewritten"]:
        return f"The section \u201c{name}\u201d was rewritten."
    if not clauses:
        return f"{name} changed only in its spacing."
    subject = f"The section \u201c{name}\u201d" if section == "narrative" else name
    first = clauses[0]
    if first.startswith("its "):
        first = first[4:]
        said = f"{subject}: its {first}"
    else:
        said = f"{subject}: {first}"
    rest = clauses[1:]
    if rest:
        said += "; " + "; ".join(rest)
    return said + "."


def change_groups(changes: Sequence[RegisterChange]) -> list[ChangeGroupRow]:
    """The changes as sentences, under the topics a reader looks for."""
    groups = []
    for heading, sections in TOPICS:
        found = [change_sentence(c) for c in changes if c.section in sections]
        if found:
            groups.append(ChangeGroupRow(heading=heading, changes=found))
    return groups


def changes(records: Records) -> Changes:
    """Compare the arrangements in force on the period's first and last days."""
    versions = list(db.session.scalars(
        sa.select(ArrangementsVersion)
        .where(ArrangementsVersion.partnership_id == records.partnership.id,
               ArrangementsVersion.status != PublicationStatus.DRAFT,
               ArrangementsVersion.published_at.is_not(None))
        .order_by(ArrangementsVersion.published_at, ArrangementsVersion.id)))
    dated = [(published_day(version), version) for version in versions]
    at_start = next((v for day, v in reversed(dated) if day <= records.start), None)
    at_end = next((v for day, v in reversed(dated) if day <= records.end), None)
    in_period = [v for day, v in dated if records.in_period(day)]
    groups: list[ChangeGroupRow] = []
    if at_start is not None and at_end is not None and at_start.id != at_end.id:
        loaded = {v.id: v for v in db.session.scalars(
            sa.select(ArrangementsVersion).options(undefer(ArrangementsVersion.snapshot))
            .where(ArrangementsVersion.id.in_([at_start.id, at_end.id]))
            .execution_options(populate_existing=True))}
        groups = change_groups([change for group in compare_versions(
            loaded[at_start.id], loaded[at_end.id]) for change in group.changes])
    start_ref = _version_ref(records, at_start) if at_start is not None else None
    end_ref = _version_ref(records, at_end) if at_end is not None else None
    missing = ""
    if at_end is None:
        missing = (f"No version of the arrangements had been published by "
                   f"{long_date(records.end)}, so there are no changes to report.")
    elif at_start is None:
        missing = (f"The first published arrangements (\u201c{at_end.title}\u201d, published "
                   f"on {long_date(published_day(at_end))}) came into force during the "
                   "period; there is no earlier version to compare them with.")
    elif at_start.id == at_end.id:
        missing = (f"The arrangements published on {long_date(published_day(at_end))} were "
                   "in force throughout the period; nothing changed.")
    elif not groups:
        missing = (f"New arrangements were published on {long_date(published_day(at_end))}, "
                   "but nothing in the register changed from the version in force at the "
                   f"start of the period (published on {long_date(published_day(at_start))}).")
    return Changes(at_start=start_ref, at_end=end_ref,
                   published_in_period=[_version_ref(records, v) for v in in_period],
                   groups=groups, missing=missing)

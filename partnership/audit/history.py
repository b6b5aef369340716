"""A record's history in words: one entry per save, names instead of ids, dates as people
write them, codes as their labels.

The audit trail stores what changed column by column and row by row (``Agency: null -> 51``;
one row per attendance line of a meeting). A page shows it the way its reader thinks of it:
the rows written by one save (one request) make one entry, a column that points at another
record shows that record's name (if the reader may see it), an enum its label, a date
"7 December 2026". Records are found through the mapper registry, so the audit trail, which
sits below every feature, imports none of them.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import sqlalchemy as sa

from partnership.audit.models import AuditEvent
from partnership.audit.services import REDACTED
from partnership.editing import NAME_ATTRIBUTES, name_of
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.policy import can, reader

EMPTY = "(none)"
HIDDEN = "(a record you cannot see)"
VERBS = {"create": "Added", "update": "Changed", "delete": "Removed"}
ACCOUNT = "User"  # the class of accounts: who did something is no secret on its record
# Above this many records of one kind changed by one save, the entry counts them and lists
# their changes under "Show" (an attendance register saved at once: one entry, not 35).
LISTED_IN_FULL = 3
LONGEST_VALUE = 300  # characters of a text shown in a history


@dataclass(frozen=True)
class FieldChange:
    """One field of one record: its label, and the value before and after, in words."""

    label: str
    before: str | None = None
    after: str | None = None
    note: str | None = None  # instead of values ("changed", for a redacted field)


@dataclass
class RecordChange:
    """What one save did to one record."""

    kind: str
    verb: str
    name: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class KindChanges:
    """The records of one kind one save touched the same way (added, changed, removed)."""

    kind: str
    verb: str
    records: list[RecordChange] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """Say it in one line: "Added 7 attendance records"."""
        count = len(self.records)
        noun = self.kind.lower() + (" record" if count == 1 else " records")
        return f"{self.verb} {count} {noun}"

    @property
    def listed(self) -> bool:
        """Whether each record is shown in full (few) or counted with details behind "Show"."""
        return len(self.records) <= LISTED_IN_FULL


@dataclass
class Entry:
    """One save (or one event): when, who, what."""

    at: dt.datetime
    actor: str
    outcome: str
    groups: list[KindChanges] = field(default_factory=list)
    event: str | None = None  # an event that changed no record (a refusal, an export)

    @property
    def when(self) -> str:
        """The time in words: "7 December 2026, 14:05"."""
        return f"{long_date(self.at.date())}, {self.at:%H:%M}"


@cache
def _classes_by_table() -> dict[str, Any]:
    return {mapper.local_table.name: mapper.class_ for mapper in db.Model.registry.mappers
            if isinstance(mapper.local_table, sa.Table)}


def kind_label(record_type: str | None) -> str:
    """A record type as people say it: ``agenda_item`` -> "Agenda item"."""
    cls = _classes_by_table().get(record_type or "")
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in cls.__name__).strip() \
        if cls is not None else (record_type or "record").replace("_", " ")
    return words[:1].upper() + words[1:]


def _name_of(record: Any) -> str:
    """What a record is called (a record with no words of its own: its kind)."""
    if type(record).__str__ is object.__str__ and not any(
            getattr(record, attribute, None) for attribute in NAME_ATTRIBUTES):
        return kind_label(record.__table__.name)
    return name_of(record)


def field_label(name: str) -> str:
    """A column as people read it: ``lead_agency_id`` -> "Lead agency"."""
    words = name.removesuffix("_id").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


class _Words:
    """Turns stored values into words, reading the records they point at in one query per
    table."""

    def __init__(self, events: Sequence[AuditEvent]) -> None:
        self.user = reader()
        self.accounts = next((table for table, cls in _classes_by_table().items()
                              if cls.__name__ == ACCOUNT), "")
        wanted: dict[str, set[int]] = defaultdict(set)
        for event in events:
            columns = self._columns(event.record_type)
            for key, value in (event.changes or {}).items():
                column = columns.get(key)
                target = self._points_at(column)
                if target is None or not isinstance(value, list):
                    continue
                wanted[target].update(v for v in value if isinstance(v, int))
        wanted[self.accounts].update(e.user_id for e in events if e.user_id is not None)
        self.names: dict[tuple[str, int], str] = {}
        for table, ids in wanted.items():
            cls = _classes_by_table().get(table)
            if cls is None or not ids:
                continue
            for record in db.session.scalars(sa.select(cls).where(cls.id.in_(sorted(ids)))):
                self.names[(table, record.id)] = self._shown_name(table, record)

    def _shown_name(self, table: str, record: Any) -> str:
        if (table != self.accounts and self.user is not None
                and getattr(record, "__realm__", None) is not None
                and not can(self.user, "view", record)):
            return HIDDEN
        return _name_of(record)

    @staticmethod
    def _columns(record_type: str | None) -> dict[str, Any]:
        cls = _classes_by_table().get(record_type or "")
        if cls is None:
            return {}
        return {attr.key: attr.columns[0] for attr in sa.inspect(cls).column_attrs}

    @staticmethod
    def _points_at(column: Any) -> str | None:
        if column is None or not column.foreign_keys:
            return None
        return next(iter(column.foreign_keys)).column.table.name

    def actor(self, event: AuditEvent) -> str:
        """Who did it: the account's name where there is one, else as recorded."""
        if event.user_id is not None:
            return self.names.get((self.accounts, event.user_id), event.actor)
        return "The service" if event.actor == "system" else event.actor

    def value(self, column: Any, value: Any) -> str:
        """One stored value in words."""
        if value is None or value == "":
            return EMPTY
        target = self._points_at(column)
        if target is not None and isinstance(value, int):
            return self.names.get((target, value), f"{kind_label(target)} (since removed)")
        kind = getattr(column, "type", None)
        kind = getattr(kind, "impl", kind)  # a decorated type (UTCDateTime) says its base
        enum_class = getattr(getattr(column, "type", None), "enum_class", None)
        if enum_class is not None and isinstance(value, str):
            try:
                member = enum_class(value)
            except ValueError:
                return value
            return str(getattr(member, "label", member.value))
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(kind, sa.DateTime) and isinstance(value, str):
            moment = dt.datetime.fromisoformat(value)
            return f"{long_date(moment.date())}, {moment:%H:%M}"
        if isinstance(kind, sa.Date) and isinstance(value, str):
            return long_date(dt.date.fromisoformat(value))
        if isinstance(kind, sa.Time) and isinstance(value, str):
            return value[:5]  # "10:00", as the forms ask for it
        if isinstance(value, list):
            return ", ".join(self.value(None, item) for item in value) or EMPTY
        if isinstance(value, enum.Enum):
            return str(getattr(value, "label", value.value))
        return _shortened(str(value))

    def record(self, event: AuditEvent) -> RecordChange:
        """What one audit row says happened to its record."""
        columns = self._columns(event.record_type)
        changes = event.changes or {}
        fields = []
        for key, value in changes.items():
            if key == "version" or (event.action != "update" and key == "id"):
                continue
            column = columns.get(key)
            label = field_label(key)
            if value == REDACTED:
                fields.append(FieldChange(label, note=REDACTED))  # changed; never shown
            elif isinstance(value, list) and len(value) == 2:
                before, after = (self.value(column, v) for v in value)
                kept = after if event.action == "create" else before
                if event.action != "update" and kept == EMPTY:
                    continue  # a new or removed record's empty fields say nothing
                fields.append(FieldChange(label, before if event.action == "update" else None,
                                          after if event.action != "delete" else before))
            else:
                fields.append(FieldChange(label, note=self.value(column, value)))
        kind = kind_label(event.record_type)
        return RecordChange(kind, VERBS.get(event.action, event.action),
                            self._record_name(event, columns), fields)

    def _record_name(self, event: AuditEvent, columns: dict[str, Any]) -> str:
        """The record's name as it was saved (its name, title or the record it is about)."""
        changes = event.changes or {}
        for attribute in NAME_ATTRIBUTES:
            value = changes.get(attribute)
            if isinstance(value, list) and len(value) == 2 and (value[1] or value[0]):
                return str(value[1] or value[0])
        return kind_label(event.record_type)


def _shortened(text: str) -> str:
    """A long text (a meeting's minutes) as its first words: the record holds the rest."""
    if len(text) <= LONGEST_VALUE:
        return text
    return text[:LONGEST_VALUE].rsplit(" ", 1)[0] + "…"


def _save_of(event: AuditEvent) -> tuple[Any, ...]:
    """Rows written by one save share their request (or, offline, their moment)."""
    if event.request_id:
        return ("request", event.request_id, event.actor)
    return ("moment", event.at.replace(microsecond=0), event.actor)


def history_in_words(events: Iterable[AuditEvent]) -> list[Entry]:
    """Group a record's audit rows (newest first) into one entry per save, in words."""
    events = list(events)
    words = _Words(events)
    entries: list[Entry] = []
    index: dict[tuple[Any, ...], Entry] = {}
    for event in events:
        if event.action not in VERBS:
            entries.append(Entry(event.at, words.actor(event), event.outcome,
                                 event=event.action.replace("_", " ").capitalize()))
            continue
        key = _save_of(event)
        entry = index.get(key)
        if entry is None:
            entry = index[key] = Entry(event.at, words.actor(event), event.outcome)
            entries.append(entry)
        change = words.record(event)
        group = next((g for g in entry.groups if (g.kind, g.verb) == (change.kind, change.verb)),
                     None)
        if group is None:
            group = KindChanges(change.kind, change.verb)
            entry.groups.append(group)
        group.records.append(change)
    for entry in entries:  # the record itself before the many parts saved with it
        entry.groups.sort(key=lambda group: len(group.records))
    return entries


def changes_in_words(events: Iterable[AuditEvent]) -> dict[int, RecordChange]:
    """Each audit row's changes in words, by the row's id (for the audit log's own list)."""
    events = list(events)
    words = _Words(events)
    return {event.id: words.record(event) for event in events}

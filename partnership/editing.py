"""Never lose an edit: detect edits made from an out-of-date version and show the conflict."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import render_template
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError

from partnership.extensions import db
from partnership.kernel.dates import long_date

EMPTY = "(none)"
NAME_ATTRIBUTES = ("name", "title", "reference")


@dataclass
class ConflictField:
    """One field as the user submitted it and as it is now."""

    name: str
    label: str
    mine: Any
    theirs: Any

    @property
    def differs(self) -> bool:
        """Say whether the user's value differs from the current one."""
        return self.mine != self.theirs


class EditConflict(Exception):
    """Someone saved the record after this user opened it."""

    def __init__(self, obj: Any, values: Mapping[str, Any]) -> None:
        super().__init__(f"{type(obj).__name__} {obj.id} changed since it was opened")
        self.obj = obj
        self.values = dict(values)


def apply_edit(obj: Any, started_from: object, values: Mapping[str, Any]) -> bool:
    """Copy values onto obj if the user started from its current version; return if it changed.

    ``version_id_col`` alone does not catch a stale form (each request reloads the row),
    so the version the form was opened at is compared here; the mapper still guards the
    short race between this check and the flush.
    """
    if str(obj.version) != str(started_from):
        raise EditConflict(obj, values)
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def commit_edit(obj: Any, values: Mapping[str, Any]) -> None:
    """Commit, turning a lost race with another save into an EditConflict."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        fresh = db.session.get(type(obj), sa.inspect(obj).identity[0])
        raise EditConflict(fresh, values) from None


def render_conflict(
    conflict: EditConflict, form: FlaskForm, *, title: str, cancel_url: str
) -> tuple[str, int]:
    """Undo the stale edit, then show what this user typed beside what is saved now (read
    afresh) and let them re-apply it."""
    db.session.rollback()
    fields = [
        ConflictField(
            name=name,
            label=str(form[name].label.text) if name in form else name,
            mine=in_words(conflict.obj, name, value, form),
            theirs=in_words(conflict.obj, name, getattr(conflict.obj, name), form),
        )
        for name, value in conflict.values.items()
    ]
    return (
        render_template(
            "editing/conflict.html",
            title=title,
            fields=fields,
            current_version=conflict.obj.version,
            form=form,
            cancel_url=cancel_url,
        ),
        409,
    )


def in_words(obj: Any, name: str, value: Any, form: FlaskForm | None = None) -> str:
    """Say a field's value as the form offered it: the choice's label, the record's name, a
    date as "7 December 2026", a code as its label, "(none)" for nothing."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(in_words(obj, name, item, form) for item in value)
    field = form[name] if form is not None and name in form else None
    for choice in getattr(field, "choices", None) or ():
        if isinstance(choice, tuple | list) and len(choice) >= 2 and str(choice[0]) == str(
                getattr(value, "value", value)) and str(choice[0]) != "":
            return str(choice[1])
    if isinstance(value, enum.Enum):
        return str(getattr(value, "label", value.value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return f"{long_date(value.date())}, {value:%H:%M}"
    if isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, int):
        record = _pointed_at(obj, name, value)
        if record is not None:
            return name_of(record)
    if hasattr(value, "__table__"):
        return name_of(value)
    return str(value)


def _pointed_at(obj: Any, name: str, value: int) -> Any:
    """The record a foreign-key column of ``obj`` names by ``value`` (None: not a key)."""
    column = sa.inspect(type(obj)).columns.get(name)
    if column is None or not column.foreign_keys:
        return None
    table = next(iter(column.foreign_keys)).column.table
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is table:
            return db.session.get(mapper.class_, value)
    return None


def name_of(record: Any) -> str:
    """What a record is called: its name, title or reference, or its own words for itself."""
    for attribute in NAME_ATTRIBUTES:
        found = getattr(record, attribute, None)
        if isinstance(found, str) and found:
            return found
    return str(record)

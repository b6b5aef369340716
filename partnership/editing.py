"""Never lose an edit: detect edits made from an out-of-date version and show the conflict."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import render_template
from flask_wtf import FlaskForm
from sqlalchemy.orm.exc import StaleDataError

from partnership.extensions import db


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
            mine=_shown(value),
            theirs=_shown(getattr(conflict.obj, name)),
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


def _shown(value: Any) -> Any:
    """Show a list of records (a collaboration's partnerships, say) as their names."""
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(str(item) for item in value)
    return value

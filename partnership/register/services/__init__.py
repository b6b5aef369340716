"""The register's rules and operations, one module per area (mirrors views/)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm.attributes import flag_modified

from partnership.audit.services import record_event, record_id_of, record_type_of
from partnership.kernel.dates import long_date
from partnership.kernel.errors import DomainError


class RegisterError(DomainError):
    """A change to the register that breaks one of its rules; the message is for the user.

    ``field`` names the form field the message belongs next to (None: the form as a whole).
    """


def check_period(starts: dt.date | None, ends: dt.date | None, field: str = "valid_to") -> None:
    """Refuse a period that ends before it starts."""
    if starts is not None and ends is not None and ends < starts:
        raise RegisterError("The end date must be the same as or after the start date", field)


def periods_overlap(first: tuple[dt.date | None, dt.date | None],
                    second: tuple[dt.date | None, dt.date | None]) -> bool:
    """Say whether two (from, to) periods share a day; a missing end is open."""
    (a_from, a_to), (b_from, b_to) = first, second
    starts_before_b_ends = a_from is None or b_to is None or a_from <= b_to
    b_starts_before_a_ends = b_from is None or a_to is None or b_from <= a_to
    return starts_before_b_ends and b_starts_before_a_ends


def describe_period(starts: dt.date | None, ends: dt.date | None) -> str:
    """Say a period as people write it: "from 1 July 2022", "1 April 2019 to 30 June 2022"."""
    if starts and ends:
        return f"{long_date(starts)} to {long_date(ends)}"
    if starts:
        return f"from {long_date(starts)}"
    if ends:
        return f"until {long_date(ends)}"
    return "with no dates"


def record_membership_change(record: Any, what: str, before: list[Any], after: list[Any],
                             *, new_record: bool = False) -> None:
    """Audit a change to a record's many-to-many list and make it a new version of the record.

    The audit hook and the version counter see columns only; lists such as a collaboration's
    partnerships live in association tables, so the change is written to the record's history
    here, and the record is marked changed so that its version moves on (a form opened before
    the change then gets the conflict page). A ``new_record`` stays at its first version.
    """
    before_names = sorted(str(item) for item in before)
    after_names = sorted(str(item) for item in after)
    if before_names == after_names:
        return
    if not new_record:
        mapper = sa.inspect(record).mapper
        plain = next(attr.key for attr in mapper.column_attrs
                     if not attr.columns[0].primary_key
                     and attr.columns[0] is not mapper.version_id_col)
        flag_modified(record, plain)
    record_event("update", record_type=record_type_of(record), record_id=record_id_of(record),
                 changes={what: ["; ".join(before_names) or None, "; ".join(after_names) or None]},
                 commit=False)


def same_members(current: list[Any], chosen: list[Any]) -> list[Any]:
    """Return ``current`` itself when it holds the chosen records (in any order), else ``chosen``.

    Editing compares old and new values with ``!=``; handing back the current list when only
    the order differs keeps an unchanged list from counting as a change.
    """
    return current if {id(item) for item in current} == {id(item) for item in chosen} else chosen

"""Enums whose members carry the words a partnership uses, stored as plain strings."""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa


def enum_column(enum: type[StrEnum], length: int = 30) -> sa.Enum:
    """Store a StrEnum by value, as a plain string column (portable, readable in SQL)."""
    return sa.Enum(
        enum, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry the words a partnership uses for them."""

    @property
    def label(self) -> str:
        """Return the member's label: the value with spaces, or its ``_labels`` entry."""
        labels: dict[str, str] = getattr(type(self), "_labels", lambda: {})()
        return labels.get(self.value, self.value.replace("_", " ").capitalize())

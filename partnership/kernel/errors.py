"""The base of every error a feature raises to refuse something a user asked for.

A domain error carries the message the user reads and, when it belongs to one form field,
the field's name, so the one view helper (``partnership.web.refused``) can show it next to
that field; without a field it goes to the top of the page.
"""

from __future__ import annotations


class DomainError(Exception):
    """Something a user asked for that the rules refuse; the message says why."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Refused(DomainError):
    """A step a workflow does not allow now (publish before every sign-off, and so on)."""


class NotFound(DomainError):
    """The record the step needs does not exist (or the user may not know it does)."""

"""Forms for case reviews; the identifier guard every free-text field on a case uses."""

from __future__ import annotations

from typing import Any

from wtforms.validators import ValidationError

from partnership.reviews.identifiers import identifier_problems


class NoIdentifiers:
    """Refuse text that looks like a child's or family member's identifier, saying why."""

    def __call__(self, form: Any, field: Any) -> None:
        problems = identifier_problems(field.data or "")
        if problems:
            raise ValidationError(" ".join(problems))

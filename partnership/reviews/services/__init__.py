"""Case review services: what may be done to cases and reviews, and the rules that hold."""

from __future__ import annotations

from partnership.extensions import db
from partnership.register.models import Partnership
from partnership.reviews.models import ReviewSettings


class ReviewError(ValueError):
    """A rule of the review process was broken; ``field`` names the form field to blame."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def settings_for(partnership: Partnership) -> ReviewSettings:
    """Return the partnership's review settings, creating the defaults on first use."""
    import sqlalchemy as sa

    row = db.session.scalar(
        sa.select(ReviewSettings).where(ReviewSettings.partnership_id == partnership.id))
    if row is None:
        row = ReviewSettings(partnership=partnership)
        db.session.add(row)
        db.session.flush()
    return row

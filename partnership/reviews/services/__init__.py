"""Case review services: what may be done to cases and reviews, and the rules that hold."""

from __future__ import annotations

import sqlalchemy as sa

from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.register.models import Partnership
from partnership.reviews.models import ReviewSettings


class ReviewError(DomainError):
    """A rule of the review process was broken; ``field`` names the form field to blame."""


def settings_for(partnership: Partnership) -> ReviewSettings:
    """Return the partnership's review settings, creating the defaults on first use."""
    row = db.session.scalar(
        sa.select(ReviewSettings).where(ReviewSettings.partnership_id == partnership.id))
    if row is None:
        row = ReviewSettings(partnership=partnership)
        db.session.add(row)
        db.session.flush()
    return row

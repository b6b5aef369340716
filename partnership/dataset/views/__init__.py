"""The dataset's pages, one blueprint for a partnership's dataset (``/partnerships/<slug>/
dataset``) and one for the landing page across partnerships (``/dataset``).

``indicators`` holds the library, the indicator page, the dashboards, exceptions turned into
actions and the export; ``entry`` holds entering, approving and importing figures, the
commentary, the population and the benchmarks. Both use the lookups below.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort

from partnership.access import authorize
from partnership.dataset.models import Indicator
from partnership.dataset.periods import Period, period_of
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.register.models import Partnership
from partnership.register.services.partnerships import partnership_or_404

bp = Blueprint("dataset", __name__, url_prefix="/partnerships/<slug>/dataset")
bp_all = Blueprint("dataset_all", __name__, url_prefix="/dataset")


@bp.context_processor
def words() -> dict[str, Any]:
    """Give the dataset's pages their way of writing dates."""
    return {"long_date": long_date}


def partnership_for(slug: str) -> Partnership:
    """The partnership whose dataset it is (404 if the reader does not serve it)."""
    partnership = partnership_or_404(slug)
    authorize("view", partnership)
    return partnership


def indicator_for(slug: str, indicator_id: int, verb: str = "view"
                  ) -> tuple[Partnership, Indicator]:
    """The partnership and one of its indicators, refused unless the reader may ``verb`` it."""
    partnership = partnership_for(slug)
    indicator = db.session.scalar(sa.select(Indicator).where(
        Indicator.id == indicator_id, Indicator.partnership_id == partnership.id))
    if indicator is None:
        abort(404)
    authorize(verb, indicator)
    return partnership, indicator


def period_for(partnership: Partnership, indicator: Indicator, text: str) -> Period:
    """The indicator's period named in a URL by its first day (``2026-04-01``), or 404."""
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        abort(404)
    period = period_of(day, indicator.frequency, partnership.year_start_month)
    if period.start != day:
        abort(404)
    return period


from partnership.dataset.views import entry, indicators  # noqa: E402,F401 - routes on bp

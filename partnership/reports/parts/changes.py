"""Part 8, changes to the arrangements: the published arrangements in force on the first
day (the latest published on or before it) and on the last day, compared by
:func:`partnership.arrangements.services.compare_versions`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import undefer

from partnership.arrangements.models import ArrangementsVersion
from partnership.arrangements.services import compare_versions
from partnership.extensions import db
from partnership.kernel.dates import long_date
from partnership.publishing.models import PublicationStatus
from partnership.reports.content import ArrangementsVersionRef, ChangeGroupRow, Changes
from partnership.reports.parts.records import Records, published_day


def _version_ref(records: Records, version: ArrangementsVersion) -> ArrangementsVersionRef:
    return ArrangementsVersionRef(
        title=version.title, published=published_day(version).isoformat(),
        link=url_for("arrangements.version_detail", slug=records.partnership.slug,
                     version_id=version.id))


def _change_sentence(name: str, details: Sequence[str]) -> str:
    return f"{name} \u2013 {'; '.join(details)}" if details else name


def changes(records: Records) -> Changes:
    """Compare the arrangements in force on the period's first and last days."""
    versions = list(db.session.scalars(
        sa.select(ArrangementsVersion)
        .where(ArrangementsVersion.partnership_id == records.partnership.id,
               ArrangementsVersion.status != PublicationStatus.DRAFT,
               ArrangementsVersion.published_at.is_not(None))
        .order_by(ArrangementsVersion.published_at, ArrangementsVersion.id)))
    dated = [(published_day(version), version) for version in versions]
    at_start = next((v for day, v in reversed(dated) if day <= records.start), None)
    at_end = next((v for day, v in reversed(dated) if day <= records.end), None)
    in_period = [v for day, v in dated if records.in_period(day)]
    groups: list[ChangeGroupRow] = []
    if at_start is not None and at_end is not None and at_start.id != at_end.id:
        loaded = {v.id: v for v in db.session.scalars(
            sa.select(ArrangementsVersion).options(undefer(ArrangementsVersion.snapshot))
            .where(ArrangementsVersion.id.in_([at_start.id, at_end.id]))
            .execution_options(populate_existing=True))}
        groups = [ChangeGroupRow(heading=group.heading,
                                 changes=[_change_sentence(c.name, c.details)
                                          for c in group.changes])
                  for group in compare_versions(loaded[at_start.id], loaded[at_end.id])]
    start_ref = _version_ref(records, at_start) if at_start is not None else None
    end_ref = _version_ref(records, at_end) if at_end is not None else None
    missing = ""
    if at_end is None:
        missing = (f"No version of the arrangements had been published by "
                   f"{long_date(records.end)}, so there are no changes to report.")
    elif at_start is None:
        missing = (f"The first published arrangements (\u201c{at_end.title}\u201d, published "
                   f"on {long_date(published_day(at_end))}) came into force during the "
                   "period; there is no earlier version to compare them with.")
    elif at_start.id == at_end.id:
        missing = (f"The arrangements published on {long_date(published_day(at_end))} were "
                   "in force throughout the period; nothing changed.")
    elif not groups:
        missing = (f"New arrangements were published on {long_date(published_day(at_end))}, "
                   "but nothing in the register changed from the version in force at the "
                   f"start of the period (published on {long_date(published_day(at_start))}).")
    return Changes(at_start=start_ref, at_end=end_ref,
                   published_in_period=[_version_ref(records, v) for v in in_period],
                   groups=groups, missing=missing)

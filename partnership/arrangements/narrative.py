"""The narrative sections as the register's export and import carry them.

The arrangements build on the register, so the register does not import them: it is handed
this store when the app is created (``partnership.register.exchange.use_narrative``).
"""

from __future__ import annotations

import sqlalchemy as sa

from partnership.arrangements.models import NarrativeSection, Section
from partnership.extensions import db
from partnership.register.exchange import NarrativeStore
from partnership.register.models import Partnership


def _read(partnership: Partnership) -> dict[str, str]:
    rows = {Section(row.section): row.markdown for row in db.session.scalars(
        sa.select(NarrativeSection).where(NarrativeSection.partnership_id == partnership.id))}
    return {section.value: rows[section] for section in Section if section in rows}


def _add(partnership: Partnership, section: str, markdown: str) -> None:
    db.session.add(NarrativeSection(partnership=partnership, section=Section(section),
                                    markdown=markdown))


STORE = NarrativeStore(titles={section.value: section.title for section in Section},
                       read=_read, add=_add)

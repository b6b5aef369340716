"""Evidence files in the authorization matrix: a file is downloaded by whoever may see its
record, removed by whoever may change it (here a progress update: whoever may record
progress on its action), the quota page is the team's, and meeting papers are added by
the team and the chair."""

from __future__ import annotations

import io
from types import SimpleNamespace

from werkzeug.datastructures import FileStorage

from partnership import clock
from partnership.actions.models import ProgressUpdate
from partnership.evidence import services
from partnership.extensions import db
from partnership.policy import Role

ALL = frozenset(Role)
TEAM = frozenset({Role.TEAM})
PROGRESS_RECORDERS = frozenset({Role.TEAM, Role.CHAIR, Role.AGENCY, Role.PARTNER})
TEAM_AND_CHAIR = frozenset({Role.TEAM, Role.CHAIR})  # the matrix user chairs the meeting's body

EXPECTED: dict[str, frozenset[Role]] = {
    "evidence.download": ALL,
    "evidence.remove": PROGRESS_RECORDERS,
    "evidence.quota": TEAM,
    "meetings.papers": TEAM_AND_CHAIR,
}


def placeholders(base: SimpleNamespace) -> dict[str, str]:
    """A progress update on the matrix action with a PDF attached (its bytes in the test's
    evidence folder, so the download answers 200)."""
    update = ProgressUpdate(action=base.action, recorded_on=clock.today(),
                            narrative="Matrix progress with evidence")
    db.session.add(update)
    db.session.flush()
    evidence = services.attach("progress_update", update, FileStorage(
        stream=io.BytesIO(b"%PDF-1.7\n% matrix evidence\n"), filename="Matrix evidence.pdf"),
        None)
    db.session.commit()
    return {"file_id": str(evidence.id)}

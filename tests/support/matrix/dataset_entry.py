"""The dataset's pages that enter, correct, approve and import figures, the commentary, the
population and the benchmarks, in the authorization matrix (records: ``dataset``)."""

from __future__ import annotations

from partnership.policy import Role

ALL = frozenset(Role)
TEAM = frozenset({Role.TEAM})
ENTERS = frozenset({Role.TEAM, Role.AGENCY})

EXPECTED: dict[str, frozenset[Role]] = {}

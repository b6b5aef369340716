"""The dataset's pages that enter, correct, approve and import figures, the commentary, the
population and the benchmarks, in the authorization matrix (records: ``dataset``).

The matrix indicator's source is the matrix agency, so its agency lead (role agency) may enter
and import its figures; the team keeps the population and the benchmarks and approves."""

from __future__ import annotations

from partnership.policy import Role

ALL = frozenset(Role)
TEAM = frozenset({Role.TEAM})
ENTERS = frozenset({Role.TEAM, Role.AGENCY})

EXPECTED: dict[str, frozenset[Role]] = {
    "dataset.values": ENTERS,
    "dataset.approve": TEAM,
    "dataset.import_values": ENTERS,
    "dataset.import_confirm": ENTERS,
    "dataset.import_template": ENTERS,
    "dataset.population": ALL,
    "dataset.population_save": TEAM,
    "dataset.benchmarks": TEAM,
    "dataset.release": TEAM,
    "dataset.benchmarks_import": TEAM,
}

"""The demo's assurance work: grading scales, the scrutiny plan and its activities, case
audits, a Section 11 and a schools self-assessment round, the voice of children and
families, escalations and the multi-agency dataset; with evidence files where a partnership
would have them."""

from __future__ import annotations

import datetime as dt

from partnership.demo.case_audits import load_demo_case_audits, load_synthetic_case_audits
from partnership.demo.dataset import load_demo_dataset, load_synthetic_dataset
from partnership.demo.escalations import load_demo_escalations, load_synthetic_escalations
from partnership.demo.evidence import load_demo_evidence
from partnership.demo.funding import load_demo_funding, load_synthetic_funding
from partnership.demo.scrutiny import load_demo_scrutiny, load_synthetic_scrutiny
from partnership.demo.self_assessment import (
    load_demo_self_assessment,
    load_synthetic_self_assessment,
)
from partnership.demo.training import load_demo_training, load_synthetic_training
from partnership.demo.voice import load_demo_voice, load_synthetic_voice


def load_demo_assurance(today: dt.date | None) -> dict[str, int]:
    """Add the assurance records of the demo partnerships (the register is loaded)."""
    counts: dict[str, int] = {}
    # Scales first (audits and self-assessments grade on them); scrutiny last (it looks at
    # audits and at what children and families said).
    for load in (load_demo_case_audits, load_demo_self_assessment, load_demo_voice,
                 load_demo_escalations, load_demo_dataset, load_demo_funding,
                 load_demo_training, load_demo_scrutiny, load_demo_evidence):
        counts.update(load(today))
    return counts


def load_synthetic_assurance(scale: int, today: dt.date | None) -> dict[str, int]:
    """Add the benchmark's assurance records: a self-assessment round of 300 organisations
    (and last year's of the first partnership's own agencies), a dataset of 40 indicators per
    unit of scale with five years of quarterly figures split four ways (200 at the
    benchmark's --scale 5), budgets, training, and for each synthetic partnership a case
    audit, what children and families said, escalations and an independent scrutiny plan
    in its last complete year (scrutiny last: it draws on the others)."""
    counts: dict[str, int] = {}
    for load in (load_synthetic_case_audits, load_synthetic_self_assessment,
                 load_synthetic_voice, load_synthetic_escalations, load_synthetic_dataset,
                 load_synthetic_funding, load_synthetic_training, load_synthetic_scrutiny):
        counts.update(load(scale, today))
    return counts

"""The services of case audits."""

from __future__ import annotations

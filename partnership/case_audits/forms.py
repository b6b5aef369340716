"""The forms of case audits."""

from __future__ import annotations

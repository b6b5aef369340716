"""The forms of escalations."""

from __future__ import annotations

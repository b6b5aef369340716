"""The services of escalations."""

from __future__ import annotations

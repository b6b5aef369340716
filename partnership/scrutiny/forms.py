"""The forms of scrutiny."""

from __future__ import annotations

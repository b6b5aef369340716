"""The forms of scales."""

from __future__ import annotations

"""The forms of voice."""

from __future__ import annotations

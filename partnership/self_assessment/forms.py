"""The forms of self assessment."""

from __future__ import annotations

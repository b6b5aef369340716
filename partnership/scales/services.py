"""The services of scales."""

from __future__ import annotations

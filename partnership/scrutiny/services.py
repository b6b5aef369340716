"""The services of scrutiny."""

from __future__ import annotations

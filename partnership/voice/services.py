"""The services of voice."""

from __future__ import annotations

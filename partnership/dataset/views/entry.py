"""Entering, correcting, approving and importing figures; the commentary; the child population;
the benchmarks and their releases."""

from __future__ import annotations

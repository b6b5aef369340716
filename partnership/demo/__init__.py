"""Fictional demo data and the scaled synthetic data set the benchmark uses."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register ``flask demo ...``."""
    from partnership.demo.cli import demo_cli

    app.cli.add_command(demo_cli)

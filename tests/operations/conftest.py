"""Helpers for the operations tests: PostgreSQL's client tools run as the postgres user."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.postgres import TempCluster

ROOT = Path(__file__).resolve().parents[2]


def needs_postgresql(config: pytest.Config) -> None:
    """Skip when the run was told to leave PostgreSQL out (``--databases=sqlite``)."""
    if "postgresql" not in config.getoption("databases").split(","):
        pytest.skip("PostgreSQL not among --databases")


def run_tool(cluster: TempCluster, *args: str, check: bool = True,
             input: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run one of the cluster's client programs (psql, pg_dump, ...) as the postgres user."""
    command = [str(cluster.bin / args[0]), "--host", str(cluster.socket), *args[1:]]
    if cluster.as_root:  # the same way TempCluster runs its programs
        command = ["runuser", "-u", "postgres", "--", *command]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, input=input)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


def role_url(cluster: TempCluster, role: str, database: str) -> str:
    """Return the SQLAlchemy URL for connecting to a database as a role (trust auth)."""
    return f"postgresql+psycopg://{role}@/{database}?host={cluster.socket}"

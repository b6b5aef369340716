"""A throwaway PostgreSQL cluster for the test session (Indico-style: temp dir, unix socket)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's server binaries are not installed (run .ci/run or install postgresql)."""


def _bin_dir() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: float(p.split("/")[-2])
    )
    for candidate in reversed(candidates):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgresUnavailable("initdb not found: install the postgresql package")


class TempCluster:
    """initdb + pg_ctl in a temporary folder, listening only on a unix socket."""

    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.root = Path(tempfile.mkdtemp(prefix="partnership-pg-"))
        self.data = self.root / "data"
        self.socket = self.root / "socket"
        self.socket.mkdir()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres")
            shutil.chown(self.socket, "postgres")

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:  # initdb refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        """Create the cluster and start the server."""
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--no-sync")
        # A throwaway cluster: durability settings off for speed, no TCP listener.
        options = (
            f"-k {self.socket} -h '' -F "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-t", "60",
                  "-l", str(self.root / "server.log"), "start")
        deadline = time.monotonic() + 30
        while True:
            try:
                with self.connect():
                    return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        """Stop the server and remove its files."""
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def connect(self, dbname: str = "postgres") -> psycopg.Connection:
        """Open an autocommit connection for administration."""
        return psycopg.connect(host=str(self.socket), user="postgres", dbname=dbname,
                               autocommit=True)

    def url(self, dbname: str) -> str:
        """Return an SQLAlchemy URL for a database in this cluster."""
        return f"postgresql+psycopg://postgres@/{dbname}?host={self.socket}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create a database (optionally copied from a template) and return its URL."""
        with self.connect() as conn:
            clause = f" TEMPLATE {template}" if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{clause}')  # names are ours, never user input
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, closing any connection left open."""
        with self.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

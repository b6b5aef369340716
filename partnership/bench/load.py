"""Throughput: many signed-in people on one page at once, served by gunicorn as deployed.

``make bench`` runs this after timing the pages, on the same database: it starts gunicorn
with ``deploy/gunicorn.conf.py`` (the production configuration, a throwaway secret) on a
free loopback port, signs in ``clients`` people as the team officer, and for ``seconds``
each asks for the page again as soon as the last answer arrives (a closed loop with no
pause: the hardest steady load that many people can make). It reports requests per second,
median and p95 time, failures, and the memory of each worker process, with a verdict
against the targets. Local only: the server is started here and stopped afterwards.
"""

from __future__ import annotations

import math
import os
import runpy
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from config import BASE_DIR
from partnership.bench.soak import Browser
from partnership.demo.accounts import DEMO_ACCOUNTS
from partnership.policy import Role

HOST = "tracker.bench.invalid"  # the Host header the clients send (never resolved)
TARGET_RPS = 90.0
TARGET_P95_MS = 500.0


@dataclass
class LoadResult:
    """What the load test measured."""

    page: str
    clients: int
    seconds: float
    workers: int
    threads: int
    requests: int = 0
    failures: int = 0
    requests_per_second: float = 0.0
    median_ms: float = 0.0
    p95_ms: float = 0.0
    worker_rss_mib: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> str:
        """Met, or what missed the target."""
        missed = []
        if self.requests_per_second < TARGET_RPS:
            missed.append(f"{self.requests_per_second:.1f} < {TARGET_RPS:g} requests/s")
        if self.p95_ms > TARGET_P95_MS:
            missed.append(f"p95 {self.p95_ms:.0f} > {TARGET_P95_MS:g} ms")
        if self.failures or self.problems:
            missed.append(f"{self.failures} failed")
        return "met" if not missed else "MISSED: " + "; ".join(missed)

    def as_dict(self) -> dict[str, Any]:
        """The figures, for the JSON file."""
        return {**asdict(self), "verdict": self.verdict}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _children(pid: int) -> list[int]:
    found = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in found.read_text().split()] if found.exists() else []


def _wait_for(port: int, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start (exit {server.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start listening within a minute")


def start_server(database_url: str, port: int) -> subprocess.Popen[bytes]:
    """Start gunicorn with the project's configuration on ``port`` (production settings)."""
    environment = {
        **os.environ,
        "APP_ENV": "production",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(48),
        "SERVICE_URL": f"https://{HOST}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_LOG_LEVEL": "warning",
        "LOG_LEVEL": "WARNING",
        "EVIDENCE_DIR": str(BASE_DIR / ".bench" / "evidence"),
    }
    return subprocess.Popen(  # noqa: S603 - our own interpreter and configuration, no shell
        [sys.executable, "-m", "gunicorn", "--config", str(BASE_DIR / "deploy" /
                                                           "gunicorn.conf.py")],
        cwd=BASE_DIR, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _settings() -> tuple[int, int]:
    """The worker processes and threads gunicorn.conf.py chooses on this machine."""
    namespace = runpy.run_path(str(BASE_DIR / "deploy" / "gunicorn.conf.py"))
    return int(namespace["workers"]), int(namespace["threads"])


def run_load(database_url: str, page: str = "/actions", clients: int = 50,
             seconds: float = 20.0, role: Role = Role.TEAM) -> LoadResult:
    """Serve the database with gunicorn and load ``page`` with ``clients`` people at once."""
    workers, threads = _settings()
    result = LoadResult(page=page, clients=clients, seconds=seconds, workers=workers,
                        threads=threads)
    account = next(a for a in DEMO_ACCOUNTS if a.role is role)
    port = _free_port()
    server = start_server(database_url, port)
    times: list[float] = []
    lock = threading.Lock()
    try:
        _wait_for(port, server)
        browsers = [Browser(f"http://127.0.0.1:{port}", HOST, keep_alive=True)
                    for _ in range(clients)]
        for browser in browsers:  # one after another: the sign-in throttle is per account
            token, _ = browser.token("/sign-in")
            status, _ = browser.request("POST", "/sign-in", {
                "csrf_token": token, "email": account.email, "password": account.password})
            if status != 302:
                result.problems.append(f"signing in gave {status}, not 302")
                return result
            browser.request("GET", page)  # each worker warms up before the clock starts
        start = threading.Barrier(clients + 1)
        ends = [0.0]

        def client(browser: Browser) -> None:
            mine: list[float] = []
            answers: dict[int, int] = {}
            start.wait()
            while time.perf_counter() < ends[0]:
                began = time.perf_counter()
                try:
                    status, _ = browser.request("GET", page)
                except OSError:
                    status = 0
                mine.append((time.perf_counter() - began) * 1000)
                answers[status] = answers.get(status, 0) + 1
            with lock:
                times.extend(mine)
                for status, count in answers.items():
                    result.statuses[status] = result.statuses.get(status, 0) + count
                    result.failures += count if status != 200 else 0

        threads_ = [threading.Thread(target=client, args=(b,), daemon=True) for b in browsers]
        for thread in threads_:
            thread.start()
        began = time.perf_counter()
        ends[0] = began + seconds
        start.wait()
        for thread in threads_:
            thread.join(seconds + 120)
        took = time.perf_counter() - began
        result.worker_rss_mib = [_rss_mib(pid) for pid in _children(server.pid)]
        result.requests = len(times)
        result.requests_per_second = round(len(times) / took, 1)
        if times:
            ordered = sorted(times)
            result.median_ms = round(statistics.median(ordered), 1)
            result.p95_ms = round(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)], 1)
    except RuntimeError as problem:
        result.problems.append(str(problem))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            _, errors = server.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            server.kill()
            _, errors = server.communicate()
        if (server.returncode not in (0, -signal.SIGTERM) or result.failures) and errors:
            result.problems.append(errors.decode(errors="replace")[-1500:])
    return result


def load_report(result: LoadResult) -> str:
    """The plain-text lines."""
    memory = ", ".join(f"{m:.0f}" for m in result.worker_rss_mib) or "-"
    lines = [
        f"throughput: {result.clients} signed-in clients on {result.page} for "
        f"{result.seconds:g} s, no pause between requests; gunicorn {result.workers} "
        f"processes x {result.threads} threads (deploy/gunicorn.conf.py)",
        f"  {result.requests} requests, {result.requests_per_second:.1f} requests/s, median "
        f"{result.median_ms:.0f} ms, p95 {result.p95_ms:.0f} ms, {result.failures} failed "
        f"(answers {', '.join(f'{k}: {v}' for k, v in sorted(result.statuses.items()))}); "
        f"memory per worker {memory} MiB",
        f"  target: at least {TARGET_RPS:g} requests/s with p95 at most {TARGET_P95_MS:g} ms "
        f"and nothing failed: {result.verdict}",
    ]
    lines += [f"  problem: {problem}" for problem in result.problems]
    return "\n".join(lines)

"""``make run``: the development web server and the background worker (which runs the
scheduler too), started and stopped together (``python -m partnership.operations.devserver
--port 5000``), with the development mail sink beside them.

Ctrl-C (or SIGTERM, or make going away) stops them all; if the web server or the worker stops
by itself, the other is stopped too, so the app is never left serving with nobody to render
its PDFs or send its mail. The mail sink (``flask notices mail-sink``: an SMTP server on
``MAIL_PORT`` that writes each message to ``instance/mail/``) is a convenience: if it cannot
start (its port is taken, say), the app still runs and the outbox retries later.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from types import FrameType

FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
# The worker finishes the render under way (60 s at most) before it exits.
STOP_SECONDS = 75


def _stop(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def main(argv: list[str] | None = None) -> int:
    """Start ``flask worker run`` and ``flask run``; return when either has stopped."""
    parser = argparse.ArgumentParser(prog="python -m partnership.operations.devserver")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="5000")
    args = parser.parse_args(argv)

    parent = os.getppid()
    sink = subprocess.Popen([*FLASK, "notices", "mail-sink"])  # noqa: S603 - our own interpreter
    worker = subprocess.Popen([*FLASK, "worker", "run"])  # noqa: S603 - our own interpreter
    web = subprocess.Popen([*FLASK, "run", "--host", args.host,  # noqa: S603
                            "--port", str(args.port)])
    children = [web, worker]
    stopping: list[int] = []

    def asked_to_stop(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)

    signal.signal(signal.SIGTERM, asked_to_stop)
    signal.signal(signal.SIGINT, asked_to_stop)
    try:
        while not stopping and all(child.poll() is None for child in children):
            if os.getppid() != parent:  # make was killed: do not outlive it
                break
            time.sleep(0.2)
    finally:
        _stop([*children, sink])
    if not stopping:
        stopped = "web server" if web.returncode is not None else "worker"
        print(f"The {stopped} stopped, so the other was stopped too.", file=sys.stderr)
    return 0 if stopping else (web.returncode or worker.returncode or 0)


if __name__ == "__main__":
    sys.exit(main())

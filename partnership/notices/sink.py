"""A development mail sink: an SMTP server (aiosmtpd) that writes each message to a folder.

Each message becomes ``<UTC time>-<n>.eml`` in the folder (``instance/mail/`` by default);
open it in any mail program, or read it as text.
"""

from __future__ import annotations

import itertools
import signal
import threading
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from partnership import clock

_numbers = itertools.count(1)


class FolderHandler:
    """Write each message received to a file in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, _server: Any, _session: Any, envelope: Any) -> str:
        """Keep the message as an .eml file."""
        stamp = clock.now().strftime("%Y%m%dT%H%M%S")
        path = self.folder / f"{stamp}-{next(_numbers):04d}.eml"
        path.write_bytes(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def start_sink(host: str, port: int, folder: Path) -> Controller:
    """Start the sink in a background thread; ``controller.stop()`` ends it."""
    controller = Controller(FolderHandler(folder), hostname=host, port=port)
    controller.start()
    return controller


def run_sink(host: str, port: int, folder: Path) -> None:
    """Run the sink until SIGTERM or Ctrl-C."""
    controller = start_sink(host, port, folder)
    stopping = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stopping.set())
    try:
        stopping.wait()
    finally:
        controller.stop()

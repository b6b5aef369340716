"""Warm render processes: each document is rendered by a process that started long before it.

Starting a Python process, importing WeasyPrint and loading the fonts costs about half a
second, more than many documents take to lay out. So each OS process that renders (a web
worker after gunicorn's fork, the job worker, a CLI command) keeps a small pool of render
processes (:mod:`partnership.documents.pdf` run as a script with ``--serve``), started when
it first renders, and hands each document to an idle one. The limits are those of a render
in a process of its own:

- memory: the render process sets RLIMIT_AS on itself when it starts (a process whose limit
  is not the current :data:`pdf.MEMORY_LIMIT_BYTES` is not used again);
- time: a document not rendered within its time limit has its process killed, and the
  caller gets :class:`pdf.RenderTimeout`; a replacement starts at once;
- what it reads: the render process fetches through ``RestrictedFetcher`` as before;
- a process renders ``recycle_after`` documents, then is replaced (stray memory growth in
  the layout libraries does not accumulate).

A process that fails in any way other than a refused resource is replaced. The pool belongs
to the OS process that made it: after a fork the child makes its own, and leaves its
parent's render processes alone. At exit each render process is told to stop (its input
closes) and killed if it does not.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import select
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from partnership.documents import pdf
from partnership.documents.pdf import FRAME

log = logging.getLogger(__name__)

# A render process asked to stop gets this long to exit before it is killed.
STOP_SECONDS = 2.0
DEFAULT_SIZE = 2
DEFAULT_RECYCLE_AFTER = 50


class PoolTimeout(Exception):
    """The render process did not answer within the time limit (it has been killed)."""


class ProcessFailed(Exception):
    """The render process died or said it could not render; the message says why."""


@dataclass(frozen=True)
class Settings:
    """How many render processes a pool keeps, and how many documents each renders."""

    size: int = DEFAULT_SIZE
    recycle_after: int = DEFAULT_RECYCLE_AFTER


@dataclass
class RenderProcess:
    """One warm render process and what the pool knows of it."""

    process: subprocess.Popen[bytes]
    memory_limit: int
    errors: IO[bytes]  # its stderr: the last line says why it died
    documents: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def pid(self) -> int:
        """The process id."""
        return self.process.pid

    def alive(self) -> bool:
        """The process has not exited."""
        return self.process.poll() is None

    def last_error(self) -> str:
        """The last line the process wrote on its stderr, or its exit status."""
        try:
            self.errors.seek(max(0, self.errors.seek(0, os.SEEK_END) - 4096))
            lines = self.errors.read().decode("utf-8", "replace").strip().splitlines()
        except (OSError, ValueError):
            lines = []
        status = self.process.poll()
        return lines[-1] if lines else f"exit status {status}"

    def stop(self, *, kill: bool = False) -> None:
        """End the process: close its input (it exits when idle) or kill it, and reap it."""
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        if kill and self.alive():
            self.process.kill()
        try:
            self.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.errors.close()

    def forget(self) -> None:
        """Drop this process without touching it (it belongs to the process we forked from)."""
        for stream in (self.process.stdin, self.process.stdout, self.errors):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        self.process.returncode = 0  # never waited for here: it is not our child

    def memory(self) -> dict[str, int]:
        """Resident memory now and at its peak, in bytes (Linux), as /proc tells."""
        found: dict[str, int] = {}
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return found
        for line in status.splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                found["rss" if name == "VmRSS" else "peak_rss"] = int(value.split()[0]) * 1024
        return found


class RenderPool:
    """Up to ``size`` warm render processes running ``command``, one document at a time each."""

    def __init__(self, command: list[str], environment: Mapping[str, str],
                 settings: Settings) -> None:
        self.command = command
        self.environment = dict(environment)
        self.settings = settings
        self.owner = os.getpid()
        self.started = 0  # render processes started by this pool, ever
        self._all: list[RenderProcess] = []
        self._idle: list[RenderProcess] = []
        self._closed = False
        self._changed = threading.Condition()

    # --- rendering ---------------------------------------------------------------------

    def call(self, header: Mapping[str, Any], *, time_limit: float,
             memory_limit: int) -> tuple[dict[str, Any], bytes]:
        """Send one request to an idle render process; its answer (header, body).

        Raises :class:`PoolTimeout` when the answer is not back within ``time_limit``
        seconds (the process is killed) and :class:`ProcessFailed` when the process dies
        or answers with an error (it is replaced).
        """
        request = json.dumps(header).encode("utf-8")
        for attempt in range(2):
            worker = self._checkout(memory_limit)
            # The time limit runs from when a process takes the document, not while it
            # waits for one (each of those it waits for is within its own limit).
            deadline = time.monotonic() + time_limit
            healthy = False
            try:
                try:
                    _write_frames(worker, [request], deadline)
                except BrokenPipeError:
                    # It died while idle (before reading anything): once more on a new one.
                    if attempt == 0:
                        continue
                    raise ProcessFailed(worker.last_error()) from None
                answer, body = _read_answer(worker, deadline)
                worker.documents += 1
                if "error" in answer:
                    raise ProcessFailed(str(answer["error"]))
                healthy = True
                return answer, body
            finally:
                self._checkin(worker, healthy=healthy)
        raise ProcessFailed("no render process could be started")  # pragma: no cover

    def _checkout(self, memory_limit: int) -> RenderProcess:
        with self._changed:
            while True:
                if self._closed:
                    raise ProcessFailed("the render pool is shut down")
                for worker in list(self._idle):
                    if worker.memory_limit != memory_limit or not worker.alive():
                        self._idle.remove(worker)
                        self._all.remove(worker)
                        worker.stop(kill=True)
                if self._idle:
                    return self._idle.pop()
                if len(self._all) < self.settings.size:
                    worker = self._start(memory_limit)
                    return worker
                self._changed.wait()

    def _checkin(self, worker: RenderProcess, *, healthy: bool) -> None:
        keep = (healthy and worker.alive()
                and worker.documents < self.settings.recycle_after)
        with self._changed:
            if keep and not self._closed:
                self._idle.append(worker)
            elif worker in self._all:
                self._all.remove(worker)
                # A process that overran, failed or did its share is replaced at once, so
                # the next document finds its successor warm.
                if not self._closed:
                    self._idle.append(self._start(worker.memory_limit))
            self._changed.notify()
        if not keep or self._closed:
            if healthy:  # it exits once its input closes: no caller waits for that
                threading.Thread(target=worker.stop, name="render process stop",
                                 daemon=True).start()
            else:
                worker.stop(kill=True)
                log.warning("render process %d stopped after a failed or overrunning render "
                            "(%d documents); another started", worker.pid, worker.documents)

    def _start(self, memory_limit: int) -> RenderProcess:
        """Start one render process (it warms up while we go on); call under the lock."""
        errors = tempfile.TemporaryFile()  # noqa: SIM115 - kept open as long as the process
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and script, no shell
            [*self.command, "--memory-limit", str(memory_limit)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors,
            env=self.environment, close_fds=True)
        assert process.stdin is not None
        os.set_blocking(process.stdin.fileno(), False)
        worker = RenderProcess(process, memory_limit, errors)
        self._all.append(worker)
        self.started += 1
        return worker

    # --- looking after the pool ----------------------------------------------------------

    def warm(self, memory_limit: int) -> None:
        """Start render processes up to the pool's size now, without waiting for them."""
        with self._changed:
            while not self._closed and len(self._all) < self.settings.size:
                self._idle.append(self._start(memory_limit))

    def pids(self) -> list[int]:
        """The ids of the render processes alive now."""
        with self._changed:
            return sorted(worker.pid for worker in self._all if worker.alive())

    def memory(self) -> list[dict[str, int]]:
        """Each render process's id and resident memory (now and at its peak)."""
        with self._changed:
            return [{"pid": worker.pid, "documents": worker.documents, **worker.memory()}
                    for worker in self._all if worker.alive()]

    def close(self) -> None:
        """Stop every render process (idle ones asked, any still rendering killed)."""
        with self._changed:
            self._closed = True
            workers, idle = list(self._all), list(self._idle)
            self._all, self._idle = [], []
            self._changed.notify_all()
        for worker in workers:
            worker.stop(kill=worker not in idle)

    def forget(self) -> None:
        """Drop every render process without touching it (after a fork, in the child)."""
        self._closed = True
        for worker in self._all:
            worker.forget()
        self._all, self._idle = [], []


def _write_frames(worker: RenderProcess, parts: list[bytes], deadline: float) -> None:
    stdin = worker.process.stdin
    assert stdin is not None
    data = memoryview(b"".join(FRAME.pack(len(part)) + part for part in parts))
    fd = stdin.fileno()
    poller = select.poll()
    poller.register(fd, select.POLLOUT)
    while data:
        _wait(poller, deadline)
        try:
            written = os.write(fd, data)
        except BlockingIOError:
            continue
        data = data[written:]


def _read_answer(worker: RenderProcess, deadline: float) -> tuple[dict[str, Any], bytes]:
    stdout = worker.process.stdout
    assert stdout is not None
    fd = stdout.fileno()
    poller = select.poll()
    poller.register(fd, select.POLLIN)

    def exactly(size: int) -> bytes:
        chunks, remaining = [], size
        while remaining:
            _wait(poller, deadline)
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:  # it died: let it finish dying, so its last words are written
                with contextlib.suppress(subprocess.TimeoutExpired):
                    worker.process.wait(timeout=STOP_SECONDS)
                raise ProcessFailed(worker.last_error())
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    header = json.loads(exactly(FRAME.unpack(exactly(FRAME.size))[0]))
    body = exactly(FRAME.unpack(exactly(FRAME.size))[0])
    return header, body


def _wait(poller: select.poll, deadline: float) -> None:
    left = deadline - time.monotonic()
    if left <= 0 or not poller.poll(max(1, int(left * 1000))):
        raise PoolTimeout()


# --- one pool per OS process -------------------------------------------------------------

_settings = Settings()
_pool: RenderPool | None = None
_lock = threading.Lock()


def configure(size: int = DEFAULT_SIZE, recycle_after: int = DEFAULT_RECYCLE_AFTER) -> None:
    """Set the pool's size and recycling (the app's RENDER_POOL_* settings).

    A pool already running with other settings is shut down; the next render starts anew.
    """
    global _settings, _pool
    wanted = Settings(max(1, int(size)), max(1, int(recycle_after)))
    with _lock:
        _settings = wanted
        if _pool is not None and _pool.owner == os.getpid() and _pool.settings != wanted:
            _pool.close()
            _pool = None


def settings() -> Settings:
    """The settings the next pool is made with."""
    return _settings


def renderers() -> RenderPool:
    """The render pool of this OS process, made on first use (so after any fork)."""
    global _pool
    with _lock:
        if _pool is None or _pool.owner != os.getpid():
            _pool = RenderPool(render_process_command(), render_process_environment(),
                               _settings)
        return _pool


def warm() -> None:
    """Start this OS process's render processes now, without waiting for them (the job
    worker as it starts: even its first document then finds one warm)."""
    renderers().warm(pdf.MEMORY_LIMIT_BYTES)


def render_process_command() -> list[str]:
    """How a render process is started (the pool adds its memory limit)."""
    # -I: the render process ignores PYTHON* variables and the user's site folder.
    return [sys.executable, "-I", str(Path(pdf.__file__).resolve()), "--serve"]


def render_process_environment() -> dict[str, str]:
    """What a render process sees of our environment (fonts, locale; never proxies)."""
    return {k: v for k, v in os.environ.items() if k in pdf.CHILD_ENVIRONMENT}


def current_pool() -> RenderPool | None:
    """This OS process's pool if it has one (for reports and tests)."""
    pool = _pool
    return pool if pool is not None and pool.owner == os.getpid() else None


def shutdown() -> None:
    """Stop this OS process's render processes (at exit; also safe to call twice)."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None and pool.owner == os.getpid():
        pool.close()


def _forget_after_fork() -> None:
    # The child of a fork (a gunicorn worker) must not write to, wait for or kill its
    # parent's render processes; closing its copies of their pipes lets them see their
    # input close when the parent goes.
    global _pool, _lock
    _lock = threading.Lock()
    if _pool is not None:
        _pool.forget()
    _pool = None


atexit.register(shutdown)
os.register_at_fork(after_in_child=_forget_after_fork)

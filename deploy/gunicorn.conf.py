"""Gunicorn settings for the tracker: ``gunicorn --config deploy/gunicorn.conf.py``.

Run from the project folder (it imports ``wsgi:app`` from there). Every setting can still be
overridden on the command line; the ones an operator is expected to change come from the
environment (see docs/production.md).

Why these numbers: a PDF download may render its document in the request for 10-28 s
under load (WeasyPrint in a child process, stopped after 60 s by
partnership.documents.pdf.TIME_LIMIT_SECONDS). Sync workers would be killed by the 30 s
WORKER TIMEOUT mid-render and tie up a whole process per download; gthread workers keep
answering other requests on their other threads, and the arbiter's heartbeat keeps
beating while a thread renders. ``timeout`` is still set well above the render limit so
that nothing the app does on purpose can trip it.
"""

from __future__ import annotations

import os

# The slowest request the app makes on purpose is a render stopped at 60 s.
SLOWEST_REQUEST_SECONDS = 60
MAX_WORKERS = 8


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (cgroups, taskset)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


wsgi_app = "wsgi:app"

# Only the reverse proxy talks to gunicorn: loopback by default, never all interfaces
# (gunicorn's own default turns into 0.0.0.0:$PORT when PORT is set). A unix socket works
# too: GUNICORN_BIND=unix:/run/partnership/web.sock
bind = [address.strip() for address in
        os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",") if address.strip()]

# 2 x cores + 1 processes, capped: each holds the app (~150-250 MB) and a PDF render starts
# a child of its own, so memory runs out long before CPU on a bigger machine.
workers = _env_int("WEB_CONCURRENCY", min(2 * _cores() + 1, MAX_WORKERS))
worker_class = "gthread"
# Threads per worker: requests served at once per process (one database connection each;
# SQLAlchemy's pool of 5 per process covers 4 threads without overflow).
threads = _env_int("GUNICORN_THREADS", 4)

# A worker silent this long is killed (WORKER TIMEOUT). With gthread this is the process's
# heartbeat, not a request deadline, but keep it well above the slowest request anyway.
timeout = _env_int("GUNICORN_TIMEOUT", 2 * SLOWEST_REQUEST_SECONDS)
# On restart, reload (HUP) and max_requests recycling, requests in progress get this long to
# finish, so a PDF being rendered is not cut off. systemd's TimeoutStopSec must exceed it.
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", SLOWEST_REQUEST_SECONDS + 15)
# Idle connections from the proxy stay open this long, so it can reuse them.
keepalive = 5

# Recycle each worker after about this many requests (stray memory growth from PDF and
# chart libraries); the jitter stops all workers restarting at once.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 100)

# The app writes one JSON line per request itself (request id, user, status, duration):
# gunicorn's access log would only repeat it without the ids. Errors go to stderr (the
# journal under systemd).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Which peers may set X-Forwarded-Proto (wsgi.url_scheme): the proxy's address only.
# The app trusts X-Forwarded-For/-Proto/-Host separately (PROXY_FIX_X_FOR).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No runtime control socket: systemd starts, stops and reloads (HUP) the service, and an
# unused management socket is one more thing to protect.
control_socket_disable = True

# The heartbeat file is touched every second: keep it off the disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - tmpfs
proc_name = "partnership-web"

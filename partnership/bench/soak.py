"""Soak a running service: ``python -m partnership.bench.soak --url http://127.0.0.1:8000``.

Many people at once for a while, as the operator's guide promises the service holds: each
client signs in (all at the same moment, as one demo account unless told otherwise), then
mixes reading pages, downloading PDFs (drafts rendered on request, published ones from
storage) and recording progress on actions. It prints the answers by kind and status and
the median, 95th-percentile and slowest time of each kind. With ``--database-url`` it then
checks that every progress update the service acknowledged (a redirect after saving) is in
the database. It exits 1 if any request failed or any acknowledged update is missing.

Point it only at a service on this machine or one you run: it sends real traffic.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import statistics
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from urllib.parse import urlencode, urlsplit

import sqlalchemy as sa

from partnership.demo.accounts import DEMO_ACCOUNTS
from partnership.policy import Role

_TOKEN = re.compile(rb'name="csrf_token"[^>]*value="([^"]+)"')
_ACTION = re.compile(rb'href="/actions/(\d+)"')
_PDF = re.compile(rb'href="(/[^"?#]+\.pdf)"')
_PLAN = re.compile(rb'href="/plans/(\d+)"')
_PARTNERSHIP = re.compile(rb'href="/partnerships/([a-z0-9-]+)"')
READ_PATHS = ["/", "/actions", "/actions/mine", "/cases/board", "/reading-room", "/meetings"]


class Browser:
    """One person's connection: cookies kept, CSRF tokens read from the pages shown."""

    def __init__(self, url: str, host: str, *, keep_alive: bool = False) -> None:
        parts = urlsplit(url)
        self.address = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.host = host
        self.cookies: dict[str, str] = {}
        # One connection for every request (as a browser keeps one open), or one each.
        self.keep_alive = keep_alive
        self._connection: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str,
                form: dict[str, str] | None = None) -> tuple[int, bytes]:
        """Send one request (as if through the HTTPS proxy) and keep the cookies it sets."""
        if self._connection is not None:
            try:
                return self._send(self._connection, method, path, form)
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                pass  # the server closed the idle connection: a browser asks again on a new one
        return self._send(http.client.HTTPConnection(*self.address, timeout=300), method, path,
                          form)

    def _send(self, connection: http.client.HTTPConnection, method: str, path: str,
              form: dict[str, str] | None) -> tuple[int, bytes]:
        headers = {"Host": self.host, "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "Origin": f"https://{self.host}",
                            "Referer": f"https://{self.host}{path}"})
        kept = False
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            kept = self.keep_alive and not response.will_close
            return response.status, data
        finally:
            self._connection = connection if kept else None
            if not kept:
                connection.close()

    def token(self, path: str) -> tuple[str, bytes]:
        """Show a page and return its form's CSRF token and the page."""
        _, page = self.request("GET", path)
        found = _TOKEN.search(page)
        return (found.group(1).decode() if found else ""), page


class Soak:
    """The clients, what they were answered and which updates were acknowledged."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.answers: Counter[tuple[str, int]] = Counter()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.acknowledged: list[str] = []
        self.lock = threading.Lock()

    def note(self, kind: str, status: int, took: float) -> None:
        """Count one answer."""
        with self.lock:
            self.answers[(kind, status)] += 1
            self.times[kind].append(took)
            if status >= 500 or status == 0:
                self.errors.append(f"{kind}: {status}")

    def client(self, number: int, start: threading.Barrier, actions: list[int],
               pdfs: list[str]) -> None:
        """Sign in with everyone else, then read, download and record until time is up."""
        browser = Browser(self.args.url, self.args.host)
        rng = random.Random(number)  # noqa: S311 - a traffic mix, not security
        try:
            token, _ = browser.token("/sign-in")
            start.wait()
            began = time.monotonic()
            status, _ = browser.request("POST", "/sign-in", {
                "csrf_token": token, "email": self.args.email, "password": self.args.password})
            self.note("sign-in", status, time.monotonic() - began)
            if status != 302:
                return
            ends = time.monotonic() + self.args.seconds
            while time.monotonic() < ends:
                self.step(browser, rng, actions, pdfs)
        except Exception as error:  # reported with the results, never lost in a thread
            with self.lock:
                self.errors.append(f"client {number}: {type(error).__name__}: {error}")

    def step(self, browser: Browser, rng: random.Random, actions: list[int],
             pdfs: list[str]) -> None:
        """One thing a person does: read a page, download a PDF or record progress."""
        began = time.monotonic()
        roll = rng.random()
        if roll < 0.45 or not actions:
            status, _ = browser.request("GET", rng.choice(
                [*READ_PATHS, *(f"/actions/{a}" for a in actions[:10])]))
            self.note("read", status, time.monotonic() - began)
        elif roll < 0.70 and pdfs:
            status, data = browser.request("GET", rng.choice(pdfs))
            if status == 200 and not data.startswith(b"%PDF"):
                status = 0
            self.note("pdf", status, time.monotonic() - began)
        else:
            action = rng.choice(actions)
            token, _ = browser.token(f"/actions/{action}/update")
            mark = f"Soak test update {uuid.uuid4()}"
            status, _ = browser.request("POST", f"/actions/{action}/update", {
                "csrf_token": token, "narrative": mark, "status": "in_progress",
                "percent_complete": "50"})
            self.note("update", status, time.monotonic() - began)
            if status == 302:
                with self.lock:
                    self.acknowledged.append(mark)

    def discover(self) -> tuple[list[int], list[str]]:
        """Find actions to update and PDFs to download, as the account sees them."""
        browser = Browser(self.args.url, self.args.host)
        token, _ = browser.token("/sign-in")
        status, _ = browser.request("POST", "/sign-in", {
            "csrf_token": token, "email": self.args.email, "password": self.args.password})
        if status != 302:
            raise SystemExit(f"Signing in as {self.args.email} failed ({status})")
        _, listing = browser.request("GET", "/actions")
        actions = sorted({int(a) for a in _ACTION.findall(listing)})[:40]
        _, room = browser.request("GET", "/reading-room")
        published = sorted({p.decode() for p in _PDF.findall(room)})
        _, plans = browser.request("GET", "/plans")
        drafts = [f"/plans/{p.decode()}/plan.pdf" for p in _PLAN.findall(plans)[:1]]
        _, register = browser.request("GET", "/partnerships")
        slugs = [s.decode() for s in _PARTNERSHIP.findall(register) if s != b"new"]
        drafts += [f"/partnerships/{slug}/arrangements/draft.pdf" for slug in slugs[:1]]
        return actions, [*drafts, *published]

    def run(self) -> None:
        """Run every client to the end."""
        actions, pdfs = self.discover()
        start = threading.Barrier(self.args.clients)
        threads = [threading.Thread(target=self.client, args=(n, start, actions, pdfs))
                   for n in range(self.args.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def missing(self, database_url: str) -> list[str]:
        """Return the acknowledged updates the database does not hold."""
        engine = sa.create_engine(database_url)
        try:
            with engine.connect() as connection:
                found = set(connection.scalars(sa.text(
                    "SELECT narrative FROM progress_update WHERE narrative LIKE "
                    "'Soak test update %'")))
        finally:
            engine.dispose()
        return [mark for mark in self.acknowledged if mark not in found]

    def summary(self) -> dict[str, object]:
        """The answers by kind and status, and the times of each kind in seconds."""
        def at(times: list[float], share: float) -> float:
            ordered = sorted(times)
            return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)

        return {
            "answers": {f"{kind} {status}": n
                        for (kind, status), n in sorted(self.answers.items())},
            "seconds": {kind: {"median": round(statistics.median(times), 2),
                               "p95": at(times, 0.95), "slowest": round(max(times), 2)}
                        for kind, times in sorted(self.times.items())},
            "acknowledged updates": len(self.acknowledged),
            "errors": self.errors[:20],
        }


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Read the command line."""
    officer = next(a for a in DEMO_ACCOUNTS if a.role is Role.TEAM)
    parser = argparse.ArgumentParser(prog="python -m partnership.bench.soak",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000", help="where gunicorn listens")
    parser.add_argument("--host", default=None,
                        help="the Host header (one of TRUSTED_HOSTS; default: the URL's host)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--email", default=officer.email)
    parser.add_argument("--password", default=officer.password)
    parser.add_argument("--database-url", default=None,
                        help="check every acknowledged update is in this database")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0:
        parser.error("--clients and --seconds must be positive")
    args.host = args.host or urlsplit(args.url).netloc
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the soak and print what happened; 1 if anything failed or went missing."""
    soak = Soak(parse_args(sys.argv[1:] if argv is None else argv))
    soak.run()
    result = soak.summary()
    missing = soak.missing(soak.args.database_url) if soak.args.database_url else []
    if soak.args.database_url:
        result["acknowledged updates missing from the database"] = len(missing)
    print(json.dumps(result, indent=1))
    return 1 if soak.errors or missing else 0


if __name__ == "__main__":
    sys.exit(main())

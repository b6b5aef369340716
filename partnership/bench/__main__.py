"""Run the benchmark: ``python -m partnership.bench [--scale N] [--repeat R] ...``."""

from __future__ import annotations

import argparse
import html
import json
import math
import re
import statistics
import sys
import time
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

from config import BASE_DIR, TestConfig
from partnership import create_app
from partnership.accounts.models import User
from partnership.actions.models import Action, ProgressUpdate
from partnership.audit.models import AuditEvent
from partnership.bench.documents import (
    assembly_report,
    document_report,
    measure_assembly,
    measure_document_pages,
)
from partnership.bench.load import load_report, run_load
from partnership.bench.pages import PAGES, BenchPage
from partnership.demo.accounts import DEMO_ACCOUNTS
from partnership.extensions import db
from partnership.jobs import services as jobs
from partnership.meetings.models import Meeting
from partnership.policy import Role

BENCH_DIR = BASE_DIR / ".bench"
WARM_UP = 3
_INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
_VALUE = re.compile(r'\bvalue="([^"]*)"')


class BenchError(RuntimeError):
    """The benchmark could not set up or run."""


# The list pages whose cost must not grow with the data (compared across scales).
FLAT_PAGES = frozenset({"action list", "action list page 10", "actions needing attention",
                        "my actions", "business plan (synthetic)", "case board (every case)",
                        "case board", "learning"})
FLAT_SLOWER = 0.10
BUDGETS_FILE = Path(__file__).with_name("budgets.toml")


@dataclass(frozen=True)
class Budget:
    """What one page may cost: its median server time and its SQL statements."""

    median_ms: float
    sql: int


@dataclass(frozen=True)
class Budgets:
    """Each page's budget, kept in the repository (``budgets.toml``)."""

    pages: dict[tuple[str, str], Budget]

    @classmethod
    def read(cls, path: Path = BUDGETS_FILE) -> Budgets:
        """Read the budgets file."""
        found = tomllib.loads(path.read_text())
        return cls({(page["name"], page["role"]): Budget(float(page["median_ms"]),
                                                          int(page["sql"]))
                    for page in found.get("page", [])})

    def verdict(self, result: Result) -> str:
        """"within budget", or what is over it, or that the page has none."""
        budget = self.pages.get((result.page, result.role))
        if budget is None:
            return "no budget"
        over = []
        if result.median_ms > budget.median_ms:
            over.append(f"time {result.median_ms:.1f} > {budget.median_ms:g} ms")
        if result.sql_max > budget.sql:
            over.append(f"SQL {result.sql_max} > {budget.sql}")
        return "OVER: " + "; ".join(over) if over else "within budget"


@dataclass
class Result:
    """The figures for one page."""

    page: str
    role: str
    url: str
    median_ms: float
    p95_ms: float
    sql_median: float
    sql_max: int
    non_200: int
    statuses: list[int]


class QueryCounter:
    """Counts SQL statements sent on an engine."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args: Any, **_kwargs: Any) -> None:
        self.count += 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m partnership.bench",
        description="Median and p95 server time and SQL statements per request for key pages.",
    )
    parser.add_argument("--scale", type=_scales, default=[5], metavar="N[,M...]",
                        help="synthetic data size: N x (a partnership with ~900 actions, "
                             "~5,000 progress updates and ~260 meetings; 50 users; 2,000 audit "
                             "events); default 5. Several sizes (--scale 3,30) are measured "
                             "one after another and the list pages compared side by side")
    parser.add_argument("--clients", type=int, default=50,
                        help="signed-in clients in the throughput test (default 50; 0 skips it)")
    parser.add_argument("--load-seconds", type=float, default=20.0,
                        help="how long the throughput test loads the list page (default 20)")
    parser.add_argument("--no-documents", action="store_true",
                        help="leave out the document renders")
    parser.add_argument("--document-repeat", type=int, default=3,
                        help="renders per generated document: the worker's, then more of the "
                             "same request (default 3)")
    parser.add_argument("--repeat", type=int, default=30,
                        help="timed requests per page (after 3 warm-up requests); default 30")
    parser.add_argument("--database-url", default=None,
                        help="an EMPTY database to use (default: a fresh SQLite file in .bench/)")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE",
                        help="also write the results to FILE as JSON")
    args = parser.parse_args(argv)
    if min(args.scale) < 1 or args.repeat < 1:
        parser.error("--scale and --repeat must be 1 or more")
    args.scales, args.scale = args.scale, args.scale[0]
    if args.database_url and len(args.scales) > 1:
        parser.error("--database-url takes one --scale (the database is loaded once)")
    return args


def _scales(text: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a scale or list of scales: {text!r}") from None


def fresh_sqlite_url(scale: int) -> str:
    """Delete and recreate the benchmark database file of this scale; return its URL."""
    BENCH_DIR.mkdir(mode=0o700, exist_ok=True)
    path = BENCH_DIR / f"bench-{scale}.db"
    for leftover in (path, path.with_name(path.name + "-journal"),
                     path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        leftover.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def build_app(url: str, scale: int) -> Flask:
    """Create the app on ``url``, migrate it and load the data through the real CLI command."""
    # LOG_LEVEL=WARNING keeps the per-request log lines off the terminal.
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, LOG_LEVEL="WARNING")
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["demo", "load", "--scale", str(scale)])
    if result.exit_code != 0:
        raise BenchError(f"demo load --scale {scale} failed ({result.exit_code}): "
                         f"{result.output.strip()}")
    print(result.output.strip(), file=sys.stderr)
    with app.app_context():
        jobs.run_pending()  # what the load queued (published files), as the worker would
    return app


def describe_database() -> dict[str, Any]:
    """Row counts and backend, for the header (call in an app context)."""
    engine = db.engine
    version = ".".join(str(p) for p in engine.dialect.server_version_info or ())

    def count(column: Any) -> int:
        return db.session.scalar(sa.select(sa.func.count(column))) or 0

    return {
        "backend": f"{engine.dialect.name} {version}".strip(),
        "users": count(User.id),
        "audit_events": count(AuditEvent.id),
        "actions": count(Action.id),
        "progress_updates": count(ProgressUpdate.id),
        "meetings": count(Meeting.id),
    }


def csrf_token(page_html: str) -> str:
    """Return the value of the first csrf_token input on a page."""
    for tag in _INPUT.findall(page_html):
        if re.search(r'\bname="csrf_token"', tag):
            match = _VALUE.search(tag)
            if match:
                return html.unescape(match.group(1))
    raise BenchError("no csrf_token input on the sign-in page")


def signed_in_client(app: Flask, role: Role | None) -> FlaskClient:
    """A test client signed in as the demo account for ``role`` through the real form."""
    client = app.test_client()
    if role is None:
        return client
    account = next((a for a in DEMO_ACCOUNTS if a.role is role), None)
    if account is None:
        raise BenchError(f"no demo account has the role {role.value}")
    shown = client.get("/sign-in")
    if shown.status_code != 200:
        raise BenchError(f"GET /sign-in gave {shown.status_code}")
    response = client.post("/sign-in", data={
        "csrf_token": csrf_token(shown.get_data(as_text=True)),
        "email": account.email,
        "password": account.password,
    })
    if response.status_code != 302:
        raise BenchError(f"signing in as {account.email} gave {response.status_code}, not 302")
    return client


def nearest_rank(values: list[float], percent: float) -> float:
    """The nearest-rank percentile of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def measure(client: FlaskClient, page: BenchPage, url: str, counter: QueryCounter,
            repeat: int) -> Result:
    """Warm up, then time ``repeat`` GETs of ``url`` and count their SQL statements."""
    statuses: list[int] = []
    for _ in range(WARM_UP):
        statuses.append(client.get(url).status_code)
    times: list[float] = []
    queries: list[int] = []
    for _ in range(repeat):
        counter.count = 0
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        queries.append(counter.count)
        statuses.append(response.status_code)
    return Result(
        page=page.name,
        role=page.role.value if page.role else "anonymous",
        url=url,
        median_ms=round(statistics.median(times), 2),
        p95_ms=round(nearest_rank(times, 95), 2),
        sql_median=statistics.median(queries),
        sql_max=max(queries),
        non_200=sum(1 for s in statuses if s != 200),
        statuses=sorted(set(statuses)),
    )


def report(info: dict[str, Any], scale: int, args: argparse.Namespace, results: list[Result],
           budgets: Budgets) -> str:
    """The plain-text table, each page judged against its budget."""
    lines = [
        f"scale {scale}: {info['users']} users, {info['audit_events']} audit events, "
        f"{info['actions']} actions, {info['progress_updates']} progress updates, "
        f"{info['meetings']} meetings; "
        f"database {info['backend']}; {args.repeat} timed requests per page "
        f"after {WARM_UP} warm-up; budgets from {BUDGETS_FILE.relative_to(BASE_DIR)}",
        "",
    ]
    head = ("page", "role", "median ms", "p95 ms", "SQL/request", "verdict")
    rows = [(r.page, r.role, f"{r.median_ms:.1f}", f"{r.p95_ms:.1f}",
             f"{r.sql_median:g}" + (f" (max {r.sql_max})" if r.sql_max != r.sql_median else "")
             + ("" if not r.non_200 else f"  NOT 200: {r.statuses}"),
             budgets.verdict(r))
            for r in results]
    widths = [max(len(str(row[i])) for row in [head, *rows]) for i in range(5)]
    for row in [head, *rows]:
        lines.append(
            f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  "
            f"{row[2]:>{widths[2]}}  {row[3]:>{widths[3]}}  {row[4]:<{widths[4]}}  {row[5]}"
        )
    over = sum(budgets.verdict(r).startswith("OVER") for r in results)
    lines += ["", f"{over} page(s) over budget" if over else "every page within budget"]
    return "\n".join(lines)


def side_by_side(runs: list[tuple[int, list[Result]]]) -> str:
    """The list pages at each scale: the larger's time against the smaller's, and SQL."""
    (small, first), (large, last) = runs[0], runs[-1]
    later = {(r.page, r.role): r for r in last}
    lines = [f"list pages, scale {small} against scale {large}: the cost of a page must not "
             f"grow with the data (at most {FLAT_SLOWER:.0%} slower, no more SQL)"]
    for r in first:
        if r.page not in FLAT_PAGES or (r.page, r.role) not in later:
            continue
        other = later[(r.page, r.role)]
        ratio = other.median_ms / r.median_ms if r.median_ms else 1.0
        flat = ratio <= 1 + FLAT_SLOWER and other.sql_max <= r.sql_max
        lines.append(
            f"  {r.page} ({r.role}): {r.median_ms:.1f} -> {other.median_ms:.1f} ms "
            f"({ratio - 1:+.0%}), SQL {r.sql_max} -> {other.sql_max}: "
            f"{'flat' if flat else 'GROWS'}")
    return "\n".join(lines)


def measure_pages(url: str, scale: int, args: argparse.Namespace
                  ) -> tuple[Flask, dict[str, Any], list[Result], Any]:
    """Load ``scale`` into ``url`` and time every page; return the app, the database's
    description, the results and the client factory (for the documents)."""
    app = build_app(url, scale)
    counter = QueryCounter()
    with app.app_context():
        info = describe_database()
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        urls = [page.resolve() for page in PAGES]
        db.session.remove()
    # No app context stays open while measuring: each request gets its own, as when served.
    clients: dict[Role | None, FlaskClient] = {}

    def client_for(role: Role | None) -> FlaskClient:
        if role not in clients:
            clients[role] = signed_in_client(app, role)
        return clients[role]

    results = [measure(client_for(page.role), page, page_url, counter, args.repeat)
               for page, page_url in zip(PAGES, urls, strict=True)]
    return app, info, results, client_for


def main(argv: list[str] | None = None) -> int:
    """Set up, measure every page (at each scale), the documents and the throughput; print
    the tables with their verdicts; non-zero exit if any page was not 200."""
    args = parse_args(argv)
    budgets = Budgets.read()
    runs: list[tuple[int, list[Result]]] = []
    failed: list[Result] = []
    documents: list[Any] = []
    output: dict[str, Any] = {"repeat": args.repeat, "warm_up": WARM_UP, "scales": []}
    for scale in args.scales:
        url = args.database_url or fresh_sqlite_url(scale)
        app, info, results, client_for = measure_pages(url, scale, args)
        print(report(info, scale, args, results, budgets), flush=True)
        runs.append((scale, results))
        failed += [r for r in results if r.non_200]
        measured: dict[str, Any] = {"scale": scale, **info,
                                    "pages": [{**asdict(r), "verdict": budgets.verdict(r)}
                                              for r in results]}
        if scale == args.scales[0] and not args.no_documents:
            documents = measure_document_pages(app, client_for, args.repeat,
                                               args.document_repeat)
            print(document_report(documents, args.repeat, args.document_repeat), flush=True)
            assembled = measure_assembly(app, args.document_repeat)
            print(assembly_report(assembled), flush=True)
            measured["documents"] = [d.as_dict() for d in documents]
            measured["assembly"] = [a.as_dict() for a in assembled]
        with app.app_context():
            db.engine.dispose()
        if scale == args.scales[0] and args.clients:
            loaded = run_load(url, clients=args.clients, seconds=args.load_seconds)
            print(load_report(loaded), flush=True)
            measured["throughput"] = loaded.as_dict()
        output["scales"].append(measured)
    if len(runs) > 1:
        print(side_by_side(runs))
    if args.json:
        args.json.write_text(json.dumps(output, indent=2) + "\n")
    for r in failed:
        print(f"FAILED: {r.page} as {r.role} ({r.url}) returned {r.statuses}", file=sys.stderr)
    for d in documents:
        for problem in d.problems:
            print(f"FAILED: {d.document} ({d.url or 'worker'}): {problem}", file=sys.stderr)
    return 1 if failed or any(d.problems for d in documents) else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        sys.exit(f"benchmark failed: {error}")

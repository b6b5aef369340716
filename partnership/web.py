"""The request lifecycle: request ids, structured logs, security headers and error pages; and
the one way a view runs a service step and shows a refusal next to the field it is about."""

from __future__ import annotations

import html
import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, abort, current_app, flash, g, render_template, request
from flask.ctx import RequestContext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from govuk_frontend_wtf.gov_form_base import GovFormBase
from markupsafe import Markup
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.routing import IntegerConverter, Map
from wtforms import Form

from partnership.extensions import db
from partnership.kernel.errors import DomainError
from partnership.kernel.numbers import pounds

log = logging.getLogger("partnership.request")

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)

# Public files (our static folder and GOV.UK Frontend's fonts and images).
ASSET_ENDPOINTS = frozenset({"static", "pages.assets"})

# Ids are PostgreSQL ``integer`` (SQLAlchemy's Integer): 1 to 2**31 - 1 on every backend.
DATABASE_ID_MAX = 2_147_483_647

# A data table is wider than a phone: each scrolls sideways in a region of its own, so the page
# itself never does (WCAG 1.4.10 Reflow). Done once here for every page rather than in each of
# a hundred templates; a table already in such a region (its opening tag ending
# ``data-table-scroll>``) is left alone.
TABLE = re.compile(r"(?<! data-table-scroll>)<table\b.*?</table>", re.DOTALL)
CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.DOTALL)
TAGS = re.compile(r"<[^>]+>")


def scrolling_tables(page: str) -> str:
    """Put each table of an HTML page in a region of its own that scrolls sideways; the
    region is named after the table's caption and can be reached (and scrolled) by keyboard."""

    def wrap(found: re.Match[str]) -> str:
        table = found.group(0)
        caption = CAPTION.search(table)
        words = " ".join(html.unescape(TAGS.sub(" ", caption.group(1))).split()) if caption else ""
        label = html.escape(words or "Table", quote=True)
        return (f'<div class="app-table-scroll" role="region" aria-label="{label}" tabindex="0" '
                f"data-table-scroll>{table}</div>")

    return TABLE.sub(wrap, page)


# --- GOV.UK form widgets drawn once per distinct set of parameters ---------------------------
WIDGET_RENDERS_KEPT = 2048


def _frozen(value: Any) -> Hashable:
    """A hashable copy of a widget's parameters (marked-up text kept apart from plain text,
    which the templates escape)."""
    if isinstance(value, Markup):
        return ("markup", str(value))
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value if isinstance(value, Hashable) else repr(value)


def cache_widget_renders() -> None:
    """Draw each GOV.UK form widget once per distinct set of parameters, per process.

    govuk-frontend-wtf renders every field through its Jinja template and the GOV.UK macro
    (a select of 30 options costs about half a millisecond), and the output is a pure
    function of the template and its parameters: the field's name, label, hint, choices,
    selected value, error and attributes. A filter form is the same for most requests, so
    its fields are drawn once and reused; anything different (another choice selected, an
    error) is another key.
    """
    if getattr(GovFormBase.render, "cached", False):
        return
    draw = GovFormBase.render

    def render(self: GovFormBase, params: dict[str, Any]) -> Markup:
        kept: dict[Hashable, Markup] = current_app.extensions.setdefault("widget_renders", {})
        key = (self.template, _frozen(params))
        found = kept.get(key)
        if found is None:
            if len(kept) >= WIDGET_RENDERS_KEPT:
                kept.clear()
            found = kept[key] = draw(self, params)
        return found

    render.cached = True  # type: ignore[attr-defined]
    GovFormBase.render = render  # type: ignore[method-assign]


ERROR_TITLES = {
    400: "There is a problem with your request",
    403: "You do not have permission to see this page",
    404: "Page not found",
    405: "This action is not allowed",
    409: "Someone else changed this record",
    413: "The file or form is too large",
    429: "Too many attempts",
    500: "Sorry, there is a problem with the service",
}


class DatabaseId(IntegerConverter):
    """``<int:...>`` in every route: an id a record could have, 1 to 2,147,483,647.

    Anything else matches no route, so it answers 404 like a missing record, instead of
    reaching the database and failing there (out of range for ``integer``: a 500).
    Negative numbers and non-digits already match nothing (werkzeug's ``\\d+``). A route
    that means something else may still say ``<int(min=0, max=...):name>``.
    """

    def __init__(self, map: Map, fixed_digits: int = 0, min: int | None = 1,
                 max: int | None = DATABASE_ID_MAX, signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def offline_request_context() -> RequestContext:
    """A request context for work outside a request (commands, the demo): links then resolve
    to the service's own address, the first of TRUSTED_HOSTS where that is set."""
    hosts = current_app.config.get("TRUSTED_HOSTS") or []
    host = next((h.lstrip(".") for h in hosts if h.strip(".")), None)
    return current_app.test_request_context(base_url=f"https://{host}/" if host else None)


def query_id(raw: str) -> int:
    """Read an id or page number from a query string: 1 to 2,147,483,647, else ValueError.

    For ``request.args.get(name, default, type=query_id)``: a value no record could have
    gives the default instead of reaching the database (the same bounds as ``<int:...>``).
    """
    number = int(raw)
    if not 1 <= number <= DATABASE_ID_MAX:
        raise ValueError(f"{raw[:20]} is not a number a record could have")
    return number


class JSONFormatter(logging.Formatter):
    """One JSON object per line; control characters are escaped by json.dumps."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record and its structured extras as one line of JSON."""
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(app: Flask) -> None:
    """Send the app's logs to stderr as JSON lines."""
    root = logging.getLogger("partnership")
    if not any(getattr(h, "partnership", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JSONFormatter())
        handler.partnership = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
    root.propagate = app.testing  # let pytest's caplog see records


def request_id() -> str:
    """Return the current request's id (or '-' outside a request)."""
    return g.get("request_id", "-")


def init_app(app: Flask) -> None:
    """Install the request hooks, the URL id converter and the error handlers."""
    configure_logging(app)
    cache_widget_renders()
    # Before any blueprint is registered: a rule takes its converters when it is added.
    app.url_map.converters["int"] = DatabaseId
    app.add_template_filter(pounds, "pounds")  # whole pence, as every page and document writes it

    @app.before_request
    def start_request() -> None:
        g.request_id = uuid.uuid4().hex
        g.started = time.perf_counter()
        # NUL is never valid text, and PostgreSQL refuses it with an error (a 500).
        if any("\x00" in value for _, values in request.values.lists() for value in values):
            abort(400)


    @app.after_request
    def secure_headers(response: Response) -> Response:
        headers = response.headers
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "same-origin"
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        headers["X-Request-ID"] = request_id()
        if app.config["HSTS"]:
            headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint in ASSET_ENDPOINTS:
            return response  # public files: leave caching to send_file, and load no user
        if current_user and current_user.is_authenticated:
            headers["Cache-Control"] = "no-store"
        elif "Cache-Control" not in headers:
            headers["Cache-Control"] = "no-cache"
        return response

    @app.teardown_request
    def log_request(error: BaseException | None) -> None:
        started = g.get("started")
        if started is None:
            return
        # Flask-Login keeps the user it loaded in g; reading it never loads one just to log.
        user_id = getattr(g.get("_login_user"), "id", None)
        log.info(
            "request",
            extra={
                "fields": {
                    "request_id": request_id(),
                    "method": request.method,
                    "path": request.path,
                    "status": g.get("status"),
                    "user_id": user_id,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                }
            },
        )

    @app.after_request
    def tables_in_regions(response: Response) -> Response:
        # Only pages this service drew: never a file it sends (an upload, a download).
        if (response.mimetype == "text/html" and not response.direct_passthrough
                and not response.is_streamed
                and "attachment" not in response.headers.get("Content-Disposition", "")):
            page = response.get_data(as_text=True)
            if "<table" in page:
                response.set_data(scrolling_tables(page))
        return response

    @app.after_request
    def remember_status(response: Response) -> Response:
        g.status = response.status_code
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        if isinstance(error, CSRFError):
            log.warning("csrf refused", extra={"fields": {"request_id": request_id(),
                                                          "path": request.path,
                                                          "reason": error.description}})
        if isinstance(error, SecurityError):
            # An untrusted Host leaves no URL adapter, so the templated page cannot render.
            return ERROR_TITLES[400], 400
        return render_error(code), code

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> tuple[str, int]:
        log.exception("unhandled error", extra={"fields": {"request_id": request_id()}})
        db.session.rollback()
        return render_error(500), 500


def render_error(code: int) -> str:
    """Render the generic page for an HTTP error code."""
    template = f"errors/{code}.html" if code in (403, 404, 429, 500) else "errors/generic.html"
    return render_template(
        template, code=code, title=ERROR_TITLES.get(code, "There is a problem")
    )


# --- running a service step from a form -------------------------------------------------------


def show_problems(form: Form, problems: Iterable[DomainError], default: str | None = None) -> None:
    """Put each broken rule's message next to its field (or ``default``, or the whole form)."""
    for problem in problems:
        field = getattr(problem, "field", None)
        name = field if field and field in form else default
        if name is None or name not in form:
            form.form_errors.append(str(problem))
        else:
            form[name].errors = [*form[name].errors, str(problem)]


def refused(form: Form | None, error: DomainError, default: str | None = None, *,
            category: str = "error") -> None:
    """Undo what the refused step did and show why: next to its field (every rule it broke),
    or, for a step with no form to show (a button), as a message at the top of the page."""
    db.session.rollback()
    if form is None:
        flash(str(error), category)
    else:
        show_problems(form, getattr(error, "problems", None) or [error], default)


@dataclass
class ServiceStep:
    """How a step run by ``run_service`` ended: ``done`` once it is committed."""

    done: bool = False


@contextmanager
def run_service(form: Form | None = None, default: str | None = None, *, commit: bool = True,
                category: str = "error") -> Iterator[ServiceStep]:
    """Run the service calls in the block: commit when they succeed; on a domain error roll
    back and show it next to its field (``default`` when the error names none in the form),
    or with no form as a message (``category``) at the top of the next page.

    Any other error passes through untouched (an ``EditConflict`` to its conflict page).
    ``commit=False`` leaves the commit to the block (``commit_edit``, which turns a lost race
    into a conflict). Read ``step.done`` after the block to redirect on success.
    """
    step = ServiceStep()
    try:
        yield step
    except DomainError as error:
        refused(form, error, default, category=category)
        return
    if commit:
        db.session.commit()
    step.done = True

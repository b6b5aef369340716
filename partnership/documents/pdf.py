"""Render HTML to a tagged PDF (PDF/UA-1) with WeasyPrint, reading nothing but our own files.

WeasyPrint's default URL fetcher reads ``file:`` URLs and fetches ``http(s):`` and ``ftp:``
ones, so a reference that slipped into a document (``<img src="file:///etc/passwd">``, an
``<a rel="attachment">``, a CSS ``url()``) could put a server file into the PDF or make the
server fetch a URL (SECURITY.md 0.4, 1g, 4.6). Every URL here goes through
:class:`RestrictedFetcher`, which serves only our ``static/`` folder and the in-memory
resources given to one render, and stops the render on anything else.

Each render runs in another Python process (this file, run as a script) under a time limit
and a memory limit, so a pathological document fails with :class:`RenderError` instead of
tying up a web worker. That is why this module imports nothing from the application. The
render processes are kept warm, a few per OS process, each serving one document after
another (:mod:`partnership.documents.pool`): WeasyPrint, the fonts and our stylesheets are
loaded once per process, not once per document.

Before the PDF is written, :func:`finish_tagging` corrects two things WeasyPrint's tagging
leaves wrong for a screen reader: what the page margins print becomes pagination artifacts,
and table cells are headed by the right header cells where a cell spans rows.

The same document is rendered once: renders are kept in a small in-process cache keyed by
a digest of everything the renderer reads (HTML, title, author, resources), and requests
for a document already being rendered wait for that render instead of starting another,
so people downloading one draft at once cost one render. Processes that render the same
documents (a test run's workers, each loading the demo) can share finished renders as files
in the folder named by the ``PARTNERSHIP_SHARED_RENDERS`` environment variable.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import json
import logging
import mimetypes
import os
import resource
import struct
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any
from urllib.parse import unquote, urlsplit

import pydyf
from weasyprint import HTML
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
# An origin that can never be reached (RFC 2606 reserves .invalid): documents address our
# static files and in-memory resources under it, and the fetcher answers without any network.
DOCUMENT_ORIGIN = "https://document.invalid"
BASE_URL = f"{DOCUMENT_ORIGIN}/"
STATIC_PATH = "/static/"
RESOURCE_PATH = "/resources/"
TIME_LIMIT_SECONDS = 60.0
MEMORY_LIMIT_BYTES = 3 * 1024**3
# Rendered documents kept in each process, newest last, up to this many bytes in all.
CACHE_BYTES = 64 * 1024**2
# Each message to and from a render process is a JSON header then a body (the PDF), each
# written as an 8-byte big-endian length and the bytes (partnership/documents/pool.py).
FRAME = struct.Struct(">Q")
# A folder where finished renders are kept as files named by their digest, for processes
# that render the same documents (unset in production: each process keeps its own cache).
SHARED_RENDERS_VARIABLE = "PARTNERSHIP_SHARED_RENDERS"
# What the child process needs from the environment (fonts, locale); never proxies.
CHILD_ENVIRONMENT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "XDG_CACHE_HOME",
                     "FONTCONFIG_FILE", "FONTCONFIG_PATH")


class RenderError(Exception):
    """The document could not be rendered."""


class ResourceRefused(RenderError):
    """The document referred to a file or URL outside what a render may read."""

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls
        shown = ", ".join(url[:120] for url in urls[:5])
        super().__init__(f"the document refers to resources it may not read: {shown}")


class RenderTimeout(RenderError):
    """The render took longer than its time limit and was stopped."""


@dataclass(frozen=True)
class RenderedPdf:
    """A rendered PDF and its number of pages."""

    data: bytes
    pages: int
    # The processor time the render process spent on it (None when not rendered there):
    # the benchmark's figure that other work on the machine does not inflate.
    cpu_seconds: float | None = field(default=None, compare=False)


def static_url(path: str) -> str:
    """Return the URL a document uses for one of our static files (e.g. ``css/document.css``)."""
    return f"{DOCUMENT_ORIGIN}{STATIC_PATH}{path.lstrip('/')}"


def resource_url(name: str) -> str:
    """Return the URL a document uses for an in-memory resource passed to :func:`render_pdf`."""
    return f"{DOCUMENT_ORIGIN}{RESOURCE_PATH}{name}"


class RestrictedFetcher(URLFetcher):
    """Serve our static files and this render's resources; refuse every other URL.

    A refusal raises :class:`FatalURLFetchingError`, which stops the render. WeasyPrint's SVG
    code swallows some fetch errors, so every refused URL is also kept in ``refused`` and the
    render is failed afterwards if the list is not empty.
    """

    def __init__(self, static_dir: Path = STATIC_DIR,
                 resources: Mapping[str, bytes] | None = None) -> None:
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=True)
        self.static_dir = static_dir.resolve()
        self.resources = dict(resources or {})
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        """Answer from the static folder or the resources, or stop the render."""
        found = self._lookup(url)
        if found is None:
            self.refused.append(url)
            raise FatalURLFetchingError(f"Refused to fetch {url[:120]}")
        body, content_type = found
        return URLFetcherResponse(url, body, {"Content-Type": content_type})

    def _lookup(self, url: str) -> tuple[bytes, str] | None:
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if (parts.scheme.lower(), parts.netloc.lower()) != ("https", "document.invalid"):
            return None
        if parts.query or parts.username or parts.password:
            return None
        path = unquote(parts.path)
        if path.startswith(RESOURCE_PATH):
            name = path[len(RESOURCE_PATH):]
            if name not in self.resources:
                return None
            return self.resources[name], _content_type(name)
        if path.startswith(STATIC_PATH):
            file = self._static_file(path[len(STATIC_PATH):])
            return None if file is None else (file.read_bytes(), _content_type(file.name))
        return None

    def _static_file(self, relative: str) -> Path | None:
        parts = PurePosixPath(relative).parts
        if not parts or any(p in ("", ".", "..") or "\\" in p or "\x00" in p for p in parts):
            return None
        candidate = self.static_dir.joinpath(*parts).resolve()
        if not candidate.is_relative_to(self.static_dir) or not candidate.is_file():
            return None
        return candidate


def _content_type(name: str) -> str:
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def render_here(html: str, *, title: str, author: str = "",
                resources: Mapping[str, bytes] | None = None,
                static_dir: Path = STATIC_DIR,
                font_config: FontConfiguration | None = None) -> RenderedPdf:
    """Render in this process, without a time limit (the render process calls this).

    ``font_config`` may be kept from one render to the next (fonts are then loaded once);
    by default each render loads its own.
    """
    fetcher = RestrictedFetcher(static_dir, resources)
    options = {"pdf_variant": "pdf/ua-1", "pdf_tags": True, "presentational_hints": False}
    try:
        source = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
        # A generated document never carries files: refuse attachments outright, wherever
        # they point (WeasyPrint would fetch them only when writing the PDF).
        attached = [element.get("href", "") for element in source.etree_element.iter()
                    if element.tag in ("a", "link")
                    and "attachment" in (element.get("rel") or "").lower().split()]
        if attached:
            raise ResourceRefused(attached)
        document = source.render(font_config=font_config, **options)
        document.metadata.title = title
        document.metadata.authors = [author] if author else []
        document.metadata.lang = document.metadata.lang or "en"
        document.metadata.attachments = []  # belt and braces: a document carries no files
        data = document.write_pdf(finisher=finish_tagging, **options)
    except FatalURLFetchingError:
        raise ResourceRefused(fetcher.refused or ["(unknown)"]) from None
    if fetcher.refused:
        raise ResourceRefused(fetcher.refused)
    return RenderedPdf(data=data, pages=len(document.pages))


def finish_tagging(document: Document, pdf: pydyf.PDF) -> None:
    """Correct WeasyPrint's tags before the PDF is written (its ``finisher``)."""
    page_furniture_as_artifacts(pdf)
    table_headers(document)


def page_furniture_as_artifacts(pdf: pydyf.PDF) -> None:
    """Mark what the page margins print (running headers, footers, page numbers) as artifacts.

    A screen reader should not read "Page 3 of 27" and the running title on every page, and
    PDF/UA (ISO 14289-1, 7.8) asks for them to be pagination artifacts. WeasyPrint 70 tags
    the text of ``@page`` margin boxes as ordinary marked content and leaves its structure
    elements out of the document's tree (Kozea/WeasyPrint#1836): content that is neither real
    content nor an artifact. So every marked-content sequence whose structure element cannot
    be reached from the structure tree's root is turned into ``/Artifact`` here, and dropped
    from the parent tree, before the PDF is written. A WeasyPrint that artifacts margins
    itself leaves nothing unreachable, and this does nothing.
    """
    root_reference = pdf.catalog.get("StructTreeRoot")
    if root_reference is None:  # an untagged render
        return
    root = _resolve(pdf, root_reference)
    reachable: set[int] = set()
    waiting = [_number(kid) for kid in root["K"]]
    while waiting:
        number = waiting.pop()
        element = pdf.objects[number]
        if number in reachable or not isinstance(element, pydyf.Dictionary):
            continue
        reachable.add(number)
        waiting.extend(_number(kid) for kid in element.get("K", ()) if isinstance(kid, bytes))
    numbers = _resolve(pdf, root["ParentTree"])["Nums"]
    struct_parents = dict(zip(numbers[0::2], numbers[1::2], strict=True))
    # pydyf keeps the page tree's kids flat: number, generation, "R", number, ...
    for index, page_number in enumerate(pdf.pages["Kids"][0::3]):
        # The parent tree maps page n (its /StructParents) to an array indexed by MCID.
        by_mcid = struct_parents.get(pdf.objects[page_number].get("StructParents", index))
        if not isinstance(by_mcid, pydyf.Array):
            continue
        unreachable = {mcid for mcid, element in enumerate(by_mcid)
                       if isinstance(element, bytes) and _number(element) not in reachable}
        contents = _resolve(pdf, pdf.objects[page_number]["Contents"])
        for mcid in _artifact_marked_content(contents.stream, unreachable):
            by_mcid[mcid] = "null"


def _artifact_marked_content(operations: list[object], mcids: set[int]) -> set[int]:
    """Turn ``/Tag <</MCID n>> BDC`` into ``/Artifact <</Type /Pagination>> BDC`` for these n.

    Return the MCIDs turned. One not found (drawn elsewhere than the page's own content
    stream) stays as it was: tests/documents/test_publishable.py fails on it, a render
    does not.
    """
    found: set[int] = set()
    if not mcids:
        return found
    dictionary = pydyf.Dictionary
    for position in range(1, len(operations) - 1):
        operation = operations[position]
        if (isinstance(operation, dictionary) and operation.get("MCID") in mcids
                and operations[position + 1] == b"BDC"):
            found.add(operation["MCID"])
            operations[position - 1] = "/Artifact"
            operations[position] = pydyf.Dictionary({"Type": "/Pagination"})
    return found


def table_headers(document: Document) -> None:
    """Tell each table cell which header cells head it, counting spanned rows and columns.

    WeasyPrint 70 numbers a row's cells from its first cell, so in a row under a cell with
    a rowspan (the action plan's recommendation, its scope and the agencies' response) every
    cell gets the header of the column to its left, and a row header (``scope="row"``)
    reaches only the first of the rows it spans. Here the cells' own grid columns are used:
    a data cell is headed by the column headers above it and the row headers of its rows,
    and a row header by its column's header, each header cell also saying its /Scope.
    """
    for page in document.pages:
        for table in _tables(page._page_box):
            _head_cells(table)


def _tables(box: boxes.Box) -> Iterator[boxes.TableBox]:
    """Every table in this box, outermost first (a loop, not recursion: a page holds
    thousands of boxes, and nested generators cost each box its depth)."""
    waiting = [box]
    while waiting:
        box = waiting.pop()
        if isinstance(box, boxes.TableBox):
            yield box
        children = getattr(box, "children", None)
        if children:
            waiting.extend(child for child in reversed(children)
                           if isinstance(child, boxes.Box))


def _head_cells(table: boxes.TableBox) -> None:
    rows = [row for group in table.children if isinstance(group, boxes.TableRowGroupBox)
            for row in group.children if isinstance(row, boxes.TableRowBox)]
    cells = []  # (first row, rows spanned, columns spanned, is a header cell, scope, element)
    for index, row in enumerate(rows):
        for cell in row.children:
            element = getattr(cell, "mark", None)
            if (isinstance(cell, boxes.TableCellBox) and cell.colspan > 0
                    and isinstance(element, pydyf.Dictionary)
                    and isinstance(element.get("A"), pydyf.Dictionary)):
                cells.append((index, range(index, min(index + cell.rowspan, len(rows))),
                              range(cell.grid_x, cell.grid_x + cell.colspan),
                              cell.element_tag == "th" and "ID" in element,
                              cell.element.get("scope", ""), element))
    column_headers: dict[int, list[tuple[int, object]]] = {}  # column: (row, header id)
    row_headers: dict[int, list[tuple[int, object]]] = {}  # row: (column, header id)
    for index, spanned, columns, header, scope, element in cells:
        if not header:
            continue
        if scope in ("row", "rowgroup"):
            element["A"]["Scope"] = "/Row"
            for row in spanned:
                row_headers.setdefault(row, []).append((columns[0], element["ID"]))
        else:
            element["A"]["Scope"] = "/Column"
            for column in columns:
                column_headers.setdefault(column, []).append((index, element["ID"]))
    # As HTML reads a table: a cell is headed by the row headers to its left in the rows it
    # spans and by the column headers above it in the columns it spans.
    for index, spanned, columns, header, _scope, element in cells:
        heads = [key for row in spanned for left, key in row_headers.get(row, [])
                 if left < columns[0]]
        heads += [key for column in columns for above, key in column_headers.get(column, [])
                  if above < index]
        if heads or not header:
            element["A"]["Headers"] = pydyf.Array(list(dict.fromkeys(heads)))


def _number(reference: bytes) -> int:
    return int(reference.split()[0])


def _resolve(pdf: pydyf.PDF, reference: bytes | pydyf.Dictionary) -> pydyf.Object:
    return pdf.objects[_number(reference)] if isinstance(reference, bytes) else reference


class RenderCache:
    """Finished renders by digest (least recently used dropped first) and renders under way."""

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._done: OrderedDict[str, RenderedPdf] = OrderedDict()
        self._size = 0
        self._under_way: dict[str, Future[RenderedPdf]] = {}
        self._lock = threading.Lock()

    def get_or_render(self, key: str, render: Callable[[], RenderedPdf]) -> RenderedPdf:
        """Return the cached render for ``key``, join one under way, or render it now."""
        with self._lock:
            if key in self._done:
                self._done.move_to_end(key)
                return self._done[key]
            waiting = self._under_way.get(key)
            if waiting is None:
                mine: Future[RenderedPdf] = Future()
                self._under_way[key] = mine
        if waiting is not None:
            return waiting.result()
        try:
            rendered = render()
        except BaseException as error:  # a failure is not kept: the next request tries again
            with self._lock:
                del self._under_way[key]
            mine.set_exception(error)
            raise
        with self._lock:
            del self._under_way[key]
            self._keep(key, rendered)
        mine.set_result(rendered)
        return rendered

    def clear(self) -> None:
        """Forget every finished render."""
        with self._lock:
            self._done.clear()
            self._size = 0

    def _keep(self, key: str, rendered: RenderedPdf) -> None:
        if len(rendered.data) > self.max_bytes:
            return
        self._done[key] = rendered
        self._size += len(rendered.data)
        while self._size > self.max_bytes:
            _, dropped = self._done.popitem(last=False)
            self._size -= len(dropped.data)


_cache = RenderCache()


def _digest(html: str, title: str, author: str, resources: Mapping[str, bytes]) -> str:
    """Identify a render by everything it reads (static files do not change while running)."""
    digest = hashlib.sha256()
    for part in (html, title, author, str(STATIC_DIR)):
        digest.update(len(part.encode("utf-8")).to_bytes(8, "big"))
        digest.update(part.encode("utf-8"))
    for name in sorted(resources):
        digest.update(name.encode("utf-8") + b"\x00" + hashlib.sha256(resources[name]).digest())
    return digest.hexdigest()


def render_pdf(html: str, *, title: str, resources: Mapping[str, bytes] | None = None,
               author: str = "", time_limit: float = TIME_LIMIT_SECONDS) -> RenderedPdf:
    """Render HTML to a tagged A4 PDF in a warm render process, within a time and memory limit.

    Relative URLs resolve against :data:`BASE_URL`; use :func:`static_url` and
    :func:`resource_url` to refer to our files and to ``resources`` (name -> bytes).
    A document rendered before (or being rendered now) in this process is not rendered
    again. Raises :class:`ResourceRefused`, :class:`RenderTimeout` or :class:`RenderError`.
    """
    resources = resources or {}
    key = _digest(html, title, author, resources)
    return _cache.get_or_render(key, lambda: _render_in_child(
        html, title=title, resources=resources, author=author, time_limit=time_limit))


def _render_in_child(html: str, *, title: str, resources: Mapping[str, bytes], author: str,
                     time_limit: float) -> RenderedPdf:
    """Render in a child process, or take the render another process shared."""
    folder = os.environ.get(SHARED_RENDERS_VARIABLE)
    if not folder:
        return _run_child(html, title=title, resources=resources, author=author,
                          time_limit=time_limit)
    shared = Path(folder) / _digest(html, title, author, resources)
    try:
        return RenderedPdf(data=shared.with_suffix(".pdf").read_bytes(),
                           pages=int(shared.with_suffix(".pages").read_text()))
    except (OSError, ValueError):
        pass
    rendered = _run_child(html, title=title, resources=resources, author=author,
                          time_limit=time_limit)
    # The page count first, the PDF last and each by rename: a reader finding the PDF finds
    # both whole.
    for suffix, body in ((".pages", str(rendered.pages).encode()), (".pdf", rendered.data)):
        partial = shared.with_suffix(f"{suffix}.{os.getpid()}.partial")
        partial.write_bytes(body)
        partial.replace(shared.with_suffix(suffix))
    return rendered


def _run_child(html: str, *, title: str, resources: Mapping[str, bytes], author: str,
               time_limit: float) -> RenderedPdf:
    """Render once in a warm render process of this process's pool, within the limits."""
    # Imported here, not at the top: this file is also the render process's own script,
    # which runs without the application's package.
    from partnership.documents import pool

    request = {
        "html": html, "title": title, "author": author, "static_dir": str(STATIC_DIR),
        "resources": {name: base64.b64encode(body).decode("ascii")
                      for name, body in resources.items()},
        "cpu_limit": int(time_limit) + 5,
    }
    renderers = pool.renderers()
    try:
        answer, body = renderers.call(request, time_limit=time_limit,
                                      memory_limit=MEMORY_LIMIT_BYTES)
    except pool.PoolTimeout:
        raise RenderTimeout(f"rendering took longer than {time_limit:g} seconds") from None
    except pool.ProcessFailed as failure:
        raise RenderError(f"the PDF renderer failed: {str(failure)[:300]}") from None
    if "refused" in answer:
        raise ResourceRefused(answer["refused"])
    return RenderedPdf(data=body, pages=answer["pages"], cpu_seconds=answer.get("cpu_seconds"))


# --- the render process ------------------------------------------------------------------
#
# Run as ``python -I pdf.py --serve --memory-limit N``: set the memory limit, load WeasyPrint,
# the fonts and our stylesheets by rendering a small document, then render requests read on
# stdin (a JSON header) and answer each on stdout (a JSON header, then the PDF) until stdin
# closes. A refused resource is an answer like any other; any other failure is answered
# with its reason and ends the process (the pool starts another).

WARM_UP_HTML = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Warm-up</title>'
    '<link rel="stylesheet" href="https://document.invalid/static/css/document.css"></head>'
    '<body><h1>Warm-up</h1><p>Text, <strong>bold</strong> and <em>italic</em>.</p>'
    '<table><caption>Table</caption><thead><tr><th scope="col">Column</th></tr></thead>'
    '<tbody><tr><td>Cell</td></tr></tbody></table></body></html>')


def _serve(memory_limit: int) -> int:
    """Render one request after another, read on stdin, until stdin closes."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    # The answers go to our own copy of stdout; anything else printed goes to stderr.
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    requests = sys.stdin.buffer
    # One font configuration for every document: Fontconfig and Pango load the fonts once
    # (no document declares @font-face, which would add fonts to it).
    fonts = FontConfiguration()
    render_here(WARM_UP_HTML, title="Warm-up", font_config=fonts)
    # What is loaded now lives as long as the process: the collector need not walk it again.
    gc.collect()
    gc.freeze()
    while (request := _read_request(requests)) is not None:
        used = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        soft = int(used) + int(request["cpu_limit"])
        resource.setrlimit(resource.RLIMIT_CPU, (
            soft if hard == resource.RLIM_INFINITY else min(soft, hard), hard))
        # No collection while laying out (about a fifth of the time, for garbage that is
        # all dropped at the end): one collection after answering, while nobody waits.
        gc.disable()
        rendered: RenderedPdf | None = None
        started = time.process_time()
        try:
            rendered = render_here(
                request["html"], title=request["title"], author=request["author"],
                resources={name: base64.b64decode(body)
                           for name, body in request["resources"].items()},
                static_dir=Path(request["static_dir"]),
                font_config=None if "@font-face" in request["html"] else fonts)
        except ResourceRefused as refusal:
            _answer(answers, {"refused": refusal.urls})
        except Exception as error:  # the pool replaces a process that failed
            _answer(answers, {"error": f"{type(error).__name__}: {error}"[:500]})
            return 1
        else:
            _answer(answers, {"pages": rendered.pages,
                              "cpu_seconds": round(time.process_time() - started, 3)},
                    rendered.data)
        rendered = None  # dropped before the collection
        gc.collect()
    return 0


def _read_request(stream: IO[bytes]) -> dict[str, Any] | None:
    size = stream.read(FRAME.size)
    if len(size) < FRAME.size:
        return None
    body = stream.read(FRAME.unpack(size)[0])
    return json.loads(body)  # type: ignore[no-any-return]


def _answer(stream: IO[bytes], header: Mapping[str, Any], body: bytes = b"") -> None:
    encoded = json.dumps(header).encode("utf-8")
    stream.write(FRAME.pack(len(encoded)) + encoded + FRAME.pack(len(body)) + body)
    stream.flush()


def _main(arguments: list[str]) -> int:
    if arguments[:2] != ["--serve", "--memory-limit"] or len(arguments) != 3:
        sys.stderr.write("usage: pdf.py --serve --memory-limit BYTES\n")
        return 2
    return _serve(int(arguments[2]))


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))

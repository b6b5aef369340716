"""The PDF renderer: tagged PDF/UA output, and a URL fetcher that reads only our own files.

SECURITY.md 0.4, 1g and 4.6: WeasyPrint's default fetcher reads file: URLs (an
``<a rel="attachment">`` put /etc/hostname into a PDF) and fetches http(s). The refusals are
checked in this process (``render_here``, what the child process runs) to keep the tests
quick; the tests of ``render_pdf`` show that the child process reports them the same way.
"""

from __future__ import annotations

import re

import pytest
from weasyprint.urls import FatalURLFetchingError

from partnership.documents.pdf import (
    BASE_URL,
    RenderError,
    RenderTimeout,
    ResourceRefused,
    RestrictedFetcher,
    render_here,
    render_pdf,
    resource_url,
    static_url,
)
from tests.documents.pdftools import pdf_info, pdf_objects, pdf_text


def page(body: str, head: str = "") -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Test</title>'
            f"{head}</head><body>{body}</body></html>")


REFUSED = {
    "image from a server file": page('<img src="file:///etc/passwd" alt="x">'),
    "attachment of a server file": page(
        '<a rel="attachment" href="file:///etc/hostname">hostname</a>'),
    "linked attachment": page("", '<link rel="attachment" href="file:///etc/hostname">'),
    "stylesheet over http": page(
        "<p>x</p>", '<link rel="stylesheet" href="http://example.com/a.css">'),
    "image over https": page('<img src="https://example.com/x.png" alt="x">'),
    "css url() over ftp": page(
        "<p>x</p>", "<style>p { background: url(ftp://example.com/x.png) }</style>"),
    "css import over http": page(
        "<p>x</p>", '<style>@import url("http://example.com/a.css");</style>'),
    "data: URL": page('<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">'),
    "svg image inside inline svg": page(
        '<svg width="10" height="10">'
        '<image href="file:///etc/passwd" width="10" height="10"/></svg>'),
    "relative path out of static": page('<img src="/static/../config.py" alt="x">'),
    "encoded path out of static": page('<img src="/static/%2e%2e/config.py" alt="x">'),
    "relative URL outside static": page('<img src="/etc/passwd" alt="x">'),
    "unknown in-memory resource": page(f'<img src="{resource_url("missing.svg")}" alt="x">'),
}


@pytest.mark.parametrize("html", REFUSED.values(), ids=REFUSED.keys())
def test_a_reference_outside_our_files_stops_the_render(html: str) -> None:
    with pytest.raises(ResourceRefused):
        render_here(html, title="Refused")


@pytest.mark.parametrize(("case", "url"), [
    ("attachment of a server file", "file:///etc/hostname"),
    ("stylesheet over http", "http://example.com/a.css"),
])
def test_the_child_process_refuses_and_names_what_was_refused(case: str, url: str) -> None:
    with pytest.raises(ResourceRefused) as refused:
        render_pdf(REFUSED[case], title="Refused")
    assert refused.value.urls == [url]


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "http://document.invalid/static/css/document.css",
    "https://example.com/static/css/document.css", "ftp://document.invalid/static/x",
    "data:text/plain,hello", "https://user@document.invalid/static/css/document.css",
    "https://document.invalid/static/css/document.css?x=1",
    "https://document.invalid/static/", "https://document.invalid/static/css",
    "https://document.invalid/static/css/../../config.py",
    "https://document.invalid/static/css/%2E%2E/%2E%2E/config.py",
    "https://document.invalid/static/css\\..\\..\\config.py",
    "https://document.invalid/resources/other.svg",
])
def test_the_fetcher_serves_nothing_else(url: str) -> None:
    fetcher = RestrictedFetcher(resources={"chart.svg": b"<svg/>"})
    with pytest.raises(FatalURLFetchingError):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_fetcher_serves_static_files_and_this_renders_resources() -> None:
    fetcher = RestrictedFetcher(resources={"chart.svg": b"<svg/>"})
    stylesheet = fetcher.fetch(static_url("css/document.css"))
    assert stylesheet.content_type == "text/css"
    assert b"@page" in stylesheet.read()
    chart = fetcher.fetch(resource_url("chart.svg"))
    assert (chart.content_type, chart.read()) == ("image/svg+xml", b"<svg/>")
    assert fetcher.refused == []


def test_a_normal_render_is_a_tagged_pdf_with_its_title_and_no_attachments() -> None:
    body = "".join(f"<h2>Part {n}</h2><p>Text of part {n}.</p>" for n in range(1, 4))
    html = page(f'<h1>Arrangements</h1>{body}<p class="next">Next page</p>',
                f'<link rel="stylesheet" href="{static_url("css/document.css")}">'
                "<style>.next { break-before: page }</style>")

    rendered = render_pdf(html, title="Hampton arrangements", author="Hampton partnership")

    assert rendered.data.startswith(b"%PDF-1.7")
    assert rendered.pages == 2
    inside = pdf_objects(rendered.data)
    for marker in (b"/StructTreeRoot", b"/MarkInfo", b"pdfuaid", b"/Lang"):
        assert marker in inside, marker
    assert re.search(rb"/Lang\s*\(en\)", inside)
    assert b"/EmbeddedFile" not in inside
    info = pdf_info(rendered.data)
    assert "Title:           Hampton arrangements" in info
    assert "Author:          Hampton partnership" in info
    assert "Tagged:          yes" in info
    assert "Pages:           2" in info
    assert "A4" in info
    assert "Part 3" in pdf_text(rendered.data)


def test_an_in_memory_resource_is_embedded() -> None:
    chart = (b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="40">'
             b'<text x="5" y="25">Main Board</text></svg>')
    html = page(f'<img src="{resource_url("chart.svg")}" alt="Structure chart">')

    rendered = render_pdf(html, title="Chart", resources={"chart.svg": chart})

    assert "Main Board" in pdf_text(rendered.data)


def test_relative_urls_resolve_to_our_static_folder() -> None:
    html = page('<img src="static/images/favicon.svg" alt="Logo">')
    assert BASE_URL.startswith("https://document.invalid/")
    assert render_here(html, title="Relative").pages == 1


def test_a_pathological_document_fails_cleanly_within_the_time_limit() -> None:
    # Deep nesting makes layout slow; the child process is stopped at the limit.
    html = page("<div>" * 50_000 + "deep" + "</div>" * 50_000)
    with pytest.raises(RenderTimeout):
        render_pdf(html, title="Deep", time_limit=2)


def test_a_broken_renderer_is_a_render_error_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("partnership.documents.pdf.MEMORY_LIMIT_BYTES", 64 * 1024**2)
    with pytest.raises(RenderError) as failed:
        render_pdf(page("<p>x</p>"), title="Starved")
    assert not isinstance(failed.value, ResourceRefused | RenderTimeout)

"""Narrative Markdown becomes sanitised HTML: no raw HTML, scripts, images or unsafe links.

SECURITY.md 1e: stored XSS payloads, template syntax and file: references must come out as
inert text, whatever the writer types.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from markupsafe import Markup

from partnership.documents.markdown import ALLOWED_TAGS, render_markdown


def tags(html: str) -> set[str]:
    return {element.name for element in BeautifulSoup(html, "html.parser").find_all(True)}


def test_ordinary_markdown_keeps_its_structure() -> None:
    html = render_markdown(
        "# Our aims\n\nWe **work together** and *learn*.\n\n- one\n- two\n\n1. first\n\n"
        "> quoted\n\n`code`\n\n```\nblock\n```\n\nline  \nbreak\n\n"
        "| Group | Meets |\n|---|--:|\n| Board | Quarterly |\n")
    assert isinstance(html, Markup)
    assert tags(html) == {"h3", "p", "strong", "em", "ul", "ol", "li", "blockquote", "code",
                          "pre", "br", "table", "thead", "tbody", "tr", "th", "td"}
    assert '<th scope="col">Group</th>' in html
    assert "style=" not in html  # markdown-it's table alignment would need inline styles


def test_headings_start_below_the_section_heading() -> None:
    html = render_markdown("## Aims\n\n### Detail\n\n#### Finer\n\n# Top")
    assert re.findall(r"<(h\d)>", html) == ["h4", "h4", "h4", "h3"]
    assert "<h1>" not in render_markdown("# One") and "<h3>One</h3>" in render_markdown("# One")


@pytest.mark.parametrize(("source", "kept"), [
    ("[site](https://example.org/a)", 'href="https://example.org/a"'),
    ("[plain](http://example.org)", 'href="http://example.org"'),
    ("[mail](mailto:team@example.org)", 'href="mailto:team@example.org"'),
    ("<https://example.org/auto>", 'href="https://example.org/auto"'),
])
def test_safe_links_are_kept_with_noopener(source: str, kept: str) -> None:
    html = render_markdown(source)
    assert kept in html
    assert 'rel="noopener"' in html


PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<iframe src=https://example.org></iframe>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<div style=\"background:url(file:///etc/passwd)\">x</div>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[file](file:///etc/passwd)",
    "![x](file:///etc/passwd)",
    "![x](https://example.org/tracker.png)",
    "[relative](/admin/users)",
    "[up](../../etc/passwd)",
    "<https://example.org\" onmouseover=\"alert(1)>",
    "[x](https://example.org \"title\" onclick=alert(1))",
    "<!-- comment --><style>p{}</style>",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_input_comes_out_inert(payload: str) -> None:
    html = str(render_markdown(f"Before {payload} after"))
    soup = BeautifulSoup(html, "html.parser")
    assert tags(html) <= ALLOWED_TAGS
    assert not soup.find_all(["script", "img", "iframe", "style", "div"])
    for element in soup.find_all(True):
        assert set(element.attrs) <= {"href", "rel", "scope", "start"}, element
        assert not any(a.lower().startswith("on") for a in element.attrs)
    for link in soup.find_all("a", href=True):
        assert link["href"].split(":", 1)[0] in ("http", "https", "mailto"), link
    assert not soup.find_all(src=True)


def test_raw_html_is_shown_as_text() -> None:
    html = render_markdown("<script>alert(1)</script> and <b>bold</b>")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_template_syntax_is_left_alone() -> None:
    html = render_markdown("Total: {{7*7}} and {% if x %}y{% endif %}")
    assert "{{7*7}}" in html
    assert "49" not in html
    assert "{% if x %}" in html


def test_an_image_is_never_an_image() -> None:
    html = render_markdown("![x](file:///etc/passwd)")
    assert "<img" not in html
    assert "src=" not in html


def test_empty_text_gives_empty_html() -> None:
    assert render_markdown("") == Markup("")
    assert render_markdown("   \n\n ").strip() == ""

"""Narrative text written in Markdown, turned into safe HTML for pages and documents.

Two layers: markdown-it never passes raw HTML through and drops images (``![alt](src)``
renders nothing, not a stray "!" and a link: pictures are uploaded as figures), and nh3
then keeps only an allow-list of tags, attributes and link schemes (SECURITY.md 1e). Nothing
written by a user is ever treated as a template, so ``{{ ... }}`` stays text.
"""

from __future__ import annotations

from collections.abc import Sequence

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "p", "ul", "ol", "li", "strong", "em", "a", "h3", "h4", "blockquote", "code", "pre", "br",
    "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {"a": {"href"}, "th": {"scope"}, "ol": {"start"}}
LINK_SCHEMES = frozenset({"http", "https", "mailto"})
# Narrative sits under a section's <h2>, so its own headings start at <h3>.
HEADING_TAGS = ("h3", "h4")

_parser = MarkdownIt("commonmark", {"html": False}).enable("table")


def render_markdown(text: str) -> Markup:
    """Return narrative Markdown as sanitised HTML, safe to put in a page or a PDF."""
    tokens = _parser.parse(text or "")
    _shift_headings(tokens)
    for token in tokens:
        if token.children:
            token.children = [child for child in token.children if child.type != "image"]
        if token.type == "th_open":
            token.attrs = {"scope": "col"}  # drops markdown-it's style="text-align:..."
        elif token.type == "td_open":
            token.attrs = {}
    html = _parser.renderer.render(tokens, _parser.options, {})
    cleaned = nh3.clean(
        html, tags=set(ALLOWED_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(LINK_SCHEMES), url_relative="deny", link_rel="noopener",
        strip_comments=True,
    )
    # Safe to mark: nh3 has just removed everything outside the allow-list.
    return Markup(cleaned)  # noqa: S704  # nosec B704


def _shift_headings(tokens: Sequence[Token]) -> None:
    """Map the heading levels the writer used, in order, onto <h3> and <h4>."""
    levels = sorted({int(t.tag[1]) for t in tokens if t.type == "heading_open"})
    mapping = {f"h{level}": HEADING_TAGS[min(i, len(HEADING_TAGS) - 1)]
               for i, level in enumerate(levels)}
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = mapping[token.tag]

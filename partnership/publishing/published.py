"""A published version read in the browser: the very HTML its PDF is made from.

Publishing keeps that HTML and the files it shows (:class:`PublishedPage`, append-only), the
same way for every kind of document, so the page is what was fixed at publication and not
the register or the sections as they read now. In the PDF the HTML refers to our static
files and to its own files at the renderer's origin; here those addresses become the app's,
and a bar at the top says which version this is, with its PDF. The stored HTML was escaped
when it was rendered; the bar is rendered by a template (escaped too). Nothing inline: the
bar's style is a stylesheet of our own, within the app's Content Security Policy.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from typing import Any

from flask import render_template, url_for

from partnership.documents import pdf
from partnership.publishing.documents import SignedDocument, page_url
from partnership.publishing.models import PublishedPage

BAR_STYLESHEET = "css/published-page.css"
_BODY = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)


def page_file(kept: PublishedPage | None, name: str) -> bytes | None:
    """Return one of the files a published page shows (None if it has no such file)."""
    if kept is None:
        return None
    body = (kept.resources or {}).get(name)
    return base64.b64decode(body) if isinstance(body, str) else None


def media_type(name: str) -> str:
    """Say what kind of file a page's file is, by its name."""
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def in_the_app(html: str, here: str) -> str:
    """Point the HTML's addresses at the app: our static files, and the page's own files."""
    static = url_for("static", filename="")
    html = html.replace(pdf.static_url(""), static)
    return html.replace(pdf.resource_url(""), f"{here}?file=")


def page_html(document: SignedDocument, version: Any, kept: PublishedPage | None) -> str:
    """Render a published version's page: the stored document with the version's bar, or,
    for a version published before pages were kept, a page that links to its PDF."""
    context = {"document": document, "version": version, "title": document.title(version),
               "pdf_url": document.pdf_url(version), "back_url": document.url(version),
               "partnership": document.partnership(version)}
    if kept is None:
        return render_template("publishing/page_not_kept.html", **context)
    here = page_url(version)
    html = in_the_app(kept.html, here)
    bar = render_template("publishing/_published_bar.html", **context)
    link = f'<link rel="stylesheet" href="{url_for("static", filename=BAR_STYLESHEET)}">'
    html = _HEAD_END.sub(lambda match: link + match.group(0), html, count=1)
    return _BODY.sub(lambda match: match.group(0) + bar, html, count=1)


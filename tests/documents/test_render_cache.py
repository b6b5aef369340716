"""A document is rendered once: repeated and simultaneous requests share one render."""

from __future__ import annotations

import threading
import time

import pytest

from partnership.documents import pdf
from partnership.documents.pdf import RenderCache, RenderedPdf, RenderError


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count child-process renders (each answers a tiny PDF after a short wait)."""
    started: list[str] = []

    def fake_child(html: str, **_: object) -> RenderedPdf:
        started.append(html)
        time.sleep(0.05)  # long enough for simultaneous requests to overlap
        if "fail" in html:
            raise RenderError("the PDF renderer failed: boom")
        return RenderedPdf(data=f"%PDF {html}".encode(), pages=1)

    monkeypatch.setattr(pdf, "_cache", RenderCache())
    monkeypatch.setattr(pdf, "_render_in_child", fake_child)
    return started


def test_the_same_document_twice_is_rendered_once(renders: list[str]) -> None:
    first = pdf.render_pdf("<p>one</p>", title="One")
    second = pdf.render_pdf("<p>one</p>", title="One")

    assert first == second
    assert renders == ["<p>one</p>"]


def test_anything_the_renderer_reads_makes_a_new_render(renders: list[str]) -> None:
    pdf.render_pdf("<p>one</p>", title="One")
    pdf.render_pdf("<p>one</p>", title="Another title")
    pdf.render_pdf("<p>one</p>", title="One", author="Someone")
    pdf.render_pdf("<p>one</p>", title="One", resources={"chart.svg": b"<svg/>"})
    pdf.render_pdf("<p>one</p>", title="One", resources={"chart.svg": b"<svg></svg>"})

    assert len(renders) == 5


def test_people_downloading_one_document_at_once_share_one_render(renders: list[str]) -> None:
    gate = threading.Barrier(8)
    results: list[RenderedPdf] = []

    def download() -> None:
        gate.wait()
        results.append(pdf.render_pdf("<p>shared</p>", title="Shared"))

    threads = [threading.Thread(target=download) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 8 and len(set(results)) == 1
    assert renders == ["<p>shared</p>"]


def test_a_failed_render_is_not_kept(renders: list[str]) -> None:
    for _ in range(2):
        with pytest.raises(RenderError):
            pdf.render_pdf("<p>fail</p>", title="Failing")

    assert len(renders) == 2


def test_the_cache_keeps_the_newest_renders_within_its_size() -> None:
    cache = RenderCache(max_bytes=10)
    for key in ("a", "b", "c"):
        cache.get_or_render(key, lambda key=key: RenderedPdf(data=key.encode() * 4, pages=1))

    rendered_again: list[str] = []
    for key in ("a", "c"):
        cache.get_or_render(key, lambda key=key: (rendered_again.append(key),
                                                  RenderedPdf(data=b"x", pages=1))[1])

    assert rendered_again == ["a"]

"""Warm render processes: reused from one document to the next, under the same limits as a
render in a process of its own (time, memory, nothing fetched from outside), replaced after
their share of documents, and each OS process's own (after a fork as well)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from partnership.documents import pdf, pool
from partnership.documents.pdf import RenderCache, RenderError, RenderTimeout, ResourceRefused


def page(body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Test</title>'
            f"</head><body>{body}</body></html>")


@pytest.fixture
def renderers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """One warm render process, replaced after three documents; every render is a real one."""
    monkeypatch.setattr(pdf, "_cache", RenderCache())
    monkeypatch.delenv(pdf.SHARED_RENDERS_VARIABLE, raising=False)
    before = pool.settings()
    pool.shutdown()
    pool.configure(size=1, recycle_after=3)
    yield
    pool.shutdown()
    pool.configure(before.size, before.recycle_after)


def render(text: str, **options: float) -> pdf.RenderedPdf:
    return pdf.render_pdf(page(f"<p>{text}</p>"), title=text, **options)


def pids() -> list[int]:
    current = pool.current_pool()
    assert current is not None
    return current.pids()


def gone(pid: int) -> bool:
    """The process has exited and been reaped."""
    return not Path(f"/proc/{pid}").exists()


def test_the_second_document_is_rendered_by_the_warm_process_of_the_first(
        renderers: None) -> None:
    assert render("First").pages == 1
    first = pids()
    started = pool.current_pool().started  # type: ignore[union-attr]

    assert render("Second").pages == 1

    assert pids() == first
    assert pool.current_pool().started == started  # type: ignore[union-attr]


def test_a_document_that_overruns_is_stopped_and_the_pool_renders_on(renderers: None) -> None:
    render("Before")
    [overran] = pids()

    with pytest.raises(RenderTimeout):
        pdf.render_pdf(page("<div>" * 50_000 + "deep" + "</div>" * 50_000), title="Deep",
                       time_limit=2)

    assert gone(overran)
    assert render("After").pages == 1
    assert overran not in pids()


def test_a_warm_process_renders_under_the_memory_limit(
        renderers: None, monkeypatch: pytest.MonkeyPatch) -> None:
    render("Limits")
    [pid] = pids()
    limits = Path(f"/proc/{pid}/limits").read_text()
    assert f"Max address space         {pdf.MEMORY_LIMIT_BYTES}" in limits

    # Under a limit too low for WeasyPrint to lay anything out, the render fails cleanly
    # (in a process started with that limit), and the next one renders.
    limit = pdf.MEMORY_LIMIT_BYTES
    monkeypatch.setattr(pdf, "MEMORY_LIMIT_BYTES", 64 * 1024**2)
    with pytest.raises(RenderError) as failed:
        render("Starved")
    assert not isinstance(failed.value, ResourceRefused | RenderTimeout)
    assert pid not in pids()
    monkeypatch.setattr(pdf, "MEMORY_LIMIT_BYTES", limit)
    assert render("Small again").pages == 1


def test_a_warm_process_still_refuses_outside_urls_and_carries_on(renderers: None) -> None:
    render("Before")
    before = pids()

    with pytest.raises(ResourceRefused) as refused:
        pdf.render_pdf(page('<img src="file:///etc/passwd" alt="x">'), title="Refused")

    assert refused.value.urls == ["file:///etc/passwd"]
    assert pids() == before
    assert render("After").pages == 1


def test_a_process_is_replaced_after_its_share_of_documents(renderers: None) -> None:
    render("One")
    [first] = pids()
    render("Two")
    render("Three")  # its third: replaced once it has answered

    [second] = pids()
    assert second != first
    assert render("Four").pages == 1
    assert pids() == [second]


def test_after_a_fork_the_child_renders_with_processes_of_its_own(renderers: None) -> None:
    render("Parent")
    parents = pids()
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the forked child reports through the pipe
        try:
            rendered = render("Child")
            mine = pool.current_pool().pids()  # type: ignore[union-attr]
            os.write(writing, json.dumps({"pages": rendered.pages, "pids": mine}).encode())
        finally:
            pool.shutdown()
            os._exit(0)
    os.close(writing)
    with os.fdopen(reading, "rb") as answer:
        reported = json.loads(answer.read() or b"{}")
    os.waitpid(child, 0)

    assert reported.get("pages") == 1
    assert not set(reported["pids"]) & set(parents)
    assert pids() == parents
    assert render("Parent again").pages == 1

"""Look inside PDFs in tests: their objects (inflated), their text (poppler's pdftotext) and
what is tagged content or an artifact (pikepdf reads the content streams and structure tree)."""

from __future__ import annotations

import io
import re
import subprocess
import zlib
from dataclasses import dataclass

import pikepdf


def pdf_objects(data: bytes) -> bytes:
    """Return the PDF with every Flate stream inflated, so dictionaries can be searched."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        start = match.end()
        end = data.find(b"endstream", start)
        try:
            parts.append(zlib.decompressobj().decompress(data[start:end]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdf_text(data: bytes) -> str:
    """Return the PDF's text, page by page, in reading order."""
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                          capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8")


def pdf_info(data: bytes) -> str:
    """Return poppler's pdfinfo report (title, pages, tagged, page size)."""
    done = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True,
                          timeout=60)
    return done.stdout.decode("utf-8")


def pdf_page_text(data: bytes, page: int, *, raw: bool = False) -> str:
    """Return one page's text (1-based), in reading order, or ``raw`` in the order drawn
    (one table cell after another, where reading order mixes narrow columns line by line)."""
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", *(["-raw"] if raw else []),
                           "-f", str(page), "-l", str(page), "-", "-"],
                          input=data, capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8")


@dataclass(frozen=True)
class MarkedRun:
    """Text a page draws inside one marked-content sequence (tag "" when outside any)."""

    page: int
    tag: str
    mcid: int | None
    text: str


def marked_runs(data: bytes) -> list[MarkedRun]:
    """Return the text of every page's content stream, run by marked-content run.

    Text is decoded through each font's ToUnicode map, so a test can say which words a
    screen reader meets as content (an MCID) and which it skips (``/Artifact``).
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        maps: dict[tuple[int, int], dict[bytes, str]] = {}
        return [run for number, page in enumerate(pdf.pages)
                for run in _page_runs(number, page, maps)]


def _page_runs(number: int, page: pikepdf.Page,
               maps: dict[tuple[int, int], dict[bytes, str]]) -> list[MarkedRun]:
    runs: list[MarkedRun] = []
    fonts = page.Resources.get("/Font", pikepdf.Dictionary())
    stack: list[tuple[str, int | None]] = []
    font: dict[bytes, str] = {}
    text: list[str] = []

    def close() -> None:
        tag, mcid = stack[-1] if stack else ("", None)
        if "".join(text).strip():
            runs.append(MarkedRun(number, tag, mcid, "".join(text)))
        text.clear()

    for operands, operator in pikepdf.parse_content_stream(page):
        name = str(operator)
        if name in ("BDC", "BMC"):
            close()
            properties = operands[1] if len(operands) > 1 else None
            mcid = (int(properties["/MCID"]) if isinstance(properties, pikepdf.Dictionary)
                    and "/MCID" in properties else None)
            stack.append((str(operands[0])[1:], mcid))
        elif name == "EMC":
            close()
            stack.pop()
        elif name == "Tf":
            font = _to_unicode(fonts[operands[0]], maps)
        elif name == "Tj":
            text.append(_decode(bytes(operands[0]), font))
        elif name == "TJ":
            text.extend(_decode(bytes(part), font) for part in operands[0]
                        if isinstance(part, pikepdf.String))
    close()
    return runs


def structure_mcids(data: bytes) -> set[tuple[int, int]]:
    """Return (page, MCID) of every marked content the structure tree reaches from its root."""
    found: set[tuple[int, int]] = set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}
        waiting = [(pdf.Root.StructTreeRoot.K, None)]
        seen: set[tuple[int, int]] = set()
        while waiting:
            kid, page = waiting.pop()
            if isinstance(kid, int):
                found.add((pages[page], kid))
            elif isinstance(kid, pikepdf.Array):
                waiting.extend((k, page) for k in kid)
            elif isinstance(kid, pikepdf.Dictionary):
                if kid.is_indirect:
                    if kid.objgen in seen:
                        continue
                    seen.add(kid.objgen)
                here = kid.Pg.objgen if "/Pg" in kid else page
                if kid.get("/Type") == "/MCR":
                    found.add((pages[here], int(kid.MCID)))
                elif "/K" in kid:
                    waiting.append((kid.K, here))
    return found


def _to_unicode(font: pikepdf.Object, maps: dict[tuple[int, int], dict[bytes, str]]
                ) -> dict[bytes, str]:
    if font.objgen in maps:
        return maps[font.objgen]
    mapping: dict[bytes, str] = {}
    cmap = font.ToUnicode.read_bytes().decode("latin-1") if "/ToUnicode" in font else ""
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, target in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[bytes.fromhex(code)] = bytes.fromhex(target).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for low, high, target in re.findall(
                r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            first, width = int(low, 16), len(low) // 2
            start = bytes.fromhex(target).decode("utf-16-be")
            for offset in range(int(high, 16) - first + 1):
                mapping[(first + offset).to_bytes(width, "big")] = (
                    start[:-1] + chr(ord(start[-1]) + offset))
    maps[font.objgen] = mapping
    return mapping


def _decode(codes: bytes, mapping: dict[bytes, str]) -> str:
    width = len(next(iter(mapping))) if mapping else 1
    return "".join(mapping.get(codes[i:i + width], "\ufffd")
                   for i in range(0, len(codes), width))


@dataclass(frozen=True)
class TaggedCell:
    """A table cell in the structure tree: TH or TD, its text, and the text of its headers."""

    tag: str
    text: str
    scope: str
    headers: list[str]


def tagged_tables(data: bytes) -> list[list[list[TaggedCell]]]:
    """Return every table the structure tree holds (one per page it is printed on), row by
    row, each cell with the header cells its /Headers name (what a screen reader announces)."""
    texts = {(run.page, run.mcid): run.text for run in marked_runs(data) if run.mcid is not None}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pages = {page.obj.objgen: number for number, page in enumerate(pdf.pages)}

        def kids(element: pikepdf.Object) -> list[pikepdf.Object]:
            found = element.get("/K")
            return list(found) if isinstance(found, pikepdf.Array) else [found]

        def text(element: pikepdf.Object, page: int | None = None) -> str:
            page = pages[element.Pg.objgen] if "/Pg" in element else page
            parts = [texts.get((page, kid), "") if isinstance(kid, int) else text(kid, page)
                     for kid in kids(element)
                     if isinstance(kid, int) or (isinstance(kid, pikepdf.Dictionary)
                                                 and "/S" in kid)]
            return " ".join(" ".join(part for part in parts if part).split())

        elements = []
        waiting = [pdf.Root.StructTreeRoot]
        while waiting:
            element = waiting.pop()
            elements.append(element)
            waiting.extend(reversed([kid for kid in kids(element)
                                     if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]))
        ids = {bytes(e.ID): text(e) for e in elements if e.get("/S") == "/TH" and "/ID" in e}

        def rows(element: pikepdf.Object) -> list[pikepdf.Object]:
            return [row for kid in kids(element) if isinstance(kid, pikepdf.Dictionary)
                    for row in ([kid] if kid.get("/S") == "/TR" else rows(kid))]

        def cell(element: pikepdf.Object) -> TaggedCell:
            attributes = element.get("/A", pikepdf.Dictionary())
            return TaggedCell(str(element.S)[1:], text(element),
                              str(attributes.get("/Scope", ""))[1:],
                              [ids.get(bytes(key), "?") for key in attributes.get("/Headers", [])])

        return [[[cell(kid) for kid in kids(row) if isinstance(kid, pikepdf.Dictionary)]
                 for row in rows(table)]
                for table in elements if table.get("/S") == "/Table"]

"""Look inside PDFs in tests: their objects (inflated) and their text (poppler's pdftotext)."""

from __future__ import annotations

import re
import subprocess
import zlib


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

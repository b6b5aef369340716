"""Small files of each kind, made here: real signatures and packages, not fixtures on disk."""

from __future__ import annotations

import io
import struct
import zipfile

from PIL import Image

FREE, END, FAT_SECTOR, NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def pdf(text: str = "Evidence") -> bytes:
    """A small PDF made by WeasyPrint."""
    from weasyprint import HTML

    return HTML(string=f"<p>{text}</p>").write_pdf()  # type: ignore[no-any-return]


def image(kind: str = "PNG") -> bytes:
    """A 4 x 4 image as PNG, JPEG or GIF."""
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, kind)
    return out.getvalue()


def ooxml(main: str = "word", *, macros: bool = False) -> bytes:
    """A minimal Word, Excel or PowerPoint package (optionally macro-enabled)."""
    part = {"word": ("word/document.xml", "wordprocessingml.document"),
            "xl": ("xl/workbook.xml", "spreadsheetml.sheet"),
            "ppt": ("ppt/presentation.xml", "presentationml.presentation")}[main]
    content_type = ("application/vnd.ms-word.document.macroEnabled.main+xml" if macros
                    else f"application/vnd.openxmlformats-officedocument.{part[1]}.main+xml")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats'
            '.org/package/2006/content-types"><Default Extension="xml" ContentType="application'
            f'/xml"/><Override PartName="/{part[0]}" ContentType="{content_type}"/></Types>'))
        package.writestr(part[0], "<document/>")
        if macros:
            package.writestr("word/vbaProject.bin", b"\x00" * 16)
    return out.getvalue()


def odf(kind: str = "text") -> bytes:
    """A minimal OpenDocument package: ``mimetype`` first and stored, as the standard says."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr(zipfile.ZipInfo("mimetype"),
                         f"application/vnd.oasis.opendocument.{kind}")
        package.writestr("content.xml", "<office:document-content/>",
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def zip_of(names: dict[str, bytes]) -> bytes:
    """A plain ZIP archive (not a document)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, data in names.items():
            package.writestr(name, data)
    return out.getvalue()


def _entry(name: str, kind: int, *, child: int = NO_STREAM, left: int = NO_STREAM,
           right: int = NO_STREAM, start: int = END, size: int = 0) -> bytes:
    encoded = name.encode("utf-16-le") + b"\x00\x00" if name else b""
    return (encoded.ljust(64, b"\x00") + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", left, right, child) + b"\x00" * 16 + b"\x00" * 4
            + b"\x00" * 16 + struct.pack("<IQ", start, size))


def ole(stream_name: str = "WordDocument", *, macros: bool = False) -> bytes:
    """A minimal OLE2 compound file (old Word, Excel or PowerPoint): one 4 KB stream named
    as the program names it, and for ``macros`` a "Macros" storage beside it."""
    data_sectors = 8  # 4096 bytes: at the mini-stream cutoff, so in ordinary sectors
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 16
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\x00" * 6
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, END, 0, END, 0)
              + struct.pack("<I", 0) + struct.pack("<I", FREE) * 108)
    fat = [FAT_SECTOR, END] + [3 + i for i in range(data_sectors - 1)] + [END]
    fat += [FREE] * (128 - len(fat))
    entries = [
        _entry("Root Entry", 5, child=1),
        _entry(stream_name, 2, start=2, size=512 * data_sectors,
               left=2 if macros else NO_STREAM),
        _entry("Macros", 1) if macros else _entry("", 0),
        _entry("", 0),
    ]
    return (header + struct.pack("<128I", *fat) + b"".join(entries)
            + b"\x01" * (512 * data_sectors))

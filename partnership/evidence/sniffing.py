"""What a file really is, read from its content: the allowed kinds of evidence and their
signatures (never the name or the browser's word).

The checks are our own, a few lines each, so that each is strict about where its signature
sits: PDF, PNG, JPEG and GIF by their magic numbers at the very start; Word, Excel and
PowerPoint (OOXML) and OpenDocument as ZIP packages that start as one (no bytes prepended)
and name their main part ([Content_Types].xml, or ODF's leading ``mimetype``), with the
entry count and uncompressed size checked before anything is read; the old binary Office
formats as OLE2 compound files whose streams say which program wrote them (read with
``olefile``); CSV and plain text as text with no NUL and no markup at its start. Files with
macros are refused where their package shows them.
"""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import olefile

# A ZIP-based document with more entries than this, or expanding to more than this many
# bytes, is refused before any entry is read (a "zip bomb").
ZIP_MAX_ENTRIES = 5_000
ZIP_MAX_EXPANDED_BYTES = 500 * 1024 * 1024
# How much of [Content_Types].xml is read: a real one is a few kilobytes.
CONTENT_TYPES_MAX_BYTES = 1024 * 1024
# Text is read this much at a time; NUL and control characters other than tab, line and
# page breaks mean it is not text.
TEXT_SAMPLE_BYTES = 64 * 1024
CONTROL_CHARACTERS = re.compile("[\\x00-\\x08\\x0b\\x0e-\\x1f\\x7f]")


@dataclass(frozen=True)
class FileKind:
    """One allowed kind of evidence file."""

    key: str
    label: str  # as the hint and messages name it: "a PDF", "a Word document"
    media_type: str
    extensions: tuple[str, ...]  # the first is the one a wrong name is told to use


KINDS: tuple[FileKind, ...] = (
    FileKind("pdf", "a PDF", "application/pdf", (".pdf",)),
    FileKind("docx", "a Word document",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             (".docx",)),
    FileKind("xlsx", "an Excel spreadsheet",
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",)),
    FileKind("pptx", "a PowerPoint presentation",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation",
             (".pptx",)),
    FileKind("doc", "a Word 97-2003 document", "application/msword", (".doc",)),
    FileKind("xls", "an Excel 97-2003 spreadsheet", "application/vnd.ms-excel", (".xls",)),
    FileKind("ppt", "a PowerPoint 97-2003 presentation", "application/vnd.ms-powerpoint",
             (".ppt",)),
    FileKind("odt", "an OpenDocument text", "application/vnd.oasis.opendocument.text",
             (".odt",)),
    FileKind("ods", "an OpenDocument spreadsheet",
             "application/vnd.oasis.opendocument.spreadsheet", (".ods",)),
    FileKind("odp", "an OpenDocument presentation",
             "application/vnd.oasis.opendocument.presentation", (".odp",)),
    FileKind("png", "a PNG image", "image/png", (".png",)),
    FileKind("jpeg", "a JPEG image", "image/jpeg", (".jpg", ".jpeg")),
    FileKind("gif", "a GIF image", "image/gif", (".gif",)),
    FileKind("csv", "a CSV file", "text/csv", (".csv",)),
    FileKind("txt", "a text file", "text/plain", (".txt",)),
)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}
# Plain text has no signature: its name says whether it is CSV or text.
TEXT_KINDS = (KIND_BY_KEY["csv"], KIND_BY_KEY["txt"])

ALLOWED_TYPES_TEXT = "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, GIF, CSV or text"

OOXML_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml":
        "pptx",
}
ODF_TYPES = {KIND_BY_KEY[key].media_type: key for key in ("odt", "ods", "odp")}


class Unreadable(Exception):
    """The content is none of the allowed kinds, or refuses to be read as the one it claims;
    the message says why in words for the uploader."""


@dataclass(frozen=True)
class Sniffed:
    """What the content is: one kind, or for text, any of the text kinds."""

    kinds: tuple[FileKind, ...]


def sniff(path: Path) -> Sniffed:
    """Say what the file at ``path`` is, from its content alone (Unreadable if nothing allowed)."""
    with path.open("rb") as stream:
        head = stream.read(TEXT_SAMPLE_BYTES)
    if not head:
        raise Unreadable("The selected file is empty")
    if head.startswith(b"%PDF-"):
        return Sniffed((KIND_BY_KEY["pdf"],))
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed((KIND_BY_KEY["png"],))
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed((KIND_BY_KEY["jpeg"],))
    if head.startswith((b"GIF87a", b"GIF89a")):
        return Sniffed((KIND_BY_KEY["gif"],))
    if head.startswith(b"PK\x03\x04"):
        return Sniffed((KIND_BY_KEY[_zip_kind(path, head)],))
    if head.startswith(olefile.MAGIC):
        return Sniffed((KIND_BY_KEY[_ole_kind(path)],))
    if _is_text(path, head):
        return Sniffed(TEXT_KINDS)
    raise Unreadable(f"The selected file must be a {ALLOWED_TYPES_TEXT} file")


def _zip_kind(path: Path, head: bytes) -> str:
    """An OOXML or OpenDocument package: which one, from the package itself."""
    try:
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
            if len(entries) > ZIP_MAX_ENTRIES or sum(
                    entry.file_size for entry in entries) > ZIP_MAX_EXPANDED_BYTES:
                raise Unreadable("The selected file is too large when unpacked")
            names = {entry.filename for entry in entries}
            # ODF: the first entry is "mimetype", stored, so the type sits at a fixed offset.
            if head[30:38] == b"mimetype" and "mimetype" in names:
                media_type = package.read("mimetype")[:100].decode("ascii", "replace").strip()
                if media_type in ODF_TYPES:
                    if any(name.lower().startswith("basic/") for name in names):
                        raise Unreadable("The selected file contains macros: save it without "
                                         "them and try again")
                    return ODF_TYPES[media_type]
            info = package.getinfo("[Content_Types].xml") if (
                "[Content_Types].xml" in names) else None
            if info is None or info.file_size > CONTENT_TYPES_MAX_BYTES:
                raise Unreadable(f"The selected file must be a {ALLOWED_TYPES_TEXT} file")
            content_types = package.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, ValueError,
            NotImplementedError, EOFError) as error:
        raise Unreadable("The selected file could not be read: it may be damaged") from error
    if "macroEnabled" in content_types or any("vbaProject" in name for name in names):
        raise Unreadable("The selected file contains macros: save it without them and try again")
    for main_part, key in OOXML_MAIN_PARTS.items():
        if f'ContentType="{main_part}"' in content_types:
            return key
    raise Unreadable(f"The selected file must be a {ALLOWED_TYPES_TEXT} file")


def _ole_kind(path: Path) -> str:
    """An old binary Office file: Word, Excel or PowerPoint, by the streams it holds."""
    try:
        with olefile.OleFileIO(str(path)) as compound:
            streams = {"/".join(entry).lower() for entry in compound.listdir(
                streams=True, storages=True)}
    except Exception as error:  # olefile raises many kinds of error on a damaged file
        raise Unreadable("The selected file could not be read: it may be damaged") from error
    if any(part in ("macros", "_vba_project_cur", "vba") for name in streams
           for part in name.split("/")):
        raise Unreadable("The selected file contains macros: save it without them and try again")
    if "worddocument" in streams:
        return "doc"
    if "workbook" in streams or "book" in streams:
        return "xls"
    if "powerpoint document" in streams:
        return "ppt"
    raise Unreadable(f"The selected file must be a {ALLOWED_TYPES_TEXT} file")


def _is_text(path: Path, head: bytes) -> bool:
    """Text throughout: no NUL or stray control characters, in UTF-8 (or Windows-1252, as
    Excel saves CSV), not starting with markup (a web page is not a text file)."""
    if not _text_start(head):
        return False
    return _reads_as(path, "utf-8") or _reads_as(path, "cp1252")


def _text_start(head: bytes) -> bool:
    start = head.removeprefix(b"\xef\xbb\xbf")[:1024].decode("utf-8", "replace")
    return not start.lstrip().startswith("<")


def _reads_as(path: Path, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as stream:
        while True:
            chunk = stream.read(TEXT_SAMPLE_BYTES)
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                return False
            if CONTROL_CHARACTERS.search(text):
                return False
            if not chunk:
                return True


def extension_of(filename: str) -> str:
    """The name's extension, lower case with its dot ("" if it has none)."""
    stem, dot, extension = filename.rpartition(".")
    return f".{extension.lower()}" if dot and stem else ""


def kind_for(sniffed: Sniffed, filename: str) -> FileKind:
    """The kind the file is, once its name agrees with its content (Unreadable if not)."""
    extension = extension_of(filename)
    for kind in sniffed.kinds:
        if extension in kind.extensions:
            return kind
    kind = sniffed.kinds[0]
    if len(sniffed.kinds) > 1:
        names = " or ".join(k.extensions[0] for k in sniffed.kinds)
        raise Unreadable(f"The selected file is text: its name must end in {names}")
    if not extension:
        raise Unreadable(f"The selected file is {kind.label}: its name must end in "
                         f"{kind.extensions[0]}")
    raise Unreadable(f"The selected file's name ends in {extension} but it is {kind.label}: "
                     f"rename it to end in {kind.extensions[0]}")

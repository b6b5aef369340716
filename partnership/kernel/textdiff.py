"""Saying in words how a text changed: the sentences added, removed and reworded.

The one mechanism every signed document and the register comparison use (re-exported by
``partnership.publishing.documents``), so "text changed" is never all a reader is told.
"""

from __future__ import annotations

import difflib
import re

EXCERPT = 240  # characters of a sentence quoted in a change
# Two sentences this alike (by their words) are one sentence reworded, not one removed and
# another added.
REWORDED_AT = 0.6

# A sentence ends at ., ! or ? (a closing quote or bracket may follow) before the next one.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\u201d\u2019\"')\]]*\s+(?=[\u201c\u2018\"'(\[A-Z0-9])")
# Markdown that starts a unit of its own: a list item, a heading, a quotation.
_LINE_START = re.compile(r"^\s*(?:[-*+]\s+|\d+[.)]\s+|#{1,6}\s+|>\s*)")
_HEADING = re.compile(r"^\s*#{1,6}\s+")


def excerpt(text: str) -> str:
    """Quote a passage, shortened to about ``EXCERPT`` characters at a word."""
    words = " ".join(text.split())
    return words if len(words) <= EXCERPT else words[:EXCERPT].rsplit(" ", 1)[0] + "…"


def sentences(text: str) -> list[str]:
    """Split Markdown text into its sentences (list items and headings stand alone)."""
    found: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text or ""):
        lines: list[str] = []
        for line in paragraph.splitlines():
            if _LINE_START.match(line) and lines:
                found.extend(_split(" ".join(lines)))
                lines = []
            lines.append(_LINE_START.sub("", line, count=1))
            if _HEADING.match(line):  # a heading ends where its line does
                found.extend(_split(" ".join(lines)))
                lines = []
        found.extend(_split(" ".join(lines)))
    return found


def _split(block: str) -> list[str]:
    words = " ".join(block.split())
    if not words:
        return []
    ends = [match.end() for match in _SENTENCE_END.finditer(words)]
    starts = [0, *ends]
    return [words[start:end].strip() for start, end in zip(starts, [*ends, len(words)],
                                                             strict=True)
            if words[start:end].strip()]


def _alike(before: str, after: str) -> float:
    return difflib.SequenceMatcher(a=before.split(), b=after.split(), autojunk=False).ratio()


def reworded(before: str, after: str) -> str:
    """Say how one sentence was reworded, quoting only the words that changed."""
    old, new = before.split(), after.split()
    said = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False
                                                        ).get_opcodes():
        if tag == "replace":
            said.append(f"“{excerpt(' '.join(old[i1:i2]))}” became "
                        f"“{excerpt(' '.join(new[j1:j2]))}”")
        elif tag == "insert":
            after_words = " ".join(old[max(0, i1 - 4):i1])
            place = f" after “…{after_words}”" if after_words else " at the start"
            said.append(f"“{excerpt(' '.join(new[j1:j2]))}” added{place}")
        elif tag == "delete":
            said.append(f"“{excerpt(' '.join(old[i1:i2]))}” taken out")
    return ", ".join(said) or "reworded"


def sentence_changes(before: str, after: str) -> list[str]:
    """List, sentence by sentence, what changed from one text to another, in reading order:
    "Added: “…”", "Removed: “…”", and "Reworded: “…” now reads “…”" for a sentence whose
    words mostly stayed."""
    old, new = sentences(before), sentences(after)
    said: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False
                                                        ).get_opcodes():
        if tag == "equal":
            continue
        removed, added = old[i1:i2], new[j1:j2]
        while removed and added and _alike(removed[0], added[0]) >= REWORDED_AT:
            said.append(f"Reworded: “{excerpt(removed.pop(0))}” now reads "
                        f"“{excerpt(added.pop(0))}”")
        said.extend(f"Removed: “{excerpt(sentence)}”" for sentence in removed)
        said.extend(f"Added: “{excerpt(sentence)}”" for sentence in added)
    return said


def text_changes(before: str, after: str) -> str:
    """Say in one line how a text changed, sentence by sentence ("" if only spacing did)."""
    return " ".join(sentence_changes(before, after))

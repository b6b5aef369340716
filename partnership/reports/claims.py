"""Check the figures the team's narrative cites against the report's own key figures.

A *claim* is a number in a narrative sentence followed (or, for a percentage, preceded) by
words that name one of the report's key figures (:data:`partnership.reports.compare.
CLAIM_WORDS`, read from the one catalogue of key figures, :func:`~partnership.reports.compare.
key_figures`). "47 meetings" claims the meetings held; "£120,000 spent" the money spent;
"86% attendance" the attendance. A claim whose number differs from every figure its words
name is a *mismatch*, shown beside the section and before sign-off.

What is never checked: a number whose words name no key figure ("9 of 12 cases audited",
"rose from 4 to 22"), the first number of a part of a whole ("10 of the 16 actions": the
16 is checked), a number qualified by a proper name ("3 meetings of the Education Group"),
dates and years, references such as "A3" or "Q4", and "one" as a pronoun.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from partnership.kernel.textdiff import sentences
from partnership.reports.compare import CLAIM_WORDS, KeyFigure, key_figures
from partnership.reports.models import ReportSection

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "hundred": 100,
}
MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december", "jan", "feb", "mar", "apr", "jun",
          "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
# Words that may come between a number and what it counts ("47 more meetings").
FILLERS = {"the", "a", "an", "more", "new", "other", "further", "separate", "of", "its",
           "our", "their", "in", "total", "all", "were", "was", "had", "been", "have", "has"}
PREPOSITIONS = {"of", "at", "for", "by", "from", "in", "with", "on"}
# A number after these is a rough one or a threshold ("more than one meeting in three").
APPROXIMATE = {"than", "about", "around", "nearly", "almost", "roughly", "some", "over",
               "under", "least", "most", "every", "per", "approximately"}
PRONOUN_BEFORE = {"no", "every", "each", "any", "the", "this", "that", "which", "someone"}
WINDOW = 6  # words after a number that may name what it counts
# A token: £ amounts, numbers with commas, decimals and a per cent sign, words (hyphens
# kept), and punctuation that ends a clause.
TOKEN = re.compile("£\\s?\\d[\\d,]*(?:\\.\\d+)?|\\d[\\d,]*(?:\\.\\d+)?%?|[A-Za-z][\\w'\u2019-]*"
                   "|[,;:()\u2013\u2014.!?]")
CLAUSE_END = {",", ";", ":", "(", ")", "\u2013", "\u2014", ".", "!", "?"}


@dataclass(frozen=True)
class Claim:
    """A number the narrative states about a key figure, and what the records say."""

    section: str  # the ReportSection value
    sentence: str
    stated: int  # the number as written (pence for an amount)
    unit: str
    label: str  # the key figure it was matched to
    recorded: int
    words: str  # the number and the words that named the figure, as written

    @property
    def agrees(self) -> bool:
        """Say whether the narrative's number is the record's."""
        return self.stated == self.recorded

    @property
    def recorded_words(self) -> str:
        """The record's figure as a reader writes it."""
        return shown(self.recorded, self.unit)


def shown(value: int, unit: str) -> str:
    """Write a figure with its unit: "47", "86%", "£12,000"."""
    if unit == "£":
        whole, part = divmod(abs(value), 100)
        return f"{'-' if value < 0 else ''}£{whole:,}" + (f".{part:02d}" if part else "")
    return f"{value:,}{unit}"


@dataclass(frozen=True)
class _Token:
    text: str
    word: str  # lower case, for matching
    value: int | None = None
    unit: str = ""


def _tokens(sentence: str) -> list[_Token]:
    found = []
    for match in TOKEN.finditer(sentence):
        text = match.group()
        if text.startswith("£"):
            digits = text[1:].strip().replace(",", "")
            found.append(_Token(text, text, round(float(digits) * 100), "£"))
        elif text[0].isdigit():
            percent = text.endswith("%")
            digits = text.rstrip("%").replace(",", "")
            value = round(float(digits)) if "." in digits else int(digits)
            found.append(_Token(text, text, value, "%" if percent else ""))
        else:
            word = text.lower().replace("\u2019", "'")
            found.append(_Token(text, word, NUMBER_WORDS.get(word)))
    # "per cent" after a number makes it a percentage; "million" multiplies an amount.
    merged: list[_Token] = []
    index = 0
    while index < len(found):
        token = found[index]
        after = [t.word for t in found[index + 1:index + 3]]
        if token.value is not None and after[:2] == ["per", "cent"]:
            merged.append(_Token(token.text + " per cent", token.word, token.value, "%"))
            index += 3
            continue
        if token.unit == "£" and after[:1] == ["million"]:
            merged.append(_Token(token.text + " million", token.word,
                                 token.value * 1_000_000, "£"))
            index += 2
            continue
        merged.append(token)
        index += 1
    return merged


def _is_number(tokens: Sequence[_Token], index: int) -> bool:
    """Say whether the token is a number the narrative could claim (not a date, a year, a
    reference or "one" meaning someone)."""
    token = tokens[index]
    if token.value is None:
        return False
    before = tokens[index - 1].word if index else ""
    after = tokens[index + 1].word if index + 1 < len(tokens) else ""
    if before in MONTHS or after in MONTHS:
        return False
    if token.unit == "" and token.text.isdigit() and len(token.text) == 4 \
            and 1900 <= token.value <= 2100:
        return False
    if before in APPROXIMATE:
        return False
    return not (token.word == "one"
                and (before in PRONOUN_BEFORE or after in {"another", "of"}))


def _words_after(tokens: Sequence[_Token], index: int) -> list[_Token]:
    words = []
    for token in tokens[index + 1:index + 1 + WINDOW]:
        if token.word in CLAUSE_END or token.value is not None:
            break
        words.append(token)
    return words


def _words_before(tokens: Sequence[_Token], index: int) -> list[_Token]:
    words: list[_Token] = []
    for token in reversed(tokens[max(0, index - 3):index]):
        if token.word in CLAUSE_END or token.value is not None:
            break
        words.insert(0, token)
    return words


def _same_word(word: str, form: str) -> bool:
    return word == form or word.replace("-", " ") == form


def _match(pattern: str, words: Sequence[_Token]) -> int | None:
    """Where the pattern's words end if they are what the number counts: they start at the
    first word and follow one another, fillers aside ("2 meetings were cancelled"). None if
    they do not."""
    wanted = [part.split("|") for part in pattern.split()]
    at = 0
    for forms in wanted:
        while at < len(words) and words[at].word in FILLERS and \
                not any(_same_word(words[at].word, form) for form in forms):
            at += 1
        if at >= len(words) or not any(_same_word(words[at].word, form) for form in forms):
            return None
        at += 1
    return at


def _ends_at_number(pattern: str, before: Sequence[_Token]) -> bool:
    """Say whether the pattern's words come just before the number ("we spent £12,000",
    "attendance was 86%"), fillers aside."""
    words = list(before)
    while words and words[-1].word in FILLERS:
        words.pop()
    return any(_match(pattern, words[start:]) == len(words) - start
               for start in range(len(words)))


def _named_subject(tokens: Sequence[_Token], index: int) -> bool:
    """Say whether the clause before a count names someone ("the Education Group held 3
    meetings"): the count is then that body's, not the report's."""
    start = index
    while start > 0 and tokens[start - 1].word not in CLAUSE_END:
        start -= 1
    # A sentence's first word is capitalised anyway ("Agencies raised 16 escalations").
    first = start if start == 0 or tokens[start - 1].word in {".", "!", "?"} else -1
    return any(token.text[:1].isupper() for at, token in enumerate(tokens[start:index], start)
               if at != first)


def _qualified(words: Sequence[_Token], end: int) -> bool:
    """Say whether the figure's words are narrowed by a proper name after them ("meetings of
    the Education Group"): then the number is not the report's figure."""
    rest = list(words[end:])
    if not rest or rest[0].word not in PREPOSITIONS:
        return False
    return any(token.text[:1].isupper() for token in rest[1:4])


def _named(tokens: Sequence[_Token], index: int, token: _Token,
           catalogue: Mapping[str, list[KeyFigure]]) -> tuple[list[KeyFigure], str]:
    """The key figures a number's words name (the longest naming wins), and those words.
    Only an amount or a percentage may be named by the words before it ("we spent
    £12,000", "attendance was 86%"): a count is named by what follows it."""
    after = _words_after(tokens, index)
    before = _words_before(tokens, index)
    best: list[KeyFigure] = []
    best_length = 0
    best_words = ""
    for label, figures in catalogue.items():
        for pattern in CLAIM_WORDS.get(label, ()):
            length = len(pattern.split())
            end = _match(pattern, after)
            if end is not None and _qualified(after, end):
                continue
            if end is not None:
                words = " ".join(t.text for t in after[:end])
            elif token.unit and _ends_at_number(pattern, before):
                words = ""
            else:
                continue
            if length > best_length:
                best, best_length, best_words = list(figures), length, words
            elif length == best_length:
                best += [f for f in figures if f not in best]
    return best, best_words


def claims_in(section: str, text: str, figures: Iterable[KeyFigure]) -> list[Claim]:
    """Find every number in the text that names a key figure, and pair it with the figure."""
    catalogue: dict[str, list[KeyFigure]] = {}
    for figure in figures:
        catalogue.setdefault(figure.label, []).append(figure)
    found = []
    for sentence in sentences(text):
        tokens = _tokens(sentence.replace("*", "").replace("_", " "))
        for index, token in enumerate(tokens):
            if not _is_number(tokens, index):
                continue
            following = tokens[index + 1:index + 4]
            # "10 of the 16 actions": the part is not checked, the whole is.
            if token.unit != "%" and following and following[0].word in {"of", "in", "out"} \
                    and any(t.value is not None for t in following[1:]):
                continue
            if not token.unit and _named_subject(tokens, index):
                continue
            named, words = _named(tokens, index, token, catalogue)
            named = [figure for figure in named if figure.unit == token.unit]
            if not named:
                continue
            figure = next((f for f in named if f.value == token.value), named[0])
            found.append(Claim(section=section, sentence=sentence, stated=int(token.value or 0),
                               unit=token.unit, label=figure.label, recorded=figure.value,
                               words=f"{token.text} {words}".strip()))
    return found


CHECKED = tuple(section for section in ReportSection if section is not ReportSection.ASSESSMENT)


def narrative_claims(document: Any) -> list[Claim]:
    """Every claim in the team's narrative (the scrutineer's assessment is theirs: not
    checked), in document order."""
    figures = key_figures(document)
    narrative = (document.get("narrative") if isinstance(document, Mapping)
                 else document.narrative) or {}
    found = []
    for section in CHECKED:
        text = narrative.get(section.value) or ""
        if text.strip():
            found += claims_in(section.value, text, figures)
    return found


def mismatches(document: Any) -> list[Claim]:
    """The claims in the narrative that disagree with the records."""
    return [claim for claim in narrative_claims(document) if not claim.agrees]

"""The identifier guard: free text about a case, an audit, an escalation or what children and
families said must not name or identify a child or family.

We cannot recognise a name, but we can recognise the identifiers people paste by habit:
an NHS number (ten digits whose last is the right check digit), a UK postcode, and a full
date of birth (a full date next to "born", "DOB", "date of birth" or "birthday").
:func:`identifier_problems` says what it found, in words a user can act on.
"""

from __future__ import annotations

import re
from typing import Any

from wtforms.validators import ValidationError

NHS_NUMBER = re.compile(r"(?<![\d])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d])")
# The postcode format (outward code, space optional, inward code), as Royal Mail defines it.
POSTCODE = re.compile(
    r"\b(GIR ?0AA|[A-PR-UWYZ](?:\d[A-HJKPSTUW\d]?|[A-HK-Y]\d[ABEHMNPRVWXY\d]?)"
    r" ?\d[ABD-HJLNP-UW-Z]{2})\b",
    re.IGNORECASE,
)
MONTHS = ("jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
FULL_DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}"
             rf"|\d{{1,2}}(?:st|nd|rd|th)? (?:{MONTHS}),? \d{{4}})")
BIRTH_WORDS = r"(?:born|d\.?o\.?b\.?|date of birth|birth ?day|birth date)"
DATE_OF_BIRTH = re.compile(
    rf"{BIRTH_WORDS}\W{{0,5}}(?:on\s+|is\s+|was\s+|:\s*)?{FULL_DATE}"
    rf"|{FULL_DATE}\W{{0,3}}\(?\s*(?:date of birth|d\.?o\.?b\.?)",
    re.IGNORECASE,
)

WHY = ("Case records hold a pseudonymous reference only, never a child's or family "
       "member's details.")


def is_nhs_number(digits: str) -> bool:
    """Say whether ten digits are a valid NHS number (modulus 11 check digit)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * weight for d, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def identifier_problems(text: str) -> list[str]:
    """Return a message for each kind of identifier found in the text (empty if none)."""
    problems = []
    if any(is_nhs_number("".join(m.groups())) for m in NHS_NUMBER.finditer(text or "")):
        problems.append(f"Remove the NHS number. {WHY}")
    if POSTCODE.search(text or ""):
        problems.append(f"Remove the postcode. {WHY}")
    if DATE_OF_BIRTH.search(text or ""):
        problems.append(f"Remove the date of birth. {WHY}")
    return problems


class NoIdentifiers:
    """A form validator refusing text that looks like a child's or family member's
    identifier, saying why (``why``: in the words of the record it is for)."""

    def __init__(self, why: str = WHY) -> None:
        self.why = why

    def __call__(self, form: Any, field: Any) -> None:
        problems = identifier_problems(field.data or "")
        if problems:
            raise ValidationError(" ".join(p.replace(WHY, self.why) for p in problems))

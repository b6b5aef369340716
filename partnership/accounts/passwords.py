"""Password hashing (argon2id) and the password policy (length and deny-list only)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2-cffi's defaults (argon2id, t=3, m=64 MiB, p=4) meet ASVS 5.0 Appendix C.
_hasher = PasswordHasher()
# Always-true words for this service, on top of PASSWORD_CONTEXT_WORDS from config.
SERVICE_WORDS = (
    "safeguarding",
    "partnership",
    "safeguardingpartnership",
    "children",
    "tracker",
    "lscp",
    "lscb",
    "password",
)
# A dummy hash so an unknown email costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("an unknown account never matches this")


def hash_password(password: str) -> str:
    """Hash a password exactly as typed."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password against a stored hash (in constant-ish time if there is none)."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Say whether a stored hash uses weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    """Return the 30,000 most common passwords shipped with zxcvbn, lower-cased."""
    # Imported on first use: the lists are megabytes, needed only when a password is set.
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(p.lower() for p in FREQUENCY_LISTS["passwords"])


def password_problem(
    password: str, *, min_length: int, context_words: Iterable[str] = ()
) -> str | None:
    """Return why a new password is not acceptable, or None if it is.

    No composition rules (NCSC, ASVS 6.2.5): only a minimum length and a deny-list of
    common passwords and words anyone would guess here, with digits and symbols ignored.
    """
    if len(password) < min_length:
        return f"Password must be {min_length} characters or more"
    lowered = password.lower()
    # Letters in any script, so a name or a password in Greek or Chinese is compared too.
    letters = re.sub(r"[\W\d_]", "", lowered)
    words = {w.lower() for w in (*SERVICE_WORDS, *context_words) if w}
    squashed_words = {re.sub(r"[\W\d_]", "", w) for w in words} - {""}
    if lowered in common_passwords() or letters in common_passwords():
        return (
            "Password is too common: choose something harder to guess, "
            "such as 3 or 4 random words"
        )
    if letters in squashed_words or (letters and _only_words(letters, squashed_words)):
        return (
            "Password is too easy to guess from this service or your details: "
            "choose something else"
        )
    return None


def _only_words(text: str, words: set[str]) -> bool:
    """Say whether text is nothing but a run of the given words (e.g. 'partnershiptracker')."""
    words = {w for w in words if len(w) >= 3}
    reachable = [True] + [False] * len(text)
    for i in range(len(text)):
        if reachable[i]:
            for w in words:
                if text.startswith(w, i):
                    reachable[i + len(w)] = True
    return reachable[len(text)]

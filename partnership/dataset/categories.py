"""The categories of each disaggregation, as national statistics publish them.

Sex and disability follow the children in need census; age bands follow the Department for
Education's children's social care tables; ethnicity is the five major groups of the
national (2021 census) classification, with the codes a spreadsheet may use, plus not known.
Each category has a code (what is stored and imported) and the words a report prints.
"""

from __future__ import annotations

from partnership.dataset.models import Dimension

CATEGORIES: dict[Dimension, dict[str, str]] = {
    Dimension.SEX: {"male": "Male", "female": "Female",
                    "unknown": "Not known or not stated"},
    Dimension.AGE_BAND: {"under_1": "Under 1", "1_4": "1 to 4", "5_9": "5 to 9",
                         "10_15": "10 to 15", "16_17": "16 and 17"},
    Dimension.ETHNICITY: {"white": "White", "mixed": "Mixed or multiple ethnic groups",
                          "asian": "Asian or Asian British",
                          "black": "Black, Black British, Caribbean or African",
                          "other": "Other ethnic group",
                          "unknown": "Not known or refused"},
    Dimension.DISABILITY: {"disabled": "Disabled", "not_disabled": "Not disabled",
                           "unknown": "Not known"},
}

# Other ways a spreadsheet names a category (lower case), read as the code.
ALIASES: dict[Dimension, dict[str, str]] = {
    Dimension.SEX: {"m": "male", "f": "female", "boy": "male", "girl": "female",
                    "boys": "male", "girls": "female", "not known": "unknown",
                    "not stated": "unknown", "unborn": "unknown"},
    Dimension.AGE_BAND: {"under 1": "under_1", "<1": "under_1", "1-4": "1_4",
                         "5-9": "5_9", "10-15": "10_15", "16-17": "16_17",
                         "16 and over": "16_17", "16+": "16_17"},
    Dimension.ETHNICITY: {"mixed": "mixed", "asian": "asian", "black": "black",
                          "other": "other", "refused": "unknown",
                          "information not yet obtained": "unknown", "not known": "unknown",
                          "wbri": "white", "wirl": "white", "woth": "white", "wirt": "white",
                          "wroi": "white", "mwbc": "mixed", "mwba": "mixed", "mwas": "mixed",
                          "moth": "mixed", "aind": "asian", "apkn": "asian", "aban": "asian",
                          "aoth": "asian", "achn": "asian", "bcrb": "black", "bafr": "black",
                          "both": "black", "oth": "other", "oarb": "other", "refu": "unknown",
                          "nobt": "unknown"},
    Dimension.DISABILITY: {"yes": "disabled", "no": "not_disabled",
                           "not known": "unknown"},
}


def categories(dimension: Dimension) -> dict[str, str]:
    """Return a disaggregation's categories, code to words, in publishing order."""
    return CATEGORIES.get(dimension, {})


def category_label(dimension: Dimension, code: str) -> str:
    """Return the words for a category ('' for the total)."""
    return CATEGORIES.get(dimension, {}).get(code, code)


def read_category(dimension: Dimension, text: str) -> str | None:
    """Return the code a spreadsheet's words mean, or None when they name no category."""
    words = " ".join(str(text).strip().lower().split())
    known = CATEGORIES.get(dimension, {})
    if words in known:
        return words
    for code, label in known.items():
        if label.lower() == words:
            return code
    return ALIASES.get(dimension, {}).get(words)

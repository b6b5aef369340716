"""Static checks over the source tree: escaping, data minimisation, patched dependencies.

SECURITY.md 1e, 1i (minimisation) and 4. None of these touch a database.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.version import Version

import partnership
from config import BASE_DIR
from partnership.extensions import db

TEMPLATES = BASE_DIR / "templates"
PACKAGE = BASE_DIR / "partnership"

# Column names that would identify a child: the tracker holds case references only.
DENIED_COLUMNS = ("first_name", "forename", "given_name", "surname", "last_name", "family_name",
                  "dob", "date_of_birth", "birth_date", "address", "postcode",
                  "post_code", "nhs_number", "ni_number", "upn")
# Columns that contain a denied word but are not about a child.
ALLOWED_COLUMNS = {"email_address", "ip_address", "client_address"}
# An organisation's postal address, never a person's: the partnership's office and its
# contact points. Named table by table, so a new "address" column anywhere else still fails.
ORGANISATION_ADDRESSES = {"partnership.address", "contact_point.address"}

MINIMUM_VERSIONS = {
    "werkzeug": "3.1.6",  # CVE-2025-66221, CVE-2026-27199 (safe_join)
    "flask": "3.1.3",
    "weasyprint": "69",  # CVE-2025-68616, CVE-2026-49452
}


def files_under(root: Path, suffix: str = "") -> list[Path]:
    return sorted(p for p in root.rglob(f"*{suffix}") if p.is_file()
                  and "__pycache__" not in p.parts)


def test_every_template_is_autoescaped_html() -> None:
    """Every template is HTML, escaped by its name, except a mail's plain-text part: text
    sent as text/plain, never shown in a browser, where escaping would print "&amp;"."""
    templates = files_under(TEMPLATES)
    assert templates
    assert [p.relative_to(TEMPLATES) for p in templates if p.suffix != ".html"
            and not (p.suffix == ".txt" and p.parent.name == "mail")] == []


def test_no_template_marks_text_safe_or_turns_escaping_off() -> None:
    found = []
    for path in files_under(TEMPLATES):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\|\s*safe\b", r"autoescape\s+false"):
            for match in re.finditer(pattern, text, re.IGNORECASE):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(BASE_DIR)}:{line}: {match.group(0)}")
    assert found == []


UNSAFE_PYTHON = {
    r"\bMarkup\(\s*[rRbB]?[fF][rR]?['\"]": "Markup() of an f-string is not escaped",
    r"\bMarkup\([^)'\"]*\.format\(": "Markup() of str.format() output is not escaped",
    r"\bMarkup\([^)]*%\s": "Markup() of %-formatted text is not escaped",
    r"\brender_template_string\b": "render_template_string renders user input as a template",
    r"autoescape\s*[=:]?\s*false": "autoescape turned off",
    r"\bautoescape\s*=\s*False\b": "autoescape turned off",
    r"\bfrom_string\(": "templates from strings are not autoescaped by file name",
}


def test_no_python_bypasses_escaping() -> None:
    found = []
    for path in files_under(PACKAGE, ".py"):
        text = path.read_text(encoding="utf-8")
        for pattern, why in UNSAFE_PYTHON.items():
            for match in re.finditer(pattern, text, re.IGNORECASE):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(BASE_DIR)}:{line}: {why}")
    assert found == []


@pytest.mark.parametrize("source", [
    'Markup(f"<b>{name}</b>")',
    "Markup(rf'<b>{name}</b>')",
    'render_template_string(request.args["t"])',
    "{% autoescape false %}",
])
def test_the_python_rules_catch_what_they_should(source: str) -> None:
    assert any(re.search(p, source, re.IGNORECASE) for p in UNSAFE_PYTHON)


def import_every_module() -> None:
    for module in pkgutil.walk_packages(partnership.__path__, "partnership."):
        importlib.import_module(module.name)


def denied_part(column: str) -> str | None:
    name = column.lower()
    if name in ALLOWED_COLUMNS:
        return None
    tokens = name.split("_")
    for denied in DENIED_COLUMNS:
        words = denied.split("_")
        for start in range(len(tokens) - len(words) + 1):
            if tokens[start:start + len(words)] == words:
                return denied
    return None


def test_no_column_holds_child_identifying_data() -> None:
    import_every_module()
    tables = db.metadata.tables
    assert "user_account" in tables and "audit_event" in tables
    found = [f"{table.name}.{column.name} ({denied})"
             for table in tables.values() for column in table.columns
             if f"{table.name}.{column.name}" not in ORGANISATION_ADDRESSES
             and (denied := denied_part(column.name))]
    assert found == []


@pytest.mark.parametrize(("column", "caught"), [
    ("dob", True), ("child_date_of_birth", True), ("home_address", True), ("postcode", True),
    ("nhs_number", True), ("Surname", True), ("email_address", False), ("client_addr", False),
    ("case_reference", False), ("address_line_1", True),
])
def test_the_deny_list_matches_whole_words(column: str, caught: bool) -> None:
    assert (denied_part(column) is not None) is caught


@pytest.mark.parametrize(("package", "minimum"), MINIMUM_VERSIONS.items())
def test_dependencies_include_the_security_fixes(package: str, minimum: str) -> None:
    assert Version(version(package)) >= Version(minimum), (
        f"{package} {version(package)} is older than {minimum}"
    )

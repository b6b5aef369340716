"""Forms for case reviews; the identifier guard every free-text field on a case uses."""

from __future__ import annotations

from partnership.kernel.identifiers import NoIdentifiers

__all__ = ["NoIdentifiers"]

"""The arrangements' small signing partnership serves the publishing workflow's tests too."""

from tests.arrangements.conftest import client_for, signing

__all__ = ["client_for", "signing"]

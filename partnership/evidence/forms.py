"""The evidence field every form with files uses, and the button that removes a file."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import SubmitField

from partnership.evidence.services import allowed_types_hint
from partnership.evidence.sniffing import KINDS

# What the browser's file picker offers first (the server still reads every file's content).
ACCEPT = ",".join(extension for kind in KINDS for extension in kind.extensions)


class EvidenceField(FileField):
    """A GOV.UK file upload for one evidence file, its hint naming the allowed types and
    the size limit. Optional: the form's service calls ``attach`` when ``data`` is a file.

    Put it in a form as ``evidence = EvidenceField()``; the page's form needs
    ``enctype="multipart/form-data"``.
    """

    widget = GovFileInput()

    def __init__(self, label: str | None = "Attach a file (optional)",
                 validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"accept": ACCEPT})
        super().__init__(label, validators, **kwargs)
        # Bound inside a request, so the size limit comes from this app's settings.
        if not self.description:
            self.description = allowed_types_hint()

    @property
    def upload(self) -> Any:
        """The chosen file, or None when none was chosen."""
        data = self.data
        return data if data is not None and getattr(data, "filename", "") else None


class AttachEvidenceForm(FlaskForm):
    """A page of its own for adding one file to a record (meeting papers, say)."""

    evidence = EvidenceField("Choose a file")
    submit = SubmitField("Add the file", widget=GovSubmitInput())

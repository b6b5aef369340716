"""Forms for schools and settings: the spreadsheet upload and its confirmation."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import HiddenField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from partnership.register.forms.agencies import RecordSelectField
from partnership.register.models import Agency


class EstablishmentUploadForm(FlaskForm):
    """A spreadsheet of schools and settings and the group of agencies they are listed under."""

    spreadsheet = FileField(
        "Spreadsheet of establishments", widget=GovFileInput(),
        description="A CSV or XLSX file with a header row and the columns name, URN, phase, "
                    "type and local authority. An export from Get Information about Schools "
                    "can be uploaded as it is.")
    group = RecordSelectField(
        "Group they are listed under", blank="Select a group",
        description="For example, Education establishments",
        validators=[InputRequired("Select the group the establishments are listed under")])
    submit = SubmitField("Check the file", widget=GovSubmitInput())

    def __init__(self, *args: Any, groups: Iterable[Agency] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group.offer(groups)

    def validate_spreadsheet(self, field: FileField) -> None:
        """A file must be chosen (its rows are checked by the service)."""
        upload = field.data
        if upload is None or not getattr(upload, "filename", ""):
            raise ValidationError("Select a CSV or XLSX file of establishments")


class EstablishmentConfirmForm(FlaskForm):
    """Confirm the checked upload: the rows travel signed from the preview."""

    checked = HiddenField(validators=[InputRequired("Upload the file again")])
    submit = SubmitField("Save these establishments", widget=GovSubmitInput())


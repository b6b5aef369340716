"""Forms: what a person chooses to receive, and when a partnership's digest goes out."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput
from wtforms import RadioField, SelectField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from partnership.meetings.forms import TimeOfDayField
from partnership.notices.models import Delivery, NoticeKind
from partnership.notices.services import WEEKDAYS

DELIVERY_CHOICES = [(delivery.value, delivery.label) for delivery in Delivery]


class PreferencesForm(FlaskForm):
    """How the person receives each kind of notice: by email, in the app only, or not at all."""

    submit = SubmitField("Save your choices", widget=GovSubmitInput())

    @classmethod
    def fields(cls) -> list[str]:
        """The names of the choice fields, one per kind of notice."""
        return [f"kind_{kind.value}" for kind in NoticeKind]


for _kind in NoticeKind:
    setattr(PreferencesForm, f"kind_{_kind.value}", RadioField(
        _kind.label, choices=DELIVERY_CHOICES, widget=GovRadioInput(),
        validators=[InputRequired(f"Choose how to receive: {_kind.label.lower()}")]))


class DigestTimeForm(FlaskForm):
    """The day and time a partnership's weekly digest goes out."""

    weekday = SelectField("Day", choices=[(str(number), name) for number, name in
                                          enumerate(WEEKDAYS)],
                          widget=GovSelect(), validators=[InputRequired("Choose a day")])
    send_at = TimeOfDayField("Time (UK time)",
                             description="24-hour hours and minutes, like 07:00. Digests go "
                                         "out within a quarter of an hour of it.")
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_send_at(self, field: TimeOfDayField) -> None:
        """A time is needed."""
        if field.data is None:
            raise ValidationError("Enter a time, like 07:00")

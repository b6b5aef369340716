"""Forms for the partnership's dated roles: its chair, education's lead, observers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from partnership import clock
from partnership.register.forms import YES_NO, DayMonthYearField, yes_no
from partnership.register.forms.agencies import RecordSelectField, person_label
from partnership.register.models import Agency, AppointmentRole, Person, StatutoryPartner


class AppointmentForm(FlaskForm):
    """A dated role: which role, the post, its organisation, its holder, independence, dates."""

    version = HiddenField()
    role = RadioField(
        "Role", widget=GovRadioInput(),
        choices=[(r.value, r.label) for r in AppointmentRole],
        description="The partnership chair may be independent or one of the delegated "
                    "safeguarding partners. Education's lead is a partner in the structure: "
                    "sign-off stays with the three statutory partners. A participating "
                    "observer is, for example, the lead member for children",
        validators=[InputRequired("Select the role")])
    post = StringField(
        "Post (optional if you name the person)", widget=GovTextInput(),
        description="For example, Director of Education, or Independent chair",
        validators=[Length(max=200, message="Post must be 200 characters or fewer")])
    partner = RecordSelectField(
        "Statutory partner whose organisation the post is in (optional)",
        blank="Not a statutory partner's post", validators=[Optional()])
    agency = RecordSelectField(
        "Or the agency the post is in (optional)", blank="Not recorded",
        validators=[Optional()])
    person = RecordSelectField("Person who holds it (optional)", blank="Not named",
                               validators=[Optional()])
    independent = RadioField(
        "Is the post independent of the partners and agencies?", widget=GovRadioInput(),
        choices=YES_NO, coerce=yes_no, default=False,
        validators=[InputRequired("Select yes if the post is independent")])
    valid_from = DayMonthYearField("From (optional)", description="For example, 1 4 2024")
    valid_to = DayMonthYearField("Until (optional)", description="Leave blank if it continues")
    notes = TextAreaField(
        "Notes (optional)", widget=GovTextArea(),
        description="For example, how the chair is appointed",
        validators=[Length(max=5000, message="Notes must be 5000 characters or fewer")])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, partners: Iterable[StatutoryPartner] = (),
                 agencies: Iterable[Agency] = (), people: Iterable[Person] = (),
                 day: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        on = day or clock.today()
        self.partner.offer(partners, lambda partner: partner.name_on(on))
        self.agency.offer(agencies)
        self.person.offer(people, person_label)

    def values(self) -> dict[str, Any]:
        """Return the appointment's fields as the model stores them."""
        return {
            "role": AppointmentRole(self.role.data),
            "post": (self.post.data or "").strip(),
            "partner": self.partner.record,
            "agency": self.agency.record,
            "person": self.person.record,
            "independent": bool(self.independent.data),
            "valid_from": self.valid_from.data,
            "valid_to": self.valid_to.data,
            "notes": (self.notes.data or "").strip(),
        }

"""Forms for the partnership's dated roles: its chair, education's lead, observers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from partnership.register.forms import YES_NO, DayMonthYearField, yes_no
from partnership.register.forms.agencies import RecordSelectField, person_label
from partnership.register.models import Agency, AppointmentRole, Person, StatutoryPartner


def organisation_key(appointment: Any) -> str:
    """The organisation field's value for an appointment's partner or agency."""
    if getattr(appointment, "partner_id", None):
        return f"partner-{appointment.partner_id}"
    if getattr(appointment, "agency_id", None):
        return f"agency-{appointment.agency_id}"
    return ""


class OrganisationField(SelectField):
    """The organisation a post is in: one of the statutory partners or one of the agencies."""

    widget = GovSelect()

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self._records: dict[str, Any] = {}
        self.choices = [("", "Not recorded")]

    def offer(self, partners: Iterable[StatutoryPartner], agencies: Iterable[Agency],
              day: dt.date) -> None:
        """Offer the partners (by their name on ``day``) and then the agencies."""
        self._records = {f"partner-{p.id}": p for p in partners}
        self._records.update({f"agency-{a.id}": a for a in agencies})
        self.choices = [("", "Not recorded")] + [
            (key, f"{record.name_on(day)} (statutory partner)"
             if isinstance(record, StatutoryPartner) else record.name)
            for key, record in self._records.items()]

    def process_data(self, value: Any) -> None:
        """Take the appointment's partner or agency (from ``obj=``) as its key."""
        self.data = value or ""

    @property
    def record(self) -> Any:
        """Return the chosen partner or agency, or None."""
        return self._records.get(self.data or "")


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
    organisation = OrganisationField(
        "Organisation the post is in (optional)", validators=[Optional()],
        description="A statutory partner or a relevant agency of this partnership")
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
        self.organisation.offer(partners, agencies, day or dt.date.today())
        self.person.offer(people, person_label)

    def values(self) -> dict[str, Any]:
        """Return the appointment's fields as the model stores them."""
        chosen = self.organisation.record
        return {
            "role": AppointmentRole(self.role.data),
            "post": (self.post.data or "").strip(),
            "agency": chosen if isinstance(chosen, Agency) else None,
            "partner": chosen if isinstance(chosen, StatutoryPartner) else None,
            "person": self.person.record,
            "independent": bool(self.independent.data),
            "valid_from": self.valid_from.data,
            "valid_to": self.valid_to.data,
            "notes": (self.notes.data or "").strip(),
        }

"""Forms for the shared budget: a budget line, a payment, income received, help in kind,
the partner a contributor counts under, and a statement's sign-off round."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from partnership.funding.models import (
    DESCRIPTION_MAX_LENGTH,
    HEADING_MAX_LENGTH,
    SOURCE_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    IncomeKind,
)
from partnership.register.forms import DayMonthYearField, MoneyField
from partnership.register.forms.agencies import RecordSelectField
from partnership.register.models import Agency, StatutoryPartner

OTHER = "other"


def _limit(label: str, limit: int) -> Length:
    return Length(max=limit, message=f"{label} must be {limit} characters or fewer")


class LineForm(FlaskForm):
    """A budget line: its heading and the amount set for it."""

    version = HiddenField()
    heading = StringField(
        "Heading", widget=GovTextInput(),
        description="For example, Business unit staffing or Independent scrutiny",
        validators=[InputRequired("Enter a heading"), _limit("Heading", HEADING_MAX_LENGTH)])
    amount = MoneyField("Amount set", description="In pounds, for example 85000")
    submit = SubmitField("Save budget line", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the line's fields as the service takes them."""
        return {"heading": self.heading.data, "amount": self.amount.data}


class SpendingForm(FlaskForm):
    """A payment against a budget line."""

    version = HiddenField()
    spent_on = DayMonthYearField("Date paid", required=True, description="For example, 14 5 2025")
    description = StringField(
        "What it paid for", widget=GovTextInput(),
        description="For example, Independent reviewer: Child K review, second instalment. "
                    "Do not name a child or a family member.",
        validators=[InputRequired("Enter what it paid for"),
                    _limit("What it paid for", DESCRIPTION_MAX_LENGTH)])
    amount = MoneyField("Amount", description="In pounds, for example 4250.50")
    submit = SubmitField("Save payment", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the payment's fields as the service takes them."""
        return {"spent_on": self.spent_on.data, "description": self.description.data,
                "amount": self.amount.data}


class ReceiptForm(FlaskForm):
    """Money received: an agency's agreed contribution, a grant, or other income."""

    version = HiddenField()
    kind = RadioField("What is it?", widget=GovRadioInput(),
                      choices=[(k.value, k.label) for k in IncomeKind],
                      validators=[InputRequired("Select what the income is")])
    agency = RecordSelectField("Agency it came from", blank="Not from an agency",
                               validators=[Optional()],
                               description="Required for an agreed contribution")
    source = StringField(
        "Or who it came from", widget=GovTextInput(),
        description="For a grant or other income from outside the partnership, for example "
                    "Department for Education",
        validators=[_limit("Who it came from", SOURCE_MAX_LENGTH)])
    received_on = DayMonthYearField("Date received", required=True,
                                    description="For example, 30 4 2025")
    description = StringField(
        "Description (optional)", widget=GovTextInput(),
        description="For example, the invoice or grant reference",
        validators=[_limit("Description", DESCRIPTION_MAX_LENGTH)])
    amount = MoneyField("Amount", description="In pounds, for example 61500")
    submit = SubmitField("Save income", widget=GovSubmitInput())

    def __init__(self, *args: Any, agencies: Iterable[Agency] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency.offer(agencies)

    def values(self) -> dict[str, Any]:
        """Return the income's fields as the service takes them."""
        return {"kind": self.kind.data or None, "agency": self.agency.record,
                "source": self.source.data, "received_on": self.received_on.data,
                "description": self.description.data, "amount": self.amount.data}


class InKindForm(FlaskForm):
    """What an agency gave in kind, and its estimated value."""

    version = HiddenField()
    agency = RecordSelectField("Agency that gave it", blank="Select the agency",
                               validators=[InputRequired("Select the agency that gave it")])
    description = StringField(
        "What it gave", widget=GovTextInput(),
        description="For example, Meeting rooms for the board and training, or A seconded "
                    "analyst, two days a week",
        validators=[InputRequired("Enter what it gave"),
                    _limit("What it gave", DESCRIPTION_MAX_LENGTH)])
    value = MoneyField("Estimated value", description="In pounds, for example 6000")
    submit = SubmitField("Save help in kind", widget=GovSubmitInput())

    def __init__(self, *args: Any, agencies: Iterable[Agency] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agency.offer(agencies)

    def values(self) -> dict[str, Any]:
        """Return the contribution's fields as the service takes them."""
        return {"agency": self.agency.record, "description": self.description.data,
                "value": self.value.data}


class CountsUnderForm(FlaskForm):
    """Which statutory partner an agency's money counts under, or none."""

    version = HiddenField()
    partner = RadioField("Whose contribution is it?", widget=GovRadioInput(),
                         validators=[InputRequired("Select whose contribution it is")])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, partners: Iterable[tuple[StatutoryPartner, str]] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._partners = {str(partner.id): partner for partner, _ in partners}
        self.partner.choices = [*((str(partner.id), f"{label}: a statutory partner's own "
                                   "contribution") for partner, label in partners),
                                (OTHER, "Another contributor (not a statutory partner)")]

    @property
    def chosen(self) -> StatutoryPartner | None:
        """The partner chosen (None: another contributor)."""
        return self._partners.get(self.partner.data or "")


class StatementRoundForm(FlaskForm):
    """The title of the statement the partners are asked to sign off."""

    title = StringField(
        "Title", widget=GovTextInput(),
        description="It is shown in the list of versions and on the statement's cover",
        validators=[InputRequired("Enter a title"), _limit("Title", TITLE_MAX_LENGTH)])
    submit = SubmitField("Start the sign-off round", widget=GovSubmitInput())

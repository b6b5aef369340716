"""The hub's forms: partner organisations, contacts, memoranda, a referral, routing it, a
force's or partnership's answer, and closing it. Free text about a referral goes through the
identifier guard."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms import TextAreaField as WTTextAreaField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from partnership.kernel.identifiers import NoIdentifiers
from partnership.referrals.models import (
    ComplexityReason,
    MemorandumStatus,
    Outcome,
    PartnerOrganisation,
    RouteKind,
    Urgency,
)
from partnership.register.forms import DayMonthYearField, text_limit
from partnership.register.forms.agencies import RecordSelectField, WholeNumberField
from partnership.register.models import Agency, Partnership

NO_IDENTIFIERS = ("A referral's record describes what is alleged and how it is complex, never a "
                  "child's or family member's details.")
IDENTIFIER_HINT = ("Do not include names, dates of birth, addresses, postcodes or NHS numbers: "
                   "the partner organisation sends those to the force directly")
no_identifiers = NoIdentifiers(NO_IDENTIFIERS)
DATE_HINT = "For example, 27 3 2026"


class OrganisationForm(FlaskForm):
    """A partner organisation."""

    version = HiddenField()
    partnership = RecordSelectField("Hub", blank="Select the hub",
                                    description="The partnership whose team runs the hub",
                                    validators=[InputRequired("Select the hub")])
    name = StringField("Name", widget=GovTextInput(), validators=[
        InputRequired("Enter the organisation's name"),
        Length(max=200, message="Name must be 200 characters or fewer")])
    description = WTTextAreaField("What the organisation does (optional)", widget=GovTextArea(),
                                  validators=[text_limit("What the organisation does")])
    website = StringField("Website (optional)", widget=GovTextInput(), validators=[
        Length(max=254, message="Website must be 254 characters or fewer")])
    account_agency = RecordSelectField(
        "The organisation in the register (optional)", blank="Not in the register",
        description="People whose accounts work for this agency are the organisation's own")
    records_own = RadioField(
        "May the organisation's own accounts record its referrals?", widget=GovRadioInput(),
        choices=[("yes", "Yes"), ("no", "No, only the hub records them")], default="no",
        validators=[InputRequired("Say whether its own accounts may record referrals")])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, hubs: Iterable[Partnership] = (),
                 agencies: Iterable[Agency] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership.offer(hubs)
        self.account_agency.offer(agencies)
        if not self.is_submitted() and kwargs.get("obj") is not None:
            self.records_own.data = "yes" if kwargs["obj"].records_own else "no"

    def values(self) -> dict[str, Any]:
        """The organisation's fields as the model stores them."""
        return {"partnership_id": self.partnership.record.id,
                "name": (self.name.data or "").strip(),
                "description": (self.description.data or "").strip(),
                "website": (self.website.data or "").strip(),
                "account_agency": self.account_agency.record,
                "records_own": self.records_own.data == "yes"}


class ContactForm(FlaskForm):
    """A contact at a partner organisation: work details only."""

    version = HiddenField()
    name = StringField("Name", widget=GovTextInput(), validators=[
        InputRequired("Enter the contact's name"),
        Length(max=120, message="Name must be 120 characters or fewer")])
    job_title = StringField("Job title (optional)", widget=GovTextInput(), validators=[
        Length(max=120, message="Job title must be 120 characters or fewer")])
    work_email = StringField("Work email (optional)", widget=GovTextInput(), validators=[
        Optional(), Email("Enter a work email in the right format, like name@example.org"),
        Length(max=254, message="Work email must be 254 characters or fewer")])
    work_phone = StringField("Work phone (optional)", widget=GovTextInput(), validators=[
        Length(max=40, message="Work phone must be 40 characters or fewer")])
    submit = SubmitField("Save contact", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """The contact's fields as the model stores them."""
        return {name: (getattr(self, name).data or "").strip()
                for name in ("name", "job_title", "work_email", "work_phone")}


class MemorandumForm(FlaskForm):
    """A version of an organisation's memorandum of understanding."""

    version = HiddenField()
    version_label = StringField("Version", widget=GovTextInput(),
                                description="As written on the memorandum, for example 2.1",
                                validators=[InputRequired("Enter the memorandum's version"),
                                            Length(max=40, message="Version must be 40 "
                                                   "characters or fewer")])
    status = RadioField("Status", widget=GovRadioInput(),
                        choices=[(s.value, s.label) for s in MemorandumStatus],
                        validators=[InputRequired("Select the memorandum's status")])
    signed_on = DayMonthYearField("Date signed (optional)", description=DATE_HINT)
    review_on = DayMonthYearField("Review date (optional)", description=(
        "The hub is reminded before it; once it passes, the memorandum is no longer in force "
        "until it is renewed"))
    referral_types = SelectMultipleField(
        "Referrals it covers", widget=GovCheckboxesInput(), description="Select all that apply",
        validators=[InputRequired("Select what the memorandum covers")])
    notes = WTTextAreaField("Notes (optional)", widget=GovTextArea(),
                            validators=[text_limit("Notes"), no_identifiers])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, types: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.referral_types.choices = [(t, t) for t in types]

    def values(self) -> dict[str, Any]:
        """The memorandum's fields as the model stores them."""
        return {"version_label": (self.version_label.data or "").strip(),
                "status": MemorandumStatus(self.status.data),
                "signed_on": self.signed_on.data, "review_on": self.review_on.data,
                "referral_types": list(self.referral_types.data or []),
                "notes": (self.notes.data or "").strip()}


def _count(label: str) -> WholeNumberField:
    return WholeNumberField(f"{label} (optional)", widget=GovTextInput(),
                            description="Leave blank if not known",
                            not_a_number=f"{label} must be a whole number, like 3",
                            validators=[Optional(), NumberRange(
                                min=0, max=9999, message=f"{label} must be 0 to 9,999")])


class ReferralForm(FlaskForm):
    """A complex referral as the hub receives it."""

    version = HiddenField()
    received_on = DayMonthYearField("Date received", required=True, description=DATE_HINT)
    partner = RecordSelectField("Referring organisation", blank="Select an organisation",
                                validators=[InputRequired("Select the referring organisation")])
    referral_type = RadioField("Kind of referral", widget=GovRadioInput(),
                               validators=[InputRequired("Select the kind of referral")])
    reasons = SelectMultipleField(
        "Why it is complex", widget=GovCheckboxesInput(), description="Select all that apply",
        choices=[(r.value, r.label) for r in ComplexityReason],
        validators=[InputRequired("Select why the referral is complex")])
    victims = _count("Number of victims")
    suspects = _count("Number of suspects")
    force_areas = _count("Number of force areas")
    natures = SelectMultipleField("Nature (optional)", widget=GovCheckboxesInput(),
                                  description="Select all that apply")
    summary = WTTextAreaField(
        "Summary", widget=GovTextArea(), description=IDENTIFIER_HINT,
        validators=[InputRequired("Enter a summary of the referral"), text_limit("Summary"),
                    no_identifiers])
    urgency = RadioField("Urgency", widget=GovRadioInput(),
                         choices=[(u.value, u.label) for u in Urgency],
                         validators=[InputRequired("Select the urgency")])
    immediate_risk = RadioField(
        "Is there an immediate risk that needs action today?", widget=GovRadioInput(),
        choices=[("yes", "Yes"), ("no", "No")],
        validators=[InputRequired("Say whether there is an immediate risk")])
    immediate_risk_note = WTTextAreaField(
        "The immediate risk and the action needed today (if there is one)",
        widget=GovTextArea(), description=IDENTIFIER_HINT,
        validators=[text_limit("The immediate risk"), no_identifiers])
    submit = SubmitField("Save referral", widget=GovSubmitInput())

    def __init__(self, *args: Any, organisations: Iterable[PartnerOrganisation] = (),
                 types: Iterable[str] = (), natures: Iterable[str] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partner.offer(organisations)
        self.referral_type.choices = [(t, t) for t in types]
        self.natures.choices = [(n, n) for n in natures]
        if not self.is_submitted() and kwargs.get("obj") is not None:
            self.immediate_risk.data = "yes" if kwargs["obj"].immediate_risk else "no"

    def values(self) -> dict[str, Any]:
        """The referral's fields as the model stores them."""
        return {"received_on": self.received_on.data, "partner": self.partner.record,
                "referral_type": self.referral_type.data,
                "reasons": [r.value for r in ComplexityReason if r.value in (self.reasons.data
                                                                             or [])],
                "victims": self.victims.data, "suspects": self.suspects.data,
                "force_areas": self.force_areas.data,
                "natures": [n for n, _ in self.natures.choices if n in (self.natures.data or [])],
                "summary": (self.summary.data or "").strip(),
                "urgency": Urgency(self.urgency.data),
                "immediate_risk": self.immediate_risk.data == "yes",
                "immediate_risk_note": (self.immediate_risk_note.data or "").strip()}


class RouteForm(FlaskForm):
    """Routing a referral to a force or partnership."""

    kind = RadioField("Routed to", widget=GovRadioInput(),
                      choices=[(k.value, k.label) for k in RouteKind],
                      validators=[InputRequired("Select a police force or a partnership")])
    force = RecordSelectField("Police force in the register", blank="Not in the register")
    routed_partnership = RecordSelectField("Partnership in the register",
                                           blank="Not in the register")
    other_name = StringField(
        "Or its name, if it is not in the register", widget=GovTextInput(),
        validators=[Length(max=200, message="The name must be 200 characters or fewer")])
    routed_on = DayMonthYearField("Date routed", required=True, description=DATE_HINT)
    submit = SubmitField("Route referral", widget=GovSubmitInput())

    def __init__(self, *args: Any, forces: Iterable[Agency] = (),
                 partnerships: Iterable[Partnership] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.force.offer(forces)
        self.routed_partnership.offer(partnerships)

    def values(self) -> dict[str, Any]:
        """What the routing step needs."""
        return {"kind": RouteKind(self.kind.data), "force": self.force.record,
                "routed_partnership": self.routed_partnership.record,
                "other_name": (self.other_name.data or "").strip(),
                "routed_on": self.routed_on.data}


class ResponseForm(FlaskForm):
    """A force's or partnership's acknowledgement and outcome."""

    version = HiddenField()
    acknowledged_on = DayMonthYearField("Date acknowledged (optional)", description=DATE_HINT)
    decided_on = DayMonthYearField("Date of the decision (optional)", description=DATE_HINT)
    outcome = SelectField("Outcome (optional)", widget=GovSelect(),
                          choices=[("", "Not decided yet")] + [(o.value, o.label)
                                                               for o in Outcome])
    outcome_note = WTTextAreaField("About the outcome (optional)", widget=GovTextArea(),
                                   description=IDENTIFIER_HINT,
                                   validators=[text_limit("About the outcome"), no_identifiers])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """The route's answer as the model stores it."""
        return {"acknowledged_on": self.acknowledged_on.data,
                "decided_on": self.decided_on.data,
                "outcome": Outcome(self.outcome.data) if self.outcome.data else None,
                "outcome_note": (self.outcome_note.data or "").strip()}


class CloseForm(FlaskForm):
    """Closing a referral."""

    closed_on = DayMonthYearField("Date closed", required=True, description=DATE_HINT)
    closing_note = WTTextAreaField("Why it is closed (optional)", widget=GovTextArea(),
                                   description=IDENTIFIER_HINT,
                                   validators=[text_limit("Why it is closed"), no_identifiers])
    submit = SubmitField("Close referral", widget=GovSubmitInput())


class ReportForm(FlaskForm):
    """Which reporting year the report counts (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    year = SelectField("Year received", widget=GovSelect(), validators=[Optional()])
    partnership = SelectField("Partnership concerned", widget=GovSelect(),
                              validators=[Optional()],
                              description="Referrals routed to a force or partnership of it")
    submit = SubmitField("Show", widget=GovSubmitInput())

    def __init__(self, *args: Any, years: Iterable[tuple[int, str]] = (),
                 partnerships: Iterable[Partnership] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year.choices = [(str(year), label) for year, label in years]
        self.partnership.choices = [("", "Every partnership")] + [
            (str(p.id), p.name) for p in partnerships]

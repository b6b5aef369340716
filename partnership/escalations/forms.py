"""The forms of the escalations log: an escalation, and the log's filters."""

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
)
from wtforms import HiddenField, RadioField, SelectField, SelectMultipleField, SubmitField
from wtforms import TextAreaField as WTTextAreaField
from wtforms.validators import InputRequired, Optional

from partnership.escalations.models import EscalationStage
from partnership.kernel.identifiers import NoIdentifiers
from partnership.register.forms import DayMonthYearField, RecordsField, text_limit
from partnership.register.forms.agencies import RecordSelectField
from partnership.register.models import Agency

NO_IDENTIFIERS = ("Escalations record what the difference between agencies was about, never a "
                  "child's or family member's details.")
IDENTIFIER_HINT = ("Do not include names, dates of birth, addresses, postcodes or NHS numbers: "
                   "describe the difference, not the family")


no_identifiers = NoIdentifiers(NO_IDENTIFIERS)


class EscalationForm(FlaskForm):
    """An escalation or professional difference between agencies."""

    version = HiddenField()
    raised_on = DayMonthYearField("Date it was raised", required=True,
                                  description="For example, 14 3 2026")
    raised_by = RecordSelectField("Agency that raised it", blank="Select an agency",
                                  validators=[InputRequired("Select the agency that raised it")])
    raised_with = RecordSelectField(
        "Agency it was raised with", blank="Select an agency",
        validators=[InputRequired("Select the agency it was raised with")])
    other_agencies = RecordsField("Other agencies involved (optional)",
                                   description="Select all that apply")
    stage = RadioField(
        "Stage reached", widget=GovRadioInput(),
        choices=[(stage.value, stage.label) for stage in EscalationStage],
        description="The highest stage of the escalation policy it reached",
        validators=[InputRequired("Select the stage it reached")])
    summary = WTTextAreaField(
        "What the difference was about", widget=GovTextArea(), description=IDENTIFIER_HINT,
        validators=[InputRequired("Say what the difference was about"),
                    text_limit("What the difference was about"), no_identifiers])
    themes = SelectMultipleField("Themes", widget=GovCheckboxesInput(),
                                 description="Select all that apply")
    resolved_on = DayMonthYearField("Date it was resolved (optional)",
                                    description="Leave blank while it is open")
    resolution = WTTextAreaField(
        "How it was resolved (optional)", widget=GovTextArea(), description=IDENTIFIER_HINT,
        validators=[text_limit("How it was resolved"), no_identifiers])
    learning = WTTextAreaField(
        "Learning (optional)", widget=GovTextArea(),
        description="What the agencies or the partnership learned from it",
        validators=[text_limit("Learning"), no_identifiers])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args: Any, agencies: Iterable[Agency] = (), themes: Iterable[str] = (),
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offered = list(agencies)
        self.raised_by.offer(offered)
        self.raised_with.offer(offered)
        self.other_agencies.offer(offered)
        self.themes.choices = [(theme, theme) for theme in themes]

    def values(self) -> dict[str, Any]:
        """Return the escalation's fields as the model stores them."""
        return {
            "raised_on": self.raised_on.data,
            "raised_by": self.raised_by.record,
            "raised_with": self.raised_with.record,
            "other_agencies": [agency for agency in self.other_agencies.records
                               if agency not in (self.raised_by.record,
                                                 self.raised_with.record)],
            "stage": EscalationStage(self.stage.data),
            "summary": (self.summary.data or "").strip(),
            "themes": list(self.themes.data or []),
            "resolved_on": self.resolved_on.data,
            "resolution": (self.resolution.data or "").strip(),
            "learning": (self.learning.data or "").strip(),
        }


class EscalationFilterForm(FlaskForm):
    """Which escalations the log lists (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    status = SelectField("Open or resolved", widget=GovSelect(), validators=[Optional()],
                         choices=[("", "Open and resolved"), ("open", "Open"),
                                  ("resolved", "Resolved")])
    stage = SelectField("Stage reached", widget=GovSelect(), validators=[Optional()],
                        choices=[("", "Any stage")] + [(s.value, s.label)
                                                       for s in EscalationStage])
    theme = SelectField("Theme", widget=GovSelect(), validators=[Optional()])
    agency = SelectField("Agency involved", widget=GovSelect(), validators=[Optional()])
    year = SelectField("Year raised", widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Filter", widget=GovSubmitInput())

    def __init__(self, *args: Any, themes: Iterable[str] = (), agencies: Iterable[Agency] = (),
                 years: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.theme.choices = [("", "Any theme")] + [(theme, theme) for theme in themes]
        self.agency.choices = [("", "Any agency")] + [(str(a.id), a.name) for a in agencies]
        self.year.choices = [("", "Any year")] + [(str(year), label) for year, label in years]

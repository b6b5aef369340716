"""Forms for the yearly report: starting one, its narrative, settings and copies sent."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from partnership.register.forms import DayMonthYearField
from partnership.register.forms.agencies import WholeNumberField
from partnership.reports.services import (
    COPIES_WITHIN_DAYS,
    DEADLINE_MONTHS,
    RECIPIENT_MAX_LENGTH,
    WARNING_DAYS,
)

NARRATIVE_MAX_LENGTH = 20_000
RECIPIENTS_MAX_LENGTH = 4_000


class StartReportForm(FlaskForm):
    """The period a new report covers, and its title."""

    period_start = DayMonthYearField("First day of the period", required=True,
                                     description="For example, 1 4 2024")
    period_end = DayMonthYearField("Last day of the period", required=True,
                                   description="For example, 31 3 2025")
    title = StringField(
        "Title of the report",
        widget=GovTextInput(),
        description="It is printed on the cover and shown in the list of reports.",
        validators=[InputRequired("Enter a title for the report"),
                    Length(max=200, message="Title must be 200 characters or fewer")],
    )
    submit = SubmitField("Start the report", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the period and title as the services take them."""
        return {"start": self.period_start.data, "end": self.period_end.data,
                "title": self.title.data or ""}


class ReportNarrativeForm(FlaskForm):
    """One narrative section of a report (or the scrutineer's assessment), in Markdown."""

    version = HiddenField()
    markdown = TextAreaField(
        "Text",
        widget=GovTextArea(),
        validators=[Length(max=NARRATIVE_MAX_LENGTH,
                           message=f"Text must be {NARRATIVE_MAX_LENGTH:,} characters or fewer")],
    )
    submit = SubmitField("Save section", widget=GovSubmitInput())


class ReportSettingsForm(FlaskForm):
    """When the report is due, when the dashboard warns, and who gets a copy."""

    version = HiddenField()
    deadline_months = WholeNumberField(
        "Months after the period ends by which the report is published",
        description="For example, 6: a report on a year ending 31 March is due by 30 September",
        not_a_number="Months must be a whole number, like 6",
        validators=[InputRequired("Enter the months after the period ends"),
                    NumberRange(*DEADLINE_MONTHS, message="Months to publish in must be "
                                f"between {DEADLINE_MONTHS[0]} and {DEADLINE_MONTHS[1]}")])
    warning_days = WholeNumberField(
        "Days before the deadline the home page starts to warn",
        description="For example, 56 for 8 weeks",
        not_a_number="Days must be a whole number, like 56",
        validators=[InputRequired("Enter the days of warning"),
                    NumberRange(*WARNING_DAYS, message="Days of warning must be between "
                                f"{WARNING_DAYS[0]} and {WARNING_DAYS[1]}")])
    copies_within_days = WholeNumberField(
        "Days after publication by which copies are sent",
        description="For example, 7",
        not_a_number="Days must be a whole number, like 7",
        validators=[InputRequired("Enter the days to send copies in"),
                    NumberRange(*COPIES_WITHIN_DAYS, message="Days to send copies in must be "
                                f"between {COPIES_WITHIN_DAYS[0]} and {COPIES_WITHIN_DAYS[1]}")])
    recipients = TextAreaField(
        "Who gets a copy after publication",
        widget=GovTextArea(),
        description="One organisation per line",
        validators=[InputRequired("Enter at least one recipient, one per line"),
                    Length(max=RECIPIENTS_MAX_LENGTH,
                           message=f"Recipients must be {RECIPIENTS_MAX_LENGTH:,} characters "
                                   "or fewer")])
    submit = SubmitField("Save settings", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the settings as the model stores them."""
        return {"deadline_months": self.deadline_months.data,
                "warning_days": self.warning_days.data,
                "copies_within_days": self.copies_within_days.data,
                "recipients": (self.recipients.data or "").replace("\r\n", "\n")}


class CopySentForm(FlaskForm):
    """A copy of a published report sent to someone."""

    recipient = StringField(
        "Sent to",
        widget=GovTextInput(),
        validators=[InputRequired("Enter who the copy was sent to"),
                    Length(max=RECIPIENT_MAX_LENGTH,
                           message=f"Sent to must be {RECIPIENT_MAX_LENGTH} characters or fewer")],
    )
    sent_on = DayMonthYearField("Date sent", required=True, description="For example, 7 10 2025")
    how = StringField(
        "How it was sent (optional)",
        widget=GovTextInput(),
        description="For example, by email to the panel's inbox",
        validators=[Length(max=200, message="How it was sent must be 200 characters or fewer")],
    )
    submit = SubmitField("Record the copy", widget=GovSubmitInput())

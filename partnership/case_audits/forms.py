"""The forms of case audits: the audit, a question, a case in the sample, the agencies
asked, a step between stages, an agency's return and moderation.

Free text about cases (references, notes, comments, findings) passes the identifier guard
in the services, which names the field at fault; these forms check only lengths and blanks.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import HiddenField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from partnership.case_audits.services import NOTE_MAX, REFERENCE_MAX, TEXT_MAX, TITLE_MAX
from partnership.evidence.forms import EvidenceField
from partnership.register.forms import DayMonthYearField
from partnership.register.forms.agencies import RecordSelectField

NO_IDENTIFIERS = ("Use the audit's own reference only: never a name, date of birth, address, "
                  "postcode or NHS number.")


def _text(limit: int, what: str) -> Length:
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")


class AuditForm(FlaskForm):
    """An audit's title, theme, group, scale and dates (``version``: as opened)."""

    version = HiddenField()
    title = StringField(
        "Title", widget=GovTextInput(),
        description="For example, Neglect: recognising cumulative harm in children under five",
        validators=[InputRequired("Enter a title for the audit"), _text(TITLE_MAX, "Title")])
    theme = TextAreaField(
        "Theme: what the audit looks at, and why", widget=GovTextArea(),
        validators=[_text(TEXT_MAX, "Theme")])
    body = RecordSelectField("Group running the audit", blank="Select a group",
                             validators=[InputRequired("Select the group running the audit")])
    scale = RecordSelectField(
        "Grading scale", blank="Select a scale",
        description="Agencies grade each question for each case on this scale.",
        validators=[InputRequired("Select the scale the agencies grade on")])
    returns_due = DayMonthYearField("Returns due", description="For example, 27 3 2027")
    moderation_on = DayMonthYearField("Moderation date")
    moderation_meeting = RecordSelectField(
        "Meeting the moderation is held at (optional)", blank="Not at a meeting")
    submit = SubmitField("Save the audit", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the audit's fields as the service takes them."""
        return {"title": self.title.data or "", "theme": self.theme.data or "",
                "body": self.body.record, "scale": self.scale.record,
                "returns_due": self.returns_due.data, "moderation_on": self.moderation_on.data,
                "moderation_meeting": self.moderation_meeting.record}


class QuestionForm(FlaskForm):
    """A question every agency answers for each case, with guidance for those answering."""

    version = HiddenField()
    text = TextAreaField("Question", widget=GovTextArea(),
                         validators=[InputRequired("Enter the question"),
                                     _text(TEXT_MAX, "Question")])
    guidance = TextAreaField(
        "Guidance for those answering (optional)", widget=GovTextArea(),
        description="What good practice looks like, where to look in the records.",
        validators=[_text(TEXT_MAX, "Guidance")])
    submit = SubmitField("Save the question", widget=GovSubmitInput())

    def values(self) -> dict[str, Any]:
        """Return the question's fields."""
        return {"text": self.text.data or "", "guidance": self.guidance.data or ""}


class CaseForm(FlaskForm):
    """A case in the sample, by its pseudonymous audit reference only."""

    reference = StringField(
        "Audit reference", widget=GovTextInput(),
        description=f"For example, Audit 12/1. {NO_IDENTIFIERS}",
        validators=[InputRequired("Enter the case's audit reference, for example Audit 12/1"),
                    _text(REFERENCE_MAX, "Reference")])
    note = StringField(
        "Why it was chosen (optional)", widget=GovTextInput(),
        description="For example, Child aged 3, repeated missed health appointments. "
                    "Nothing that identifies a child or family.",
        validators=[_text(NOTE_MAX, "Note")])
    submit = SubmitField("Add the case", widget=GovSubmitInput())


class AgenciesForm(FlaskForm):
    """The agencies asked to send a return."""

    agencies = SelectMultipleField("Agencies asked", widget=GovCheckboxesInput(), choices=[],
                                   description="Each agency asked is sent a return to "
                                               "complete for every case in the sample.")
    submit = SubmitField("Save the agencies asked", widget=GovSubmitInput())


class StageForm(FlaskForm):
    """Move the audit on to the stage named (the button pressed says which)."""

    to = HiddenField()


class ReturnForm(FlaskForm):
    """An agency's summary and the button pressed; the grid's grades and comments are read
    from the request by cell (``grade-<case>-<question>``, ``comment-<case>-<question>``)."""

    summary = TextAreaField(
        "Summary of your agency's practice across these cases", widget=GovTextArea(),
        description="What went well, what did not, and what your agency will do about it. "
                    + NO_IDENTIFIERS,
        validators=[_text(TEXT_MAX, "Summary")])
    evidence = EvidenceField()
    save = SubmitField("Save as a draft", widget=GovSubmitInput())
    send = SubmitField("Send the return", widget=GovSubmitInput())


class ModerationForm(FlaskForm):
    """The audit's findings, good practice and learning; the questions' agreed grades and
    findings, and new actions, are read from the request by name."""

    version = HiddenField()
    findings = TextAreaField("Findings of the audit", widget=GovTextArea(),
                             validators=[_text(TEXT_MAX, "Findings")])
    good_practice = TextAreaField("Good practice seen", widget=GovTextArea(),
                                  validators=[_text(TEXT_MAX, "Good practice")])
    learning = TextAreaField("Learning for the partnership", widget=GovTextArea(),
                             validators=[_text(TEXT_MAX, "Learning")])
    submit = SubmitField("Save moderation", widget=GovSubmitInput())

"""Forms of the publishing workflow: a sign-off with its comment, and naming a deputy."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from partnership.register.forms import DayMonthYearField, optional_id

COMMENT_MAX_LENGTH = 1000


class SignOffForm(FlaskForm):
    """A partner's sign-off of the draft as it reads now, with an optional comment."""

    comment = TextAreaField(
        "Comment (optional)",
        widget=GovTextArea(),
        description="For example, a condition or something the team should know. It is "
                    "shown with your sign-off in the app, not printed in the document.",
        validators=[Length(max=COMMENT_MAX_LENGTH,
                           message=f"Comment must be {COMMENT_MAX_LENGTH:,} characters or "
                                   "fewer")],
    )
    submit = SubmitField("Sign off", widget=GovSubmitInput())


class DelegationForm(FlaskForm):
    """A representative names a deputy who may sign off for them, from a date."""

    lead = SelectField("Who is delegating", coerce=optional_id, widget=GovSelect(),
                       validators=[InputRequired("Select who is delegating")])
    deputy = SelectField("Deputy", coerce=optional_id, widget=GovSelect(),
                         description="The person who may sign off for them. They need an "
                                     "account linked to their entry in the register.",
                         validators=[InputRequired("Select the deputy")])
    starts_on = DayMonthYearField("Start date", required=True,
                                  description="For example, 1 3 2026")
    ends_on = DayMonthYearField("End date (optional)",
                                description="Leave empty if it lasts until it is ended")
    submit = SubmitField("Name this deputy", widget=GovSubmitInput())

"""Forms of the publishing workflow: a sign-off with its comment, naming a deputy, and a
version entered with the signatures it carried on paper."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import SelectField, StringField, SubmitField, TextAreaField
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


class PaperVersionForm(FlaskForm):
    """A draft entered as published on an earlier date with the signatures it carried on
    paper: the date published, and who signed for each statutory partner, in what post and on
    what date. The view names each partner in the labels; the rules are the workflow's
    (``workflow.paper_problems``)."""

    published_on = DayMonthYearField("Date published",
                                     description="The date on the published document. For "
                                                 "example, 3 5 2019")
    signed_by_1 = StringField("Name", widget=GovTextInput())
    role_1 = StringField("Post", widget=GovTextInput())
    signed_on_1 = DayMonthYearField("Date signed")
    signed_by_2 = StringField("Name", widget=GovTextInput())
    role_2 = StringField("Post", widget=GovTextInput())
    signed_on_2 = DayMonthYearField("Date signed")
    signed_by_3 = StringField("Name", widget=GovTextInput())
    role_3 = StringField("Post", widget=GovTextInput())
    signed_on_3 = DayMonthYearField("Date signed")
    submit = SubmitField("Publish with these signatures", widget=GovSubmitInput())

    def name_partners(self, partners: list[str]) -> None:
        """Say in each label which partner the signature is for."""
        for n, partner in enumerate(partners, start=1):
            self[f"signed_by_{n}"].label.text = f"Name of who signed for {partner}"
            self[f"role_{n}"].label.text = f"Post of who signed for {partner}"
            self[f"signed_on_{n}"].label.text = f"Date {partner} signed"

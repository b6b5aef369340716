"""The audit log search form (a GET form: it changes nothing)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import DateField, SelectField, StringField, SubmitField
from wtforms.validators import Length, Optional

from partnership.audit.services import ACTIONS


class AuditSearchForm(FlaskForm):
    """Filters for the audit log."""

    class Meta:
        csrf = False  # a search reads; it never changes state

    actor = StringField("User (email contains)", widget=GovTextInput(),
                        validators=[Optional(), Length(max=254)])
    action = SelectField("Action", widget=GovSelect(),
                         choices=[("", "Any action")] + [(a, a) for a in ACTIONS],
                         validators=[Optional()])
    record_type = StringField("Record type", widget=GovTextInput(),
                              description="For example, user_account",
                              validators=[Optional(), Length(max=60)])
    record_id = StringField("Record ID", widget=GovTextInput(),
                            validators=[Optional(), Length(max=60)])
    date_from = DateField("From (YYYY-MM-DD)", widget=GovTextInput(),
                          validators=[Optional()], format="%Y-%m-%d")
    date_to = DateField("To (YYYY-MM-DD)", widget=GovTextInput(),
                        validators=[Optional()], format="%Y-%m-%d")
    submit = SubmitField("Search", widget=GovSubmitInput())

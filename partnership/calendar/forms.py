"""Forms for a user's calendar feed: make (or replace) its address, or stop it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField


class IssueFeedForm(FlaskForm):
    """Make a new feed address; an existing one stops working."""

    submit = SubmitField("Create a feed address", widget=GovSubmitInput())


class RevokeFeedForm(FlaskForm):
    """Stop the feed: its address stops working at once."""

    submit = SubmitField("Stop the feed", widget=GovSubmitInput())

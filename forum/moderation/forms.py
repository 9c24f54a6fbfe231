"""Moderation forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice


class DecisionForm(FlaskForm):
    """A moderator's decision on a verification."""

    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice("approve", _l("Approve")),
            SelectChoice("request_info", _l("Ask for more information")),
            SelectChoice("reject", _l("Reject")),
        ],
    )
    reason = TextAreaField(_l("Reason, shown to the applicant (required to reject or ask)"))

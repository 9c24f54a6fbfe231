"""Moderation forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice

from forum.accounts.catalog import SPECIALTIES, choices


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


class ActionForm(FlaskForm):
    """A moderation button: only its CSRF token and the page to come back to."""

    next = HiddenField()


class MoveForm(FlaskForm):
    """Move a case to another specialty."""

    specialty = SelectField(_l("Specialty the case concerns"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.specialty.choices = choices(SPECIALTIES)


class RevealForm(FlaskForm):
    """Ask a second moderator to approve learning who wrote an anonymous post."""

    reason = TextAreaField(_l("Why must the author be known? (required, kept in the audit log)"))

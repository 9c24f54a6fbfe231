"""Case forms: they carry fields and CSRF; the rules live in the services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from forum.accounts.catalog import SPECIALTIES, choices

QUESTION_TYPES = {
    "diagnosis": _l("Diagnosis"),
    "treatment": _l("Treatment"),
    "referral": _l("Referral"),
    "administrative": _l("Administrative"),
    "other": _l("Other"),
}
SEXES = {"female": _l("Female"), "male": _l("Male"), "other": _l("Other")}
AGE_BANDS = {
    "<1": _l("under 1 year"),
    **{
        band: _l("%(band)s years", band=band.replace("-", "–"))
        for band in ("1-9", "10-19", "20-29", "30-39", "40-49", "50-59", "60-69", "70-79", "80-89")
    },
    "90+": _l("90 years or more"),
}
CONFIRM_LABEL = _l("I have checked: this text identifies no patient")


class CaseForm(FlaskForm):
    """A new case."""

    title = StringField(_l("Title"))
    specialty = SelectField(_l("Specialty concerned"))
    question_type = SelectField(_l("Type of question"))
    age_band = SelectField(_l("Patient's age band (optional)"))
    patient_sex = SelectField(_l("Patient's sex (optional)"))
    tags = StringField(_l("Tags, separated by commas"))
    body = TextAreaField(_l("The case (Markdown)"))
    anonymous = BooleanField(_l("Publish anonymously to members (colleagues see only your profession and specialty)"))
    confirm_no_patient_data = BooleanField(CONFIRM_LABEL)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.specialty.choices = choices(SPECIALTIES)
        self.question_type.choices = choices(QUESTION_TYPES)
        self.age_band.choices = [SelectChoice("", "—"), *choices(AGE_BANDS)]
        self.patient_sex.choices = [SelectChoice("", "—"), *choices(SEXES)]


class ReplyForm(FlaskForm):
    """A reply, possibly quoting another post."""

    body = TextAreaField(_l("Your reply (Markdown)"))
    quoted_post_id = HiddenField()
    confirm_no_patient_data = BooleanField(CONFIRM_LABEL)


class EditForm(FlaskForm):
    """A changed post (and title, for the opening post)."""

    title = StringField(_l("Title"))
    body = TextAreaField(_l("Text (Markdown)"))
    confirm_no_patient_data = BooleanField(CONFIRM_LABEL)


class OutcomeForm(FlaskForm):
    """What happened to the patient."""

    outcome = TextAreaField(_l("What happened to the patient? (Markdown)"))
    confirm_no_patient_data = BooleanField(CONFIRM_LABEL)


class FlagForm(FlaskForm):
    """A report to the moderators."""

    reason = TextAreaField(_l("Why should a moderator look at this post?"))

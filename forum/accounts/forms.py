"""Account forms: they carry fields and CSRF; the rules live in the services."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from forum.accounts.catalog import COUNTRIES, ID_TYPES, PROFESSIONS, SPECIALTIES, choices


class SignupForm(FlaskForm):
    """Everything a clinician gives to join."""

    email = EmailField(_l("E-mail address"), render_kw={"autocomplete": "email"})
    password = PasswordField(_l("Password (at least 12 characters)"), render_kw={"autocomplete": "new-password"})
    first_name = StringField(_l("First name (private)"), render_kw={"autocomplete": "given-name"})
    last_name = StringField(_l("Last name (private)"), render_kw={"autocomplete": "family-name"})
    pseudonym = StringField(_l("Pseudonym (public)"), render_kw={"autocomplete": "nickname"})
    profession = SelectField(_l("Profession"))
    specialty = SelectField(_l("Specialty (physicians)"))
    country = SelectField(_l("Country of practice"))
    region = StringField(_l("Département (optional, France)"))
    id_type = SelectField(_l("Professional ID"))
    id_number = StringField(_l("ID number"))
    evidence = FileField(_l("Proof of practice (optional: PDF, JPEG or PNG, 5 MB at most)"))
    accept_charter = BooleanField(_l("I have read and accept the charter"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.profession.choices = choices(PROFESSIONS)
        self.specialty.choices = [SelectChoice("", "—"), *choices(SPECIALTIES)]
        self.country.choices = choices(COUNTRIES)
        self.id_type.choices = choices(ID_TYPES)


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = EmailField(_l("E-mail address"), render_kw={"autocomplete": "email"})
    password = PasswordField(_l("Password"), render_kw={"autocomplete": "current-password"})


class CodeForm(FlaskForm):
    """A TOTP code from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code from your authenticator app, or a recovery code"),
        render_kw={"autocomplete": "one-time-code", "inputmode": "text"},
    )


class EmailForm(FlaskForm):
    """An address to send a link to."""

    email = EmailField(_l("E-mail address"), render_kw={"autocomplete": "email"})


class NewPasswordForm(FlaskForm):
    """The new password of a reset."""

    password = PasswordField(_l("New password (at least 12 characters)"), render_kw={"autocomplete": "new-password"})


class FirstAdminForm(FlaskForm):
    """The first administrator's account."""

    email = EmailField(_l("E-mail address"), render_kw={"autocomplete": "email"})
    password = PasswordField(_l("Password (at least 12 characters)"), render_kw={"autocomplete": "new-password"})
    pseudonym = StringField(_l("Pseudonym (public)"), render_kw={"autocomplete": "nickname"})


class InfoReplyForm(FlaskForm):
    """An applicant's answer to a moderator's question."""

    message = TextAreaField(_l("Your answer"))
    evidence = FileField(_l("A new document (optional: PDF, JPEG or PNG, 5 MB at most)"))


class LocaleForm(FlaskForm):
    """The language switcher."""

    locale = SelectField(_l("Language"), choices=[SelectChoice("fr", "Français"), SelectChoice("en", "English")])


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for buttons such as log out."""


class PreferencesForm(FlaskForm):
    """Declared conflicts of interest and mail preferences."""

    coi_declaration = TextAreaField(
        _l("Links with industry (conflicts of interest), shown on your profile; leave empty if none")
    )
    notify_replies_by_email = BooleanField(_l("Send me an e-mail when a colleague answers one of my cases"))

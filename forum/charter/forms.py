"""Charter forms: consent to a sponsor, account deletion. They carry fields and CSRF; services hold the rules."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, RadioField
from wtforms.fields.choices import SelectChoice


class ConsentForm(FlaskForm):
    """Give or withdraw consent for one organisation."""

    organisation = HiddenField()
    action = HiddenField()


class DeleteAccountForm(FlaskForm):
    """The password, what becomes of the posts, and an explicit confirmation."""

    password = PasswordField(_l("Your password"), render_kw={"autocomplete": "current-password"})
    posts = RadioField(
        _l("Your cases and replies"),
        choices=[
            SelectChoice("keep", _l('Keep them, signed "former member"')),
            SelectChoice("delete", _l("Delete them")),
        ],
        default="keep",
    )
    confirm = BooleanField(_l("I understand that my account cannot be restored"))

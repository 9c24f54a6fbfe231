"""Field rules shared by sign-up, the command line and account edits; messages in the user's language."""

import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from forum.accounts.identifiers import InvalidIdentifier, normalize_identifier
from forum.accounts.passwords import MAX_PASSWORD_LENGTH, is_common_password
from forum.accounts.pseudonyms import InvalidPseudonym, normalize_pseudonym, pseudonym_key
from forum.extensions import db
from forum.models import User


class FieldErrors(Exception):
    """One or more fields were refused; nothing was stored."""

    def __init__(self, fields: dict[str, str], conflict: bool = False):
        super().__init__(fields)
        self.fields = fields
        self.conflict = conflict


def clean_email(raw: str) -> str:
    """A syntactically valid address, lower-cased so that one inbox is one account."""
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise FieldErrors({"email": _("This is not a valid e-mail address.")}) from error


def clean_password(password: str, *, pseudonym: str = "", email: str = "") -> str:
    """A password of at least 12 characters that is not a well-known one."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise FieldErrors({"password": _("Use at least %(n)d characters.", n=minimum)})
    if len(password) > MAX_PASSWORD_LENGTH:
        raise FieldErrors({"password": _("Use at most %(n)d characters.", n=MAX_PASSWORD_LENGTH)})
    folded = password.casefold()
    if is_common_password(password) or folded in {pseudonym.casefold(), email.casefold()}:
        raise FieldErrors({"password": _("This password is too common or too easy to guess. Choose another one.")})
    return password


def clean_name(raw: str, field: str) -> str:
    """A real name: required, printable, at most 100 characters."""
    text = " ".join(unicodedata.normalize("NFC", raw).split())
    if not text:
        raise FieldErrors({field: _("This field is required.")})
    if len(text) > 100 or any(unicodedata.category(c)[0] == "C" for c in text):
        raise FieldErrors({field: _("Use at most 100 characters, without invisible characters.")})
    return text


def clean_pseudonym(raw: str) -> str:
    """A pseudonym nobody else holds, whatever its case or Unicode spelling."""
    try:
        pseudonym = normalize_pseudonym(raw)
    except InvalidPseudonym as error:
        messages = {
            "length": _("A pseudonym must have 3 to 30 characters."),
            "invisible": _("A pseudonym cannot contain invisible or direction-changing characters."),
            "characters": _("Use letters, digits, spaces, hyphens, dots, apostrophes or underscores."),
        }
        raise FieldErrors({"pseudonym": messages[error.reason]}) from error
    return pseudonym


def pseudonym_taken(pseudonym: str, except_user_id: int | None = None) -> bool:
    """Whether another account already has this pseudonym."""
    query = select(User.id).where(User.pseudonym_key == pseudonym_key(pseudonym))
    if except_user_id is not None:
        query = query.where(User.id != except_user_id)
    return db.session.scalar(query) is not None


def email_taken(email: str) -> bool:
    """Whether an account already uses this address."""
    return db.session.scalar(select(User.id).where(func.lower(User.email) == email)) is not None


def clean_identifier(id_type: str, raw: str) -> str:
    """A professional ID with a valid key."""
    try:
        return normalize_identifier(id_type, raw or "")
    except InvalidIdentifier as error:
        messages = {
            "format": _("Use digits only (spaces are fine)."),
            "length": _("This number does not have the right number of digits."),
            "checksum": _("This number is not valid: its check digits do not match. Check for a typo."),
        }
        raise FieldErrors({"id_number": messages[error.reason]}) from error


def identifier_taken(id_type: str, number: str) -> bool:
    """Whether another account already registered this professional ID."""
    query = select(User.id).where(User.id_type == id_type, User.id_number == number)
    return db.session.scalar(query) is not None


def collect(errors: dict[str, str], check, *args, **kwargs):
    """Run one rule, adding its message to errors instead of stopping at the first."""
    try:
        return check(*args, **kwargs)
    except FieldErrors as error:
        errors.update(error.fields)
        return None

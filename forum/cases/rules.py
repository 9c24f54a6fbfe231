"""Field rules of cases and posts, shared by the pages and the API."""

import re
import unicodedata

from flask_babel import gettext as _

from forum.accounts.catalog import SPECIALTIES
from forum.accounts.rules import FieldErrors
from forum.models import AGE_BANDS, PATIENT_SEXES, QUESTION_TYPES

MAX_TITLE = 200
MAX_BODY = 20_000
MAX_TAGS = 8
MAX_REASON = 1000
# Larger ids cannot name a row (SQLite and PostgreSQL integers stop at 2**63 - 1).
MAX_ID = 2**63 - 1
TAG_PATTERN = re.compile(r"^[\w]+(?:-[\w]+)*$")


def clean_text(value: object, field: str, maximum: int, required: bool = True) -> str:
    """Text of a form or JSON field: required, at most `maximum` characters."""
    text = unicodedata.normalize("NFC", value).strip() if isinstance(value, str) else ""
    if required and not text:
        raise FieldErrors({field: _("This field is required.")})
    if len(text) > maximum:
        raise FieldErrors({field: _("Use at most %(n)d characters.", n=maximum)})
    return text


def clean_choice(value: object, field: str, allowed: tuple | dict, required: bool = True) -> str | None:
    """A value from a fixed list (or nothing when optional)."""
    if not required and value in (None, ""):
        return None
    if not isinstance(value, str) or value not in allowed:
        raise FieldErrors({field: _("Choose a value from the list.")})
    return value


def clean_id(value: object, field: str, message: str) -> int | None:
    """An optional id sent as a number or a string of ASCII digits; anything else is a field error."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        raise FieldErrors({field: message})
    return value


def clean_tags(value: object) -> list[str]:
    """Tags as lower-case words joined by hyphens: 'Insuffisance cardiaque' -> 'insuffisance-cardiaque'."""
    if value is not None and not isinstance(value, str | list):
        raise FieldErrors({"tags": _("Tags are words separated by commas.")})
    raw = value.split(",") if isinstance(value, str) else value or []
    tags: list[str] = []
    for item in raw:
        if not isinstance(item, str):
            raise FieldErrors({"tags": _("Tags are words separated by commas.")})
        tag = "-".join(unicodedata.normalize("NFKC", item).casefold().split())
        if not tag:
            continue
        if len(tag) > 40 or not TAG_PATTERN.match(tag):
            raise FieldErrors({"tags": _("A tag uses letters, digits and hyphens, 40 characters at most.")})
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise FieldErrors({"tags": _("Use at most %(n)d tags.", n=MAX_TAGS)})
    return tags


def clean_case(data: dict) -> dict:
    """Every field of a new case, checked at once."""
    errors: dict[str, str] = {}
    checks = {
        "title": lambda: clean_text(data.get("title"), "title", MAX_TITLE),
        "body": lambda: clean_text(data.get("body"), "body", MAX_BODY),
        "specialty": lambda: clean_choice(data.get("specialty"), "specialty", SPECIALTIES),
        "question_type": lambda: clean_choice(data.get("question_type"), "question_type", QUESTION_TYPES),
        "age_band": lambda: clean_choice(data.get("age_band"), "age_band", AGE_BANDS, required=False),
        "patient_sex": lambda: clean_choice(data.get("patient_sex"), "patient_sex", PATIENT_SEXES, required=False),
        "tags": lambda: clean_tags(data.get("tags", [])),
    }
    clean = {}
    for name, check in checks.items():
        try:
            clean[name] = check()
        except FieldErrors as error:
            errors.update(error.fields)
    if errors:
        raise FieldErrors(errors)
    return clean

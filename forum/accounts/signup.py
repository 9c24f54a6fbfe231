"""Sign-up: every rule is checked before anything is stored; the account starts as an applicant."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from forum.accounts import rules
from forum.accounts.catalog import COUNTRIES, DEPARTEMENTS, ID_TYPES, ID_TYPES_BY_COUNTRY, PROFESSIONS, SPECIALTIES
from forum.accounts.evidence import CheckedEvidence, InvalidEvidence, check_evidence, remove_evidence, store_evidence
from forum.accounts.passwords import hash_password
from forum.accounts.pseudonyms import pseudonym_key
from forum.extensions import db
from forum.models import Evidence, User, Verification
from forum.models.columns import utcnow


@dataclass
class SignupData:
    """What a sign-up form or API call sends, as plain strings."""

    email: str = ""
    password: str = ""
    first_name: str = ""
    last_name: str = ""
    pseudonym: str = ""
    profession: str = ""
    specialty: str = ""
    country: str = ""
    region: str = ""
    id_type: str = ""
    id_number: str = ""
    accept_charter: bool = False
    locale: str | None = None


TEXT_FIELDS = tuple(name for name in SignupData.__dataclass_fields__ if name not in ("accept_charter", "locale"))


def signup_data(values, accept_charter: bool, locale: str | None) -> SignupData:
    """Build a SignupData from any mapping of submitted values; anything but text counts as empty."""
    texts = {name: values.get(name) for name in TEXT_FIELDS}
    data = SignupData(**{name: value if isinstance(value, str) else "" for name, value in texts.items()})
    data.accept_charter = accept_charter
    data.locale = locale
    return data


@dataclass
class EvidenceUpload:
    """An uploaded file as bytes and the name the user's computer gave it."""

    content: bytes
    filename: str


def evidence_message(reason: str) -> str:
    """Why an evidence file was refused, in the user's language."""
    return {
        "empty": _("The file is empty."),
        "too_large": _("The file is too large: the limit is 5 MB."),
        "type": _("Send a PDF, JPEG or PNG file."),
        "unreadable": _("This file could not be read. Send another copy."),
    }[reason]


def check_signup(data: SignupData) -> dict:
    """Validate every field at once and return the cleaned values, or raise FieldErrors."""
    errors: dict[str, str] = {}
    clean: dict = {}
    clean["email"] = rules.collect(errors, rules.clean_email, data.email)
    clean["pseudonym"] = rules.collect(errors, rules.clean_pseudonym, data.pseudonym)
    clean["password"] = rules.collect(
        errors, rules.clean_password, data.password, pseudonym=data.pseudonym, email=data.email
    )
    clean["first_name"] = rules.collect(errors, rules.clean_name, data.first_name, "first_name")
    clean["last_name"] = rules.collect(errors, rules.clean_name, data.last_name, "last_name")
    clean.update(check_practice(data, errors))
    if not data.accept_charter:
        errors["accept_charter"] = _("Please read and accept the charter.")
    conflicts = find_conflicts(clean)
    if errors or conflicts:
        only_conflicts = not errors
        errors.update({k: v for k, v in conflicts.items() if k not in errors})
        raise rules.FieldErrors(errors, conflict=only_conflicts)
    return clean


def check_practice(data: SignupData, errors: dict[str, str]) -> dict:
    """Profession, specialty, country, région and professional ID."""
    clean: dict = {"profession": None, "specialty": None, "country": None, "region": None}
    if data.profession not in PROFESSIONS:
        errors["profession"] = _("Choose your profession in the list.")
    else:
        clean["profession"] = data.profession
    if data.profession == "physician":
        if data.specialty not in SPECIALTIES:
            errors["specialty"] = _("Choose your specialty in the list.")
        else:
            clean["specialty"] = data.specialty
    if data.country not in COUNTRIES:
        errors["country"] = _("Choose your country in the list.")
    else:
        clean["country"] = data.country
    region = (data.region or "").strip().upper()
    if region and (data.country != "FR" or region not in DEPARTEMENTS):
        errors["region"] = _("Give a French département number, such as 29 or 2A, or leave it empty.")
    clean["region"] = region or None
    clean["id_type"] = data.id_type if data.id_type in ID_TYPES else None
    if clean["id_type"] is None:
        errors["id_type"] = _("Choose the type of your professional ID.")
    elif clean["country"] and clean["id_type"] not in ID_TYPES_BY_COUNTRY[clean["country"]]:
        errors["id_type"] = _("This type of ID is not issued in the country you chose.")
    else:
        clean["id_number"] = rules.collect(errors, rules.clean_identifier, data.id_type, data.id_number)
    return clean


def find_conflicts(clean: dict) -> dict[str, str]:
    """Fields whose value another account already holds."""
    conflicts = {}
    if clean.get("email") and rules.email_taken(clean["email"]):
        conflicts["email"] = _("An account already uses this e-mail address. Log in or reset your password.")
    if clean.get("pseudonym") and rules.pseudonym_taken(clean["pseudonym"]):
        conflicts["pseudonym"] = _("This pseudonym is taken. Choose another one.")
    if clean.get("id_number") and rules.identifier_taken(clean["id_type"], clean["id_number"]):
        conflicts["id_number"] = _("This professional ID is already registered to another account.")
    return conflicts


def register_applicant(data: SignupData, upload: EvidenceUpload | None = None) -> User:
    """Create an applicant account with its pending verification; nothing is kept on refusal."""
    clean = check_signup(data)
    evidence = check_upload(upload)
    user = User(
        email=clean["email"],
        password_hash=hash_password(clean["password"]),
        first_name=clean["first_name"],
        last_name=clean["last_name"],
        pseudonym=clean["pseudonym"],
        pseudonym_key=pseudonym_key(clean["pseudonym"]),
        profession=clean["profession"],
        specialty=clean["specialty"],
        country=clean["country"],
        region=clean["region"],
        id_type=clean["id_type"],
        id_number=clean["id_number"],
        role="member",
        status="applicant",
        locale=data.locale if data.locale in current_app.config["LANGUAGES"] else None,
        charter_version=current_app.config["CHARTER_VERSION"],
        charter_accepted_at=utcnow(),
    )
    db.session.add(user)
    db.session.add(Verification(user=user, trigger="signup", state="pending"))
    attach_evidence(user, evidence)
    return user


def check_upload(upload: EvidenceUpload | None) -> CheckedEvidence | None:
    """Check an optional evidence file, raising a field error on the evidence field."""
    if upload is None or (not upload.content and not upload.filename):
        return None
    try:
        return check_evidence(upload.content, upload.filename)
    except InvalidEvidence as error:
        raise rules.FieldErrors({"evidence": evidence_message(error.reason)}) from error


def attach_evidence(user: User, evidence: CheckedEvidence | None) -> None:
    """Store the file and commit; the file is removed again if the commit fails."""
    stored_name = store_evidence(evidence) if evidence else None
    if evidence:
        db.session.add(
            Evidence(
                user=user,
                stored_name=stored_name,
                original_name=evidence.original_name,
                content_type=evidence.content_type,
                size=len(evidence.content),
            )
        )
    try:
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        if stored_name:
            remove_evidence(stored_name)
        if isinstance(error, IntegrityError):
            # Another sign-up took the same e-mail, pseudonym or ID a moment earlier.
            raise rules.FieldErrors(find_conflicts(clean_fields(user)), conflict=True) from error
        raise


def clean_fields(user: User) -> dict:
    """The unique fields of an account that could not be saved."""
    return {"email": user.email, "pseudonym": user.pseudonym, "id_type": user.id_type, "id_number": user.id_number}

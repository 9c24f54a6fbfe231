"""The fixed lists a sign-up chooses from: professions, specialties, countries, ID types."""

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

PROFESSIONS = {
    "physician": _l("Physician"),
    "nurse": _l("Nurse"),
    "physiotherapist": _l("Physiotherapist"),
    "midwife": _l("Midwife"),
    "pharmacist": _l("Pharmacist"),
    "dentist": _l("Dentist"),
    "psychologist": _l("Psychologist"),
    "other": _l("Other health profession"),
}

# General practice first: most members are GPs. Slugs name chat rooms later on.
SPECIALTIES = {
    "general-practice": _l("General practice"),
    "anesthesiology": _l("Anesthesiology"),
    "cardiology": _l("Cardiology"),
    "dermatology": _l("Dermatology"),
    "emergency-medicine": _l("Emergency medicine"),
    "endocrinology": _l("Endocrinology"),
    "gastroenterology": _l("Gastroenterology"),
    "geriatrics": _l("Geriatrics"),
    "gynecology-obstetrics": _l("Gynecology and obstetrics"),
    "infectious-diseases": _l("Infectious diseases"),
    "internal-medicine": _l("Internal medicine"),
    "nephrology": _l("Nephrology"),
    "neurology": _l("Neurology"),
    "oncology": _l("Oncology"),
    "ophthalmology": _l("Ophthalmology"),
    "otorhinolaryngology": _l("Ear, nose and throat"),
    "pediatrics": _l("Pediatrics"),
    "psychiatry": _l("Psychiatry"),
    "pulmonology": _l("Pulmonology"),
    "radiology": _l("Radiology"),
    "rheumatology": _l("Rheumatology"),
    "surgery": _l("Surgery"),
    "urology": _l("Urology"),
    "other": _l("Other specialty"),
}

COUNTRIES = {
    "FR": _l("France"),
    "BE": _l("Belgium"),
    "US": _l("United States"),
}

ID_TYPES = {
    "rpps": _l("RPPS (France)"),
    "adeli": _l("ADELI (France)"),
    "inami": _l("INAMI / RIZIV (Belgium)"),
    "npi": _l("NPI (United States)"),
}

# Which identifiers a country issues: a Belgian clinician has no RPPS number.
ID_TYPES_BY_COUNTRY = {"FR": ("rpps", "adeli"), "BE": ("inami",), "US": ("npi",)}

# French départements, the finest region a member may choose to show.
DEPARTEMENTS = tuple([f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B", "971", "972", "973", "974", "976"])


def choices(catalog: dict) -> list[SelectChoice]:
    """Options of a select field, in catalogue order, labelled in the reader's language."""
    return [SelectChoice(key, str(label)) for key, label in catalog.items()]


STATUSES = {
    "applicant": _l("Waiting for verification"),
    "verified": _l("Verified"),
    "rejected": _l("Not accepted"),
    "suspended": _l("Suspended"),
}

VERIFICATION_STATES = {
    "pending": _l("Waiting for a moderator"),
    "info_requested": _l("Waiting for the applicant's answer"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
}


def template_labels() -> dict:
    """Functions that templates use to show a stored value in the reader's language."""

    def lookup(catalog: dict):
        return lambda value: str(catalog.get(value, value or ""))

    return {
        "status_label": lookup(STATUSES),
        "state_label": lookup(VERIFICATION_STATES),
        "profession_label": lookup(PROFESSIONS),
        "specialty_label": lookup(SPECIALTIES),
    }
